import type { Family } from '../channels/table.js';
import type { Lang, TextTable } from './texts.js';

/** Texts of the payment instructions page (VA, pay code, retail). */
export const PENDING_TEXT = {
  id: {
    heading: 'Selesaikan pembayaran',
    vaNumber: 'Nomor Virtual Account',
    payCode: 'Kode pembayaran',
    amountToPay: 'Jumlah yang harus dibayar',
    exactAmount: 'Bayar tepat sesuai jumlah ini.',
    howToPay: 'Cara membayar',
    closeHint: 'Halaman ini boleh ditutup: merchant akan menerima notifikasi setelah pembayaran masuk.',
    simulateIntro: 'Sandbox tidak terhubung ke bank atau gerai sungguhan. Tombol ini mensimulasikan pembayaran ke kode di atas: status menjadi PAID dan callback dikirim ke merchant.',
    simulate: 'Simulasikan pembayaran',
  },
  en: {
    heading: 'Complete your payment',
    vaNumber: 'Virtual Account number',
    payCode: 'Payment code',
    amountToPay: 'Amount to pay',
    exactAmount: 'Pay exactly this amount.',
    howToPay: 'How to pay',
    closeHint: 'You may close this page: the merchant is notified once the payment arrives.',
    simulateIntro: 'The sandbox is not connected to any real bank or store. This button simulates a payment to the code above: the status becomes PAID and the callback is sent to the merchant.',
    simulate: 'Simulate payment',
  },
} as const satisfies TextTable;

export interface InstructionGroup {
  title: string;
  steps: string[];
}

type InstructedFamily = Extract<Family, 'va' | 'paycode' | 'retail'>;

/** How to pay, per family and language; `{name}` is the channel (bank or store). */
export const INSTRUCTIONS: Record<Lang, Record<InstructedFamily, InstructionGroup[]>> = {
  id: {
    va: [
      { title: 'ATM {name}', steps: ['Masukkan kartu ATM dan PIN Anda.', 'Pilih Transaksi Lainnya → Transfer → Virtual Account.', 'Masukkan nomor Virtual Account di atas.', 'Periksa nama merchant dan jumlah, lalu pilih Benar/Ya.'] },
      { title: 'Mobile banking {name}', steps: ['Buka aplikasi mobile banking dan masuk.', 'Pilih Transfer → Virtual Account.', 'Masukkan nomor Virtual Account di atas.', 'Periksa detail pembayaran, lalu konfirmasi dengan PIN.'] },
      { title: 'Bank lain', steps: ['Pilih Transfer Antar Bank / Online di ATM atau aplikasi bank Anda.', 'Pilih {name} sebagai bank tujuan.', 'Masukkan nomor Virtual Account dan jumlah pembayaran.', 'Konfirmasi transfer.'] },
    ],
    paycode: [
      { title: 'Gerai retail', steps: ['Datang ke Indomaret, Alfamart, Kantor Pos atau Pegadaian.', 'Sampaikan ke kasir bahwa Anda ingin membayar tagihan Finpay.', 'Tunjukkan kode pembayaran di atas.', 'Bayar sesuai jumlah dan simpan struknya.'] },
      { title: 'Aplikasi bank atau e-wallet', steps: ['Buka menu Bayar / Tagihan dan cari "Finpay".', 'Masukkan kode pembayaran di atas.', 'Periksa jumlah, lalu konfirmasi pembayaran.'] },
    ],
    retail: [
      { title: 'Kasir {name}', steps: ['Datang ke gerai {name} terdekat.', 'Sampaikan ke kasir bahwa Anda ingin membayar tagihan Finpay.', 'Tunjukkan kode pembayaran di atas.', 'Bayar sesuai jumlah dan simpan struk sebagai bukti.'] },
    ],
  },
  en: {
    va: [
      { title: '{name} ATM', steps: ['Insert your ATM card and enter your PIN.', 'Choose Other Transactions → Transfer → Virtual Account.', 'Enter the Virtual Account number above.', 'Check the merchant name and amount, then confirm.'] },
      { title: '{name} mobile banking', steps: ['Open your mobile banking app and sign in.', 'Choose Transfer → Virtual Account.', 'Enter the Virtual Account number above.', 'Check the payment details, then confirm with your PIN.'] },
      { title: 'Other banks', steps: ['Choose an interbank / online transfer at your ATM or in your banking app.', 'Pick {name} as the destination bank.', 'Enter the Virtual Account number and the amount.', 'Confirm the transfer.'] },
    ],
    paycode: [
      { title: 'Retail stores', steps: ['Go to Indomaret, Alfamart, a post office or Pegadaian.', 'Tell the cashier you want to pay a Finpay bill.', 'Show the payment code above.', 'Pay the amount and keep the receipt.'] },
      { title: 'Banking or e-wallet app', steps: ['Open the Pay / Bills menu and look for "Finpay".', 'Enter the payment code above.', 'Check the amount, then confirm the payment.'] },
    ],
    retail: [
      { title: '{name} cashier', steps: ['Go to the nearest {name} store.', 'Tell the cashier you want to pay a Finpay bill.', 'Show the payment code above.', 'Pay the amount and keep the receipt as proof.'] },
    ],
  },
};

export function instructionsFor(lang: Lang, family: Family, name: string): InstructionGroup[] {
  const groups = isInstructed(family) ? INSTRUCTIONS[lang][family] : [];
  return groups.map((g) => ({ title: g.title.replaceAll('{name}', name), steps: g.steps.map((s) => s.replaceAll('{name}', name)) }));
}

export function isInstructed(family: Family): family is InstructedFamily {
  return family in INSTRUCTIONS.id;
}
