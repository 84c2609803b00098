"""boto3 (Debian's python3-boto3) against Nimbus: run by test/ec2/boto3.e2e-spec.ts, which checks what it prints.

Usage: boto3_client.py <endpoint> <image id> <Windows image id>; credentials in the environment (ALICE_* and BOB_*).
Prints one JSON object of observations; any unexpected exception fails the run.
"""
import base64
import datetime
import re
import json
import os
import sys
import time

import boto3
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, image, windows_image = sys.argv[1], sys.argv[2], sys.argv[3]


def client(prefix, secret=None):
    return boto3.client(
        "ec2", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=os.environ[prefix + "_ACCESS_KEY_ID"],
        aws_secret_access_key=secret or os.environ[prefix + "_SECRET_ACCESS_KEY"],
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def error_of(call):
    try:
        call()
    except ClientError as e:
        return {"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"], "message": e.response["Error"]["Message"]}
    return None


alice, bob = client("ALICE"), client("BOB")
out = {}

run = alice.run_instances(
    ImageId=image, InstanceType="t3.micro", MinCount=2, MaxCount=2, Placement={"AvailabilityZone": "us-east-1a"},
    TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "app", "Value": "boto3"}]}],
    BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 10, "VolumeType": "gp3", "DeleteOnTermination": False}}],
)
ids = [i["InstanceId"] for i in run["Instances"]]
out["run"] = {"owner": run["OwnerId"], "states": [i["State"]["Name"] for i in run["Instances"]], "launchTimeIsDate": isinstance(run["Instances"][0]["LaunchTime"], datetime.datetime)}

