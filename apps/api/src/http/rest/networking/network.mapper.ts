import type { InstanceNetwork, LaunchNetworkRequest } from '../../../application/networking/instance-networking';
import type { RunInstancesDto } from '../instances/instance.dto';

/** RunInstances' network fields as the networking feature's request; undefined when none is given (the request hash stays as before). */
export function toLaunchNetwork(dto: RunInstancesDto): LaunchNetworkRequest | undefined {
  if (dto.subnetId === undefined && dto.securityGroupIds === undefined && dto.privateIpAddress === undefined && dto.keyName === undefined) return undefined;
  return { subnetId: dto.subnetId, securityGroupIds: dto.securityGroupIds, privateIpAddress: dto.privateIpAddress, keyName: dto.keyName };
}

/** An instance's network fields in REST's instance (EC2's names, camelCase); none once its interfaces are gone. */
export function mapInstanceNetwork(n: InstanceNetwork | undefined) {
  if (!n) return {};
  return {
    vpcId: n.vpcId,
    subnetId: n.subnetId,
    privateIpAddress: n.privateIpAddress,
    privateDnsName: n.privateDnsName,
    ...(n.publicIpAddress !== undefined ? { publicIpAddress: n.publicIpAddress, publicDnsName: n.publicDnsName } : {}),
    securityGroups: n.groups.map((g) => ({ groupId: g.groupId, groupName: g.groupName })),
    sourceDestCheck: n.sourceDestCheck,
    ...(n.keyName !== undefined ? { keyName: n.keyName } : {}),
    networkInterfaces: n.interfaces.map((i) => ({
      networkInterfaceId: i.networkInterfaceId, attachmentId: i.attachmentId, deviceIndex: i.deviceIndex, subnetId: i.subnetId, vpcId: i.vpcId,
      macAddress: i.macAddress, privateIpAddress: i.privateIpAddress, privateDnsName: i.privateDnsName, secondaryPrivateIpAddresses: [...i.secondaryPrivateIpAddresses],
      ...(i.publicIpAddress !== undefined ? { publicIpAddress: i.publicIpAddress, publicDnsName: i.publicDnsName } : {}),
      deleteOnTermination: i.deleteOnTermination, securityGroups: i.groups.map((g) => ({ groupId: g.groupId, groupName: g.groupName })),
    })),
  };
}
