import { Injectable, NestMiddleware } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { ApiError } from '../application/common/api-errors';

function hasNul(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (Array.isArray(v)) return v.some(hasNul);
  if (v && typeof v === 'object') return Object.entries(v).some(([k, x]) => k.includes('\u0000') || hasNul(x));
  return false;
}

/**
 * No field of the API accepts a NUL character, and PostgreSQL cannot store one in text: refuse it
 * up front as bad input (rather than fail in the database) on both databases alike.
 */
@Injectable()
export class RejectNulMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      throw new ApiError('InvalidParameterValue', 'the request path is not valid percent-encoding');
    }
    if (path.includes('\u0000') || hasNul(req.query) || hasNul(req.body))
      throw new ApiError('InvalidParameterValue', 'the request contains a NUL character (\\u0000), which no parameter accepts');
    next();
  }
}
