import { PROVISIONED_IOPS_TYPES, VolumeType } from '@nimbus/hypervisor';

/** One of a volume's status checks (EC2's VolumeStatusDetails). */
export interface VolumeStatusDetail {
  readonly name: 'io-enabled' | 'io-performance';
  readonly status: 'passed' | 'normal' | 'not-applicable';
}

/** A volume's status checks as DescribeVolumeStatus answers them (EC2's VolumeStatusInfo). */
export interface VolumeStatus {
  readonly status: 'ok';
  readonly details: readonly VolumeStatusDetail[];
}

/**
 * A volume's status checks. Nimbus simulates no volume impairment (no potential data
 * inconsistency, no degraded performance), so every check passes: `io-enabled` is `passed`, and
 * `io-performance` is `normal` where EC2 checks performance — "for io1, io2, and gp3 volumes only"
 * (Amazon EBS User Guide, "Amazon EBS volume status events"): the types whose performance is
 * provisioned — and `not-applicable` on the others, as EC2 answers for them. The overall status
 * is then `ok` ("If all checks pass, the overall status of the volume is ok").
 */
export function volumeStatusOf(volumeType: VolumeType): VolumeStatus {
  const performanceChecked = PROVISIONED_IOPS_TYPES.includes(volumeType);
  return {
    status: 'ok',
    details: [{ name: 'io-enabled', status: 'passed' }, { name: 'io-performance', status: performanceChecked ? 'normal' : 'not-applicable' }],
  };
}
