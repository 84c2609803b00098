import { ApiProperty } from '@nestjs/swagger';

export class AccessKeyResponseDto {
  @ApiProperty({ example: 'AKIAIOSFODNN7EXAMPLE', description: 'The access key id (`AKIA` and 16 characters)' }) accessKeyId!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CreatedAccessKeyResponseDto extends AccessKeyResponseDto {
  @ApiProperty({ example: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', description: 'The secret access key (40 characters): shown only in this answer' })
  secretAccessKey!: string;
}

export class AccessKeyListResponseDto {
  @ApiProperty({ example: '123456789012', description: "The tenant's 12-digit account id (EC2's `ownerId`)" }) accountId!: string;
  @ApiProperty({ type: [AccessKeyResponseDto] }) accessKeys!: AccessKeyResponseDto[];
}
