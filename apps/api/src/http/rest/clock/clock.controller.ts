import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsDefined, IsIn, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { AdminAuth } from '../auth/guards';
import { ApiError } from '../../../application/common/api-errors';
import { EngineService, MAX_ADVANCE_MS } from '../../../engine/engine.service';

export class AdvanceClockDto {
  @ApiProperty({ example: 60, description: 'simulated seconds to advance (millisecond precision)' })
  @IsDefined() @IsNumber({ maxDecimalPlaces: 3 }) @Min(0.001) @Max(MAX_ADVANCE_MS / 1000)
  seconds!: number;
}

export class SetClockDto {
  @ApiPropertyOptional({ example: 60, description: 'simulated seconds per wall second' })
  @IsOptional() @IsNumber() @Min(0.001) @Max(1_000_000)
  rate?: number;

  @ApiPropertyOptional({ enum: ['manual'] })
  @IsOptional() @IsIn(['manual'])
  mode?: 'manual';
}

@ApiTags('admin: clock')
@AdminAuth()
@Controller('v1/admin/clock')
export class ClockController {
  constructor(private readonly engine: EngineService) {}

  @Get() get() { return this.engine.clock(); }

  @Post('advance') @HttpCode(200)
  advance(@Body() dto: AdvanceClockDto) {
    return this.engine.advance(Math.round(dto.seconds * 1000));
  }

  @Put()
  set(@Body() dto: SetClockDto) {
    if ((dto.rate === undefined) === (dto.mode === undefined)) throw new ApiError('InvalidParameterCombination', 'give either rate or mode, not both or neither');
    return this.engine.setClock(dto.mode === 'manual' ? { mode: 'manual' } : { mode: 'realtime', rate: dto.rate! });
  }
}
