import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { IsDecimalNumber } from '../decimal-number';
import { MAX_ADVANCE_MS } from '../../../engine/engine.service';

export class AdvanceClockDto {
  @ApiProperty({ example: 60, description: 'simulated seconds to advance (millisecond precision)' })
  @IsDefined() @IsDecimalNumber(3) @Min(0.001) @Max(MAX_ADVANCE_MS / 1000)
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
