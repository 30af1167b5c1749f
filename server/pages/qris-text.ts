import type { TextTable } from './texts.js';

/** Texts of the QRIS page. */
export const QRIS_TEXT = {
  id: {
    heading: 'Scan untuk membayar',
    intro: 'Scan kode QR ini dengan aplikasi e-wallet atau mobile banking yang mendukung QRIS.',
    apps: 'GoPay · OVO · DANA · ShopeePay · LinkAja · mobile banking',
    qrAlt: 'Kode QRIS pesanan ini',
    nmid: 'NMID',
    payload: 'Isi QR (stringQr)',
    simulateIntro: 'Tombol ini berperan sebagai aplikasi yang men-scan QR dan membayar: status menjadi PAID dan callback dikirim ke merchant.',
    simulate: 'Simulasikan scan & bayar',
  },
  en: {
    heading: 'Scan to pay',
    intro: 'Scan this QR code with any e-wallet or mobile banking app that supports QRIS.',
    apps: 'GoPay · OVO · DANA · ShopeePay · LinkAja · mobile banking',
    qrAlt: 'QRIS code of this order',
    nmid: 'NMID',
    payload: 'QR payload (stringQr)',
    simulateIntro: 'This button plays the app that scans the QR and pays: the status becomes PAID and the callback is sent to the merchant.',
    simulate: 'Simulate scan & pay',
  },
} as const satisfies TextTable;
