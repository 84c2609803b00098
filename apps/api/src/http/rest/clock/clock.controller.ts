import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminAuth } from '../auth/guards';
import { ClockService } from '../../../application/clock/clock.service';
import { AdvanceClockDto, SetClockDto } from './clock.dto';

@ApiTags('admin: clock')
@AdminAuth()
@Controller('v1/admin/clock')
export class ClockController {
  constructor(private readonly clock: ClockService) {}

  @Get() get() { return this.clock.get(); }

  @Post('advance') @HttpCode(200)
  advance(@Body() dto: AdvanceClockDto) {
    return this.clock.advance({ seconds: dto.seconds });
  }

  @Put()
  set(@Body() dto: SetClockDto) {
    return this.clock.set({ rate: dto.rate, mode: dto.mode });
  }
}
