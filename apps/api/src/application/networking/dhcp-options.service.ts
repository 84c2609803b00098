import { Injectable } from '@nestjs/common';
import { resourceId } from '../common/ids';
import { DhcpOptionsEntity, TenantEntity } from '../../persistence/entities';
import { DhcpOptionsRepository } from '../../persistence/dhcp-options.repository';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { dependencyViolation, describe, DescribeQuery, notFoundError, Page, requireWellFormed } from './describe-query';
import { DHCP_OPTIONS_ID, dhcpConfiguration, NO_DHCP_OPTIONS } from './dhcp-options';
import { NetworkingService } from './networking.service';

export interface CreateDhcpOptionsCommand {
  /** `DhcpConfiguration.N`: each option's key and values, as given. */
  readonly configuration: readonly { readonly key: string; readonly values: readonly string[] }[];
  readonly tags?: Readonly<Record<string, unknown>>;
}

export interface AssociateDhcpOptionsCommand {
  /** A set's id, or `default`: no options. */
  readonly dhcpOptionsId: string;
  readonly vpcId: string;
}

/** A set as Describe shows it. */
export interface DhcpOptionsView {
  readonly dhcpOptions: DhcpOptionsEntity;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * DHCP option sets (EC2's CreateDhcpOptions, AssociateDhcpOptions, DeleteDhcpOptions,
 * DescribeDhcpOptions; docs/ec2-networking.md, "DHCP option sets"; the rules in dhcp-options.ts).
 * The account's default set is made with the default VPC (NetworkingService). Tags: the networking
 * tags (NetworkTagsRegistrar, `dopt-`). Configuration only: nothing is served or billed.
 */
@Injectable()
export class DhcpOptionsService {
  constructor(
    private readonly repo: DhcpOptionsRepository,
    private readonly networking: NetworkingService,
    private readonly engine: EngineService,
  ) {}

  /** DryRun's check: the configuration and tags are valid. */
  check(cmd: CreateDhcpOptionsCommand): void {
    dhcpConfiguration(cmd.configuration);
    this.networking.validTags(cmd.tags);
  }

  /** CreateDhcpOptions: a new set of the tenant's, associated with no VPC. */
  create(tenant: TenantEntity, cmd: CreateDhcpOptionsCommand): Promise<DhcpOptionsView> {
    const configuration = dhcpConfiguration(cmd.configuration);
    const tags = this.networking.validTags(cmd.tags);
    return this.engine.command(async (tx, e) => {
      await this.networking.ensureDefaultVpc(tx, tenant.id);
      const row: DhcpOptionsEntity = { id: resourceId(DHCP_OPTIONS_ID.prefix), tenantId: tenant.id, configuration, createdAt: e.now };
      await this.repo.insert(tx, row);
      await this.networking.saveTags(tx, tenant.id, row.id, tags);
      return { dhcpOptions: row, tags };
    });
  }

  /**
   * AssociateDhcpOptions: the VPC's set from now on (`default`: none). The set it had is kept;
   * its instances are not told (nothing is served).
   */
  associate(tenant: TenantEntity, cmd: AssociateDhcpOptionsCommand): Promise<void> {
    return this.engine.command(async (tx) => {
      await this.networking.ensureDefaultVpc(tx, tenant.id);
      const id = await this.requireAssociable(tx, tenant.id, cmd.dhcpOptionsId);
      const vpc = await this.networking.requireVpc(tx, tenant.id, cmd.vpcId);
      await this.repo.associate(tx, vpc.id, id);
    });
  }

  /** DryRun's check for AssociateDhcpOptions: the set (or `default`) and the VPC are the tenant's. */
  async checkAssociate(tenant: TenantEntity, cmd: AssociateDhcpOptionsCommand): Promise<void> {
    await this.networking.ensureDefaultForRead(tenant.id);
    await this.requireAssociable(this.repo.reader, tenant.id, cmd.dhcpOptionsId);
    await this.networking.requireVpc(this.repo.reader, tenant.id, cmd.vpcId);
  }

  /** DeleteDhcpOptions: EC2's DependencyViolation while a VPC is associated with it. Its tags go with it. */
  delete(tenant: TenantEntity, id: string): Promise<void> {
    return this.engine.command(async (tx) => {
      await this.networking.ensureDefaultVpc(tx, tenant.id);
      const set = await this.requireDhcpOptions(tx, tenant.id, id);
      if (await this.repo.inUse(tx, tenant.id, set.id)) throw dependencyViolation('dhcpOptions', set.id);
      await this.networking.deleteTags(tx, set.id);
      await this.repo.delete(tx, set.id);
    });
  }

  /** DryRun's check for DeleteDhcpOptions: the set is the tenant's. */
  async checkDelete(tenant: TenantEntity, id: string): Promise<void> {
    await this.networking.ensureDefaultForRead(tenant.id);
    await this.requireDhcpOptions(this.repo.reader, tenant.id, id);
  }

  /** DescribeDhcpOptions: the tenant's sets (its default one included, made with the default VPC on first use). */
  async describe(tenant: TenantEntity, q: DescribeQuery<DhcpOptionsView>): Promise<Page<DhcpOptionsView>> {
    await this.networking.ensureDefaultForRead(tenant.id);
    const m = this.repo.reader;
    const rows = await this.repo.of(m, tenant.id);
    const tags = await this.networking.tagsOf(m, rows.map((r) => r.id));
    return describe(rows.map((dhcpOptions) => ({ dhcpOptions, tags: tags.get(dhcpOptions.id) ?? {} })), (v) => v.dhcpOptions.id, DHCP_OPTIONS_ID, q);
  }

  /** The tenant's set (another tenant's, like a missing one: InvalidDhcpOptionID.NotFound). */
  private async requireDhcpOptions(m: Tx, tenantId: string, id: string): Promise<DhcpOptionsEntity> {
    requireWellFormed(DHCP_OPTIONS_ID, id);
    const set = await this.repo.find(m, tenantId, id);
    if (!set) throw notFoundError(DHCP_OPTIONS_ID, id);
    return set;
  }

  /** AssociateDhcpOptions' `DhcpOptionsId`: `default` (null: no options) or one of the tenant's sets. */
  private async requireAssociable(m: Tx, tenantId: string, id: string): Promise<string | null> {
    return id === NO_DHCP_OPTIONS ? null : (await this.requireDhcpOptions(m, tenantId, id)).id;
  }
}
