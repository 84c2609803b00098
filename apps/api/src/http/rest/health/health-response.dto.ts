import { ApiProperty } from '@nestjs/swagger';

export class HealthSummaryResponseDto {
  @ApiProperty({ enum: ['ok'] }) status!: string;
  @ApiProperty({ enum: ['sqlite', 'postgres'] }) database!: string;
  @ApiProperty({ format: 'date-time' }) simulatedTime!: string;
  @ApiProperty({ example: 54 }) hosts!: number;
}

export class LivenessResponseDto {
  @ApiProperty({ enum: ['ok'] }) status!: string;
}

export class ReadinessResponseDto {
  @ApiProperty({ enum: ['ok'] }) status!: string;
  @ApiProperty({
    type: 'object', description: 'Each dependency checked: its status (up) and what it reports',
    additionalProperties: { type: 'object', properties: { status: { type: 'string', enum: ['up'] } }, required: ['status'], additionalProperties: true },
    example: { database: { kind: 'sqlite', status: 'up' }, engine: { pacingLagSeconds: 0, queued: 0, status: 'up' } },
  })
  checks!: Record<string, unknown>;
}
