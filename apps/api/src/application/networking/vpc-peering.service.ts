import { Injectable, OnModuleInit } from '@nestjs/common';
import { invalidParameter } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { ACCOUNT_ID } from '../credentials/account-id';
import { mergeTags, validateTags } from '../instances/tags';
import { TagsService } from '../tags/tags.service';
import { TenantEntity, VpcPeeringConnectionEntity } from '../../persistence/entities';
import { NetworkingRepository } from '../../persistence/networking.repository';
import { VpcPeeringRepository } from '../../persistence/vpc-peering.repository';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { describe, DescribeQuery, Page, requireWellFormed, VPC_ID } from './describe-query';
import { NetworkingService } from './networking.service';
import {
  overlapFailure, PEERING_EXPIRY_MS, PEERING_ID, peeringNotFound, peeringStatus, PeeringStatus, peeringVisibleTo, peerVpcFailure, requireAccepter,
  requireDeletable, requirePending,
} from './vpc-peering';

export interface CreatePeeringCommand {
  readonly vpcId: string;
  readonly peerVpcId: string;
  /** The accepter VPC's account; the caller's when absent. */
  readonly peerOwnerId?: string;
  readonly tags?: Readonly<Record<string, unknown>>;
}

/** A connection as one side sees it: its status at the engine's now and that side's tags. */
export interface PeeringView {
  readonly connection: VpcPeeringConnectionEntity;
  readonly status: PeeringStatus;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * VPC peering connections (EC2's CreateVpcPeeringConnection, AcceptVpcPeeringConnection,
 * RejectVpcPeeringConnection, DeleteVpcPeeringConnection, DescribeVpcPeeringConnections;
 * docs/ec2-networking.md, "VPC peering connections"; the rules in vpc-peering.ts). A connection is
 * seen by both sides' tenants; any other tenant finds it as a missing one. Configuration only:
 * no traffic is simulated through it, and nothing is billed (docs/model.md).
 */
@Injectable()
export class VpcPeeringService implements OnModuleInit {
  constructor(
    private readonly repo: VpcPeeringRepository,
    private readonly vpcs: NetworkingRepository,
    private readonly networking: NetworkingService,
    private readonly engine: EngineService,
    private readonly tagTypes: TagsService,
  ) {}

  /** CreateTags, DeleteTags and DescribeTags reach connections (`pcx-`) with each side's own tags. */
  onModuleInit(): void {
    this.tagTypes.register({
      resourceType: 'vpc-peering-connection',
      idPrefix: 'pcx',
      require: async (tenant, id) => void (await this.requireVisible(this.repo.reader, tenant, id, this.engine.now)),
      put: (tenant, id, tags) => this.engine.command(async (tx, e) => {
        await this.requireVisible(tx, tenant, id, e.now);
        const valid = validateTags({ ...tags });
        mergeTags(id, (await this.repo.tagsOf(tx, tenant.id, [id])).get(id) ?? {}, valid);
        await this.repo.saveTags(tx, tenant.id, id, valid);
      }),
      tagsOf: async (tenant, id) => {
        await this.requireVisible(this.repo.reader, tenant, id, this.engine.now);
        return (await this.repo.tagsOf(this.repo.reader, tenant.id, [id])).get(id) ?? {};
      },
      deleteKey: (tenant, id, key) => this.engine.command((tx) => this.repo.deleteTag(tx, tenant.id, id, key)),
      listAll: async (tenant) => {
        const now = this.engine.now;
        const shown = new Set((await this.repo.of(this.repo.reader, tenant.id)).filter((c) => peeringVisibleTo(c, tenant.id, tenant.accountId, now)).map((c) => c.id));
        return (await this.repo.tagsOfTenant(this.repo.reader, tenant.id))
          .filter((t) => shown.has(t.resourceId)).map((t) => ({ resourceId: t.resourceId, resourceType: 'vpc-peering-connection', key: t.key, value: t.value }));
      },
    });
  }

  /** DryRun's check: the requester VPC is the tenant's. */
  async check(tenant: TenantEntity, cmd: CreatePeeringCommand): Promise<void> {
    checkCreate(cmd);
    await this.networking.requireVpc(this.repo.reader, tenant.id, cmd.vpcId);
  }

