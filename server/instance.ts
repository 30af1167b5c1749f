import { setMaxListeners } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createApp, expressClasses } from './app.js';
import { CallbackDispatcher } from './callbacks/dispatcher.js';
import { VirtualClock } from './clock/clock.js';
import { ConfigError } from './config.js';
import type { Config } from './model/config.js';
import type { AppContext } from './operations/context.js';
import { hostGuard } from './http/allowed-hosts.js';
import { answerClientErrors } from './http/client-errors.js';
import { HTTP_TIMEOUTS, timeoutOptions, type HttpTimeouts } from './http/timeouts.js';
import { createLogger, type Logger } from './support/logger.js';
import { RequestLog } from './operations/request-log.js';
import { LiveEvents } from './operations/live-events.js';
import { loadScenarioFolders } from './scenarios/loader.js';
import { ScenarioRegistry } from './scenarios/registry.js';
import { Scheduler } from './scheduler/scheduler.js';
import { Store } from './store/store.js';
import { TransactionService } from './transactions/service.js';
import { OpenVaService } from './transactions/open-vas.js';
import { SubscriptionService } from './transactions/subscriptions.js';
import { SavedCardService } from './transactions/saved-cards.js';
import { RequestValidator } from './validation/request-validator.js';
import { ValueGenerator } from './support/value-generator.js';
import { clearRealTimeout, setRealTimeout } from './support/real-time.js';
import { hookGateway } from './gateway/routes.js';
import { CassetteError } from './recording/cassette.js';
import { recordingMode } from './recording/mode.js';

export interface Instance {
  /** Where it listens, e.g. `http://127.0.0.1:4000`. */
  url: string;
  port: number;
  ctx: AppContext;
  server: Server;
  /** Finishes in-flight requests (at most `graceMs`), flushes the data file and stops timers. */
  stop(graceMs?: number): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new ConfigError(`--port / PORT: port ${port} on ${host} is already in use`));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new ConfigError(`--host / HOST: cannot listen on "${host}" (${err.code})`));
      else if (err.code === 'EACCES') reject(new ConfigError(`--port / PORT: not allowed to listen on port ${port}`));
      else reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Opens the data file, builds every service, and listens; `timeouts` are shortened only by tests. */
export async function startInstance(config: Config, logger: Logger = createLogger(config.logLevel, { format: config.logFormat }), timeouts: HttpTimeouts = HTTP_TIMEOUTS): Promise<Instance> {
  const scenarios = new ScenarioRegistry(loadScenarioFolders(config.scenarios));
  const store = await Store.open(config.db, { logger });
  const clock = new VirtualClock(store.clockState);
  clock.on('change', () => {
    store.clockState = clock.snapshot();
  });
  store.onClockRestored = (state) => clock.restore(state);
  const scheduler = new Scheduler(clock, logger);
  const generator = new ValueGenerator(config.seed);
  const merchants = new Map(config.merchants.map((m) => [m.id, m]));
  let publicUrl = config.publicUrl ?? '';
  const dispatcher = new CallbackDispatcher({
    store, scheduler, clock, generator, config, logger, merchantKey: (id) => merchants.get(id)?.key,
  });
  const transactions = new TransactionService({ store, clock, scheduler, generator, dispatcher, config, scenarios });
  const savedCards = new SavedCardService({ store, clock, generator, transactions });
  const subscriptions = new SubscriptionService({ store, clock, scheduler, transactions, logger });
  const openVas = new OpenVaService({ store, clock, scheduler, generator, config, scenarios, transactions });
  // Followers are told of each move in this order: saved cards set the order's token before subscriptions read it.
  transactions.follow(savedCards);
  transactions.follow(subscriptions);
  transactions.follow(openVas);
  const stopping = new AbortController();
  // Every request held back (scenario delays, --latency, a page waiting for its callback) listens for the stop.
  setMaxListeners(0, stopping.signal);
  const ctx: AppContext = {
    config, logger, store, clock, scheduler, generator, validator: new RequestValidator(), dispatcher, transactions, savedCards, subscriptions, openVas, merchants,
    scenarios, requestLog: new RequestLog(), live: new LiveEvents(transactions, dispatcher), stopped: stopping.signal, publicUrl: () => publicUrl,
  };

  // --record-from compares with a throw-away simulator of its own (started here, silent); --replay reads its cassette.
  const recording = await recordingMode(ctx, config, (shadow) => startInstance(shadow, createLogger('silent'), timeouts)).catch((err: unknown) => {
    throw err instanceof CassetteError ? new ConfigError(`${config.replay ? '--replay / FINNET_MOCK_REPLAY' : '--cassette / FINNET_MOCK_CASSETTE'}: ${err.message}`) : err;
  });
  if (recording) hookGateway(ctx, recording.hook);
  const app = createApp(ctx);
  // The Host check comes before Express, so no surface is served without it; a missing Host header is
  // answered by it, in the gateway's format, instead of Node's bare 400.
  // Answers still being made: a stop lets each close its connection once sent, instead of waiting out keep-alive.
  const answering = new Set<ServerResponse>();
  const server = createServer({ ...timeoutOptions(timeouts), ...expressClasses(app), requireHostHeader: false }, (req, res) => {
    answering.add(res);
    res.once('close', () => answering.delete(res));
    if (!refusedHost(req, res)) app(req, res);
  });
  answerClientErrors(server, timeouts, () => ctx.generator.traceId());
  const refusedHost = hostGuard(server, { publicUrl: config.publicUrl, allowedHosts: config.allowedHosts }, () => ctx.generator.traceId());
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A start that fails here (port taken) must not leave the --record-from shadow simulator running.
  const address = await listen(server, config.port, config.host).catch(async (err: unknown) => {
    await recording?.stop();
    throw err;
  });
  publicUrl ||= `http://localhost:${address.port}`;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  transactions.restore();
  dispatcher.restore();

  let stopped: Promise<void> | null = null;
  const stop = (graceMs = 1500) => {
    stopped ??= (async () => {
      scheduler.stop();
      stopping.abort();
      for (const res of answering) {
        if (!res.headersSent) res.shouldKeepAlive = false;
      }
      // Live views never finish by themselves: end them so the server closes at once.
      ctx.live.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setRealTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      await closed;
      clearRealTimeout(timer);
      // A callback attempt still waiting for its receiver records its result before the data file is folded.
      await Promise.race([scheduler.idle(), new Promise((resolve) => setRealTimeout(resolve, Math.min(500, graceMs)).unref())]);
      await store.compact();
      await recording?.stop();
    })();
    return stopped;
  };
  return { url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`, port: address.port, ctx, server, stop };
}
