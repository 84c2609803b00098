import Redis, { RedisOptions } from 'ioredis';

/** API.md: REDIS_URL's default, used when Redis answers there. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The URL without its password, for logs. */
export function redisLabel(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(unparsable URL)';
  }
}

/** Whether Redis answers PING at `url` within `timeoutMs` (one try, no reconnection). */
export async function probeRedis(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  client.on('error', () => undefined); // the answer is the boolean
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * A worker's connection: BullMQ requires `maxRetriesPerRequest: null` for its blocking commands, so
 * that they wait across a Redis restart instead of failing; ioredis reconnects on its own.
 */
export function workerConnectionOptions(): RedisOptions {
  return { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 200, 2000) };
}

/**
 * A producer's connection. Its offline queue stays on (BullMQ's start-up commands are sent before
 * the connection is up); a submit does not wait on it for long (BullmqSimulationQueue.enqueue).
 */
export function producerConnectionOptions(): RedisOptions {
  return { maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: (times) => Math.min(times * 200, 2000) };
}