alice.get_waiter("instance_running").wait(InstanceIds=ids, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
desc = alice.describe_instances(Filters=[{"Name": "tag:app", "Values": ["boto3"]}, {"Name": "instance-state-code", "Values": ["16"]}])
out["running"] = sorted(i["InstanceId"] for r in desc["Reservations"] for i in r["Instances"]) == sorted(ids)
out["blockDevice"] = desc["Reservations"][0]["Instances"][0]["BlockDeviceMappings"][0]["Ebs"]["DeleteOnTermination"]

pages = list(alice.get_paginator("describe_instances").paginate(PaginationConfig={"PageSize": 5}))
out["paginated"] = sorted(i["InstanceId"] for p in pages for r in p["Reservations"] for i in r["Instances"]) == sorted(ids)

alice.create_tags(Resources=[ids[0]], Tags=[{"Key": "role", "Value": "a"}])
out["tags"] = alice.describe_tags(Filters=[{"Name": "key", "Values": ["role"]}])["Tags"]

vol = alice.create_volume(AvailabilityZone="us-east-1a", Size=5, VolumeType="gp2")
alice.attach_volume(VolumeId=vol["VolumeId"], InstanceId=ids[1], Device="/dev/sdg")
out["volumeAttached"] = alice.describe_volumes(VolumeIds=[vol["VolumeId"]])["Volumes"][0]["Attachments"][0]["InstanceId"] == ids[1]

# A VPC through boto3's resource API (Vpc.modify_attribute / describe_attribute), a public subnet.
resource = boto3.resource(
    "ec2", endpoint_url=endpoint, region_name="us-east-1",
    aws_access_key_id=os.environ["ALICE_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["ALICE_SECRET_ACCESS_KEY"],
    config=Config(retries={"max_attempts": 1, "mode": "standard"}),
)
vpc = resource.create_vpc(CidrBlock="10.20.0.0/16")
before = vpc.describe_attribute(Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"]
vpc.modify_attribute(EnableDnsHostnames={"Value": True})
subnet = vpc.create_subnet(CidrBlock="10.20.1.0/24", AvailabilityZone="us-east-1a")
alice.modify_subnet_attribute(SubnetId=subnet.id, MapPublicIpOnLaunch={"Value": True})
subnet.reload()
public = alice.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=subnet.id)["Instances"][0]
out["vpc"] = {
    "hostnamesBefore": before, "hostnamesAfter": vpc.describe_attribute(Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"],
    "mapsPublicIp": subnet.map_public_ip_on_launch, "publicIp": public.get("PublicIpAddress"), "publicDnsName": public.get("PublicDnsName"),
}
alice.terminate_instances(InstanceIds=[public["InstanceId"]])

lt = alice.create_launch_template(LaunchTemplateName="boto3-lt", LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro"})["LaunchTemplate"]
from_lt = alice.run_instances(LaunchTemplate={"LaunchTemplateId": lt["LaunchTemplateId"], "Version": "$Default"}, MinCount=1, MaxCount=1, InstanceType="m5.large")["Instances"][0]
out["launchTemplate"] = {
    "created": [lt["DefaultVersionNumber"], lt["LatestVersionNumber"]], "type": from_lt["InstanceType"],
    "tags": sorted((t["Key"], t["Value"]) for t in from_lt.get("Tags", [])), "id": lt["LaunchTemplateId"],
    "otherTenant": error_of(lambda: bob.describe_launch_template_versions(LaunchTemplateId=lt["LaunchTemplateId"])),
}
alice.terminate_instances(InstanceIds=[from_lt["InstanceId"]])
# A snapshot copied within the region (botocore signs the PresignedUrl it sends with every copy), waited for, restored.
snap = alice.create_snapshot(VolumeId=vol["VolumeId"], Description="boto3 source")
alice.get_waiter("snapshot_completed").wait(SnapshotIds=[snap["SnapshotId"]], WaiterConfig={"Delay": 1, "MaxAttempts": 60})
copy = alice.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=snap["SnapshotId"], Description="boto3 copy")
alice.get_waiter("snapshot_completed").wait(SnapshotIds=[copy["SnapshotId"]], WaiterConfig={"Delay": 1, "MaxAttempts": 60})
copied = alice.describe_snapshots(SnapshotIds=[copy["SnapshotId"]])["Snapshots"][0]
restored = alice.create_volume(AvailabilityZone="us-east-1a", SnapshotId=copy["SnapshotId"])
out["snapshotCopy"] = {
    "state": copied["State"], "size": copied["VolumeSize"], "description": copied["Description"], "restoredSize": restored["Size"],
    "otherTenant": error_of(lambda: bob.copy_snapshot(SourceRegion="us-east-1", SourceSnapshotId=snap["SnapshotId"]))["code"],
    "volumeStatus": alice.describe_volume_status(VolumeIds=[vol["VolumeId"]])["VolumeStatuses"][0]["VolumeStatus"]["Status"],
}
# An image registered from the copied snapshot and copied, each awaited with the image_available waiter.
registered = alice.register_image(Name="boto3-registered", Architecture="x86_64", VirtualizationType="hvm", RootDeviceName="/dev/xvda",
                                  BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": copy["SnapshotId"], "VolumeType": "gp3"}}])
alice.get_waiter("image_available").wait(ImageIds=[registered["ImageId"]], WaiterConfig={"Delay": 1, "MaxAttempts": 60})
copied_image = alice.copy_image(SourceRegion="us-east-1", SourceImageId=registered["ImageId"], Name="boto3-copied", ClientToken="boto3-copy-1")
again = alice.copy_image(SourceRegion="us-east-1", SourceImageId=registered["ImageId"], Name="boto3-copied", ClientToken="boto3-copy-1")
alice.get_waiter("image_available").wait(ImageIds=[copied_image["ImageId"]], WaiterConfig={"Delay": 1, "MaxAttempts": 60})
shown = alice.describe_images(ImageIds=[copied_image["ImageId"]])["Images"][0]
out["imageCopy"] = {
    "sameCopy": again["ImageId"] == copied_image["ImageId"], "state": shown["State"], "platform": shown["PlatformDetails"], "size": shown["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"],
    "otherTenant": error_of(lambda: bob.copy_image(SourceRegion="us-east-1", SourceImageId=registered["ImageId"], Name="boto3-bob"))["code"],
}
# A Windows instance's Administrator password: the waiter polls get_password_data until it is there;
# the key pair's private key decrypts it (PKCS#1 v1.5, as the AWS CLI's --priv-launch-key does).
key = alice.create_key_pair(KeyName="boto3-windows")
windows = alice.run_instances(ImageId=windows_image, InstanceType="m5.large", MinCount=1, MaxCount=1, KeyName="boto3-windows")["Instances"][0]["InstanceId"]
alice.get_waiter("password_data_available").wait(InstanceId=windows, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
data = alice.get_password_data(InstanceId=windows)
password = load_pem_private_key(key["KeyMaterial"].encode(), None).decrypt(base64.b64decode(data["PasswordData"]), PKCS1v15()).decode()
out["windowsPassword"] = {"instanceId": data["InstanceId"], "length": len(password), "timestampIsDate": isinstance(data["Timestamp"], datetime.datetime)}
alice.terminate_instances(InstanceIds=[windows])

# A default subnet given back to a zone (bob's default VPC, made on his first use), then EC2's error for a second.
gone = bob.describe_subnets(Filters=[{"Name": "availability-zone", "Values": ["us-east-1c"]}, {"Name": "default-for-az", "Values": ["true"]}])["Subnets"][0]
bob.delete_subnet(SubnetId=gone["SubnetId"])
back = bob.create_default_subnet(AvailabilityZone="us-east-1c")["Subnet"]
out["defaultSubnet"] = {
    "cidr": back["CidrBlock"], "defaultForAz": back["DefaultForAz"], "mapsPublicIp": back["MapPublicIpOnLaunch"], "sameVpc": back["VpcId"] == gone["VpcId"],
    "again": error_of(lambda: bob.create_default_subnet(AvailabilityZone="us-east-1c"))["code"],
    "vpcAgain": error_of(lambda: bob.create_default_vpc())["code"],
}
# An interface's source/destination check turned off, then reset, as each attribute describes it.
eni = alice.describe_instances(InstanceIds=[ids[0]])["Reservations"][0]["Instances"][0]["NetworkInterfaces"][0]["NetworkInterfaceId"]
alice.modify_network_interface_attribute(NetworkInterfaceId=eni, SourceDestCheck={"Value": False})
check_off = alice.describe_network_interface_attribute(NetworkInterfaceId=eni, Attribute="sourceDestCheck")["SourceDestCheck"]["Value"]
alice.reset_network_interface_attribute(NetworkInterfaceId=eni, SourceDestCheck="true")
out["interfaceCheck"] = [check_off, alice.describe_network_interface_attribute(NetworkInterfaceId=eni, Attribute="sourceDestCheck")["SourceDestCheck"]["Value"]]

# Network ACLs as Terraform's aws_network_acl and aws_network_acl_association drive them; the main route table moved (aws_main_route_table_association).
acl_vpc = bob.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
acl_subnet = bob.create_subnet(VpcId=acl_vpc, CidrBlock="10.77.1.0/24")["Subnet"]["SubnetId"]
acl_id = bob.create_network_acl(VpcId=acl_vpc)["NetworkAcl"]["NetworkAclId"]
bob.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=100, Protocol="icmp", RuleAction="allow", Egress=False, CidrBlock="0.0.0.0/0", IcmpTypeCode={"Type": 8, "Code": 0})
default_acl = bob.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [acl_vpc]}, {"Name": "default", "Values": ["true"]}])["NetworkAcls"][0]
new_assoc = bob.replace_network_acl_association(AssociationId=default_acl["Associations"][0]["NetworkAclAssociationId"], NetworkAclId=acl_id)["NewAssociationId"]
shown = bob.describe_network_acls(NetworkAclIds=[acl_id])["NetworkAcls"][0]
main_table = bob.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [acl_vpc]}])["RouteTables"][0]
new_table = bob.create_route_table(VpcId=acl_vpc)["RouteTable"]["RouteTableId"]
moved = bob.replace_route_table_association(AssociationId=main_table["Associations"][0]["RouteTableAssociationId"], RouteTableId=new_table)
out["networkAcl"] = {
    "entries": [(e["RuleNumber"], e["Protocol"], e["Egress"], e.get("IcmpTypeCode")) for e in shown["Entries"]],
    "associated": [(a["NetworkAclAssociationId"] == new_assoc, a["SubnetId"] == acl_subnet) for a in shown["Associations"]],
    "duplicate": error_of(lambda: bob.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=100, Protocol="-1", RuleAction="deny", Egress=False, CidrBlock="0.0.0.0/0"))["code"],
    "mainMoved": [moved["AssociationState"]["State"], [t["RouteTableId"] for t in bob.describe_route_tables(Filters=[{"Name": "association.main", "Values": ["true"]}, {"Name": "vpc-id", "Values": [acl_vpc]}])["RouteTables"]] == [new_table]],
}

