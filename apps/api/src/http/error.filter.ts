import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { isEc2Path, MAX_BODY_BYTES } from './server';
import { sendEc2Error } from './ec2/ec2.adapter';
import { errorBody, SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS, statusForCode } from './error-status';

interface CodedError {
  isDomainError: true;
  code: string;
  message: string;
}

/**
 * A 4xx raised below Nest: Fastify's body parsing (a body that is not valid JSON, too large, of an
 * unsupported type) and its own errors carry a status and a code; Nest turns the FastifyErrors
 * among them into HttpExceptions, but not the JSON parser's SyntaxError.
 */
interface ParserError {
  statusCode: number;
  code?: string;
}
const isParserError = (e: unknown): e is ParserError =>
  e instanceof Error && Number.isInteger((e as unknown as ParserError).statusCode) && (e as unknown as ParserError).statusCode >= 400 && (e as unknown as ParserError).statusCode < 500;
const PARSER_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_BODY_TOO_LARGE: `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB.`,
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty, but its content type says JSON.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'The request body must be application/json.',
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

  /**
   * `translate` turns an error from below the application (the database's) into the domain error
   * it means, if any; the composition root passes persistence's (the filter knows no database).
   */
  constructor(private readonly translate: (err: unknown) => CodedError | undefined = () => undefined) {}

  catch(thrown: unknown, host: ArgumentsHost): void {
    const exception = isDomainError(thrown) ? thrown : (this.translate(thrown) ?? thrown);
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<FastifyRequest>();
    const res = ctx.getResponse<FastifyReply>();
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
      if (status === 404 && code === 'NotFound') message = `No route for ${req.method} ${req.url.split('?', 1)[0]}`;
      // Fastify's own refusals of a body, which Nest hands over as HttpExceptions: our words for them.
      if (status === 413) message = PARSER_MESSAGES.FST_ERR_CTP_BODY_TOO_LARGE;
      if (status === 415) message = PARSER_MESSAGES.FST_ERR_CTP_INVALID_MEDIA_TYPE;
    } else if (isParserError(exception)) {
      status = exception.statusCode;
      code = CODE_BY_STATUS[status] ?? 'ValidationError';
      message = PARSER_MESSAGES[exception.code ?? ''] ?? (exception instanceof SyntaxError ? PARSER_MESSAGES.FST_ERR_CTP_INVALID_JSON_BODY : 'The request body could not be read.');
    } else {
      status = HttpStatus.INTERNAL_SERVER_ERROR;
      code = 'InternalError';
      message = 'An internal error has occurred.';
      this.logger.error({ err: exception, requestId }, 'unhandled error');
    }
    // The EC2 endpoint's errors raised before its handler (its body's parsing): EC2's error document.
    if (isEc2Path(req.url)) return sendEc2Error(res, code, message, requestId);
    // A service that cannot serve now says when to come back.
    if (code === 'ServiceUnavailable') void res.header('Retry-After', String(SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS));
    void res.status(status).send(errorBody(code, message, requestId));
  }
}
