import { loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const sut = loadConfig({});
    expect(sut).toMatchObject({ port: 3000, database: { type: 'sqlite', path: './data/nimbus.sqlite' }, demo: false, simulationThreads: true });
    expect(sut.clock).toBeUndefined(); // the stored pacing, or 1x on a fresh start
  });

  it('reads PostgreSQL, a manual clock and the demo flag', () => {
    const sut = loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db', NIMBUS_CLOCK: 'manual', NIMBUS_DEMO: 'true', PORT: '8080' });
    expect(sut).toMatchObject({ port: 8080, database: { type: 'postgres', url: 'postgres://u@h:5432/db' }, clock: { mode: 'manual' }, demo: true });
  });

  it.each([
    ['false', false],
    ['0', false],
    ['true', true],
    ['1', true],
  ])('NIMBUS_WORKER_THREADS=%s: in-process runs on a thread of their own: %s', (value, threads) => {
    expect(loadConfig({ NIMBUS_WORKER_THREADS: value }).simulationThreads).toBe(threads);
  });

  it.each([
    [{ NIMBUS_WORKER_THREADS: 'yes' }, /NIMBUS_WORKER_THREADS must be true or false/],
    [{ PORT: 'abc' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ NIMBUS_CLOCK: 'fast' }, /NIMBUS_CLOCK/],
    [{ NIMBUS_CLOCK: '0' }, /greater than 0/],
    [{ NIMBUS_ADMIN_KEY: 'short' }, /NIMBUS_ADMIN_KEY/],
  ])('refuses %j at boot with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