# Detailed monitoring turned on (pending, then enabled a simulated minute later: the clock runs at 600x) and off;
# a security group rule replaced in place by modify_security_group_rules, keeping its id.
monitored = alice.monitor_instances(InstanceIds=[ids[0]])["InstanceMonitorings"]
time.sleep(0.5)
enabled = alice.describe_instances(InstanceIds=[ids[0]])["Reservations"][0]["Instances"][0]["Monitoring"]["State"]
unmonitored = alice.unmonitor_instances(InstanceIds=[ids[0]])["InstanceMonitorings"]
sg = alice.create_security_group(GroupName="boto3-rules", Description="boto3")["GroupId"]
rule = alice.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])["SecurityGroupRules"][0]
modified = alice.modify_security_group_rules(GroupId=sg, SecurityGroupRules=[{"SecurityGroupRuleId": rule["SecurityGroupRuleId"], "SecurityGroupRule": {
    "IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "CidrIpv4": "10.0.0.0/8", "Description": "alt http"}}])["Return"]
after = alice.describe_security_group_rules(SecurityGroupRuleIds=[rule["SecurityGroupRuleId"]])["SecurityGroupRules"][0]
out["monitoringAndRules"] = {
    "monitored": [(m["InstanceId"] == ids[0], m["Monitoring"]["State"]) for m in monitored], "enabled": enabled, "unmonitored": [m["Monitoring"]["State"] for m in unmonitored],
    "modified": modified, "rule": [after["FromPort"], after["ToPort"], after["CidrIpv4"], after["Description"]],
    "unknownRule": error_of(lambda: alice.modify_security_group_rules(GroupId=sg, SecurityGroupRules=[{"SecurityGroupRuleId": "sgr-0123456789abcdef0", "SecurityGroupRule": {
        "IpProtocol": "tcp", "FromPort": 1, "ToPort": 1, "CidrIpv4": "10.0.0.0/8"}}]))["code"],
}

out["otherTenant"] = error_of(lambda: bob.describe_instances(InstanceIds=[ids[0]]))
out["missing"] = error_of(lambda: bob.describe_instances(InstanceIds=["i-0123456789abcdef0"]))
out["wrongSecret"] = error_of(lambda: client("ALICE", "w" * 40).describe_regions())


# A NAT gateway in Bob's default subnet with an Elastic IP, awaited with the nat_gateway_available waiter, found by a filter, deleted.
nat_subnet = bob.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}, {"Name": "availability-zone", "Values": ["us-east-1a"]}])["Subnets"][0]["SubnetId"]
nat_eip = bob.allocate_address(Domain="vpc")
nat = bob.create_nat_gateway(SubnetId=nat_subnet, AllocationId=nat_eip["AllocationId"], TagSpecifications=[{"ResourceType": "natgateway", "Tags": [{"Key": "app", "Value": "boto3"}]}])["NatGateway"]
bob.get_waiter("nat_gateway_available").wait(NatGatewayIds=[nat["NatGatewayId"]], WaiterConfig={"Delay": 1, "MaxAttempts": 60})
nat_found = bob.describe_nat_gateways(Filters=[{"Name": "tag:app", "Values": ["boto3"]}])["NatGateways"]
out["natGateway"] = {
    "pending": nat["State"], "createTimeIsDate": isinstance(nat["CreateTime"], datetime.datetime),
    "found": [(g["NatGatewayId"] == nat["NatGatewayId"], g["State"], g["NatGatewayAddresses"][0]["PublicIp"] == nat_eip["PublicIp"]) for g in nat_found],
    "otherTenant": error_of(lambda: alice.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])),
    "deleted": bob.delete_nat_gateway(NatGatewayId=nat["NatGatewayId"])["NatGatewayId"] == nat["NatGatewayId"],
}

