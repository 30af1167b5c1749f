// A default Express 5 app: its own hello-world with its defaults (express.json(), res.json()).
import express from 'express';
import { KREDIVO_RESPONSE } from '../sample.js';

const app = express();
app.use(express.json());
app.post('/pg/payment/card/initiate', (_req, res) => {
  res.json(KREDIVO_RESPONSE);
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
