import { LoggerService } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';
import pretty from 'pino-pretty';

/**
 * The process's one logger: pino, JSON lines on stdout, at the configured level (`LOG_LEVEL`).
 * Nest's own messages and every request's line (see `http/request-id.middleware.ts`) go through
 * it. There is no per-request child logger and no async-local context: a request's lines carry its
 * id explicitly, which keeps a request that logs nothing (the common case above `info`) free of
 * logging work.
 */
let root: Pino = pino({ level: 'info' });

/**
 * JSON lines, as a log collector wants them; at a terminal (stdout a TTY) the same lines
 * pretty-printed by pino-pretty, for a person.
 */
export function configureLogger(level: string, tty = process.stdout.isTTY === true): Pino {
  root = tty ? pino({ level }, pretty({ colorize: true, sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })) : pino({ level });
  return root;
}

export function logger(): Pino {
  return root;
}

/**
 * Nest's messages whose context is one of these are start-up chatter (a line per module, route
 * and controller): debug, so that at `info` the start-up banner is what a person sees.
 */
const CHATTER = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** Nest's LoggerService over the pino logger: `{context}` as a field, errors as `err`. */
export class PinoNestLogger implements LoggerService {
  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    // Nest passes the context last; an error's stack (from Logger.error(msg, stack, ctx)) before it.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    if (context && CHATTER.has(context) && level === 'info') level = 'debug';
    if (!root.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = context ? { context } : {};
    const text = typeof rest[0] === 'string' ? rest[0] : undefined;
    if (message instanceof Error) root[level]({ ...fields, err: message }, text ?? message.message);
    else if (message && typeof message === 'object') {
      // nestjs-pino's convention, kept: logger.error({ err }, 'what failed')
      const { msg, ...obj } = message as Record<string, unknown>;
      root[level]({ ...fields, ...obj }, text ?? (typeof msg === 'string' ? msg : undefined));
    } else {
      // Logger.error('message', stack): the stack as a field
      if (text && level === 'error') fields.stack = text;
      root[level](fields, String(message));
    }
  }
}