  /**
   * CreateVpcPeeringConnection: the requester VPC must be the tenant's. The request reaches the
   * peer owner's tenant and is pending acceptance for 7 days; it fails (status `failed`, seen by the
   * requester only) when PeerOwnerId names no tenant or PeerVpcId is not that tenant's VPC (nothing
   * more is said, so no other tenant's VPC is revealed), or when the two blocks overlap. Within one
   * account a missing PeerVpcId is the request's InvalidVpcID.NotFound. The answer's status is
   * `initiating-request`, as EC2 answers.
   */
  create(tenant: TenantEntity, cmd: CreatePeeringCommand): Promise<PeeringView> {
    checkCreate(cmd);
    const tags = validateTags({ ...(cmd.tags ?? {}) });
    return this.engine.command(async (tx, e) => {
      await this.networking.ensureDefaultVpc(tx, tenant.id);
      const vpc = await this.networking.requireVpc(tx, tenant.id, cmd.vpcId);
      const ownerId = cmd.peerOwnerId ?? tenant.accountId;
      const peerTenant = ownerId === tenant.accountId ? tenant : await this.repo.tenantOfAccount(tx, ownerId);
      const peerVpc = peerTenant === tenant
        ? await this.networking.requireVpc(tx, tenant.id, cmd.peerVpcId)
        : peerTenant ? await this.vpcs.findVpc(tx, peerTenant.id, cmd.peerVpcId) : null;
      const failure = peerVpc ? overlapFailure(vpc.cidrBlock, peerVpc.cidrBlock) : peerVpcFailure(cmd.peerVpcId, ownerId);
      const row: VpcPeeringConnectionEntity = {
        id: resourceId('pcx'), requesterTenantId: tenant.id, requesterOwnerId: tenant.accountId, requesterVpcId: vpc.id, requesterCidrBlock: vpc.cidrBlock,
        accepterTenantId: peerVpc ? peerTenant!.id : null, accepterOwnerId: ownerId, accepterVpcId: cmd.peerVpcId, accepterCidrBlock: peerVpc?.cidrBlock ?? null,
        failureMessage: failure, createdAt: e.now, expiresAt: e.now + PEERING_EXPIRY_MS, acceptedAt: null, rejectedAt: null, deletedAt: null, deletedBy: null,
      };
      await this.repo.insert(tx, row);
      await this.repo.saveTags(tx, tenant.id, row.id, tags);
      return { connection: row, status: failure === null ? 'initiating-request' : 'failed', tags };
    });
  }

  /** AcceptVpcPeeringConnection: by the accepter, while pending; provisioning, then active. */
  accept(tenant: TenantEntity, id: string): Promise<PeeringView> {
    return this.engine.command(async (tx, e) => {
      const c = await this.requireVisible(tx, tenant, id, e.now);
      requireAccepter(c, tenant.id, tenant.accountId, 'accept', id);
      requirePending(id, peeringStatus(c, e.now));
      await this.repo.update(tx, id, { acceptedAt: e.now });
      return (await this.views(tx, tenant, [{ ...c, acceptedAt: e.now }], e.now))[0];
    });
  }

  /** RejectVpcPeeringConnection: by the accepter, while pending. */
  reject(tenant: TenantEntity, id: string): Promise<void> {
    return this.engine.command(async (tx, e) => {
      const c = await this.requireVisible(tx, tenant, id, e.now);
      requireAccepter(c, tenant.id, tenant.accountId, 'reject', id);
      requirePending(id, peeringStatus(c, e.now));
      await this.repo.update(tx, id, { rejectedAt: e.now });
    });
  }

  /** DeleteVpcPeeringConnection: either side while active, the requester while pending. Routes to it become blackholes. */
  delete(tenant: TenantEntity, id: string): Promise<void> {
    return this.engine.command(async (tx, e) => {
      const c = await this.requireVisible(tx, tenant, id, e.now);
      requireDeletable(c, tenant.id, id, peeringStatus(c, e.now));
      await this.repo.update(tx, id, { deletedAt: e.now, deletedBy: tenant.accountId });
    });
  }

  /** DryRun's check for Accept, Reject and Delete: the connection is one the tenant sees. */
  async requirePeering(tenant: TenantEntity, id: string): Promise<void> {
    await this.requireVisible(this.repo.reader, tenant, id, this.engine.now);
  }

  /** DescribeVpcPeeringConnections: the connections the tenant sees, either side. */
  async describe(tenant: TenantEntity, q: DescribeQuery<PeeringView>): Promise<Page<PeeringView>> {
    const m = this.repo.reader;
    const now = this.engine.now;
    const rows = (await this.repo.of(m, tenant.id)).filter((c) => peeringVisibleTo(c, tenant.id, tenant.accountId, now));
    return describe(await this.views(m, tenant, rows, now), (v) => v.connection.id, PEERING_ID, q);
  }

  private async requireVisible(m: Tx, tenant: TenantEntity, id: string, now: number): Promise<VpcPeeringConnectionEntity> {
    requireWellFormed(PEERING_ID, id);
    const c = await this.repo.find(m, tenant.id, id);
    if (!c || !peeringVisibleTo(c, tenant.id, tenant.accountId, now)) throw peeringNotFound(id);
    return c;
  }

  private async views(m: Tx, tenant: TenantEntity, rows: readonly VpcPeeringConnectionEntity[], now: number): Promise<PeeringView[]> {
    const tags = await this.repo.tagsOf(m, tenant.id, rows.map((r) => r.id));
    return rows.map((connection) => ({ connection, status: peeringStatus(connection, now), tags: tags.get(connection.id) ?? {} }));
  }
}

/** The request's own checks: well-formed VPC ids, a 12-digit PeerOwnerId. */
function checkCreate(cmd: CreatePeeringCommand): void {
  requireWellFormed(VPC_ID, cmd.vpcId);
  requireWellFormed(VPC_ID, cmd.peerVpcId);
  if (cmd.peerOwnerId !== undefined && !ACCOUNT_ID.test(cmd.peerOwnerId)) {
    throw invalidParameter(`Value (${cmd.peerOwnerId.slice(0, 40)}) for parameter peerOwnerId is invalid. It must be a 12-digit AWS account ID`);
  }
}
