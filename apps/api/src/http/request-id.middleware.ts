import { randomUUID } from 'node:crypto';
import { NextFunction, Request, Response } from 'express';

/**
 * Gives every request its id before anything else runs (body parsing included), so even a request
 * whose body cannot be parsed is answered and logged with one. A caller's X-Request-Id is kept.
 */
export function assignRequestId(req: Request & { id?: string }, res: Response, next: NextFunction): void {
  const given = req.headers['x-request-id'];
  req.id = typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', req.id);
  next();
}