# Alice's VPC peered with Bob's: requested with PeerOwnerId, awaited with the vpc_peering_connection_exists waiter, accepted by Bob only, deleted by Alice.
pcx_alice_vpc = alice.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
pcx_bob_vpc = bob.create_vpc(CidrBlock="10.31.0.0/16")["Vpc"]
pcx = alice.create_vpc_peering_connection(VpcId=pcx_alice_vpc, PeerVpcId=pcx_bob_vpc["VpcId"], PeerOwnerId=pcx_bob_vpc["OwnerId"])["VpcPeeringConnection"]
bob.get_waiter("vpc_peering_connection_exists").wait(VpcPeeringConnectionIds=[pcx["VpcPeeringConnectionId"]], WaiterConfig={"Delay": 1, "MaxAttempts": 10})
out["peering"] = {
    "requested": pcx["Status"]["Code"],
    "pending": bob.describe_vpc_peering_connections(Filters=[{"Name": "status-code", "Values": ["pending-acceptance"]}])["VpcPeeringConnections"][0]["VpcPeeringConnectionId"] == pcx["VpcPeeringConnectionId"],
    "requesterAccepts": error_of(lambda: alice.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"]))["code"],
    "accepted": bob.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"])["VpcPeeringConnection"]["Status"]["Code"],
    "deleted": alice.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"])["Return"],
    "malformed": error_of(lambda: bob.describe_vpc_peering_connections(VpcPeeringConnectionIds=["pcx-zz"]))["code"],
}

# A DHCP option set of Bob's through the DhcpOptions resource's calls: created with tags, associated with a VPC, found by value, refused while in use, deleted.
dopt_vpc = bob.create_vpc(CidrBlock="10.32.0.0/16")["Vpc"]
dopt = bob.create_dhcp_options(
    DhcpConfigurations=[{"Key": "domain-name", "Values": ["boto3.example.com"]}, {"Key": "ntp-servers", "Values": ["169.254.169.123"]}],
    TagSpecifications=[{"ResourceType": "dhcp-options", "Tags": [{"Key": "app", "Value": "boto3"}]}],
)["DhcpOptions"]
bob.associate_dhcp_options(DhcpOptionsId=dopt["DhcpOptionsId"], VpcId=dopt_vpc["VpcId"])
out["dhcpOptions"] = {
    "newVpcHasDefaultSet": dopt_vpc["DhcpOptionsId"].startswith("dopt-"),
    "keys": [c["Key"] for c in dopt["DhcpConfigurations"]],
    "found": [d["DhcpOptionsId"] == dopt["DhcpOptionsId"] for d in bob.describe_dhcp_options(Filters=[{"Name": "value", "Values": ["boto3.example.com"]}])["DhcpOptions"]],
    "associated": bob.describe_vpcs(VpcIds=[dopt_vpc["VpcId"]])["Vpcs"][0]["DhcpOptionsId"] == dopt["DhcpOptionsId"],
    "inUse": error_of(lambda: bob.delete_dhcp_options(DhcpOptionsId=dopt["DhcpOptionsId"]))["code"],
    "otherTenant": error_of(lambda: alice.describe_dhcp_options(DhcpOptionsIds=[dopt["DhcpOptionsId"]]))["code"],
    "badNodeType": error_of(lambda: bob.create_dhcp_options(DhcpConfigurations=[{"Key": "netbios-node-type", "Values": ["3"]}]))["code"],
}
bob.associate_dhcp_options(DhcpOptionsId="default", VpcId=dopt_vpc["VpcId"])
bob.delete_dhcp_options(DhcpOptionsId=dopt["DhcpOptionsId"])
out["dhcpOptions"]["deleted"] = bob.describe_vpcs(VpcIds=[dopt_vpc["VpcId"]])["Vpcs"][0]["DhcpOptionsId"]

# A Spot Instance: run_instances with InstanceMarketOptions, its request through a filter and a paginator, the price history, cancelled, another tenant's request as missing.
spot = alice.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1, Placement={"AvailabilityZone": "us-east-1a"},
                           InstanceMarketOptions={"MarketType": "spot", "SpotOptions": {"SpotInstanceType": "one-time"}})["Instances"][0]
