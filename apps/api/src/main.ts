import 'reflect-metadata';
import { AuthService } from './application/auth/auth.service';
import { createApp } from './bootstrap';
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
    '',
  ];
  process.stdout.write(lines.filter((l, i) => l !== '' || i === 0 || i === lines.length - 1).join('\n') + '\n');
}

void main();
