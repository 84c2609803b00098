import { ApiProperty } from '@nestjs/swagger';

export class ClockResponseDto {
  @ApiProperty({ format: 'date-time', description: 'Simulated time (ISO 8601)' }) now!: string;
  @ApiProperty({ enum: ['manual', 'realtime'], description: 'manual: time moves only when advanced; realtime: at `rate` simulated seconds per wall second' }) mode!: string;
  @ApiProperty({ example: 60, description: 'Simulated seconds per wall second (0 in manual mode)' }) rate!: number;
}
