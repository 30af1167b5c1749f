import type { TimelineEvent } from '../model/transaction.js';

// An order is saved whole on every change, so its timeline must not grow with how often it was touched.
const TIMELINE_LIMIT = 100;
// The first entries (initiated, checkout opened) say how the order began: they are never dropped.
const KEPT_HEAD = 2;
const OMITTED = 'earlier entries omitted';

/**
 * Adds an entry to a timeline: a repeat of the last entry only counts up its `times`, and past
 * TIMELINE_LIMIT the oldest entry after the head is folded into one "earlier entries omitted" count.
 */
export function appendTimeline(timeline: TimelineEvent[], entry: TimelineEvent): void {
  const last = timeline.at(-1);
  if (last && last.event === entry.event && last.detail === entry.detail) {
    last.times = (last.times ?? 1) + 1;
    return;
  }
  timeline.push(entry);
  if (timeline.length <= TIMELINE_LIMIT) return;
  let marker = timeline[KEPT_HEAD]!;
  if (marker.event !== OMITTED) {
    marker = { at: marker.at, event: OMITTED, detail: '0 entries' };
    timeline.splice(KEPT_HEAD, 0, marker);
  }
  const dropped = timeline.splice(KEPT_HEAD + 1, timeline.length - TIMELINE_LIMIT);
  const count = Number.parseInt(marker.detail ?? '0', 10) + dropped.reduce((n, e) => n + (e.times ?? 1), 0);
  marker.detail = `${count} entries`;
}
