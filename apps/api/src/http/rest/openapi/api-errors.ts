import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { statusForCode } from '../../error-status';
import { ErrorBodyDto } from './error-body.dto';

/**
 * How a route documents the errors it can give (the pattern every route follows; the OpenAPI
 * test holds each operation to it):
 *
 *   @ApiErrors('InvalidInstanceID.NotFound', 'IncorrectInstanceState')
 *   @ApiErrors({ code: 'InvalidParameterValue', message: "component must be 'host' or 'driver-domain'" })
 *
 * Each error is an EC2 code, with the status the error filter gives it (error-status.ts, the one
 * place that knows both), a response in the shared `ErrorBody` schema and an example named by its
 * code. A bare code takes its example message from EXAMPLE_MESSAGES; give `{code, message}` for a
 * route's own words. Several codes of one status are one response with several examples.
 *
 * What needs no decorator on the route: 401/403 (and 429 on tenant routes) come with
 * `@TenantAuth()`/`@AdminAuth()`; the transport's errors of every route (400 for a bad URL or a NUL,
 * 413/415 for a body, 503 ServiceUnavailable) are added to the whole document by
 * `addTransportErrors` (document.ts). Success bodies: `@ApiOkResponse({ type: XResponseDto })` (or
 * Created/Accepted/NoContent) with a response DTO whose properties carry examples.
 */
export type ErrorExample = string | { code: string; message: string };

