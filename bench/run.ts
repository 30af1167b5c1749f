// npm run bench: finnet-mock against its ceiling (bare Node) and its framework (a default Express app), on this machine.
import { createServer } from 'node:http';
import { mkdtempSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { startChild, type Child } from './child.js';
import { load, type LoadResult } from './load.js';
import { AUTHORIZATION, KREDIVO_REQUEST } from './sample.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 50;
const PREFILL = Number(process.env.BENCH_PREFILL ?? 100_000);
const CALLBACKS = 1000;
const tsx = ['--import', 'tsx'];

let counter = 0;
/** The sample request with a unique order id, as a merchant's checkout sends them. */
const initiateBody = (prefix: string) => () => JSON.stringify({ ...KREDIVO_REQUEST, order: { ...KREDIVO_REQUEST.order, id: `${prefix}${(counter++).toString(36)}` } });

function row(r: LoadResult): string {
  return `| ${r.name.padEnd(40)} | ${r.rps.toFixed(0).padStart(7)} | ${String(r.p50).padStart(5)} | ${String(r.p99).padStart(5)} | ${String(r.errors + r.non2xx).padStart(6)} |`;
}

async function startMock(db: string): Promise<Child> {
  return startChild(process.execPath, ['dist/server/cli.js', '--port', '0', '--db', db, '--log-level', 'error', '--callback-retries', 'none']);
}

async function measureMock(mock: Child, label: string): Promise<[LoadResult, LoadResult]> {
  // check-status first, so it meets exactly the orders stored before the run, not the initiate run's too.
  const known = JSON.parse(initiateBody('CHECK')()).order.id as string;
  await fetch(`${mock.url}/pg/payment/card/initiate`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: AUTHORIZATION },
    body: JSON.stringify({ ...KREDIVO_REQUEST, order: { ...KREDIVO_REQUEST.order, id: known } }) });
  const check = await load({ name: `(d) finnet-mock check-status${label}`, url: `${mock.url}/pg/payment/card/check/${known}`, method: 'GET',
    headers: { authorization: AUTHORIZATION }, connections: CONNECTIONS, durationS: DURATION_S });
  const initiate = await load({ name: `(c) finnet-mock initiate${label}`, url: `${mock.url}/pg/payment/card/initiate`, headers: { authorization: AUTHORIZATION },
    body: initiateBody(`B${label ? 'F' : 'E'}`), connections: CONNECTIONS, durationS: DURATION_S });
  return [initiate, check];
}

