import { randomUUID } from 'node:crypto';
import { IncomingMessage, STATUS_CODES } from 'node:http';
import { Duplex } from 'node:stream';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { errorCodes, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../application/common/api-errors';
import { errorBody, SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS } from './error-status';
import { logger } from '../logging/logger';
import { MetricsService } from '../metrics/metrics.service';
import { errorXml } from './ec2/ec2-xml';
import { RequestThrottle } from '../application/throttling';
import { bearerToken, refusalKey } from './rest/auth/guards';

/** Bodies larger than this are refused (413): a RunInstances with 50 tags is a few KiB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A caller's X-Request-Id is kept when it is a plain token, so logs join across services. */
const CALLER_ID = /^[\w.-]{1,128}$/;

function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && CALLER_ID.test(given) ? given : randomUUID();
}

/**
 * The HTTP server: Fastify, under Nest. Its routing, parsing and reply path cost a fraction of
 * Express's per request (docs/benchmarks.md). Settings that keep the REST contract as it was: paths
 * match case-insensitively and with or without a trailing slash; JSON bodies only, up to 1 MiB;
 * a JSON body with `__proto__` or `constructor.prototype` keys is refused (400) rather than parsed
 * (`registerBodyParsers`).
 */
export function httpAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    genReqId: requestId,
    requestIdHeader: false,
    logger: false,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 500 },
    // A URL that cannot be decoded is answered before routing, so in the error shape here.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      void reply.status(400).header('x-request-id', request.id).send(errorBody('InvalidParameterValue', `The request URL is not valid: ${error.message}`, request.id));
    },
    clientErrorHandler: answerClientError,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // While stopping, a request on a connection still open is refused by the hook below, in the error shape.
    return503OnClosing: false,
  });
}

/**
 * A request Node's HTTP parser refuses before Fastify sees it (headers over 16 KiB, a malformed
 * request line, a timeout) is still answered in the error shape — EC2's document when its request
 * line names the EC2 endpoint — and the connection is closed (Fastify's own answer is another
 * JSON shape).
 */
function answerClientError(err: { code?: string; rawPacket?: unknown }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'The request headers are larger than 16 KiB.']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'The request was not received in time.']
        : [400, 'The request is not valid HTTP.'];
  const requestId = randomUUID();
  // Node hands the bytes it read as a Buffer (Fastify's types say otherwise).
  const raw = Buffer.isBuffer(err.rawPacket) ? err.rawPacket : Buffer.alloc(0);
  const line = raw.subarray(0, 200).toString('latin1').split('\r\n', 1)[0];
  const ec2 = /^(GET|POST) \/(\?| )/.test(line);
  const body = ec2 ? errorXml('InvalidParameterValue', message, requestId) : JSON.stringify(errorBody('InvalidParameterValue', message, requestId));
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${ec2 ? 'text/xml;charset=UTF-8' : 'application/json; charset=utf-8'}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy();
}

let stopping = false;

/** From now on, new requests are refused (503 ServiceUnavailable, `Connection: close`); those in flight finish. */
export function refuseNewRequests(): void {
  stopping = true;
}

/** The EC2 Query protocol's endpoint is `/` (its query string aside); REST lives under /v1. */
export function isEc2Path(url: string): boolean {
  return url === '/' || url.startsWith('/?');
}

/** A form-encoded body of an EC2 request, kept as received: its signature covers the exact bytes. */
export class FormBody {
  constructor(readonly text: string) {}
}

/**
 * The body parsers (Nest's own are off): JSON only, as the REST contract has it. An empty body
 * that says it is JSON is no body, as clients send it on a POST without parameters; any other
 * content type is refused (415). A body too deep or holding a NUL is refused as it is parsed.
 * The one exception: the EC2 Query protocol's `POST /` takes a form-encoded body
 * (application/x-www-form-urlencoded); anywhere else that type is refused as before.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    json(request, text, (err: Error | null, value?: unknown) => {
      if (err) return done(err);
      const bad = unacceptable(value, MAX_DEPTH);
      if (bad === 'deep') return done(new ApiError('InvalidParameterValue', `The request body nests deeper than ${MAX_DEPTH} levels.`));
      if (bad === 'nul') return done(new ApiError('InvalidParameterValue', NUL_MESSAGE));
      done(null, value);
    });
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (request, body, done) => {
    if (!isEc2Path(request.url)) return done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(String(request.headers['content-type'])));
    const text = body.toString();
    if (text.includes('\u0000') || text.includes('%00')) return done(new ApiError('InvalidParameterValue', NUL_MESSAGE));
    done(null, new FormBody(text));
  });
}

/** No request of the API nests deeper than a few levels; a deeper body is refused before anything recurses into it. */
export const MAX_DEPTH = 32;

const NUL_MESSAGE = 'the request contains a NUL character (\\u0000), which no parameter accepts';

/**
 * What makes a parsed value unacceptable, found in one iterative walk (a value 20,000 levels deep
 * costs no stack): nesting deeper than `maxDepth`, or a NUL character in any string or key (no
 * field of the API accepts one, and PostgreSQL cannot store one in text). Undefined when neither.
 */
