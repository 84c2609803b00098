import {
  AssociateDhcpOptionsCommand, CreateDefaultVpcCommand, CreateDhcpOptionsCommand, CreateTagsCommand, CreateVpcCommand, DeleteDhcpOptionsCommand,
  DeleteTagsCommand, DeleteVpcCommand, DescribeDhcpOptionsCommand, DescribeTagsCommand, DescribeVpcsCommand, DhcpOptions, EC2Client,
} from '@aws-sdk/client-ec2';
import { ec2BillingSuite } from '../support/billing';
import { deleteDefaultVpc, ec2Tenant, Ec2Tenant, failure, missing, sameAsMissing, withNewTenant, codeOf } from './ec2-support';


/** A set's options as `{ key: values }`. */
const optionsOf = (d: DhcpOptions) => Object.fromEntries(d.DhcpConfigurations!.map((c) => [c.Key!, c.Values!.map((v) => v.Value!)]));

/**
 * DHCP option sets through the JS SDK (docs/ec2-networking.md, "DHCP option sets"): the account's
 * default set (made with the default VPC, associated with it and with new VPCs), CreateDhcpOptions
 * with EC2's options, AssociateDhcpOptions (and `default`: none) with DescribeVpcs following,
 * DeleteDhcpOptions refused while a VPC uses the set, filters and pages, tags, another tenant's
 * set as a missing one, a restart, bad input.
 */
