import { ApiError } from '../../application/common/api-errors';

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

/**
 * Acts on each item alone, as EC2's batch actions with per-item results do (ReleaseHosts,
 * ModifyInstanceCreditSpecification): a domain error becomes that item's failure; anything else
 * fails the request.
 */
export async function eachWithOutcome<T>(list: readonly T[], act: (item: T) => Promise<void>): Promise<{ ok: T[]; failed: { item: T; code: string; message: string }[] }> {
  const ok: T[] = [];
  const failed: { item: T; code: string; message: string }[] = [];
  for (const item of list) {
    try {
      await act(item);
      ok.push(item);
    } catch (err) {
      const e = err as { isDomainError?: boolean; code: string; message: string };
      if (!e.isDomainError) throw err;
      failed.push({ item, code: e.code, message: e.message });
    }
  }
  return { ok, failed };
}

/**
 * The one answer to a parameter or value of EC2's that Nimbus does not simulate (IPv6, prefix
 * lists, NAT and the other route targets, encryption, Multi-Attach, IAM, launch templates, …):
 * `UnsupportedOperation` naming it, never ignored. EC2's error codes page describes
 * UnsupportedOperation as a request that "includes an unsupported operation", whose message "provides
 * details of the unsupported operation": the request is EC2's, what it asks is not available here,
 * and no other value of it will do. `InvalidParameterValue` ("a value specified in a parameter is not
 * valid, is unsupported, or cannot be used") stays what it is on EC2: the answer to a value EC2
 * itself refuses, which Nimbus answers with EC2's code and words.
 */
export function unsupported(what: string): ApiError {
  return new ApiError('UnsupportedOperation', `Nimbus does not support ${what}.`);
}
