import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-errors';
import { EngineService } from '../../engine/engine.service';
import { AdvanceClockCommand, SetClockCommand } from './clock.commands';

/** The simulated clock as the engine reports it (engine/clock-state.ts). */
export type ClockView = ReturnType<EngineService['clock']>;

/** The admin's simulated clock: read it, advance it by hand, or pace it. */
@Injectable()
export class ClockService {
  constructor(private readonly engine: EngineService) {}

  get(): ClockView {
    return this.engine.clock();
  }

  advance(cmd: AdvanceClockCommand): Promise<ClockView> {
    return this.engine.advance(Math.round(cmd.seconds * 1000));
  }

  set(cmd: SetClockCommand): Promise<ClockView> {
    if ((cmd.rate === undefined) === (cmd.mode === undefined)) throw new ApiError('InvalidParameterCombination', 'give either rate or mode, not both or neither');
    return this.engine.setClock(cmd.mode === 'manual' ? { mode: 'manual' } : { mode: 'realtime', rate: cmd.rate! });
  }
}