describe('DHCP option sets through the JS SDK', () => {
  const suite = ec2BillingSuite();
  const { client } = suite;
  let erin: Ec2Tenant;
  let frank: Ec2Tenant;
  let ec2: EC2Client;
  let frankEc2: EC2Client;
  let defaultSet: string;
  let corpSet: string;
  let vpcId: string;

  const sets = async (c: EC2Client, input: ConstructorParameters<typeof DescribeDhcpOptionsCommand>[0] = {}) => (await c.send(new DescribeDhcpOptionsCommand(input))).DhcpOptions!;
  const vpcOf = async (c: EC2Client, id: string) => (await c.send(new DescribeVpcsCommand({ VpcIds: [id] }))).Vpcs![0];
  const create = (c: EC2Client, DhcpConfigurations: { Key: string; Values: string[] }[]) => c.send(new CreateDhcpOptionsCommand({ DhcpConfigurations }));

  beforeAll(async () => {
    erin = await ec2Tenant(suite.app, 'dopt-erin');
    frank = await ec2Tenant(suite.app, 'dopt-frank');
    [ec2, frankEc2] = [client(erin), client(frank)];
  });

  it('the account has its default set (ec2.internal, AmazonProvidedDNS), associated with the default VPC and with a new VPC', async () => {
    const all = await sets(ec2);
    expect(all).toHaveLength(1);
    defaultSet = all[0].DhcpOptionsId!;
    expect(defaultSet).toMatch(/^dopt-[0-9a-f]{17}$/);
    expect(all[0].OwnerId).toBe(erin.accountId);
    expect(optionsOf(all[0])).toEqual({ 'domain-name': ['ec2.internal'], 'domain-name-servers': ['AmazonProvidedDNS'] });
    const [defaultVpc] = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs!;
    expect(defaultVpc.DhcpOptionsId).toBe(defaultSet);
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc!;
    vpcId = vpc.VpcId!;
    expect(vpc.DhcpOptionsId).toBe(defaultSet);
    // Each tenant its own default set.
    const [franks] = await sets(frankEc2);
    expect(franks.DhcpOptionsId).not.toBe(defaultSet);
    expect(franks.OwnerId).toBe(frank.accountId);
  });

  it('CreateDhcpOptions: the options by key, several servers in one value split, with tags; associated with no VPC', async () => {
    const created = (await ec2.send(new CreateDhcpOptionsCommand({
      DhcpConfigurations: [
        { Key: 'domain-name-servers', Values: ['10.2.5.1,10.2.5.2'] }, { Key: 'domain-name', Values: ['corp.example.com'] },
        { Key: 'netbios-node-type', Values: ['2'] }, { Key: 'ntp-servers', Values: ['169.254.169.123'] },
        { Key: 'ipv6-address-preferred-lease-time', Values: ['3600'] }, { Key: 'netbios-name-servers', Values: ['10.2.5.9'] },
      ],
      TagSpecifications: [{ ResourceType: 'dhcp-options', Tags: [{ Key: 'Name', Value: 'corp' }] }],
    }))).DhcpOptions!;
    corpSet = created.DhcpOptionsId!;
    expect(corpSet).toMatch(/^dopt-[0-9a-f]{17}$/);
    expect(created.OwnerId).toBe(erin.accountId);
    expect(created.DhcpConfigurations!.map((c) => c.Key)).toEqual([
      'domain-name', 'domain-name-servers', 'ipv6-address-preferred-lease-time', 'netbios-name-servers', 'netbios-node-type', 'ntp-servers',
    ]);
    expect(optionsOf(created)['domain-name-servers']).toEqual(['10.2.5.1', '10.2.5.2']);
    expect(created.Tags).toEqual([{ Key: 'Name', Value: 'corp' }]);
    expect(await sets(ec2, { DhcpOptionsIds: [corpSet] })).toEqual([created]);
  });

  it('AssociateDhcpOptions: DescribeVpcs and its dhcp-options-id filter follow; `default` associates none', async () => {
    await ec2.send(new AssociateDhcpOptionsCommand({ VpcId: vpcId, DhcpOptionsId: corpSet }));
    expect((await vpcOf(ec2, vpcId)).DhcpOptionsId).toBe(corpSet);
    const byFilter = async (id: string) => (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'dhcp-options-id', Values: [id] }] }))).Vpcs!.map((v) => v.VpcId);
    expect(await byFilter(corpSet)).toEqual([vpcId]);
    await ec2.send(new AssociateDhcpOptionsCommand({ VpcId: vpcId, DhcpOptionsId: 'default' }));
    expect((await vpcOf(ec2, vpcId)).DhcpOptionsId).toBe('default');
    expect(await byFilter('default')).toEqual([vpcId]);
    await ec2.send(new AssociateDhcpOptionsCommand({ VpcId: vpcId, DhcpOptionsId: corpSet }));
  });

  it('DeleteDhcpOptions: DependencyViolation while a VPC is associated with the set; deleted after, tags and all', async () => {
    const err = await failure(ec2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: corpSet })));
    expect([err.name, err.message]).toEqual(['DependencyViolation', `The dhcpOptions '${corpSet}' has dependencies and cannot be deleted.`]);
    const spare = (await create(ec2, [{ Key: 'domain-name', Values: ['spare.example.com'] }])).DhcpOptions!.DhcpOptionsId!;
    await ec2.send(new CreateTagsCommand({ Resources: [spare], Tags: [{ Key: 'k', Value: 'v' }] }));
    await ec2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: spare }));
    expect(await codeOf(sets(ec2, { DhcpOptionsIds: [spare] }))).toBe('InvalidDhcpOptionID.NotFound');
    expect((await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [spare] }] }))).Tags).toEqual([]);
    // A deleted VPC no longer holds its set.
    const other = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.21.0.0/16' }))).Vpc!.VpcId!;
    const held = (await create(ec2, [{ Key: 'ntp-servers', Values: ['10.0.0.1'] }])).DhcpOptions!.DhcpOptionsId!;
    await ec2.send(new AssociateDhcpOptionsCommand({ VpcId: other, DhcpOptionsId: held }));
    await ec2.send(new DeleteVpcCommand({ VpcId: other }));
    await ec2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: held }));
  });

  it('DescribeDhcpOptions: filters dhcp-options-id, key, value, owner-id, tag:, tag-key; MaxResults and NextToken', async () => {
    const ids = async (Filters: { Name: string; Values: string[] }[]) => (await sets(ec2, { Filters })).map((d) => d.DhcpOptionsId);
    expect(await ids([{ Name: 'key', Values: ['netbios-node-type'] }])).toEqual([corpSet]);
    expect(await ids([{ Name: 'value', Values: ['ec2.internal'] }])).toEqual([defaultSet]);
    expect(await ids([{ Name: 'value', Values: ['AmazonProvidedDNS', '10.2.5.2'] }])).toEqual([defaultSet, corpSet].sort());
    expect(await ids([{ Name: 'dhcp-options-id', Values: [corpSet] }])).toEqual([corpSet]);
    expect((await ids([{ Name: 'owner-id', Values: [erin.accountId] }])).sort()).toEqual([defaultSet, corpSet].sort());
    expect(await ids([{ Name: 'owner-id', Values: [frank.accountId] }])).toEqual([]);
    expect(await ids([{ Name: 'tag:Name', Values: ['corp'] }])).toEqual([corpSet]);
    expect(await ids([{ Name: 'tag-key', Values: ['Name'] }])).toEqual([corpSet]);
    const extra: string[] = [];
    for (const n of [1, 2, 3, 4]) extra.push((await create(ec2, [{ Key: 'domain-name', Values: [`x${n}.example.com`] }])).DhcpOptions!.DhcpOptionsId!);
    // Six sets: a page of five, then one.
    const first = await ec2.send(new DescribeDhcpOptionsCommand({ MaxResults: 5 }));
    const second = await ec2.send(new DescribeDhcpOptionsCommand({ MaxResults: 5, NextToken: first.NextToken }));
    expect([first.DhcpOptions!.length, second.DhcpOptions!.length, second.NextToken]).toEqual([5, 1, undefined]);
    expect([...first.DhcpOptions!, ...second.DhcpOptions!].map((d) => d.DhcpOptionsId)).toEqual([defaultSet, corpSet, ...extra].sort());
    expect(await codeOf(sets(ec2, { MaxResults: 4 }))).toBe('InvalidParameterValue');
    for (const id of extra) await ec2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: id }));
  });

  it('CreateTags, DeleteTags and DescribeTags reach dopt- ids (resource type dhcp-options)', async () => {
    await ec2.send(new CreateTagsCommand({ Resources: [defaultSet], Tags: [{ Key: 'Name', Value: 'Default DHCP Option Set' }] }));
    const tags = (await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-type', Values: ['dhcp-options'] }] }))).Tags!;
    expect(tags.map((t) => [t.ResourceId, t.ResourceType, t.Key, t.Value]).sort()).toEqual([
      [corpSet, 'dhcp-options', 'Name', 'corp'], [defaultSet, 'dhcp-options', 'Name', 'Default DHCP Option Set'],
    ].sort());
    await ec2.send(new DeleteTagsCommand({ Resources: [defaultSet], Tags: [{ Key: 'Name' }] }));
    expect((await sets(ec2, { DhcpOptionsIds: [defaultSet] }))[0].Tags).toEqual([]);
  });

  it('another tenant\'s set is exactly like a missing one: Describe, Associate, Delete, CreateTags', async () => {
    const frankVpc = (await frankEc2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }))).Vpc!.VpcId!;
    expect(await sameAsMissing(() => sets(frankEc2, { DhcpOptionsIds: [corpSet] }), () => sets(ec2, { DhcpOptionsIds: [missing(corpSet)] }), corpSet)).toBe('InvalidDhcpOptionID.NotFound');
    expect(await sameAsMissing(
      () => frankEc2.send(new AssociateDhcpOptionsCommand({ VpcId: frankVpc, DhcpOptionsId: corpSet })),
      () => frankEc2.send(new AssociateDhcpOptionsCommand({ VpcId: frankVpc, DhcpOptionsId: missing(corpSet) })), corpSet,
    )).toBe('InvalidDhcpOptionID.NotFound');
    expect(await sameAsMissing(
      () => frankEc2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: corpSet })), () => frankEc2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: missing(corpSet) })), corpSet,
    )).toBe('InvalidDhcpOptionID.NotFound');
    expect(await codeOf(frankEc2.send(new CreateTagsCommand({ Resources: [corpSet], Tags: [{ Key: 'k', Value: 'v' }] })))).toBe('InvalidDhcpOptionID.NotFound');
    // Nor may Erin's set go to Frank's VPC, nor Frank's set to Erin's.
    expect(await codeOf(ec2.send(new AssociateDhcpOptionsCommand({ VpcId: frankVpc, DhcpOptionsId: corpSet })))).toBe('InvalidVpcID.NotFound');
  });

  it('the default set outlives the default VPC; deleted, new VPCs (and a new default VPC) get no options', async () => {
    await withNewTenant(suite.app, 'dopt-gail', async (c) => {
      const [own] = await sets(c);
      await deleteDefaultVpc(c);
      expect(await sets(c)).toHaveLength(1);
      const again = (await c.send(new CreateDefaultVpcCommand({}))).Vpc!;
      expect(again.DhcpOptionsId).toBe(own.DhcpOptionsId);
      await c.send(new AssociateDhcpOptionsCommand({ VpcId: again.VpcId, DhcpOptionsId: 'default' }));
      await c.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: own.DhcpOptionsId }));
      expect(await sets(c)).toEqual([]);
      expect((await c.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }))).Vpc!.DhcpOptionsId).toBe('default');
    });
  });

  it('keeps its sets, their tags and the VPCs\' associations across a restart', async () => {
    await suite.restart();
    [ec2, frankEc2] = [client(erin), client(frank)];
    expect((await vpcOf(ec2, vpcId)).DhcpOptionsId).toBe(corpSet);
    const [corp] = await sets(ec2, { DhcpOptionsIds: [corpSet] });
    expect(corp.Tags).toEqual([{ Key: 'Name', Value: 'corp' }]);
    expect(optionsOf(corp)['netbios-node-type']).toEqual(['2']);
    expect((await sets(ec2)).map((d) => d.DhcpOptionsId).sort()).toEqual([defaultSet, corpSet].sort());
  });

  it('bad input: EC2\'s codes for a malformed or missing id, an unknown key, bad values, a bad VPC; DryRun', async () => {
    expect(await codeOf(sets(ec2, { DhcpOptionsIds: ['dopt-nope'] }))).toBe('InvalidDhcpOptionsId.Malformed');
    expect(await codeOf(ec2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: 'dopt-nope' })))).toBe('InvalidDhcpOptionsId.Malformed');
    expect(await codeOf(ec2.send(new AssociateDhcpOptionsCommand({ VpcId: vpcId, DhcpOptionsId: 'nope' })))).toBe('InvalidDhcpOptionsId.Malformed');
    expect(await codeOf(ec2.send(new AssociateDhcpOptionsCommand({ VpcId: missing(vpcId), DhcpOptionsId: corpSet })))).toBe('InvalidVpcID.NotFound');
    expect(await codeOf(ec2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: missing(corpSet) })))).toBe('InvalidDhcpOptionID.NotFound');
    expect(await codeOf(create(ec2, [{ Key: 'domain-search', Values: ['a.com'] }]))).toBe('InvalidParameterValue');
    expect(await codeOf(create(ec2, [{ Key: 'netbios-node-type', Values: ['3'] }]))).toBe('InvalidParameterValue');
    expect(await codeOf(create(ec2, [{ Key: 'ipv6-address-preferred-lease-time', Values: ['139'] }]))).toBe('InvalidParameterValue');
    expect(await codeOf(create(ec2, [{ Key: 'domain-name-servers', Values: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'] }]))).toBe('InvalidParameterValue');
    expect(await codeOf(create(ec2, []))).toBe('MissingParameter');
    expect(await codeOf(ec2.send(new CreateDhcpOptionsCommand({
      DhcpConfigurations: [{ Key: 'domain-name', Values: ['a.com'] }], TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'k', Value: 'v' }] }],
    })))).toBe('InvalidParameterValue');
    expect(await codeOf(ec2.send(new CreateDhcpOptionsCommand({ DhcpConfigurations: [{ Key: 'domain-name', Values: ['a.com'] }], DryRun: true })))).toBe('DryRunOperation');
    expect(await codeOf(ec2.send(new CreateDhcpOptionsCommand({ DhcpConfigurations: [{ Key: 'netbios-node-type', Values: ['3'] }], DryRun: true })))).toBe('InvalidParameterValue');
    expect(await codeOf(ec2.send(new AssociateDhcpOptionsCommand({ VpcId: vpcId, DhcpOptionsId: 'default', DryRun: true })))).toBe('DryRunOperation');
    expect(await codeOf(ec2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: missing(corpSet), DryRun: true })))).toBe('InvalidDhcpOptionID.NotFound');
    expect((await vpcOf(ec2, vpcId)).DhcpOptionsId).toBe(corpSet);
    expect(await sets(ec2)).toHaveLength(2);
  });
});
