/**
 * EC2's HTTP statuses for its error codes ("Error codes for the Amazon EC2 API": client errors are
 * 400-series, server errors 500-series), as the Query protocol answers them. REST keeps its own
 * statuses (error-status.ts, API.md); the codes are the same.
 */
const EC2_STATUS_BY_CODE: Readonly<Record<string, number>> = {
  AuthFailure: 401,
  MissingAuthenticationToken: 401,
  InvalidClientTokenId: 403,
  SignatureDoesNotMatch: 403,
  UnauthorizedOperation: 403,
  Blocked: 403,
  DryRunOperation: 412,
  RequestLimitExceeded: 503,
  ServiceUnavailable: 503,
  Unavailable: 503,
  InternalError: 500,
  InsufficientInstanceCapacity: 500,
  InsufficientHostCapacity: 500,
  InsufficientCapacityOnHost: 500,
  InsufficientAddressCapacity: 500,
};

/** 400 unless EC2 answers the code otherwise (a NotFound is 400 on EC2, unlike REST's 404). */
export function ec2StatusForCode(code: string): number {
  return EC2_STATUS_BY_CODE[code] ?? 400;
}

/**
 * REST-only codes that EC2 names otherwise: a request the REST validation calls `ValidationError`
 * is EC2's `InvalidParameterValue`.
 */
export function ec2Code(code: string): string {
  return code === 'ValidationError' ? 'InvalidParameterValue' : code;
}
