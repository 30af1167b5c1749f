import type { AppContext } from '../operations/context.js';
import type { Exchange } from '../gateway/exchange.js';
import type { Handler } from '../gateway/kit.js';
import { objectOf } from '../support/json.js';
import type { Cassette, CassetteEntry } from './cassette.js';
import { normalised, orderIdOf, pathPattern } from './facts.js';
import { rewritten } from './times.js';

// Callers' order ids remembered with the recorded order they stand for; the oldest is forgotten past this.
const MAX_BINDINGS = 10_000;

/** The recordings of one request shape for one recorded order, in recording order. */
interface Take {
  orderId: string;
  entries: CassetteEntry[];
  next: number;
}

/** What a request must equal to get a recording: method, path with `{orderId}`, and the body but its order ids and times. */
function matchKey(method: string, url: string, body: unknown, orderId: string | undefined): string {
  return `${method} ${pathPattern(url, orderId)} ${JSON.stringify(normalised(body ?? null, orderId))}`;
}

/**
 * `--replay`: a request that matches a recording gets its answer, with the recorded order id replaced by the
 * caller's and its times moved to now; anything else is simulated as usual (and a replayed answer changes no state).
 */
export class Replayer {
  private readonly takes = new Map<string, Take[]>();
  /** Caller's order id → recorded order id. */
  private readonly bindings = new Map<string, string>();
  /** Recorded order id → how many callers' ids stand for it, kept with `bindings`. */
  private readonly taken = new Map<string, number>();

  constructor(private readonly ctx: AppContext, cassette: Cassette) {
    for (const entry of cassette.entries) {
      const key = matchKey(entry.request.method, entry.request.url, entry.request.body, entry.orderId);
      const takes = this.takes.get(key) ?? [];
      const orderId = entry.orderId ?? '';
      const take = takes.find((t) => t.orderId === orderId);
      if (take) take.entries.push(entry);
      else takes.push({ orderId, entries: [entry], next: 0 });
      this.takes.set(key, takes);
    }
  }

  /** The route handler, answering from the cassette first. */
  readonly wrap = (_path: string, handler: Handler): Handler => async (ex) => {
    const entry = this.recordingFor(ex);
    if (!entry) return handler(ex);
    this.send(ex, entry);
  };

  private recordingFor(ex: Exchange): CassetteEntry | undefined {
    const orderId = orderIdOf(ex.path, ex.body);
    const takes = this.takes.get(matchKey(ex.req.method, ex.req.originalUrl, ex.body, orderId));
    if (!takes) return undefined;
    const bound = orderId === undefined ? undefined : this.bindings.get(orderId);
    // The order this caller's id already stands for; else a recorded order no caller has taken yet; else the first.
    const take = takes.find((t) => t.orderId === bound) ?? takes.find((t) => !this.taken.has(t.orderId)) ?? takes[0]!;
    if (orderId !== undefined && take.orderId !== '') this.bind(orderId, take.orderId);
    ex.orderId = orderId;
    // One order's answers come back in the order recorded; the last one repeats.
    const entry = take.entries[Math.min(take.next, take.entries.length - 1)]!;
    take.next++;
    return entry;
  }

  private bind(callerId: string, recordedId: string): void {
    this.unbind(callerId);
    this.bindings.set(callerId, recordedId);
    this.taken.set(recordedId, (this.taken.get(recordedId) ?? 0) + 1);
    if (this.bindings.size > MAX_BINDINGS) this.unbind(this.bindings.keys().next().value!);
  }

  private unbind(callerId: string): void {
    const recordedId = this.bindings.get(callerId);
    if (recordedId === undefined) return;
    this.bindings.delete(callerId);
    const left = this.taken.get(recordedId)! - 1;
    if (left === 0) this.taken.delete(recordedId);
    else this.taken.set(recordedId, left);
  }

  private send(ex: Exchange, entry: CassetteEntry): void {
    const delta = this.ctx.clock.now() - Date.parse(entry.recordedAt);
    const headers = { ...entry.response.headers, 'x-finnet-mock-replay': entry.recordedAt };
    let text: string;
    if (entry.response.text !== undefined) {
      text = entry.response.text;
    } else {
      const body = rewritten(entry.response.body, entry.orderId, ex.orderId, delta);
      const answer = objectOf(body);
      if (typeof answer?.responseCode === 'string') ex.answer = { responseCode: answer.responseCode, responseMessage: String(answer.responseMessage) };
      text = JSON.stringify(body);
    }
    ex.res.writeHead(entry.response.status, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
    ex.res.end(text);
  }
}
