import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INSTANCE_STATE_CODES } from '@nimbus/hypervisor';

const STATE_NAMES = Object.keys(INSTANCE_STATE_CODES);

export class InstanceStateDto {
  @ApiProperty({ enum: STATE_NAMES, example: 'running' }) name!: string;
  @ApiProperty({ description: "EC2's code: 0 pending, 16 running, 32 shutting-down, 48 terminated, 64 stopping, 80 stopped", example: 16 }) code!: number;
}

export class StateReasonDto {
  @ApiProperty({ example: 'Client.UserInitiatedShutdown' }) code!: string;
  @ApiProperty({ example: 'User initiated shutdown' }) message!: string;
}

export class InstanceCpuDto {
  @ApiProperty({ description: 'Cores guaranteed', example: 0.2 }) reservation!: number;
  @ApiProperty({ description: 'Cores at most', example: 2 }) limit!: number;
  @ApiProperty({ description: 'Shares', example: 2048 }) weight!: number;
}

export class InstanceMaintenanceOptionsDto {
  @ApiProperty({ enum: ['default', 'disabled'], example: 'default' }) autoRecovery!: string;
}

export class InstanceVolumeDto {
  @ApiProperty({ example: 'vol-0123456789abcdef0' }) volumeId!: string;
  @ApiProperty({ example: '/dev/xvda' }) device!: string;
  @ApiProperty({ example: true }) deleteOnTermination!: boolean;
}

export class InstanceGroupDto {
  @ApiProperty({ example: 'sg-0123456789abcdef0' }) groupId!: string;
  @ApiProperty({ example: 'default' }) groupName!: string;
}

export class InstanceNetworkInterfaceDto {
  @ApiProperty({ example: 'eni-0123456789abcdef0' }) networkInterfaceId!: string;
  @ApiProperty({ example: 'eni-attach-0123456789abcdef0' }) attachmentId!: string;
  @ApiProperty({ example: 0 }) deviceIndex!: number;
  @ApiProperty({ example: 'subnet-0123456789abcdef0' }) subnetId!: string;
  @ApiProperty({ example: 'vpc-0123456789abcdef0' }) vpcId!: string;
  @ApiProperty({ example: '02:00:00:00:00:01' }) macAddress!: string;
  @ApiProperty({ example: '172.31.16.10' }) privateIpAddress!: string;
  @ApiProperty({ example: 'ip-172-31-16-10.ec2.internal' }) privateDnsName!: string;
  @ApiProperty({ type: [String], example: ['172.31.16.11'], description: "The interface's secondary private IPv4 addresses (EC2's AssignPrivateIpAddresses), in address order; the primary is privateIpAddress" })
  secondaryPrivateIpAddresses!: string[];
  @ApiPropertyOptional({ example: '54.0.0.10' }) publicIpAddress?: string;
  @ApiPropertyOptional({ example: 'ec2-54-0-0-10.compute-1.amazonaws.com' }) publicDnsName?: string;
  @ApiProperty({ example: true }) deleteOnTermination!: boolean;
  @ApiProperty({ type: [InstanceGroupDto] }) securityGroups!: InstanceGroupDto[];
}

const TAGS = { type: 'object', additionalProperties: { type: 'string' }, example: { Name: 'web-1' } } as const;