/** Example messages, as the application words them, for the codes routes name bare. */
export const EXAMPLE_MESSAGES: Readonly<Record<string, string>> = {
  AuthFailure: 'AWS was not able to validate the provided access credentials',
  UnauthorizedOperation: 'You are not authorized to perform this operation.',
  RequestLimitExceeded: 'Request limit exceeded for DescribeInstances: retry after 1 s.',
  ServiceUnavailable: 'The database is unavailable; retry shortly.',
  ValidationError: 'unknown field \'colour\'',
  MissingParameter: 'The request must contain the parameter imageId',
  InvalidParameterValue: 'maxResults must be an integer from 5 to 1000',
  InvalidPaginationToken: "The token 'x' is not valid",
  'InvalidInstanceID.NotFound': "The instance ID 'i-0123456789abcdef0' does not exist",
  'InvalidInstanceID.Malformed': 'Invalid id: "i-bad" (expecting "i-...")',
  'InvalidVolume.NotFound': "The volume 'vol-0123456789abcdef0' does not exist.",
  'InvalidVolumeID.Malformed': 'Invalid id: "vol-bad" (expecting "vol-...")',
  'InvalidAMIID.NotFound': "The image id '[ami-00000000000000000]' does not exist",
  'InvalidTenantID.NotFound': "The tenant ID 't-0123456789abcdef0' does not exist",
  'InvalidKeyID.NotFound': "The API key 'key-0123456789abcdef0' does not exist for tenant 't-0123456789abcdef0'",
  'InvalidHostID.NotFound': "The host ID 'h-0123456789abcdef0' does not exist",
  'InvalidPlacementGroup.Unknown': "The placement group 'web-spread' is unknown.",
  'InvalidPlacementGroup.Duplicate': "The placement group 'web-spread' already exists.",
  'InvalidPlacementGroup.InUse': "The placement group 'web-spread' has running instances.",
  'InvalidLicenseConfigurationId.NotFound': "The license configuration 'lic-0123456789abcdef0' does not exist",
  LicenseConfigurationInUse: "The license configuration 'lic-0123456789abcdef0' is in use by running instances.",
  'InvalidInvoiceID.NotFound': "The invoice 'inv-0123456789abcdef0' does not exist",
  'InvalidInvoiceID.Malformed': "Invalid id: 'inv-bad' (expecting 'inv-' and 17 hex digits, or 'est-YYYY-MM-<tenantId>' for an estimate)",
  'InvalidSimulationID.NotFound': "The simulation ID 'sim-0123456789abcdef0' does not exist",
  'InvalidSeries.NotFound': "The report has no series 'x' (it has: cpuUtilization, energyKWh)",
  IncorrectInstanceState: "The instance 'i-0123456789abcdef0' is not in a state from which it can be stopped (pending).",
  OperationNotPermitted: "The instance 'i-0123456789abcdef0' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.",
  IdempotentParameterMismatch: "The client token 'launch-1' was used with different parameters.",
  VolumeInUse: "Volume 'vol-0123456789abcdef0' is attached to 'i-0123456789abcdef0'.",
  IncorrectState: "Volume 'vol-0123456789abcdef0' is in the 'available' state.",
  IncorrectModificationState: 'The volume is being modified (until 2026-01-05T00:10:00.000Z): a modification must complete before the next one.',
  MaxIOPSLimitExceeded: 'You have requested more provisioned IOPS than your current limit of 100000 allows: 98000 provisioned, 4000 requested (quota).',
  'InvalidSnapshot.NotFound': "The snapshot 'snap-0123456789abcdef0' does not exist.",
  'InvalidSnapshotID.Malformed': 'Invalid id: "snap-bad" (expecting "snap-...")',
  'InvalidVolumeModification.NotFound': "Modification for volume 'vol-0123456789abcdef0' does not exist.",
  TagLimitExceeded: "The maximum number of tags for a resource has been reached: 'i-0123456789abcdef0' may have at most 50 tags.",
  AttachmentLimitExceeded: "Instance 'i-0123456789abcdef0' already has 28 volumes attached, the most it may have.",
  InvalidBlockDeviceMapping: "Volume of size 4GB is smaller than  snapshot 'snap-0123456789abcdef0', expect size >= 8GB",
  IncorrectHostState: "Host 'h-0123456789abcdef0' runs instances: drain it first.",
  HostInUse: "Host 'h-0123456789abcdef0' runs instances.",
  MigrationNotConverging: "Instance 'i-0123456789abcdef0' dirties memory faster than the link copies it.",
  VcpuLimitExceeded: 'You have requested more vCPU capacity than your current vCPU limit of 64 allows (quota).',
  LicenseLimitExceeded: "License configuration 'lic-0123456789abcdef0' would exceed its hard limit of 64 (licence).",
  InsufficientInstanceCapacity: 'We currently do not have sufficient m5.24xlarge capacity in the Availability Zone you requested (us-east-1a) (capacity: cpu).',
  InsufficientHostCapacity: 'There is not enough capacity to fulfill your Dedicated Host request in us-east-1a.',
  InsufficientCapacityOnHost: "Dedicated Host 'h-0123456789abcdef0' has no room for an m5.large (capacity: cpu).",
  UnsupportedHostConfiguration: "Give instanceType or instanceFamily, not both.",
  InvoiceAlreadyClosed: 'The month 2025-04 is already closed.',
  BillingMonthNotEnded: 'The month 2025-05 has not ended yet (simulated time 2025-05-20T00:00:00.000Z).',
  InvalidScenario: '$.durationHours: must be > 0',
  IncorrectSimulationState: "Simulation 'sim-0123456789abcdef0' is completed: only a queued or running one can be cancelled.",
};

function exampleOf(e: ErrorExample): { status: number; code: string; message: string } {
  const { code, message } = typeof e === 'string' ? { code: e, message: EXAMPLE_MESSAGES[e] } : e;
  if (message === undefined) throw new Error(`@ApiErrors('${code}'): no example message for this code; give { code, message }`);
  return { status: statusForCode(code), code, message };
}

/** Error responses in the `ErrorBody` shape, one per status, one example per code (see above). */
export function ApiErrors(...errors: ErrorExample[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, { code: string; message: string }[]>();
  for (const e of errors.map(exampleOf)) byStatus.set(e.status, [...(byStatus.get(e.status) ?? []), e]);
  return applyDecorators(
    ...[...byStatus].map(([status, list]) =>
      ApiResponse({
        status,
        description: list.map((e) => `\`${e.code}\``).join(', '),
        type: ErrorBodyDto,
        examples: Object.fromEntries(list.map((e) => [e.code, { summary: e.code, value: { error: { code: e.code, message: e.message, requestId: '8f14e45f-ceea-467a-9575-6f5e2a4b9c1d' } } }])),
      }),
    ),
  );
}