spot_requests = [r for page in alice.get_paginator("describe_spot_instance_requests").paginate(Filters=[{"Name": "state", "Values": ["active"]}]) for r in page["SpotInstanceRequests"]]
spot_history = alice.describe_spot_price_history(InstanceTypes=["t3.micro"], ProductDescriptions=["Linux/UNIX (Amazon VPC)"], AvailabilityZone="us-east-1b")["SpotPriceHistory"]
out["spot"] = {
    "lifecycle": spot["InstanceLifecycle"],
    "request": [(r["SpotInstanceRequestId"] == spot["SpotInstanceRequestId"], r["Status"]["Code"], r["SpotPrice"]) for r in spot_requests],
    "history": [(p["InstanceType"], p["AvailabilityZone"], p["ProductDescription"], 0.00312 <= float(p["SpotPrice"]) <= 0.00936, isinstance(p["Timestamp"], datetime.datetime)) for p in spot_history],
    "tooLow": error_of(lambda: alice.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1, InstanceMarketOptions={"MarketType": "spot", "SpotOptions": {"MaxPrice": "0.002"}}))["code"],
    "otherTenant": error_of(lambda: bob.cancel_spot_instance_requests(SpotInstanceRequestIds=[spot["SpotInstanceRequestId"]]))["code"],
    "cancelled": alice.cancel_spot_instance_requests(SpotInstanceRequestIds=[spot["SpotInstanceRequestId"]])["CancelledSpotInstanceRequests"][0]["State"],
}
alice.terminate_instances(InstanceIds=[spot["InstanceId"]])
# RequestSpotInstances, persistent, with a client token (asked twice: one request); cancelled, its instance still running.
persistent_args = dict(InstanceCount=1, Type="persistent", ClientToken="boto3-persistent",
                       LaunchSpecification={"ImageId": image, "InstanceType": "t3.micro", "Placement": {"AvailabilityZone": "us-east-1a"}})
