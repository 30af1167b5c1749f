import { randomBytes } from 'node:crypto';

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

/**
 * The result of a form post, shown on the page it redirects to. The query string carries only an id,
 * so a crafted link cannot put words of its choosing on the dashboard. Kept (not consumed) so a reload
 * or a live refresh still shows it; the oldest fall off past `capacity`.
 */
export class FlashMessages {
  private readonly messages = new Map<string, Flash>();

  constructor(private readonly capacity = 500) {}

  add(flash: Flash): string {
    const id = randomBytes(8).toString('hex');
    this.messages.set(id, flash);
    if (this.messages.size > this.capacity) this.messages.delete(this.messages.keys().next().value!);
    return id;
  }

  get(id: unknown): Flash | undefined {
    return typeof id === 'string' ? this.messages.get(id) : undefined;
  }
}