/** 1 000 orders paid at once; every callback must reach the receiver exactly once. */
async function callbackThroughput(mock: Child): Promise<{ seconds: number; received: number; duplicates: number }> {
  const seen = new Map<string, number>();
  const receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const id = (JSON.parse(raw) as { order: { id: string } }).order.id;
      seen.set(id, (seen.get(id) ?? 0) + 1);
      res.writeHead(200).end('OK');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const callbackUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/cb`;
  const ids = Array.from({ length: CALLBACKS }, (_, i) => `CB${i}`);
  const inBatches = async (work: (id: string) => Promise<unknown>) => {
    for (let i = 0; i < ids.length; i += 100) await Promise.all(ids.slice(i, i + 100).map(work));
  };
  await inBatches((id) => fetch(`${mock.url}/pg/payment/card/initiate`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: AUTHORIZATION },
    body: JSON.stringify({ ...KREDIVO_REQUEST, order: { ...KREDIVO_REQUEST.order, id }, url: { ...KREDIVO_REQUEST.url, callbackUrl } }) }));
  const started = performance.now();
  await Promise.all(ids.map((id) => fetch(`${mock.url}/_mock/transactions/${id}/pay`, { method: 'POST' })));
  while (seen.size < CALLBACKS && performance.now() - started < 30_000) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 500));
  receiver.close();
  return { seconds, received: seen.size, duplicates: [...seen.values()].filter((n) => n > 1).length };
}

async function main(): Promise<void> {
  console.log(`finnet-mock benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  console.log(`${CONNECTIONS} connections, ${DURATION_S} s per run; the server runs in its own process, autocannon in this one.\n`);
  const results: LoadResult[] = [];

  const node = await startChild(process.execPath, [...tsx, 'bench/servers/bare-node.ts']);
  results.push(await load({ name: '(a) bare Node http (ceiling)', url: `${node.url}/pg/payment/card/initiate`, body: initiateBody('N'), connections: CONNECTIONS, durationS: DURATION_S }));
  await node.stop();

  const express = await startChild(process.execPath, [...tsx, 'bench/servers/bare-express.ts']);
  results.push(await load({ name: '(b) default Express 5 app', url: `${express.url}/pg/payment/card/initiate`, body: initiateBody('X'), connections: CONNECTIONS, durationS: DURATION_S }));
  await express.stop();

  const dir = mkdtempSync(join(tmpdir(), 'finnet-bench-'));
  const mock = await startMock(join(dir, 'empty.json'));
  const [initiate, check] = await measureMock(mock, '');
  results.push(initiate, check);
  const callbacks = await callbackThroughput(mock);
  await mock.stop();

  // PREFILL orders written through the API like real ones, then a restart: the runs below find them already stored.
  const fullDb = join(dir, 'full.json');
  const filling = await startMock(fullDb);
  const prefillStarted = performance.now();
  const prefill = await load({ name: 'prefill', url: `${filling.url}/pg/payment/card/initiate`, headers: { authorization: AUTHORIZATION },
    body: initiateBody('P'), connections: CONNECTIONS, amount: PREFILL });
  const filled = fileSizes(fullDb);
  await filling.stop();
  const restartAsked = performance.now();
  const full = await startMock(fullDb);
  const startMs = performance.now() - restartAsked;
  const rss = full.rssMb();
  const health = (await (await fetch(`${full.url}/_mock/health`)).json()) as { memory: { heapUsedMb: number } };
  console.log(`prefilled ${PREFILL} orders in ${((performance.now() - prefillStarted) / 1000).toFixed(1)} s (${prefill.errors + prefill.non2xx} errors); `
    + `restarted on them in ${startMs.toFixed(0)} ms: RSS ${rss.toFixed(0)} MB, V8 heap used ${health.memory.heapUsedMb} MB`);
  const [initiateFull, checkFull] = await measureMock(full, ` (+${PREFILL / 1000}k stored)`);
  results.push(initiateFull, checkFull);
  const rssAfter = full.rssMb();
  const afterRuns = fileSizes(fullDb);
  await full.stop();

  const [a, b, c, d] = results as [LoadResult, LoadResult, LoadResult, LoadResult];
  console.log('\n| run                                      |   req/s | p50 ms | p99 ms | errors |');
  console.log('|------------------------------------------|---------|-------|-------|--------|');
  for (const r of results) console.log(row(r));
  const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  console.log(`
initiate c/a = ${(c.rps / a.rps).toFixed(2)}, check d/a = ${(d.rps / a.rps).toFixed(2)} (of the ceiling)
initiate c/b = ${(c.rps / b.rps).toFixed(2)} (target ≥ 0.8: ${verdict(c.rps / b.rps >= 0.8)})
check    d/b = ${(d.rps / b.rps).toFixed(2)} (target ≥ 1.5: ${verdict(d.rps / b.rps >= 1.5)})
initiate p99 = ${c.p99} ms (target < 25: ${verdict(c.p99 < 25)})
with ${PREFILL} stored: initiate ${(initiateFull.rps / c.rps).toFixed(2)}×, check ${(checkFull.rps / d.rps).toFixed(2)}× of the empty run (target ≥ 0.90: ${verdict(initiateFull.rps / c.rps >= 0.9 && checkFull.rps / d.rps >= 0.9)})
data file after the ${PREFILL} burst: ${filled} (folded by bytes and lines as it goes); after the runs on it: ${afterRuns}
server RSS with ${PREFILL} stored: ${rss.toFixed(0)} MB (target < 300: ${verdict(rss < 300)}); ${rssAfter.toFixed(0)} MB after the runs above added their own orders
callbacks: ${callbacks.received}/${CALLBACKS} delivered in ${callbacks.seconds.toFixed(2)} s, ${callbacks.duplicates} duplicates (target ≤ 10 s, exactly once: ${verdict(callbacks.received === CALLBACKS && callbacks.duplicates === 0 && callbacks.seconds <= 10)})`);
}

/** The snapshot's and the journal's sizes, as `snapshot 12.3 MB + journal 4.5 MB`. */
function fileSizes(db: string): string {
  const mb = (file: string) => `${(statSync(file).size / 2 ** 20).toFixed(1)} MB`;
  return `snapshot ${mb(db)} + journal ${mb(`${db}.journal`)}`;
}

main().catch((err: Error) => {
  console.error(`bench failed: ${err.message}`);
  process.exit(1);
});
