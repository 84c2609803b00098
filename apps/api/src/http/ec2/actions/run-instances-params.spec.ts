import { findInstanceType } from '@nimbus/hypervisor';
import { errorCodeOf } from '../../../application/common/testing/error-code';
import { parseQueryString, QueryParams } from '../ec2-params';
import { toRunInstancesCommand } from './instances.actions';

const run = (extra: string) => () => toRunInstancesCommand(new QueryParams(parseQueryString(`ImageId=ami-0a1e0c00000000a23&InstanceType=t3.micro&MinCount=1&MaxCount=1${extra}`)), findInstanceType);

describe("RunInstances' parameters for what Nimbus does not simulate", () => {
  it('refuses each by name (UnsupportedOperation), as a structure or a value', () => {
    for (const extra of ['&IamInstanceProfile.Name=web', '&Ipv6AddressCount=1', '&KernelId=aki-1', '&RamdiskId=ari-1']) expect([extra, errorCodeOf(run(extra))]).toEqual([extra, 'UnsupportedOperation']);
  });

  it("accepts a one-value setting written with its value (t3.micro: 1 core of 2 threads), refuses any other value, another field, or a bare value", () => {
    expect(errorCodeOf(run('&CpuOptions.CoreCount=1&CpuOptions.ThreadsPerCore=2&HibernationOptions.Configured=false&EnclaveOptions.Enabled=FALSE'))).toBeUndefined();
    expect(errorCodeOf(run('&CapacityReservationSpecification.CapacityReservationPreference=open&PrivateDnsNameOptions.HostnameType=ip-name'))).toBeUndefined();
    for (const extra of [
      '&CpuOptions.ThreadsPerCore=1', '&HibernationOptions.Configured=true', '&CapacityReservationSpecification.CapacityReservationPreference=none',
      '&CapacityReservationSpecification.CapacityReservationTarget.CapacityReservationId=cr-1', '&PrivateDnsNameOptions.HostnameType=resource-name', '&HibernationOptions=true',
    ]) expect([extra, errorCodeOf(run(extra))]).toEqual([extra, 'UnsupportedOperation']);
  });
});
