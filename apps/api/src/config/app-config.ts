import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

/** The environment variables of API.md, validated once at boot. */
class EnvironmentVariables {
  @IsOptional() @Transform(({ value }) => Number(value)) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsOptional() @IsString() @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, { message: 'DATABASE_URL must be sqlite:<path> or postgres://…' })
  DATABASE_URL = 'sqlite:./data/nimbus.sqlite';

  @IsOptional() @IsString() @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be redis://…' })
  REDIS_URL?: string;

  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'NIMBUS_QUEUE_PREFIX must be 1 to 64 letters, digits, _ . or -' })
  NIMBUS_QUEUE_PREFIX?: string;

  @IsOptional() @IsString() @MinLength(16, { message: 'NIMBUS_ADMIN_KEY must be at least 16 characters' })
  NIMBUS_ADMIN_KEY?: string;

  @IsOptional() @IsString() @MinLength(32, { message: 'NIMBUS_SECRET_KEY must be at least 32 characters' })
  NIMBUS_SECRET_KEY?: string;

  @IsOptional() @IsString() @Matches(/^(manual|\d+(\.\d+)?)$/, { message: "NIMBUS_CLOCK must be 'manual' or a rate (simulated seconds per wall second)" })
  NIMBUS_CLOCK?: string;

  @IsOptional() @Transform(({ value }) => (typeof value === 'string' ? value === 'true' || value === '1' : value)) @IsBoolean()
  NIMBUS_DEMO = false;

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsOptional() @IsIn(['true', 'false', '1', '0'], { message: 'NIMBUS_WORKER_THREADS must be true or false' })
  NIMBUS_WORKER_THREADS = 'true';

  @IsOptional() @IsString()
  NIMBUS_TEST_HOLD_ANSWERS_FILE?: string;
}

export type ClockSetting = { mode: 'manual' } | { mode: 'realtime'; rate: number };
export const DEFAULT_CLOCK: ClockSetting = { mode: 'realtime', rate: 1 };

export interface AppConfig {
  readonly port: number;
  readonly database: { readonly type: 'sqlite'; readonly path: string } | { readonly type: 'postgres'; readonly url: string };
  readonly redisUrl?: string;
  /** Where the simulation queue's keys live in Redis (deployments sharing a Redis keep apart); default `nimbus`. */
  readonly queuePrefix?: string;
  readonly adminKey?: string;
  /**
   * The server's key (NIMBUS_SECRET_KEY), under which the EC2 access keys' secrets are encrypted.
   * Unset: generated on the first start and kept in a file beside the SQLite database (or in
   * ./data for PostgreSQL), never in the database (config/server-key.ts).
   */
  readonly secretKey?: string;
  /** Set only when NIMBUS_CLOCK is; otherwise the stored pacing, or DEFAULT_CLOCK on a fresh start. */
  readonly clock?: ClockSetting;
  readonly demo: boolean;
  readonly logLevel: string;
  /**
   * Each load-simulation run the API executes itself (the in-process fallback, no Redis) on a
   * worker thread of its own (NIMBUS_WORKER_THREADS, default true, as for `npm run worker`): the
   * API's event loop never waits on a run's slice. `false`: on the event loop, between requests.
   */
  readonly simulationThreads: boolean;
  /**
   * TEST ONLY (NIMBUS_TEST_HOLD_ANSWERS_FILE; crash tests): while a file at this path exists, the
   * next group that commits is never answered and the write queue stops, so that a kill -9 then
   * leaves requests that committed but were never answered. Unset (always, outside tests): inert.
   */
  readonly testHoldAnswersFile?: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const raw = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const vars = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  const errors = validateSync(vars, { skipMissingProperties: false });
  if (errors.length > 0) {
    throw new ConfigError(`Invalid configuration: ${errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ')}`);
  }
  const url = vars.DATABASE_URL;
  const clock = vars.NIMBUS_CLOCK;
  const rate = Number(clock);
  if (clock !== undefined && clock !== 'manual' && !(rate > 0)) throw new ConfigError('Invalid configuration: NIMBUS_CLOCK rate must be greater than 0');
  return {
    port: vars.PORT,
    database: url.startsWith('sqlite:') ? { type: 'sqlite', path: url.slice('sqlite:'.length) } : { type: 'postgres', url },
    redisUrl: vars.REDIS_URL,
    queuePrefix: vars.NIMBUS_QUEUE_PREFIX,
    adminKey: vars.NIMBUS_ADMIN_KEY,
    secretKey: vars.NIMBUS_SECRET_KEY,
    clock: clock === undefined ? undefined : clock === 'manual' ? { mode: 'manual' } : { mode: 'realtime', rate },
    demo: vars.NIMBUS_DEMO,
    logLevel: vars.LOG_LEVEL,
    simulationThreads: vars.NIMBUS_WORKER_THREADS === 'true' || vars.NIMBUS_WORKER_THREADS === '1',
    testHoldAnswersFile: vars.NIMBUS_TEST_HOLD_ANSWERS_FILE,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
