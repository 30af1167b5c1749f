import express, { type Router } from 'express';
import type { LiveEvent } from '../operations/live-events.js';
import { clearRealTimeout, setRealTimeout } from '../support/real-time.js';
import type { Dashboard } from './render.js';

// A few browser tabs per developer; more is a leak somewhere, refused before it costs memory.
const MAX_CLIENTS = 64;
// Far above what a reading browser ever leaves unsent; a client this far behind is stalled or gone.
export const MAX_BUFFERED_BYTES = 256 * 1024;
// Keeps proxies from closing an idle stream, and finds a dead client even when nothing happens.
const HEARTBEAT_MS = 15_000;
// How long a browser waits before reconnecting after the stream broke.
const RETRY_MS = 2000;

/** One event as the `text/event-stream` format frames it; the data is one JSON line. */
function frame(event: LiveEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * `/events`: the dashboard's live view, as server-sent events (`order`, `callback`, `reset`), behind the
 * admin token like every page. A client that stops reading is dropped once it is MAX_BUFFERED_BYTES behind.
 */
export function liveEventsRoute(dash: Dashboard): Router {
  const router = express.Router();
  const { live, logger } = dash.ctx;

  router.get('/events', (req, res) => {
    if (live.size >= MAX_CLIENTS) {
      res.set('Retry-After', '10');
      return dash.render(req, res, 'message', { title: 'Too many live views', status: 503 }, {
        heading: 'Too many live views are open', text: `At most ${MAX_CLIENTS} pages can follow the simulator live at once; close some tabs. The pages still work, refreshing by themselves more slowly.`,
      });
    }
    // Connection: close, so an ended stream frees its socket at once (a stop must not wait for keep-alive).
    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'close', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    let heartbeat: NodeJS.Timeout | undefined;
    let unsubscribe: (() => void) | undefined;
    const finish = () => {
      clearRealTimeout(heartbeat);
      unsubscribe?.();
    };
    const write = (text: string) => {
      if (res.writableLength <= MAX_BUFFERED_BYTES) return void res.write(text);
      logger.warn(`dashboard live view: a client at ${req.socket.remoteAddress ?? 'unknown'} fell ${res.writableLength} bytes behind and was dropped`);
      finish();
      res.destroy();
    };
    const beat = () => {
      write(': heartbeat\n\n');
      heartbeat = setRealTimeout(beat, HEARTBEAT_MS);
      heartbeat.unref();
    };
    unsubscribe = live.subscribe((event) => write(frame(event)), () => {
      clearRealTimeout(heartbeat);
      res.end();
    });
    if (!unsubscribe) return void res.end();
    res.on('close', finish);
    res.write(`retry: ${RETRY_MS}\n: live\n\n`);
    heartbeat = setRealTimeout(beat, HEARTBEAT_MS);
    heartbeat.unref();
  });
  return router;
}
