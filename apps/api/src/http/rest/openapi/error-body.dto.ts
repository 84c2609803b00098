import { ApiProperty, ApiSchema } from '@nestjs/swagger';

export class ErrorDetailDto {
  @ApiProperty({ description: "EC2's error code where EC2 has one (API.md)", example: 'InvalidInstanceID.NotFound' })
  code!: string;

  @ApiProperty({ description: 'What is wrong, for a person', example: "The instance ID 'i-0123456789abcdef0' does not exist" })
  message!: string;

  @ApiProperty({ description: 'The id of the request (also its `x-request-id` header), to find it in the logs', example: '8f14e45f-ceea-467a-9575-6f5e2a4b9c1d' })
  requestId!: string;
}

/** The API's one error shape (API.md): `{"error": {"code", "message", "requestId"}}`, the `ErrorBody` component. */
@ApiSchema({ name: 'ErrorBody' })
export class ErrorBodyDto {
  @ApiProperty({ type: ErrorDetailDto })
  error!: ErrorDetailDto;
}
