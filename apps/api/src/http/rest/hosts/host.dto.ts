import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

export class AddHostsDto {
  @ApiProperty({ example: 'm5-host' }) @IsDefined() @IsString()
  hostType!: string;

  @ApiProperty({ example: 'us-east-1a' }) @IsDefined() @IsString()
  availabilityZone!: string;

  @ApiPropertyOptional({ type: Number, default: 1, minimum: 1, maximum: 1000 }) @IsOptional() @IsInt() @Min(1) @Max(1000)
  count: number = 1;
}