export function unacceptable(v: unknown, maxDepth = Infinity): 'deep' | 'nul' | undefined {
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length > 0) {
    const [x, depth] = stack.pop()!;
    if (typeof x === 'string') {
      if (x.includes('\u0000')) return 'nul';
    } else if (x !== null && typeof x === 'object') {
      if (depth + 1 > maxDepth) return 'deep';
      if (Array.isArray(x)) for (const e of x) stack.push([e, depth + 1]);
      else
        for (const k of Object.keys(x)) {
          if (k.includes('\u0000')) return 'nul';
          stack.push([(x as Record<string, unknown>)[k], depth + 1]);
        }
    }
  }
  return undefined;
}

/** Refusals held back at once at most; past this many, a refusal is answered at once. */
export const MAX_HELD_REFUSALS = 1024;
/** The longest a refusal is held back. */
export const MAX_REFUSAL_HOLD_MS = 1000;
let heldRefusals = 0;

/**
 * Answers a refusal at the door when its bucket could hold a token again (at most
 * MAX_REFUSAL_HOLD_MS later), not at once. A client that loops on a refused key, as a flood does,
 * then waits for its answer instead of sending the next request at once: each of its connections
 * is paced to the bucket's refill rate, and a held answer costs a timer, not the CPU that other
 * tenants' requests need. (Its answer says the same as an immediate one; the request after it may
 * find a token.) Each hold also gets a random part of up to one refill interval (`intervalMs`), so
 * that a flood's loops, refused together, do not all come back at the same instant as a burst that
 * other tenants' requests would queue behind. Past MAX_HELD_REFUSALS held at once, refusals are
 * answered immediately.
 */
function holdRefusal(remainingMs: number, intervalMs: number, answer: () => void): void {
  const holdMs = Math.min(Math.ceil(remainingMs + Math.random() * intervalMs), MAX_REFUSAL_HOLD_MS);
  if (holdMs <= 0 || heldRefusals >= MAX_HELD_REFUSALS) return answer();
  heldRefusals++;
  setTimeout(() => {
    heldRefusals--;
    answer();
  }, holdMs);
}

/**
 * Hooks on every request:
 * - its id (the caller's X-Request-Id or a new one) in the `x-request-id` header, set first, so
 *   even a request whose body cannot be parsed is answered and logged with one; once the server
 *   is stopping, a new request is refused there, before anything of it runs;
 * - before its handler: a NUL character in the path or the query is refused as bad input (the
 *   body's are refused by its parser), on both databases alike;
 * - when the answer is sent, its metrics (by route template, method and status) and, at `info`
 *   and below (the level is fixed at start), one log line: id, method, URL, status and time
 *   (the `/health` probes are not logged).
 */
export function registerRequestHooks(app: FastifyInstance, metrics: MetricsService, throttle?: RequestThrottle): void {
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    reply.header('x-request-id', request.id);
    if (stopping) {
      void reply.status(503).header('Connection', 'close').header('Retry-After', String(SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS));
      if (isEc2Path(request.url)) void reply.header('content-type', 'text/xml;charset=UTF-8').send(errorXml('ServiceUnavailable', 'Nimbus is stopping; retry shortly.', request.id));
      else void reply.send(errorBody('ServiceUnavailable', 'Nimbus is stopping; retry shortly.', request.id));
      return;
    }
    // A key its bucket refused a moment ago, on the same route, is refused again here, before its
    // body is read, before Nest's guards, pipes and filter: a flood costs microseconds per request.
    const key = throttle && bearerToken(request.headers.authorization);
    const refused = key ? throttle!.refusalFor(refusalKey(request, key)) : undefined;
    if (refused) {
      const { decision, remainingMs } = refused;
      if (decision.retryAfterSeconds !== undefined) void reply.header('Retry-After', String(decision.retryAfterSeconds));
      void reply.status(429);
      holdRefusal(remainingMs, 1000 / decision.spec.refillPerSecond, () => void reply.send(errorBody('RequestLimitExceeded', decision.message, request.id)));
      return;
    }
    done();
  });
  app.addHook('preHandler', (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    let path: string;
    try {
      path = decodeURIComponent(request.url.split('?', 1)[0]);
    } catch {
      return done(new ApiError('InvalidParameterValue', 'the request path is not valid percent-encoding'));
    }
    if (path.includes('\u0000') || unacceptable(request.query) === 'nul') return done(new ApiError('InvalidParameterValue', NUL_MESSAGE));
    done();
  });
  const log = logger();
  const logging = log.isLevelEnabled('info');
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    metrics.httpRequests.inc({ route, method: request.method, status });
    metrics.httpDuration.observe({ route, method: request.method }, reply.elapsedTime / 1000);
    if (logging && !request.url.startsWith('/health')) {
      const line = { reqId: request.id, req: { method: request.method, url: request.url }, res: { statusCode: status }, responseTime: Math.round(reply.elapsedTime * 100) / 100 };
      if (status >= 500) log.error(line, 'request failed');
      else log.info(line, 'request completed');
    }
    done();
  });
}
