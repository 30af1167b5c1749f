// The ceiling: Node's own http server reading the body and answering the Kredivo sample response.
import { createServer } from 'node:http';
import { KREDIVO_RESPONSE } from '../sample.js';

const body = JSON.stringify(KREDIVO_RESPONSE);
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
