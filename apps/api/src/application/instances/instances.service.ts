import { Injectable } from '@nestjs/common';
import { CpuParams, CreditMode, IncorrectInstanceState, InstanceType, resolveCpuParams, StateTransition, Vm } from '@nimbus/hypervisor';
import { LaunchValidationRequest, LicenseCountingType, validateLaunch } from '@nimbus/scheduler';
import { launch, rebootVm, startVm, stopVm, terminateVm } from '@nimbus/simulation';
import { createHash } from 'node:crypto';
import { ApiError, invalidParameter } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { InstanceEntity, TenantEntity } from '../../persistence/entities';
import { InstancesRepository } from '../../persistence/instances.repository';
import { TenantsRepository } from '../../persistence/tenants.repository';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { limitOf, LicensesService } from '../licenses/licenses.service';
import { DedicatedHostsService } from '../placement/dedicated-hosts.service';
import { PlacementGroupsService } from '../placement/placement-groups.service';
import { VolumesService } from '../volumes/volumes.service';
import { launchableImage } from '../images/images.service';
import { AttachedVolume, InstanceDescription, InstancePage, QuotaUsage, Reservation } from './instance-description';
import { CreateTagsCommand, DeleteTagCommand, InstanceIdCommand, ListInstancesQuery, RunInstancesCommand } from './instances.commands';
import { decodePageToken, encodePageToken } from './page-token';
import { requireInstance, terminatedGoneBy } from './require-instance';
import { MAX_TAGS, validateTags } from './tags';

const DEFAULT_PAGE_SIZE = 1000;
const USER_SHUTDOWN = 'Client.UserInitiatedShutdown';

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

@Injectable()
export class InstancesService {
  constructor(
    private readonly engine: EngineService,
    private readonly instances: InstancesRepository,
    private readonly tenants: TenantsRepository,
    private readonly volumes: VolumesService,
    private readonly groups: PlacementGroupsService,
    private readonly dedicatedHosts: DedicatedHostsService,
    private readonly licenses: LicensesService,
  ) {}

  run(tenant: TenantEntity, cmd: RunInstancesCommand): Promise<Reservation> {
    // The world's catalog: built-in, the operator's and the tenant's own images and types.
    const image = launchableImage(this.engine, tenant.id, cmd.imageId);
    const type = this.engine.world.catalog.launchableInstanceType(cmd.instanceType);
    if (!type) throw invalidParameter(`instanceType '${cmd.instanceType}' does not exist`);
    // The launch rules (launch-validation.ts): here on the request alone, again below once the group and license configuration are found.
    const launchRequest: LaunchValidationRequest = {
      instanceType: type, image, tenancy: cmd.tenancy, hostId: cmd.hostId, partitionNumber: cmd.partitionNumber, availabilityZone: cmd.availabilityZone,
      minCount: cmd.minCount, maxCount: cmd.maxCount, creditSpecification: cmd.creditSpecification,
      ...(cmd.placementGroup !== undefined ? { placementGroup: { name: cmd.placementGroup } } : {}),
      ...(cmd.licenseConfigurationId !== undefined ? { licenseConfiguration: {} } : {}),
    };
    const tenancy = validateLaunch(launchRequest);
    const cpu = this.cpuParams(type, cmd);
    const tags = validateTags(cmd.tags ?? {});
    const volumeSpecs = this.volumes.resolveLaunchVolumes(cmd.volumes);
    const { clientToken, ...request } = cmd;
    const requestHash = createHash('sha256').update(JSON.stringify(canonical(request))).digest('hex');

    return this.engine.command(async (tx, e) => {
      if (clientToken !== undefined) {
        const previous = await this.instances.reservationByClientToken(tx, tenant.id, clientToken);
        if (previous) {
          if (previous.requestHash !== requestHash)
            throw new ApiError('IdempotentParameterMismatch', `The client token '${clientToken}' was used with a different request`);
          return this.reservationOf(tx, previous.id);
        }
      }
      // Another tenant's group, host or configuration answers exactly as a missing one.
      const group = cmd.placementGroup !== undefined ? await this.groups.require(tx, tenant.id, cmd.placementGroup) : undefined;
      if (cmd.hostId !== undefined) await this.dedicatedHosts.require(tx, tenant.id, cmd.hostId);
      const license = cmd.licenseConfigurationId !== undefined ? await this.licenses.require(tx, tenant.id, cmd.licenseConfigurationId) : undefined;
      validateLaunch({
        ...launchRequest,
        ...(group ? { placementGroup: { name: group.name, definition: e.scheduler.group(group.id) } } : {}),
        ...(license ? { licenseConfiguration: { countingType: license.countingType as LicenseCountingType } } : {}),
      });

      // The world's launch: the vCPU quota, then the IOPS quota, placement and licence admission, all or nothing.
      const quota = await this.tenants.onDemandVcpuQuota(tx, tenant.id);
      const capByIops = await this.volumes.iopsAllowance(tx, tenant.id, volumeSpecs);
      const licensed = license ? await this.licenses.licensedInstances(tx, e.fleet, license.id) : [];
      const launched = launch(e.world, {
        tenantId: tenant.id, instanceType: type, image, cpu, minCount: cmd.minCount, maxCount: cmd.maxCount, availabilityZone: cmd.availabilityZone, tenancy,
        ...(cmd.hostId !== undefined ? { hostId: cmd.hostId } : {}),
        ...(group ? { placementGroup: { groupId: group.id, ...(cmd.partitionNumber !== undefined ? { partition: cmd.partitionNumber } : {}) } } : {}),
        creditMode: cmd.creditSpecification, autoRecovery: cmd.maintenanceOptions?.autoRecovery !== 'disabled',
        vcpuQuota: quota, capCount: (allowed) => capByIops(cmd.minCount, allowed),
        ...(license ? { license: { limit: limitOf(license), existing: licensed, product: image.byolProduct! } } : {}),
        newVmId: () => resourceId('i'),
      });

      const reservationId = resourceId('r');
      await this.instances.insertReservation(tx, { id: reservationId, tenantId: tenant.id, clientToken: clientToken ?? null, requestHash, createdAt: e.now });
      const rows = launched.vms.map((vm, i) => {
        const partition = launched.partitions?.[i];
        return {
          ...this.newRow(vm, reservationId, launched.availabilityZone, cmd, launched.creditMode, e.now),
          tenancy, placementGroupId: group?.id ?? null, partitionNumber: partition ?? null,
          dedicatedHostId: tenancy === 'host' ? vm.hostId : null, licenseConfigurationId: license?.id ?? null,
        };
      });
      await this.instances.insertInstances(tx, rows, tags);
      const volumes = await this.volumes.createForInstances(tx, e, tenant.id, launched.availabilityZone, rows.map((r) => r.id), volumeSpecs);
      return {
        reservationId,
        instances: rows.map((row) => ({ row, tags, volumes: volumes.get(row.id) ?? [], ...(group ? { placementGroupName: group.name } : {}) })),
      };
    });
  }

