/** The Kredivo sample request from the Finpay docs and the answer the gateway gives to it. */
export const KREDIVO_REQUEST = {
  customer: { email: 'hajar.finnet@gmail.com', firstName: 'Hajar', lastName: 'Ismail', mobilePhone: '+6281286288844' },
  order: {
    id: '1680579407638', amount: '200', description: 'Testing',
    item: [
      { name: 'name', quantity: '1', unitPrice: '100', url: 'https://finpay.id' },
      { name: 'name', quantity: '1', unitPrice: '100', url: 'https://finpay.id' },
    ],
  },
  url: {
    callbackUrl: 'https://sandbox.finpay.co.id/simdev/finpay/result/resultsuccess.php',
    successUrl: 'https://sandbox.finpay.co.id/simdev/finpay/result/resultsuccess.php',
    failUrl: 'https://sandbox.finpay.co.id/simdev/finpay/result/resultfailed.php',
  },
  sourceOfFunds: { type: 'kredivo' },
  billing: { address: { city: 'Jakarta Selatan', country: 'IDN', postcodeZip: '12740', street: 'Jalan Gatot Subroto' } },
};

export const KREDIVO_RESPONSE = {
  responseCode: '2000000',
  responseMessage: 'Success',
  redirecturl: 'https://sandbox.kredivo.com/kredivo/v2/signin?tk=XXX',
  expiryLink: '2023-04-04 10:51:47',
  paymentCode: null,
  processingTime: 0.257188081741333,
};

export const AUTHORIZATION = `Basic ${Buffer.from('FINPAY770:SoSecret123').toString('base64')}`;
