// Examples of the gateway document: the Finpay docs' samples (finpay-gateway-facts.md §5.3, §6, §14), in the shape the simulator answers.
import { phpJsonEncode } from '../callbacks/php-json.js';
import { hmacSha512 } from '../callbacks/signature.js';

const TRACE_ID = '3f2c9a4e-8b1d-4c7e-9f20-5a6b7c8d9e0f';
const SUCCESS = { responseCode: '2000000', responseMessage: 'Success' };
const TOKEN = '9c1f0e8b7a6d5c4b'.repeat(4);
// The docs' example merchant key: the callback example's signature verifies with it.
const DOCS_MERCHANT_KEY = 'SoSecret123';

const callbackUrl = 'https://sandbox.finpay.co.id/simdev/finpay/result/resultsuccess.php';

/** Initiate bodies: Kredivo (the docs' paylater sample) and the pay code quick reference. */
export const INITIATE_REQUEST_EXAMPLES = {
  kredivo: {
    summary: 'Kredivo (the docs\' paylater sample)',
    value: {
      customer: { email: 'hajar.finnet@gmail.com', firstName: 'Hajar', lastName: 'Ismail', mobilePhone: '+6281286288844' },
      order: {
        id: '1680576995412', amount: '200', description: 'Testing',
        item: [
          { name: 'name', quantity: '1', unitPrice: '100', url: 'https://finpay.id' },
          { name: 'name', quantity: '1', unitPrice: '100', url: 'https://finpay.id' },
        ],
      },
      url: { callbackUrl, successUrl: callbackUrl, failUrl: 'https://sandbox.finpay.co.id/simdev/finpay/result/resultfailed.php' },
      sourceOfFunds: { type: 'kredivo' },
      billing: { address: { city: 'Jakarta Selatan', country: 'IDN', postcodeZip: '12740', street: 'Jalan Gatot Subroto' } },
    },
  },
  finpaycode: {
    summary: 'Finpay Code (the docs\' quick reference)',
    value: {
      customer: { email: 'hajar.finnet@gmail.com', firstName: 'Hajar', lastName: 'Ismail', mobilePhone: '+6281286288844' },
      order: { id: '1680576995413', amount: '1000', description: 'Testing' },
      url: { callbackUrl: 'https://sandbox.finpay.co.id/simdev/finpay/result/resultfailed.php' },
      sourceOfFunds: { type: 'finpaycode' },
    },
  },
  hosted: {
    summary: 'Hosted page: no sourceOfFunds, the shopper picks the channel',
    value: {
      customer: { email: 'hajar.finnet@gmail.com', firstName: 'Hajar', mobilePhone: '+6281286288844' },
      order: { id: '1680576995414', amount: 150000 },
      url: { callbackUrl },
    },
  },
};

const answer = (summary: string, fields: Record<string, unknown>, processingTime: number) => ({
  summary, value: { ...SUCCESS, ...fields, processingTime, traceId: TRACE_ID },
});

/** Initiate answers per channel; Kredivo first, as the one a mock server answers by default. */
export const INITIATE_RESPONSE_EXAMPLES = {
  kredivo: answer('Kredivo (docs sample)', { redirecturl: 'https://sandbox.kredivo.com/kredivo/v2/signin?tk=7c7d1e0b3f6a4c1e9a355c0e2b8d41a2', expiryLink: '2023-04-04 10:51:47', paymentCode: null }, 0.5238),
  finpaycode: answer('Finpay Code (docs sample); VAs and retail answer alike',
    { redirecturl: 'https://devo.finpay.id/widgetpg/pending/5613', expiryLink: '2023-04-05 09:56:35', paymentCode: '8802700000076850' }, 0.9721949100494385),
  cc: answer('Card (docs sample)', { redirecturl: `https://devo.finpay.id/pg/payment/card/access/${TOKEN}`, expiryLink: '2023-04-05 10:02:11' }, 0.8311),
  hosted: answer('Hosted page (live 2026 URL form)', { redirecturl: `https://devo.finpay.id/pg/payment/card/id/v2/access/${TOKEN}`, expiryLink: '2023-04-05 10:02:11' }, 0.7012),
  shopeepay: answer('ShopeePay (docs sample)', {
    redirecturl: 'https://wsa.uat.wallet.airpay.co.id/universal-link/now-pay?ref=9D8F2A61C0', appurl: 'shopeeid://main?ref=9D8F2A61C0', imageurl: '', paymentCode: '',
    expiryLink: '2023-04-06 13:58:41',
  }, 1.57),
  linkajawco: answer('LinkAja web checkout (docs sample); internet banking answers alike',
    { redirecturl: `https://devo.finpay.id/pg/payment/card/access/${TOKEN}`, paymentCode: null, expiryLink: '2023-04-06 14:01:02' }, 0.6623),
  qris: answer('QRIS (the simulator\'s shape: the docs have no sample)', {
    redirecturl: `http://localhost:4000/qris/${TOKEN}`, imageurl: `http://localhost:4000/qris/${TOKEN}/qr.png`,
    stringQr: '00020101021226570011ID.CO.QRIS.WWW0215ID10200000000010303UMI51440014ID.CO.QRIS.WWW0215ID20200000000010303UMI5204599953033605406150000.5802ID5912FINNET MOCK6007JAKARTA6304ABCD',
    expiryLink: '2023-04-06 14:01:02',
  }, 0.4101),
  ovo: answer('OVO (pushed to the app: no page)', { redirecturl: null, expiryLink: '2023-04-06 14:01:02', paymentCode: null }, 0.3842),
};

