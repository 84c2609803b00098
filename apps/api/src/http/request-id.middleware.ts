import { randomUUID } from 'node:crypto';
import { NextFunction, Request, Response } from 'express';
import { logger } from '../logging/logger';

/**
 * Gives every request its id before anything else runs (body parsing included), so even a request
 * whose body cannot be parsed is answered and logged with one. A caller's X-Request-Id is kept.
 * At `info` and below, each request is logged once, when its answer is sent: its id, method, URL,
 * status and time. `/health` is not logged.
 */
export function assignRequestId(req: Request & { id?: string }, res: Response, next: NextFunction): void {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
  req.id = id;
  res.setHeader('x-request-id', id);
  const log = logger();
  if (log.isLevelEnabled('info') && req.url !== '/health') {
    const start = process.hrtime.bigint();
    const { method, url } = req;
    res.once('finish', () => {
      const responseTime = Math.round(Number(process.hrtime.bigint() - start) / 1e4) / 100;
      const status = res.statusCode;
      const line = { reqId: id, req: { method, url }, res: { statusCode: status }, responseTime };
      if (status >= 500) log.error(line, 'request failed');
      else log.info(line, 'request completed');
    });
  }
  next();
}
