import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { Request, Response } from 'express';
import { statusForCode } from './error-status';

interface CodedError {
  isDomainError: true;
  code: string;
  message: string;
}

/** Bodies larger than this are refused (413): a RunInstances with 50 tags is a few KiB. */
export const MAX_BODY = '1mb';

/** body-parser's own errors: plain errors with an HTTP status, `expose` when safe to show. */
interface ParserError {
  expose: true;
  status: number;
  type?: string;
}
const isParserError = (e: unknown): e is ParserError =>
  typeof e === 'object' && e !== null && (e as ParserError).expose === true && Number.isInteger((e as ParserError).status) && (e as ParserError).status >= 400 && (e as ParserError).status < 500;
const PARSER_MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'The request body is not valid JSON.',
  'entity.too.large': `The request body is larger than ${MAX_BODY}.`,
};

const isDomainError = (e: unknown): e is CodedError => typeof e === 'object' && e !== null && (e as CodedError).isDomainError === true;

/** Nest's own HTTP exceptions (unknown route, bad JSON, payload size) in the same error shape. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'ValidationError',
  401: 'AuthFailure',
  403: 'UnauthorizedOperation',
  404: 'NotFound',
  405: 'InvalidAction',
  413: 'ValidationError',
  415: 'ValidationError',
  429: 'RequestLimitExceeded',
};

/**
 * The single place errors become HTTP: `{"error": {"code", "message", "requestId"}}`.
 * Domain errors keep their EC2 code; anything unexpected is a 500 that reveals nothing and is logged.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string }>();
    const res = ctx.getResponse<Response>();
    const requestId = String(req.id ?? '');
    let status: number;
    let code: string;
    let message: string;
    if (isDomainError(exception)) {
      code = exception.code;
      status = statusForCode(code);
      message = exception.message;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'InternalError' : 'ValidationError');
      const body = exception.getResponse();
      message = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? exception.message);
      if (status === 404 && code === 'NotFound') message = `No route for ${req.method} ${req.path}`;
    } else if (isParserError(exception)) {
      status = exception.status;
      code = CODE_BY_STATUS[status] ?? 'ValidationError';
      message = PARSER_MESSAGES[exception.type ?? ''] ?? 'The request body could not be read.';
    } else {
      status = HttpStatus.INTERNAL_SERVER_ERROR;
      code = 'InternalError';
      message = 'An internal error has occurred.';
      this.logger.error({ err: exception, requestId }, 'unhandled error');
    }
    res.status(status).json({ error: { code, message, requestId } });
  }
}
