import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { foreignOrigin } from '../control/request-origin.js';
import type { AppContext } from '../operations/context.js';
import { FINPAY_BRAND, frameOf, showMessage } from './page-kit.js';
import { langOf } from './texts.js';

const REFUSED_TEXT = {
  id: {
    foreignHeading: 'Formulir dari situs lain ditolak',
    foreignBody: 'Halaman pembayaran ini hanya menerima formulir dari halamannya sendiri. Buka kembali link pembayaran dari merchant.',
  },
  en: {
    foreignHeading: 'Form sent from another site',
    foreignBody: 'This payment page only accepts forms sent from its own pages. Open the payment link from the merchant again.',
  },
};

/**
 * Refuses checkout forms a page of another origin sent: an open VA's transfer page has a guessable address,
 * so without this any web page the developer opens could pay into it (and the other pages' tokens are no secret to a page that saw the redirect).
 */
function sameOriginForms(ctx: AppContext): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'POST' || foreignOrigin(req, ctx.publicUrl()) === undefined) return next();
    const frame = frameOf(REFUSED_TEXT, langOf(req.query.lang), FINPAY_BRAND, req.path);
    showMessage(res, 403, { ...frame, otherLangUrl: '' }, { heading: frame.t.foreignHeading, body: frame.t.foreignBody, tx: null, backUrl: '' });
  };
}

/** What every checkout form post goes through: the origin check, then the form body (16 KB at most). */
export function pageForm(ctx: AppContext): RequestHandler {
  const guard = sameOriginForms(ctx);
  const parse = express.urlencoded({ extended: false, limit: '16kb' });
  return (req, res, next) => guard(req, res, (err?: unknown) => (err ? next(err) : parse(req, res, next)));
}