made = alice.request_spot_instances(**persistent_args)["SpotInstanceRequests"]
again = alice.request_spot_instances(**persistent_args)["SpotInstanceRequests"]
out["persistentSpot"] = {
    "made": [(r["Type"], r["State"], r["Status"]["Code"], bool(re.match(r"^sir-[0-9a-f]{8}$", r["SpotInstanceRequestId"]))) for r in made],
    "sameOnRetry": [r["SpotInstanceRequestId"] for r in again] == [r["SpotInstanceRequestId"] for r in made],
    "cancelled": alice.cancel_spot_instance_requests(SpotInstanceRequestIds=[made[0]["SpotInstanceRequestId"]])["CancelledSpotInstanceRequests"][0]["State"],
    "instanceAfterCancel": alice.describe_instances(InstanceIds=[made[0]["InstanceId"]])["Reservations"][0]["Instances"][0]["State"]["Name"],
}
alice.terminate_instances(InstanceIds=[made[0]["InstanceId"]])

real = datetime.datetime


class _Skewed(real):
    """A clock 16 minutes behind: what a client with a wrong clock signs with (botocore reads datetime.datetime's)."""

    @classmethod
    def utcnow(cls):
        return real.utcnow() - datetime.timedelta(minutes=16)

    @classmethod
    def now(cls, tz=None):
        return real.now(tz) - datetime.timedelta(minutes=16)


skewed_client = client("ALICE")
datetime.datetime = _Skewed
try:
    out["tooOld"] = error_of(lambda: skewed_client.describe_regions())
finally:
    datetime.datetime = real

alice.stop_instances(InstanceIds=ids)
alice.get_waiter("instance_stopped").wait(InstanceIds=ids, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
# botocore decodes the base64 Output itself, as it does against EC2.
out["console"] = alice.get_console_output(InstanceId=ids[0])["Output"]
term = alice.terminate_instances(InstanceIds=ids)
out["terminated"] = [(t["PreviousState"]["Name"], t["CurrentState"]["Name"]) for t in term["TerminatingInstances"]]
print(json.dumps(out))
