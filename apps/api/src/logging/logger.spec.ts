import { PinoNestLogger } from './logger';
import * as logging from './logger';

describe('PinoNestLogger', () => {
  afterEach(() => jest.restoreAllMocks());

  it('moves Nest\'s start-up chatter (routes, modules) to debug, so at info the banner is what a person sees', () => {
    logging.configureLogger('info', false);
    const lines: string[] = [];
    const root = logging.logger();
    const spy = jest.spyOn(root, 'info').mockImplementation(((o: unknown, m?: string) => void lines.push(String(m))) as never);
    const nest = new PinoNestLogger();
    nest.log('Mapped {/v1/instances, POST} route', 'RouterExplorer');
    nest.log('AppModule dependencies initialized', 'InstanceLoader');
    nest.log('world restored from the database', 'EngineService');
    expect(lines).toEqual(['world restored from the database']);
    spy.mockRestore();
  });

  it('keeps nestjs-pino\'s calling convention: an object with fields, then the message; errors as err', () => {
    logging.configureLogger('info', false);
    const calls: unknown[][] = [];
    const root = logging.logger();
    jest.spyOn(root, 'error').mockImplementation(((...a: unknown[]) => void calls.push(a)) as never);
    const boom = new Error('boom');
    new PinoNestLogger().error({ err: boom, requestId: 'r-1' }, 'unhandled error', 'ErrorFilter');
    new PinoNestLogger().error('plain message', 'the stack', 'ErrorFilter');
    expect(calls).toEqual([
      [{ context: 'ErrorFilter', err: boom, requestId: 'r-1' }, 'unhandled error'],
      [{ context: 'ErrorFilter', stack: 'the stack' }, 'plain message'],
    ]);
  });

  it('writes nothing below the configured level', () => {
    logging.configureLogger('warn', false);
    const root = logging.logger();
    const info = jest.spyOn(root, 'info');
    new PinoNestLogger().log('hello', 'EngineService');
    expect(info).not.toHaveBeenCalled();
  });
});
