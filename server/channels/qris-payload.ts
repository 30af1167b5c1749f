import { createHash } from 'node:crypto';
import type { StoredTransaction } from '../model/transaction.js';
import { requestOf } from '../model/initiate-request.js';

/** One EMV tag-length-value field. */
function tlv(tag: string, value: string): string {
  return `${tag}${String(value.length).padStart(2, '0')}${value}`;
}

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) as 4 upper-case hex digits: the checksum EMV QR codes end with. */
export function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** Stable digits for a merchant, so its QR identifiers stay the same across orders. */
function merchantDigits(merchantId: string, length: number): string {
  const hex = createHash('sha256').update(merchantId).digest('hex');
  return BigInt(`0x${hex}`).toString().slice(0, length);
}

/** The merchant's QRIS national merchant id, as printed under the code. */
export function nmidOf(merchantId: string): string {
  return `ID10${merchantDigits(merchantId, 11)}`;
}

/**
 * The `stringQr` of a dynamic QRIS order: EMVCo merchant-presented payload (point of initiation 12 = dynamic)
 * with the amount, the merchant, the order id as bill number and the page token as reference label, ending in its CRC.
 */
export function qrisPayload(tx: StoredTransaction): string {
  const mcc = requestOf(tx).order.merchantCategoryCode ?? '5999';
  const body = [
    tlv('00', '01'),
    tlv('01', '12'),
    tlv('26', tlv('00', 'ID.CO.FINNET.WWW') + tlv('01', `936007770${merchantDigits(tx.merchantId, 10)}`) + tlv('02', tx.merchantId.slice(0, 15)) + tlv('03', 'UMI')),
    tlv('51', tlv('00', 'ID.CO.QRIS.WWW') + tlv('02', nmidOf(tx.merchantId)) + tlv('03', 'UMI')),
    tlv('52', mcc),
    tlv('53', '360'),
    tlv('54', String(tx.amount)),
    tlv('58', 'ID'),
    tlv('59', tx.merchantId.slice(0, 25)),
    tlv('60', 'JAKARTA'),
    tlv('61', '12950'),
    tlv('62', tlv('01', tx.orderId.slice(0, 25)) + tlv('05', tx.token.slice(0, 25)) + tlv('07', 'FINNETMOCK')),
  ].join('');
  const unsigned = `${body}6304`;
  return unsigned + crc16(unsigned);
}
