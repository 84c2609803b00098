/** EC2's error codes mapped to HTTP statuses (API.md): the one place that knows both. */
const STATUS_BY_CODE: Record<string, number> = {
  InvalidParameterValue: 400,
  InvalidParameterCombination: 400,
  MissingParameter: 400,
  ValidationError: 400,
  InvalidPaginationToken: 400,
  VcpuLimitExceeded: 400,
  TagLimitExceeded: 400,
  AttachmentLimitExceeded: 400,
  LicenseLimitExceeded: 400,
  AuthFailure: 401,
  UnauthorizedOperation: 403,
  NotFound: 404,
  IncorrectInstanceState: 409,
  IdempotentParameterMismatch: 409,
  VolumeInUse: 409,
  IncorrectModificationState: 409,
  HostInUse: 409,
  IncorrectHostState: 409,
  MigrationNotConverging: 409,
  RequestLimitExceeded: 429,
  InsufficientInstanceCapacity: 503,
  ServiceUnavailable: 503,
  // Placement groups, Dedicated Hosts, license configurations.
  'InvalidPlacementGroup.Unknown': 404,
  'InvalidPlacementGroup.Duplicate': 409,
  'InvalidPlacementGroup.InUse': 409,
  'InvalidLicenseConfigurationId.NotFound': 404,
  LicenseConfigurationInUse: 409,
  InsufficientHostCapacity: 503,
  InsufficientCapacityOnHost: 503,
  UnsupportedHostConfiguration: 400,
  // The EC2 protocol's access keys.
  AccessKeyLimitExceeded: 409,
  'InvalidAccessKeyId.NotFound': 404,
  // Images, snapshots and the admin catalog.
  'InvalidAMIID.Duplicate': 409,
  'InvalidAMIName.Duplicate': 409,
  'InvalidSnapshot.InUse': 409,
  'InvalidInstanceType.Duplicate': 409,
  // Reserved Instances (EC2's codes; the REST API's missing resource is a 404).
  InvalidReservedInstancesId: 404,
  InvalidReservedInstancesOfferingId: 404,
  // Billing.
  InvoiceAlreadyClosed: 409,
  BillingMonthNotEnded: 409,
  // Load-simulation runs.
  InvalidScenario: 400,
  IncorrectSimulationState: 409,
  IncorrectExperimentState: 409,
};

export function statusForCode(code: string): number {
  if (STATUS_BY_CODE[code] !== undefined) return STATUS_BY_CODE[code];
  if (code.endsWith('.NotFound')) return 404;
  if (code.endsWith('.Malformed')) return 400;
  return 400;
}

/** The API's error shape (API.md): the one place it is built. */
export function errorBody(code: string, message: string, requestId: string) {
  return { error: { code, message, requestId } };
}

/** Seconds a client should wait after a 503 ServiceUnavailable. */
export const SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;
