/**
 * Where each shopper page lives on this server. The initiate answers link to these paths and the page
 * routers mount them (with `:token` / `:type` as the parameter), so the two cannot drift apart.
 */
export const PAGE_PATHS = {
  /** Finpay's own web link: the card page, or a hand-off to a web checkout or internet banking. */
  access: (token: string) => `/pg/payment/card/access/${token}`,
  picker: (token: string) => `/pg/payment/card/v2/access/${token}`,
  pending: (token: string) => `/widgetpg/pending/${token}`,
  qris: (token: string) => `/qris/${token}`,
  qrImage: (token: string) => `/qris/${token}/qr.png`,
  wallet: (type: string) => `/ewallet/${type}/pay`,
  ibank: (type: string) => `/ibank/${type}/login`,
  /** Base of a paylater checkout's steps (`/signin`, `/otp`, `/checkout`). */
  paylater: (type: string) => `/${type}/v2`,
};
