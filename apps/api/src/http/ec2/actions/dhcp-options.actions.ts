import { Injectable } from '@nestjs/common';
import {
  AssociateDhcpOptionsCommand, CreateDhcpOptionsCommand, DhcpOptionsService, DhcpOptionsView,
} from '../../../application/networking/dhcp-options.service';
import { Ec2Actions, Ec2Context, Ec2Params, items } from '../ec2-action';
import { Ec2ActionSource } from '../ec2-action-source';
import { FilterField } from '../ec2-filters';
import { matcher, page, tagSet, tagSpecs } from './networking.actions';

/** CreateDhcpOptions' request (API Reference): `DhcpConfiguration.N` (Key, Value.M), `TagSpecification.N` (`dhcp-options`). */
function createCommand(p: Ec2Params): CreateDhcpOptionsCommand {
  return {
    configuration: p.structs('DhcpConfiguration').map((c) => ({ key: c.required('Key'), values: c.list('Value') })),
    tags: tagSpecs(p, 'dhcp-options'),
  };
}

const associateCommand = (p: Ec2Params): AssociateDhcpOptionsCommand => ({ dhcpOptionsId: p.required('DhcpOptionsId'), vpcId: p.required('VpcId') });

/** EC2's DhcpOptions: its id, owner, options (`dhcpConfigurationSet`: key, `valueSet` of values) and tags. */
function dhcpOptionsXml(v: DhcpOptionsView, ctx: Ec2Context) {
  const d = v.dhcpOptions;
  return {
    dhcpConfigurationSet: items(d.configuration.map((o) => ({ key: o.key, valueSet: items(o.values.map((value) => ({ value }))) }))),
    dhcpOptionsId: d.id, ownerId: ctx.accountId, tagSet: tagSet(v.tags),
  };
}

/** DescribeDhcpOptions' filters (API Reference): `key` and `value` read every option's. */
const FILTERS = (accountId: string): Readonly<Record<string, FilterField<DhcpOptionsView>>> => ({
  'dhcp-options-id': (v) => v.dhcpOptions.id, key: (v) => v.dhcpOptions.configuration.map((o) => o.key),
  value: (v) => v.dhcpOptions.configuration.flatMap((o) => o.values), 'owner-id': () => accountId,
});

/**
 * EC2's DHCP option set actions (docs/ec2-networking.md, "DHCP option sets"): each handler reads
 * the parameters, calls one DhcpOptionsService method, and shapes EC2's answer.
 */
@Injectable()
export class DhcpOptionsEc2Actions implements Ec2ActionSource {
  constructor(private readonly dhcp: DhcpOptionsService) {}

  readonly actions: Ec2Actions = {
    CreateDhcpOptions: {
      operation: 'CreateDhcpOptions',
      params: ['DhcpConfiguration', 'TagSpecification'],
      dryRun: async (_ctx, p) => this.dhcp.check(createCommand(p)),
      handler: async (ctx, p) => ({ dhcpOptions: dhcpOptionsXml(await this.dhcp.create(ctx.tenant, createCommand(p)), ctx) }),
    },
    DescribeDhcpOptions: {
      operation: 'DescribeDhcpOptions',
      params: ['DhcpOptionsId', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        const r = await this.dhcp.describe(ctx.tenant, { ids: p.list('DhcpOptionsId'), match: matcher(p, FILTERS(ctx.accountId)), ...page(p) });
        return { dhcpOptionsSet: items(r.items.map((v) => dhcpOptionsXml(v, ctx))), nextToken: r.nextToken };
      },
    },
    AssociateDhcpOptions: {
      operation: 'AssociateDhcpOptions',
      params: ['DhcpOptionsId', 'VpcId'],
      dryRun: async (ctx, p) => this.dhcp.checkAssociate(ctx.tenant, associateCommand(p)),
      handler: async (ctx, p) => {
        await this.dhcp.associate(ctx.tenant, associateCommand(p));
        return { return: true };
      },
    },
    DeleteDhcpOptions: {
      operation: 'DeleteDhcpOptions',
      params: ['DhcpOptionsId'],
      dryRun: async (ctx, p) => this.dhcp.checkDelete(ctx.tenant, p.required('DhcpOptionsId')),
      handler: async (ctx, p) => {
        await this.dhcp.delete(ctx.tenant, p.required('DhcpOptionsId'));
        return { return: true };
      },
    },
  };
}
