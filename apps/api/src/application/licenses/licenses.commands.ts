import { LicenseCountingType } from '@nimbus/scheduler';

/** CreateLicenseConfiguration: a tenant's self-managed licenses and how they are counted. */
export interface CreateLicenseConfigurationCommand {
  readonly name: string;
  readonly countingType: LicenseCountingType;
  /** Licenses owned, in the counting type's unit. */
  readonly limit: number;
  /** true: a launch past the limit is refused; false: admitted and reported. */
  readonly hardLimit: boolean;
}
