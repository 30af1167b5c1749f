import type { Response } from 'express';

/** RFC 7807 problem+json: the control API's error format, never confused with gateway errors. */
export function sendProblem(res: Response, status: number, title: string, detail?: string): void {
  res.status(status).type('application/problem+json').send(JSON.stringify({
    type: `https://finnet-mock.local/problems/${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    title,
    status,
    ...(detail === undefined ? {} : { detail }),
  }));
}
