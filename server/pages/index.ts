import express, { type Router } from 'express';
import type { AppContext } from '../context.js';
import { kredivoPages } from './kredivo.js';

/** Every page a shopper is sent to by a `redirecturl`. */
export function hostedPages(ctx: AppContext): Router {
  const router = express.Router();
  router.use(kredivoPages(ctx));
  return router;
}
