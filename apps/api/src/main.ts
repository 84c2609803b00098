import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { FastifyInstance } from 'fastify';
import { Server } from 'node:http';
import { AuthService } from './application/auth/auth.service';
import { createApp } from './bootstrap';
import { refuseNewRequests } from './http/server';
import { ConfigError, loadConfig } from './config/app-config';
import { DemoSeeder } from './application/demo/demo.seeder';
import { EngineService } from './engine/engine.service';

const clockLabel = (c: { mode: string; rate: number }) => (c.mode === 'manual' ? 'manual' : `${c.rate}x`);

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const app = await createApp(config);
  stopGracefullyOn(app, ['SIGTERM', 'SIGINT']);
  const demo = await app.get(DemoSeeder).seedIfEmpty();
  // Every interface, as Node's own default: IPv6 and IPv4 where the machine has IPv6, else IPv4.
  await app.listen(config.port, '::').catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EAFNOSUPPORT' && err.code !== 'EADDRNOTAVAIL') throw err;
    return app.listen(config.port, '0.0.0.0');
  });
  const url = `http://localhost:${config.port}`;
  const adminKey = app.get(AuthService).generatedAdminKey;
  // Printed once, on the console only: keys are stored hashed and cannot be shown again.
  const lines = [
    '',
    `Nimbus is running at ${url}  (API docs: ${url}/docs)`,
    `  database: ${config.database.type === 'sqlite' ? `sqlite:${config.database.path}` : 'postgres'}; clock: ${clockLabel(app.get(EngineService).clock())}`,
    adminKey ? `  admin key (shown once, keep it): ${adminKey}` : '  admin key: as configured or printed on the first start',
    demo ? `  demo tenant ${demo.tenantId} key (shown once): ${demo.key}` : '',
    demo ? `  demo tenant's EC2 access key (shown once; docs/ec2.md): AWS_ACCESS_KEY_ID=${demo.accessKeyId} AWS_SECRET_ACCESS_KEY=${demo.secretAccessKey}` : '',
    demo ? `  e.g. aws ec2 describe-instances --endpoint-url ${url} --region us-east-1` : '',
    '',
  ];
  process.stdout.write(lines.filter((l, i) => l !== '' || i === 0 || i === lines.length - 1).join('\n') + '\n');
}

/** Time a graceful stop may take before the process gives up on it. */
const STOP_DEADLINE_MS = 10_000;

/**
 * On SIGTERM (or Ctrl-C): stop accepting connections and let the requests in flight finish (Fastify's
 * close), then close the app: the engine commits what is queued with the open metric buckets, and the
 * database closes. Exits 0 when that is done, 1 if it has not finished within 10 s.
 */
function stopGracefullyOn(app: INestApplication, signals: NodeJS.Signals[]): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      process.stderr.write(`Nimbus: not stopped ${STOP_DEADLINE_MS / 1000} s after ${signal}; exiting\n`);
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    try {
      // Fastify closes the connections idle when it starts closing and waits for the others; a
      // keep-alive connection whose request ends after that would hold the close until its timeout,
      // so the idle ones are swept until the server has closed.
      refuseNewRequests();
      const http = app.getHttpServer() as Server;
      const sweep = setInterval(() => http.closeIdleConnections(), 50);
      await (app.getHttpAdapter().getInstance() as FastifyInstance).close();
      clearInterval(sweep);
      await app.close();
      process.exit(0);
    } catch (err) {
      process.stderr.write(`Nimbus: stopping after ${signal} failed: ${(err as Error).stack ?? err}\n`);
      process.exit(1);
    }
  };
  for (const signal of signals) process.once(signal, (s) => void stop(s));
}

void main();