const cardData = {
  merchant: { id: 'FINPAY770' },
  customer: { id: 'hajar@yahoo.com' },
  order: { id: '1664255905824', reference: '16642559058241000000000', amount: 1000, currency: 'IDR' },
  card: { mask: '512345xxxxxx0008', info: { brand: 'MASTERCARD', issuing: 'BANCO DEL PICHINCHA, C.A.', type: 'CREDIT', subType: 'STANDARD', country: 'ECUADOR' } },
  sourceOfFunds: { type: 'cc' },
  meta: { data: null },
  result: {
    payment: {
      status: 'CAPTURED', statusDesc: 'CAPTURED', userDesc: 'Your transaction was successful', datetime: '2022-09-27 12:22:41', reference: '016460',
      channel: null, amount: 1000,
    },
  },
};

/** check-status answers: the docs' card sample and the live-observed unpaid hosted order. */
export const CHECK_STATUS_EXAMPLES = {
  captured: { summary: 'A captured card payment (docs sample values)', value: { ...SUCCESS, data: cardData, processingTime: 0.66, traceId: TRACE_ID } },
  unpaidHosted: {
    summary: 'An unpaid hosted order (as observed live)',
    value: {
      ...SUCCESS,
      data: {
        merchant: { id: 'FINPAY770' }, customer: { id: '' }, order: { id: '1680576995414', reference: '', amount: 150000, currency: 'IDR' },
        sourceOfFunds: { type: '' }, meta: { data: null },
        result: { payment: { status: 'REQUEST_INITIATED', statusDesc: 'REQUEST_INITIATED', userDesc: 'Your transaction is currently in progress or pending processing', amount: 0 } },
      },
      processingTime: 0.0412, traceId: TRACE_ID,
    },
  },
};

const CALLBACK_FIELDS = {
  merchant: { id: 'FINPAY770' },
  customer: { id: 'hajar.finnet@gmail.com' },
  order: { id: '1680576995415', reference: '7c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6', amount: 150000, currency: 'IDR' },
  transaction: { acquirerId: null },
  sourceOfFunds: { type: 'vabca', paymentCode: '3833712345678901' },
  meta: { data: null },
  result: {
    payment: {
      status: 'PAID', statusDesc: 'PAID', userDesc: 'Your transaction was successful', datetime: '2023-04-05 10:12:30',
      reference: '5e0d4c3b-2a19-4f08-9e7d-6c5b4a392817014', channel: '014', amount: 150000,
    },
  },
};
/** The signed callback of a paid BCA VA order (merchant FINPAY770, key SoSecret123). */
export const CALLBACK_EXAMPLE = { ...CALLBACK_FIELDS, signature: hmacSha512(phpJsonEncode(CALLBACK_FIELDS), DOCS_MERCHANT_KEY) };

/** What a successful cancel, void, refund or delete answers. */
export const SUCCESS_EXAMPLE = { ...SUCCESS, processingTime: 0.0236, traceId: TRACE_ID };

/** The open VA register sample: the answer's code differs from the requested one in its last digit. */
export const OPEN_VA_EXAMPLES = {
  request: {
    customer: { id: 'hajar.finnet@gmail.com', email: 'hajar.finnet@gmail.com', firstName: 'Hajar', lastName: 'Ismail', mobilePhone: '+6281286288844' },
    sourceOfFunds: { type: 'vabca', paymentCode: '8804483313131312' },
  },
  answer: { ...SUCCESS, paymentCode: '8804483313131313', processingTime: 0.0236, traceId: TRACE_ID },
};

/** A one-click card payment with a saved card's token. */
export const CARD_PAYMENT_EXAMPLE = {
  customer: { id: 'hajar@yahoo.com', email: 'hajar@yahoo.com', firstName: 'Hajar', mobilePhone: '+6281286288844' },
  order: { id: '1664255905825', amount: 1000 },
  url: { callbackUrl },
  card: { storedOnFile: 'STORED', token: TOKEN },
  sourceOfFunds: { type: 'cc' },
};

export const CARD_TOKEN_EXAMPLE = TOKEN;
export const TRACE_ID_EXAMPLE = TRACE_ID;