export class InstanceResponseDto {
  @ApiProperty({ example: 'i-0123456789abcdef0' }) instanceId!: string;
  @ApiProperty({ example: 'r-0123456789abcdef0' }) reservationId!: string;
  @ApiProperty({ example: 'ami-0a1e0c00000000a23' }) imageId!: string;
  @ApiProperty({ example: 't3.micro' }) instanceType!: string;
  @ApiProperty({ type: InstanceStateDto }) state!: InstanceStateDto;
  @ApiPropertyOptional({ type: StateReasonDto, description: 'Why it is in its state, when EC2 would say' }) stateReason?: StateReasonDto;
  @ApiProperty({ example: 'us-east-1a' }) availabilityZone!: string;
  @ApiProperty({ format: 'date-time', description: 'Simulated time' }) launchTime!: string;
  @ApiProperty({ example: 'linux' }) platform!: string;
  @ApiProperty({ enum: ['default', 'dedicated', 'host'] }) tenancy!: string;
  @ApiPropertyOptional({ example: 'web-spread' }) placementGroup?: string;
  @ApiPropertyOptional({ example: 2 }) partitionNumber?: number;
  @ApiPropertyOptional({ example: 'h-0123456789abcdef0', description: 'tenancy host: its Dedicated Host' }) hostId?: string;
  @ApiPropertyOptional({ example: 'lic-0123456789abcdef0' }) licenseConfigurationId?: string;
  @ApiProperty({ type: InstanceCpuDto }) cpu!: InstanceCpuDto;
  @ApiPropertyOptional({ enum: ['standard', 'unlimited'], description: 'burstable types only' }) creditSpecification?: string;
  @ApiProperty({ type: InstanceMaintenanceOptionsDto }) maintenanceOptions!: InstanceMaintenanceOptionsDto;
  @ApiProperty({ example: false, description: 'EC2 attribute: termination is refused while true' }) disableApiTermination!: boolean;
  @ApiProperty({ example: false, description: 'EC2 attribute (stop protection): stop and termination are refused while true' }) disableApiStop!: boolean;
  @ApiProperty({ enum: ['stop', 'terminate'], example: 'stop', description: 'EC2 attribute: what a shutdown from inside does' }) instanceInitiatedShutdownBehavior!: string;
  @ApiProperty({ example: false, description: 'EC2 attribute' }) ebsOptimized!: boolean;
  @ApiProperty({ enum: ['ok', 'impaired'], description: "EC2's instance status check: impaired while its host or driver domain is down" }) statusCheck!: string;
  @ApiProperty({ type: [InstanceVolumeDto] }) volumes!: InstanceVolumeDto[];
  @ApiPropertyOptional({ example: 'vpc-0123456789abcdef0', description: 'Its network (absent for an instance launched without one)' }) vpcId?: string;
  @ApiPropertyOptional({ example: 'subnet-0123456789abcdef0' }) subnetId?: string;
  @ApiPropertyOptional({ example: '172.31.16.10' }) privateIpAddress?: string;
  @ApiPropertyOptional({ example: 'ip-172-31-16-10.ec2.internal' }) privateDnsName?: string;
  @ApiPropertyOptional({ example: '54.0.0.10', description: 'Only with a public address' }) publicIpAddress?: string;
  @ApiPropertyOptional({ example: 'ec2-54-0-0-10.compute-1.amazonaws.com' }) publicDnsName?: string;
  @ApiPropertyOptional({ type: [InstanceGroupDto] }) securityGroups?: InstanceGroupDto[];
  @ApiPropertyOptional({ example: true }) sourceDestCheck?: boolean;
  @ApiPropertyOptional({ example: 'my-key' }) keyName?: string;
  @ApiPropertyOptional({ type: [InstanceNetworkInterfaceDto] }) networkInterfaces?: InstanceNetworkInterfaceDto[];
  @ApiProperty(TAGS) tags!: Record<string, string>;
}

export class ReservationResponseDto {
  @ApiProperty({ example: 'r-0123456789abcdef0' }) reservationId!: string;
  @ApiProperty({ type: [InstanceResponseDto] }) instances!: InstanceResponseDto[];
}

export class InstancePageResponseDto {
  @ApiProperty({ type: [InstanceResponseDto] }) instances!: InstanceResponseDto[];
  @ApiPropertyOptional({ description: 'There are more: pass it as nextToken', example: 'i-0123456789abcdef0' }) nextToken?: string;
}

export class TagsResponseDto {
  @ApiProperty({ ...TAGS, description: "The instance's tags after the change", example: { Name: 'web-1', team: 'infra' } }) tags!: Record<string, string>;
}

export class PasswordDataResponseDto {
  @ApiProperty({ example: 'i-0123456789abcdef0' }) instanceId!: string;
  @ApiProperty({
    description: "A Windows instance's Administrator password, encrypted with its launch key pair's RSA public key (RSAES-PKCS1-v1_5), base64; '' until it is available (4 simulated minutes after the instance first runs) and for an instance without one",
    example: 'ZW5jcnlwdGVkIHBhc3N3b3Jk…',
  }) passwordData!: string;
  @ApiProperty({ description: 'When the data was last updated: when the password became available; before, the console output\'s time', example: '2025-01-01T00:07:00.000Z' }) timestamp!: string;
}

export class StateTransitionResponseDto {
  @ApiProperty({ example: 'i-0123456789abcdef0' }) instanceId!: string;
  @ApiProperty({ type: InstanceStateDto }) previousState!: InstanceStateDto;
  @ApiProperty({ type: InstanceStateDto }) currentState!: InstanceStateDto;
}

export class QuotaDto {
  @ApiProperty({ example: 64 }) limit!: number;
  @ApiProperty({ example: 8 }) used!: number;
}

export class QuotasResponseDto {
  @ApiProperty({ type: QuotaDto, description: 'Running On-Demand vCPUs' }) onDemandVcpus!: QuotaDto;
  @ApiProperty({ type: QuotaDto, description: 'Provisioned IOPS across all volumes' }) provisionedIops!: QuotaDto;
}