  async list(tenant: TenantEntity, q: ListInstancesQuery): Promise<InstancePage> {
    const limit = q.maxResults ?? DEFAULT_PAGE_SIZE;
    const rows = await this.instances.page({
      tenantId: tenant.id, terminatedGoneBy: terminatedGoneBy(this.engine.now),
      state: q.state, instanceType: q.instanceType, availabilityZone: q.availabilityZone, tags: q.tags,
      ...(q.nextToken ? { afterId: decodePageToken(q.nextToken) } : {}),
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      instances: await this.describe(this.instances.reader, page),
      ...(rows.length > limit ? { nextToken: encodePageToken(page[page.length - 1].id) } : {}),
    };
  }

  async get(tenant: TenantEntity, q: InstanceIdCommand): Promise<InstanceDescription> {
    const m = this.instances.reader;
    const row = await this.requireVisible(m, tenant.id, q.instanceId);
    return (await this.describe(m, [row]))[0];
  }

  start(tenant: TenantEntity, cmd: InstanceIdCommand): Promise<StateTransition> {
    const id = cmd.instanceId;
    return this.engine.command(async (tx, e) => {
      const row = await this.requireVisible(tx, tenant.id, id);
      if (row.state === 'terminated') throw new IncorrectInstanceState(id, row.state, 'started');
      const placed = e.fleet.needsPlacementToStart(id);
      const quota = placed ? await this.tenants.onDemandVcpuQuota(tx, tenant.id) : undefined;
      // A stopped instance keeps its zone (its subnet), tenancy, group and partition, but not its
      // host, as on EC2 — except on a Dedicated Host, to which it returns (host affinity).
      const transition = startVm(e.world, tenant.id, id, { availabilityZone: row.availabilityZone, dedicatedHostId: row.dedicatedHostId ?? undefined, vcpuQuota: quota });
      if (placed) await this.instances.markRelaunched(tx, id, e.now);
      return transition;
    });
  }

  stop(tenant: TenantEntity, cmd: InstanceIdCommand): Promise<StateTransition> {
    const id = cmd.instanceId;
    return this.engine.command(async (tx, e) => {
      const row = await this.requireVisible(tx, tenant.id, id);
      if (row.state === 'terminated') throw new IncorrectInstanceState(id, row.state, 'stopped');
      const t = stopVm(e.world, tenant.id, id);
      if (t.previous !== t.current) await this.instances.setStateReason(tx, id, USER_SHUTDOWN);
      return t;
    });
  }

  reboot(tenant: TenantEntity, cmd: InstanceIdCommand): Promise<StateTransition> {
    const id = cmd.instanceId;
    return this.engine.command(async (tx, e) => {
      const row = await this.requireVisible(tx, tenant.id, id);
      if (row.state === 'terminated') throw new IncorrectInstanceState(id, row.state, 'rebooted');
      return rebootVm(e.world, tenant.id, id);
    });
  }

  terminate(tenant: TenantEntity, cmd: InstanceIdCommand): Promise<StateTransition> {
    const id = cmd.instanceId;
    return this.engine.command(async (tx, e) => {
      const row = await this.requireVisible(tx, tenant.id, id);
      if (row.state === 'terminated') return { vmId: id, previous: 'terminated', current: 'terminated' };
      const t = terminateVm(e.world, tenant.id, id);
      if (t.previous !== t.current) await this.instances.setStateReason(tx, id, USER_SHUTDOWN);
      return t;
    });
  }

  /** Adds or replaces tags; answers the instance's tags after the change. */
  putTags(tenant: TenantEntity, cmd: CreateTagsCommand): Promise<Record<string, string>> {
    const id = cmd.instanceId;
    const valid = validateTags(cmd.tags);
    return this.engine.command(async (tx) => {
      await this.requireVisible(tx, tenant.id, id);
      const merged = { ...((await this.instances.tagsOf(tx, [id])).get(id) ?? {}), ...valid };
      if (Object.keys(merged).length > MAX_TAGS) throw invalidParameter(`an instance may have at most ${MAX_TAGS} tags`);
      await this.instances.saveTags(tx, tenant.id, id, valid);
      return merged;
    });
  }

  deleteTag(tenant: TenantEntity, cmd: DeleteTagCommand): Promise<void> {
    return this.engine.command(async (tx) => {
      await this.requireVisible(tx, tenant.id, cmd.instanceId);
      await this.instances.deleteTag(tx, cmd.instanceId, cmd.key);
    });
  }

  /** The tenant's On-Demand vCPUs in use and its provisioned IOPS, against its quotas. */
  async quotas(tenant: TenantEntity): Promise<QuotaUsage> {
    return {
      onDemandVcpus: { limit: tenant.quotaOnDemandVcpus, used: this.engine.fleet.vcpusInUse(tenant.id) },
      // Σ IOPS of the tenant's gp3 and io2 volumes (gp2's are not provisioned).
      provisionedIops: { limit: tenant.quotaProvisionedIops, used: await this.volumes.provisionedIopsUsed(tenant.id) },
    };
  }

  /** Rows with their tags, attached volumes and group names. */
  private async describe(m: Tx, rows: InstanceEntity[]): Promise<InstanceDescription[]> {
    const ids = rows.map((r) => r.id);
    const tags = await this.instances.tagsOf(m, ids);
    const volumes = await this.volumes.attachedTo(m, ids);
    const names = await this.instances.placementGroupNames(m, [...new Set(rows.map((r) => r.placementGroupId).filter((g): g is string => g !== null))]);
    return rows.map((row) => {
      const groupName = row.placementGroupId ? names.get(row.placementGroupId) : undefined;
      const attached: readonly AttachedVolume[] = volumes.get(row.id) ?? [];
      return { row, tags: tags.get(row.id) ?? {}, volumes: attached, ...(groupName !== undefined ? { placementGroupName: groupName } : {}) };
    });
  }

  private async reservationOf(tx: Tx, reservationId: string): Promise<Reservation> {
    return { reservationId, instances: await this.describe(tx, await this.instances.ofReservation(tx, reservationId)) };
  }

  private requireVisible(m: Tx, tenantId: string, id: string): Promise<InstanceEntity> {
    return requireInstance(this.instances, m, tenantId, id, this.engine.now);
  }

  private cpuParams(type: InstanceType, cmd: RunInstancesCommand): CpuParams {
    const toMilli = (cores: number | undefined) => (cores === undefined ? undefined : Math.round(cores * 1000));
    return resolveCpuParams(type, {
      reservationMillicores: toMilli(cmd.cpu?.reservation),
      limitMillicores: toMilli(cmd.cpu?.limit),
      weight: cmd.cpu?.weight,
    });
  }

  private newRow(vm: Vm, reservationId: string, availabilityZone: string, cmd: RunInstancesCommand, creditMode: CreditMode | undefined, now: number): InstanceEntity {
    return {
      id: vm.vmId, tenantId: vm.tenantId, reservationId, imageId: vm.image.imageId, instanceType: vm.instanceType.name,
      platform: vm.image.platform, tenancy: cmd.tenancy ?? 'default', availabilityZone, hostId: vm.hostId, state: vm.state,
      stateReason: null, stateSince: vm.stateSince, transitionAt: vm.transitionAt, launchTime: now,
      cpuReservationMillicores: vm.cpu.reservationMillicores, cpuLimitMillicores: vm.cpu.limitMillicores, cpuWeight: vm.cpu.weight,
      creditSpecification: creditMode ?? null,
      workload: null, autoRecovery: cmd.maintenanceOptions?.autoRecovery ?? 'default', status: 'ok', runtime: null,
      placementGroupId: null, partitionNumber: null, dedicatedHostId: null, licenseConfigurationId: null,
      userData: cmd.userData ?? null, disableApiTermination: cmd.disableApiTermination ?? false,
      shutdownBehavior: cmd.instanceInitiatedShutdownBehavior ?? 'stop', ebsOptimized: cmd.ebsOptimized ?? false,
    };
  }
}
