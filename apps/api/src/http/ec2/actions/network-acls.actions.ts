import { Injectable } from '@nestjs/common';
import { NetworkAclEntryInput, NetworkAclView } from '../../../application/networking/network-acls';
import { NetworkAclsService } from '../../../application/networking/network-acls.service';
import { Ec2Actions, Ec2Context, Ec2Params, items } from '../ec2-action';
import { Ec2ActionSource } from '../ec2-action-source';
import { FilterField } from '../ec2-filters';
import { unsupported } from '../ec2-errors';
import { matcher, page, tagSet, tagSpecs } from './networking.actions';

/** MaxResults where EC2 pages DescribeNetworkAcls: 5 to 100. */
const PAGE = { min: 5, max: 100 };

function networkAclXml(v: NetworkAclView, ctx: Ec2Context) {
  return {
    networkAclId: v.networkAclId, vpcId: v.vpcId, default: v.isDefault, ownerId: ctx.accountId,
    entrySet: items(v.entries.map((e) => ({
      ruleNumber: e.ruleNumber, protocol: e.protocol, ruleAction: e.ruleAction, egress: e.egress, cidrBlock: e.cidrBlock,
      ...(e.icmpTypeCode ? { icmpTypeCode: { code: e.icmpTypeCode.code, type: e.icmpTypeCode.type } } : {}),
      ...(e.portRange ? { portRange: { from: e.portRange.from, to: e.portRange.to } } : {}),
    }))),
    associationSet: items(v.associations.map((a) => ({ networkAclAssociationId: a.networkAclAssociationId, networkAclId: v.networkAclId, subnetId: a.subnetId }))),
    tagSet: tagSet(v.tags),
  };
}

const ACL_FILTERS: Readonly<Record<string, FilterField<NetworkAclView>>> = {
  'network-acl-id': (v) => v.networkAclId, 'vpc-id': (v) => v.vpcId, default: (v) => v.isDefault,
  'association.subnet-id': (v) => v.associations.map((a) => a.subnetId),
  'association.association-id': (v) => v.associations.map((a) => a.networkAclAssociationId),
  'association.network-acl-id': (v) => (v.associations.length > 0 ? v.networkAclId : undefined),
  'entry.rule-number': (v) => v.entries.map((e) => String(e.ruleNumber)), 'entry.rule-action': (v) => v.entries.map((e) => e.ruleAction),
  'entry.egress': (v) => v.entries.map((e) => String(e.egress)), 'entry.protocol': (v) => v.entries.map((e) => e.protocol),
  'entry.cidr': (v) => v.entries.map((e) => e.cidrBlock),
  'entry.port-range.from': (v) => v.entries.flatMap((e) => (e.portRange ? [String(e.portRange.from)] : [])),
  'entry.port-range.to': (v) => v.entries.flatMap((e) => (e.portRange ? [String(e.portRange.to)] : [])),
  'entry.icmp.type': (v) => v.entries.flatMap((e) => (e.icmpTypeCode ? [String(e.icmpTypeCode.type)] : [])),
  'entry.icmp.code': (v) => v.entries.flatMap((e) => (e.icmpTypeCode ? [String(e.icmpTypeCode.code)] : [])),
  // Entries are IPv4 only (Ipv6CidrBlock is refused): this matches none.
  'entry.ipv6-cidr': () => undefined,
};

/** A required integer parameter (MissingParameter when absent, InvalidParameterValue when not a number). */
function requiredInt(p: Ec2Params, name: string): number {
  p.required(name);
  return p.int(name)!;
}

/** `Egress`, required by EC2's Create/Replace/DeleteNetworkAclEntry. */
function egressOf(p: Ec2Params): boolean {
  p.required('Egress');
  return p.bool('Egress')!;
}

