import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors';
import { ClockResponseDto } from './clock-response.dto';
import { AdminAuth } from '../auth/guards';
import { ClockService } from '../../../application/clock/clock.service';
import { AdvanceClockDto, SetClockDto } from './clock.dto';

@ApiTags('admin: clock')
@AdminAuth()
@Controller('v1/admin/clock')
export class ClockController {
  constructor(private readonly clock: ClockService) {}

  @ApiOkResponse({ type: ClockResponseDto })
  @Get() get() { return this.clock.get(); }

  @ApiOkResponse({ type: ClockResponseDto, description: 'Every event up to the new time has run' })
  @ApiErrors('MissingParameter', 'ValidationError')
  @Post('advance') @HttpCode(200)
  advance(@Body() dto: AdvanceClockDto) {
    return this.clock.advance({ seconds: dto.seconds });
  }

  @ApiOkResponse({ type: ClockResponseDto })
  @ApiErrors('ValidationError')
  @Put()
  set(@Body() dto: SetClockDto) {
    return this.clock.set({ rate: dto.rate, mode: dto.mode });
  }
}