/** An entry of CreateNetworkAclEntry and ReplaceNetworkAclEntry; IPv6 blocks are not supported. */
function entryInput(p: Ec2Params): NetworkAclEntryInput {
  if (p.has('Ipv6CidrBlock')) throw unsupported('the parameter Ipv6CidrBlock: network ACL entries are IPv4 (CidrBlock)');
  const ports = p.struct('PortRange');
  const icmp = p.struct('Icmp');
  return {
    ruleNumber: requiredInt(p, 'RuleNumber'), protocol: p.required('Protocol'), ruleAction: p.required('RuleAction'), egress: egressOf(p), cidrBlock: p.required('CidrBlock'),
    ...(ports ? { portRange: { from: ports.int('From'), to: ports.int('To') } } : {}),
    ...(icmp ? { icmpTypeCode: { type: icmp.int('Type'), code: icmp.int('Code') } } : {}),
  };
}

const ENTRY_PARAMS = ['NetworkAclId', 'RuleNumber', 'Protocol', 'RuleAction', 'Egress', 'CidrBlock', 'Ipv6CidrBlock', 'PortRange', 'Icmp'];

/**
 * EC2's network ACL actions (docs/ec2-networking.md, "Network ACLs"). Each handler reads the
 * parameters, calls one NetworkAclsService method, and shapes EC2's answer.
 */
@Injectable()
export class NetworkAclsEc2Actions implements Ec2ActionSource {
  constructor(private readonly acls: NetworkAclsService) {}

  readonly actions: Ec2Actions = {
    CreateNetworkAcl: {
      operation: 'CreateNetworkAcl',
      params: ['VpcId', 'TagSpecification', 'ClientToken'],
      handler: async (ctx, p) => {
        const acl = await this.acls.createNetworkAcl(ctx.tenant, { vpcId: p.required('VpcId'), clientToken: p.string('ClientToken'), tags: tagSpecs(p, 'network-acl') });
        return { networkAcl: networkAclXml(acl, ctx), clientToken: p.string('ClientToken') };
      },
    },
    DescribeNetworkAcls: {
      operation: 'DescribeNetworkAcls',
      params: ['NetworkAclId', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        const r = await this.acls.describeNetworkAcls(ctx.tenant, {
          ids: p.list('NetworkAclId'), match: matcher(p, { ...ACL_FILTERS, 'owner-id': () => ctx.accountId }), ...page(p, PAGE),
        });
        return { networkAclSet: items(r.items.map((v) => networkAclXml(v, ctx))), nextToken: r.nextToken };
      },
    },
    DeleteNetworkAcl: {
      operation: 'DeleteNetworkAcl',
      params: ['NetworkAclId'],
      handler: async (ctx, p) => {
        await this.acls.deleteNetworkAcl(ctx.tenant, p.required('NetworkAclId'));
        return { return: true };
      },
    },
    CreateNetworkAclEntry: {
      operation: 'CreateNetworkAclEntry',
      params: ENTRY_PARAMS,
      handler: async (ctx, p) => {
        await this.acls.createEntry(ctx.tenant, { networkAclId: p.required('NetworkAclId'), entry: entryInput(p) });
        return { return: true };
      },
    },
    ReplaceNetworkAclEntry: {
      operation: 'ReplaceNetworkAclEntry',
      params: ENTRY_PARAMS,
      handler: async (ctx, p) => {
        await this.acls.replaceEntry(ctx.tenant, { networkAclId: p.required('NetworkAclId'), entry: entryInput(p) });
        return { return: true };
      },
    },
    DeleteNetworkAclEntry: {
      operation: 'DeleteNetworkAclEntry',
      params: ['NetworkAclId', 'RuleNumber', 'Egress'],
      handler: async (ctx, p) => {
        await this.acls.deleteEntry(ctx.tenant, { networkAclId: p.required('NetworkAclId'), ruleNumber: requiredInt(p, 'RuleNumber'), egress: egressOf(p) });
        return { return: true };
      },
    },
    ReplaceNetworkAclAssociation: {
      operation: 'ReplaceNetworkAclAssociation',
      params: ['AssociationId', 'NetworkAclId'],
      handler: async (ctx, p) => {
        const newAssociationId = await this.acls.replaceAssociation(ctx.tenant, { associationId: p.required('AssociationId'), networkAclId: p.required('NetworkAclId') });
        return { newAssociationId };
      },
    },
  };
}
