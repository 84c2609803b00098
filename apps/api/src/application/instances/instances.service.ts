import { Inject, Injectable } from '@nestjs/common';
import { Catalog, CpuParams, CreditMode, IncorrectInstanceState, InstanceType, resolveCpuParams, rootDeviceOf, StateTransition, Vm } from '@nimbus/hypervisor';
import { checkVcpuQuota, InsufficientInstanceCapacity, LaunchValidationRequest, LicenseCountingType, validateLaunch } from '@nimbus/scheduler';
import { changeInstanceType, launch, rebootVm, startVm, stopVm, terminateVm } from '@nimbus/simulation';
import { ApiError, idempotentMismatch, invalidParameter } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { requestHash as hashOf } from '../common/request-hash';
import { InstanceEntity, SpotInstanceRequestEntity, TenantEntity } from '../../persistence/entities';
import { InstancesRepository } from '../../persistence/instances.repository';
import { pipelineOf } from '../../persistence/pipeline';
import { TenantQuotas } from '../tenants/tenant-quotas';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { limitOf, LicensesService } from '../licenses/licenses.service';
import { DedicatedHostsService } from '../placement/dedicated-hosts.service';
import { PlacementGroupsService } from '../placement/placement-groups.service';
import { VolumesService } from '../volumes/volumes.service';
import { INSTANCE_NETWORKING, InstanceNetwork, InstanceNetworking } from '../networking/instance-networking';
import { launchableImage } from '../images/launchable-image';
import { AttachedVolume, InstanceDescription, InstancePage, QuotaUsage, Reservation } from './instance-description';
import { CreateTagsCommand, DeleteTagCommand, InstanceIdCommand, ListInstancesQuery, ModifyInstanceAttributeCommand, RunInstancesCommand, SetCreditSpecificationCommand } from './instances.commands';
import { decodePageToken, encodePageToken } from './page-token';
import { checkInstanceId, requireInstance, terminatedGoneBy } from './require-instance';
import { changeMetadataOptions, defaultMetadataOptions, MetadataOptions, MetadataOptionsChange, metadataOptionsOf } from './metadata-options';
import { StatusChecks, statusChecks } from './status-checks';
import { bootLog, consoleOutputTime } from './boot-log';
import { launchPasswordData, PasswordData, passwordDataOf, passwordGeneratedAt } from './password-data';
import { checkDeletableTag, mergeTags, validateTags } from './tags';
import { changeMonitoring, launchMonitoring, MonitoringState, monitoringStateOf } from './monitoring';
import { SpotMarket } from '../spot/spot-market';

const DEFAULT_PAGE_SIZE = 1000;

/** InstancesService.launchIn's options. */
export interface LaunchOptions {
  /** Only the checks: nothing launched or written (RunInstances' DryRun; RequestSpotInstances' first look). */
  readonly dryRun?: boolean;
  readonly fulfil?: readonly SpotInstanceRequestEntity[];
  readonly zone?: { value?: string };
}
const USER_SHUTDOWN = 'Client.UserInitiatedShutdown';

const withNetwork = (network: InstanceNetwork | undefined) => (network ? { network } : {});
/** EC2's limit on user data: 16 KB before base64 encoding. */
export const MAX_USER_DATA_BYTES = 16 * 1024;

/** User data is base64 (as EC2 takes and answers it), at most 16 KB decoded; '' clears it. */
function validateUserData(userData: string | undefined): string | undefined {
  if (userData === undefined || userData === '') return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(userData) || userData.length % 4 !== 0) throw invalidParameter('userData must be base64-encoded');
  if (Buffer.from(userData, 'base64').length > MAX_USER_DATA_BYTES) throw invalidParameter(`userData is limited to ${MAX_USER_DATA_BYTES} bytes (before base64 encoding)`);
  return userData;
}

/**
 * The rules a launch's own content must meet, whatever it launches on: EC2's tag rules on the
 * instance's and the volumes' tags, the user data's, the metadata options' values. A launch checks
 * them first; a launch template's data is checked with them when it is written.
 */
export function checkLaunchContent(
  cmd: Pick<RunInstancesCommand, 'tags' | 'volumeTags' | 'userData' | 'metadataOptions'>, image: Parameters<typeof defaultMetadataOptions>[0] = {},
): { tags: Record<string, string>; volumeTags: Record<string, string>; metadataOptions: MetadataOptions } {
  const tags = validateTags({ ...(cmd.tags ?? {}) });
  const volumeTags = validateTags({ ...(cmd.volumeTags ?? {}) });
  validateUserData(cmd.userData);
  // The image's defaults (IMDSv2 required for a v2.0 image) under the launch's own choices; a template, which names no image yet, checks the values on EC2's plain defaults.
  const metadataOptions = changeMetadataOptions(defaultMetadataOptions(image), cmd.metadataOptions ?? {});
  return { tags, volumeTags, metadataOptions };
}

/**
 * The tags EC2 gives an instance launched from a launch template ("Launch an instance from a launch
 * template", EC2 User Guide: `aws:ec2launchtemplate:id` and `aws:ec2launchtemplate:version`, which
 * the tenant cannot remove or edit).
 */
function launchTemplateTags(cmd: RunInstancesCommand): Record<string, string> {
  return cmd.launchTemplate ? { 'aws:ec2launchtemplate:id': cmd.launchTemplate.id, 'aws:ec2launchtemplate:version': String(cmd.launchTemplate.version) } : {};
}

@Injectable()
export class InstancesService {
  constructor(
    private readonly engine: EngineService,
    private readonly instances: InstancesRepository,
    private readonly tenantQuotas: TenantQuotas,
    private readonly volumes: VolumesService,
    private readonly groups: PlacementGroupsService,
    private readonly dedicatedHosts: DedicatedHostsService,
    private readonly licenses: LicensesService,
    private readonly spot: SpotMarket,
    @Inject(INSTANCE_NETWORKING) private readonly network: InstanceNetworking,
  ) {
    // Terminated instances' interfaces go (or are detached) and their public addresses return to the pool.
    engine.onTerminated((tx, ids, _now, _e, reachedAt) => this.network.released(tx, ids, reachedAt));
    // Stopped instances' public addresses return to the pool (a start gives a new one: start below).
    engine.onStopped((tx, ids, _now, reachedAt) => this.network.stopped(tx, ids, reachedAt));
    // A Windows password is generated in the first boot that lasts long enough (password-data.ts).
    engine.onBootsEnded((tx, boots) => {
      const generated = new Map<string, number>();
      for (const [id, b] of boots) {
        const at = passwordGeneratedAt(b);
        if (at !== undefined) generated.set(id, at);
      }
      return generated.size > 0 ? this.instances.setPasswordsGenerated(tx, generated) : Promise.resolve();
    });
  }

  run(tenant: TenantEntity, cmd: RunInstancesCommand): Promise<Reservation> {
    return this.launchOrCheck(tenant, cmd, false) as Promise<Reservation>;
  }

  /**
   * RunInstances' DryRun: every check the launch makes before it places anything, on the same
   * path, then nothing launched or written: the image and type, the launch rules, tags, user data,
   * volumes and their snapshots, the placement group, host and licence configuration, the network
   * (subnet, groups, key pair, addresses), the vCPU and provisioned-IOPS quotas. Not the capacity:
   * finding hosts is the launch itself (and may power hosts on), which a dry run must not change.
   * A client token is not looked up: a dry run launches nothing to be idempotent about.
   */
  async checkRun(tenant: TenantEntity, cmd: RunInstancesCommand): Promise<void> {
    await this.launchOrCheck(tenant, cmd, true);
  }

  private launchOrCheck(tenant: TenantEntity, cmd: RunInstancesCommand, dryRun: boolean): Promise<Reservation | undefined> {
    const prepared = this.prepareLaunch(tenant, cmd);
    return this.engine.command((tx, e) => this.launchWith(tx, e, tenant, cmd, prepared, { dryRun }));
  }

  /**
   * The launch (or, `dryRun`, its checks) inside a command or a halt of the clock that is already
   * running: RequestSpotInstances, and a persistent Spot request launching again. `fulfil`: the
   * Spot requests the instances are for (they are fulfilled, not new ones made). `zone`: told the
   * zone the launch would use, when it is known before placement (a subnet's, or the one asked).
   */
  launchIn(tx: Tx, e: EngineService, tenant: TenantEntity, cmd: RunInstancesCommand, opts: LaunchOptions = {}): Promise<Reservation | undefined> {
    return this.launchWith(tx, e, tenant, cmd, this.prepareLaunch(tenant, cmd), opts);
  }

  /** A launch's checks on the request alone, before any transaction: image, type, launch rules, content. */
  private prepareLaunch(tenant: TenantEntity, cmd: RunInstancesCommand) {
    // The world's catalog: built-in, the operator's and the tenant's own images and types.
    const image = launchableImage(this.engine, tenant.id, cmd.imageId);
    const type = this.engine.world.catalog.launchableInstanceType(cmd.instanceType);
    if (!type) throw invalidParameter(`instanceType '${cmd.instanceType}' does not exist`);
    // The launch rules (launch-validation.ts): here on the request alone; again below only when a
    // placement group or license configuration is named, the inputs it adds once they are found.
    const launchRequest: LaunchValidationRequest = {
      instanceType: type, image, tenancy: cmd.tenancy, hostId: cmd.hostId, partitionNumber: cmd.partitionNumber, availabilityZone: cmd.availabilityZone,
      minCount: cmd.minCount, maxCount: cmd.maxCount, creditSpecification: cmd.creditSpecification,
      ...(cmd.placementGroup !== undefined ? { placementGroup: { name: cmd.placementGroup } } : {}),
      ...(cmd.licenseConfigurationId !== undefined ? { licenseConfiguration: {} } : {}),
    };
    const tenancy = validateLaunch(launchRequest);
    const cpu = this.cpuParams(type, cmd);
    const content = checkLaunchContent(cmd, image);
    const tags = { ...content.tags, ...launchTemplateTags(cmd) };
    const volumeTags = content.volumeTags;
    // The Spot requests' own tags (TagSpecification `spot-instances-request`), under EC2's tag rules.
    const spotTags = validateTags({ ...(cmd.spot?.tags ?? {}) });
    const launchVolumes = this.volumes.resolveLaunchVolumes(cmd, image);
    const metadataOptions = JSON.stringify(content.metadataOptions);
    const { clientToken, ...request } = cmd;
    // Only a client token's retry is ever compared with it: a launch without one has nothing to match ('').
    const requestHash = clientToken === undefined ? '' : hashOf(request);
    return { image, type, launchRequest, tenancy, cpu, tags, volumeTags, spotTags, launchVolumes, metadataOptions, clientToken, requestHash };
  }

  private async launchWith(
    tx: Tx, e: EngineService, tenant: TenantEntity, cmd: RunInstancesCommand, prepared: ReturnType<InstancesService['prepareLaunch']>, opts: LaunchOptions,
  ): Promise<Reservation | undefined> {
    const { image, type, launchRequest, tenancy, cpu, tags, volumeTags, spotTags, launchVolumes, metadataOptions, clientToken, requestHash } = prepared;
    const dryRun = opts.dryRun === true;
    const pipeline = pipelineOf(tx);
    if (dryRun) {
      // No client token: nothing is launched (see checkRun).
    } else if (clientToken !== undefined && pipeline) {
      // A client token is nearly always new (the SDKs send one with every launch; a retry is
      // rare): in a pipelined group it is predicted unused, and the prediction is checked before
      // the COMMIT. A retry makes it fail, and the group runs again awaited, where the retry is
      // answered below (persistence/pipeline.ts).
      pipeline.expect(this.instances.reservationByClientToken(tx, tenant.id, clientToken), (previous) => previous === null, `client token '${clientToken}' is unused`);
    } else if (clientToken !== undefined) {
      const previous = await this.instances.reservationByClientToken(tx, tenant.id, clientToken);
      if (previous) {
        if (previous.requestHash !== requestHash)
          throw idempotentMismatch(clientToken);
        return this.reservationOf(tx, previous.id);
      }
    }
    // Another tenant's group, host or configuration answers exactly as a missing one.
    const group = cmd.placementGroup !== undefined ? await this.groups.require(tx, tenant.id, cmd.placementGroup) : undefined;
    if (cmd.hostId !== undefined) await this.dedicatedHosts.require(tx, tenant.id, cmd.hostId);
    const license = cmd.licenseConfigurationId !== undefined ? await this.licenses.require(tx, tenant.id, cmd.licenseConfigurationId) : undefined;
    if (group || license) {
      validateLaunch({
        ...launchRequest,
        ...(group ? { placementGroup: { name: group.name, definition: e.scheduler.group(group.id) } } : {}),
        ...(license ? { licenseConfiguration: { countingType: license.countingType as LicenseCountingType } } : {}),
      });
    }

    // The network before placement: ids, addresses and the key pair checked; a subnet pins the zone.
    const networkPlan = await this.network.planLaunch(tx, tenant.id, cmd.network ?? {}, cmd.maxCount, type, image, cmd.availabilityZone);
    const availabilityZone = networkPlan.availabilityZone ?? cmd.availabilityZone;
    if (opts.zone) opts.zone.value = availabilityZone;
    if (cmd.spot && availabilityZone !== undefined) this.spot.checkMaxPrice(type.name, availabilityZone, cmd.spot, e.now);

    // The world's launch: the vCPU quota, then the IOPS quota, placement and licence admission, all or nothing.
    const quota = await this.tenantQuotas.onDemandVcpuQuota(tx, tenant.id);
    const { specs: volumeSpecs, snapshotIds, kmsKeyIds } = await this.volumes.launchVolumeSpecs(tx, tenant, launchVolumes, e.now);
    const capByIops = await this.volumes.iopsAllowance(tx, tenant.id, volumeSpecs);
    if (dryRun) {
      // launch()'s checks before placement, in its order: the vCPU quota, then the IOPS quota.
      const allowed = checkVcpuQuota({ limit: quota, used: e.fleet.vcpusInUse(tenant.id), vcpusPerInstance: type.vcpus, minCount: cmd.minCount, maxCount: cmd.maxCount });
      capByIops(cmd.minCount, allowed);
      return undefined;
    }
    const licensed = license ? await this.licenses.licensedInstances(tx, e.fleet, license.id) : [];
    const placement = {
      tenantId: tenant.id, instanceType: type, minCount: cmd.minCount, maxCount: cmd.maxCount, availabilityZone, tenancy,
      ...(cmd.hostId !== undefined ? { hostId: cmd.hostId } : {}),
      ...(group ? { placementGroup: { groupId: group.id, ...(cmd.partitionNumber !== undefined ? { partition: cmd.partitionNumber } : {}) } } : {}),
    };
    let launched: ReturnType<typeof launch>;
    try {
      launched = launch(e.world, {
        ...placement, image, cpu,
        creditMode: cmd.creditSpecification, autoRecovery: cmd.maintenanceOptions?.autoRecovery !== 'disabled',
        vcpuQuota: quota, capCount: (allowed) => capByIops(cmd.minCount, allowed),
        ...(license ? { license: { limit: limitOf(license), existing: licensed, product: image.byolProduct! } } : {}),
        newVmId: () => resourceId('i'),
      });
    } catch (err) {
      // No room for an On-Demand launch: EC2 may take Spot capacity back (two minutes' notice), and this launch fails all the same.
      if (!cmd.spot && err instanceof InsufficientInstanceCapacity) this.spot.capacityShort(e.world, { ...placement, cpu });
      throw err;
    }

    const reservationId = resourceId('r');
    // A Spot launch: its price in the zone placed, now, under the maximum asked; a request per instance.
    const spotRequests = cmd.spot ? await this.spot.requestsFor(tx, tenant.id, launched.vms.map((vm) => vm.vmId), type.name, launched.availabilityZone, image.platform, cmd, e.now, opts.fulfil) : undefined;
    const rows = launched.vms.map((vm, i) => {
      const partition = launched.partitions?.[i];
      return {
        ...this.newRow(vm, reservationId, launched.availabilityZone, cmd, launched.creditMode, e.now), launchIndex: i, ebsRoot: launchVolumes.length > 0, metadataOptions,
        tenancy, placementGroupId: group?.id ?? null, partitionNumber: partition ?? null,
        dedicatedHostId: tenancy === 'host' ? vm.hostId : null, licenseConfigurationId: license?.id ?? null,
        // Each Windows instance its own password, encrypted with the key pair as it is now.
        ...launchPasswordData(vm.image.platform, networkPlan.keyPair),
        spotInstanceRequestId: spotRequests?.[i].id ?? null,
      };
    });
    // On PostgreSQL the group's transaction is pipelined (persistence/pipeline.ts): these writes
    // are sent, not awaited, and the network's reads travel with them.
    await this.instances.insertLaunch(tx, { id: reservationId, tenantId: tenant.id, clientToken: clientToken ?? null, requestHash, createdAt: e.now }, rows, tags);
    if (spotRequests) await this.spot.insert(tx, spotRequests, spotTags, opts.fulfil !== undefined);
    const networks = await this.network.attach(tx, tenant.id, networkPlan, rows.map((r) => ({ instanceId: r.id, availabilityZone: r.availabilityZone })), new Date(e.now));
    const keep = launchVolumes.map((v) => v.deleteOnTermination === false);
    const volumes = await this.volumes.createForInstances(
      tx, e, tenant.id, launched.availabilityZone, rows.map((r) => r.id), volumeSpecs, keep, snapshotIds, launchVolumes.map((v) => v.device), kmsKeyIds,
    );
    await this.volumes.tagVolumes(tx, tenant.id, [...volumes.values()].flat().map((v) => v.id), volumeTags);
    return {
      reservationId,
      instances: rows.map((row) => ({
        row, tags, volumes: volumes.get(row.id) ?? [], ...(group ? { placementGroupName: group.name } : {}), ...withNetwork(networks.get(row.id)), type, image,
        ...(clientToken !== undefined ? { clientToken } : {}), monitoring: monitoringStateOf(row, e.now),
      })),
    };
  }

  /** EC2's status checks of a described instance at the engine's time (status-checks.ts: the rule). */
  statusChecks(d: InstanceDescription): StatusChecks {
    return statusChecks(d.row, this.engine.now);
  }

  /**
   * When the status checks of these described instances failed, for those whose checks are
   * impaired now (EC2's `impairedSince`): when the instance became unavailable, as its SLA record
   * says (an instance whose record is not there yet is absent).
   */
  impairedSince(ds: readonly InstanceDescription[]): Promise<Map<string, number>> {
    const impaired = ds.filter((d) => this.statusChecks(d).system === 'impaired').map((d) => d.row.id);
    return this.instances.unavailableSince(this.instances.reader, impaired);
  }

  list(tenant: TenantEntity, q: ListInstancesQuery): Promise<InstancePage> {
    return this.instances.withReader((m) => this.listWith(m, tenant, q));
  }

  private async listWith(m: Tx, tenant: TenantEntity, q: ListInstancesQuery): Promise<InstancePage> {
    if (q.instanceIds !== undefined) {
      // Every id must be visible (EC2 names the first missing one, in the order asked); the answer
      // is in id order, as a page would be. The rows and what describes them are read together.
      const ids = [...new Set(q.instanceIds)];
      const [rows, parts] = await settledInOrder([settledInOrder(ids.map((id) => this.requireVisible(m, tenant.id, id))), this.describeParts(m, ids)] as const);
      rows.sort((a, b) => (a.id < b.id ? -1 : 1));
      const described = describedWith(rows, parts, this.engine.world.catalog, this.engine.now);
      return { instances: q.matches ? described.filter(q.matches) : described };
    }
    const limit = q.maxResults ?? DEFAULT_PAGE_SIZE;
    const filter = {
      tenantId: tenant.id, terminatedGoneBy: terminatedGoneBy(this.engine.now),
      state: q.state, instanceType: q.instanceType, availabilityZone: q.availabilityZone, tags: q.tags,
    };
    let afterId = q.nextToken ? decodePageToken(q.nextToken) : undefined;
    if (!q.matches) {
      const rows = await this.instances.page({ ...filter, ...(afterId ? { afterId } : {}), take: limit + 1 });
      const page = rows.slice(0, limit);
      return {
        instances: await this.describe(m, page),
        ...(rows.length > limit ? { nextToken: encodePageToken(page[page.length - 1].id) } : {}),
      };
    }
    // Filtered beyond the columns: read batches in id order until the page is full and one more passes.
    const passed: InstanceDescription[] = [];
    const batch = Math.max(limit + 1, 200);
    for (;;) {
      const rows = await this.instances.page({ ...filter, ...(afterId ? { afterId } : {}), take: batch });
      for (const d of await this.describe(m, rows)) {
        if (!q.matches(d)) continue;
        if (passed.length === limit) return { instances: passed, nextToken: encodePageToken(passed[passed.length - 1].row.id) };
        passed.push(d);
      }
      if (rows.length < batch) return { instances: passed };
      afterId = rows[rows.length - 1].id;
    }
  }

  async get(tenant: TenantEntity, q: InstanceIdCommand): Promise<InstanceDescription> {
    checkInstanceId(q.instanceId);
    return this.instances.withReader(async (m) => {
      // The row and what describes it are read together (on PostgreSQL, one statement). Another
      // tenant's instance is not found; what was read of it is dropped unseen.
      const [row, parts] = await settledInOrder([this.requireVisible(m, tenant.id, q.instanceId), this.describeParts(m, [q.instanceId])] as const);
      return describedWith([row], parts, this.engine.world.catalog, this.engine.now)[0];
    });
  }

  start(tenant: TenantEntity, cmd: InstanceIdCommand): Promise<StateTransition> {
    return this.startAll(tenant, [cmd.instanceId]).then((t) => t[0]);
  }

  /**
   * StartInstances: every instance or none. One command checks them all before it starts any, and a
   * refusal of any (a terminated one, a root detached, no capacity) leaves every one as it was.
   */
  startAll(tenant: TenantEntity, ids: readonly string[]): Promise<StateTransition[]> {
    return this.engine.command((tx, e) => this.startIn(tx, e, tenant, ids));
  }

  /**
   * StartInstances inside a command or a halt of the clock already running. `bySpotMarket`: a
   * persistent Spot request starting the instance the market stopped, which its tenant may not.
   */
  startIn(tx: Tx, e: EngineService, tenant: TenantEntity, ids: readonly string[], bySpotMarket = false): Promise<StateTransition[]> {
    return (async () => {
      const rows = await this.requireEach(tx, tenant.id, ids);
      if (!bySpotMarket) await this.spot.refuseStart(tx, rows.filter((r) => r.spotInstanceRequestId !== null).map((r) => r.id));
      const roots = await this.volumes.attachedTo(tx, rows.filter((r) => r.state === 'stopped' && r.ebsRoot).map((r) => r.id));
      for (const row of rows) {
        if (row.state === 'terminated') throw new IncorrectInstanceState(row.id, row.state, 'started');
        // EC2: an instance launched with a root EBS volume does not start without one (its root detached while stopped).
        if (row.state === 'stopped' && row.ebsRoot && !(roots.get(row.id) ?? []).some((v) => v.device === row.rootDeviceName)) {
          throw invalidParameter(`Invalid value '${row.id}' for instanceId. Instance does not have a volume attached at root (${row.rootDeviceName})`);
        }
      }
      const out: StateTransition[] = [];
      for (const row of rows) {
        const id = row.id;
        const placed = e.fleet.needsPlacementToStart(id);
        const quota = placed ? await this.tenantQuotas.onDemandVcpuQuota(tx, tenant.id) : undefined;
        // A stopped instance keeps its zone (its subnet), tenancy, group and partition, but not its
        // host, as on EC2 — except on a Dedicated Host, to which it returns (host affinity).
        out.push(startVm(e.world, tenant.id, id, { availabilityZone: row.availabilityZone, dedicatedHostId: row.dedicatedHostId ?? undefined, vcpuQuota: quota }));
        if (placed) {
          await this.instances.markRelaunched(tx, id, e.now);
          await this.network.started(tx, id, new Date(e.now));
        }
      }
      // A persistent Spot request whose instance was stopped is fulfilled again (spot-request-rules.ts).
      await this.spot.instancesChanged(tx, rows.filter((r) => r.spotInstanceRequestId !== null).map((r) => r.id), bySpotMarket ? 'fulfilled' : 'started-by-user', e.now);
      return out;
    })();
  }

  stop(tenant: TenantEntity, cmd: InstanceIdCommand): Promise<StateTransition> {
    return this.stopAll(tenant, [cmd.instanceId]).then((t) => t[0]);
  }

  /** StopInstances: every instance or none (a terminated one among them: none stops). */
  stopAll(tenant: TenantEntity, ids: readonly string[]): Promise<StateTransition[]> {
    return this.engine.command(async (tx, e) => {
      const rows = await this.requireEach(tx, tenant.id, ids);
      for (const row of rows) if (row.state === 'terminated') throw new IncorrectInstanceState(row.id, row.state, 'stopped');
      // Stop protection (EC2 User Guide, "Enable stop protection"), in EC2's words.
      const guarded = rows.find((r) => r.disableApiStop);
      if (guarded) throw new ApiError('OperationNotPermitted', `The instance '${guarded.id}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`);
      // A one-time Spot Instance cannot be stopped (EC2 User Guide, "Stop a Spot Instance"), in EC2's words; a persistent request's can.
      const spotIds = rows.filter((r) => r.spotInstanceRequestId !== null).map((r) => r.id);
      await this.spot.refuseStop(tx, spotIds);
      const out: StateTransition[] = [];
      for (const row of rows) {
        const t = stopVm(e.world, tenant.id, row.id);
        if (t.previous !== t.current) await this.instances.setStateReason(tx, row.id, USER_SHUTDOWN);
        out.push(t);
      }
      await this.spot.instancesChanged(tx, spotIds, 'stopped-by-user', e.now);
      return out;
    });
  }

  reboot(tenant: TenantEntity, cmd: InstanceIdCommand): Promise<StateTransition> {
    return this.rebootAll(tenant, [cmd.instanceId]).then((t) => t[0]);
  }

  /** RebootInstances: every instance or none (a terminated one among them: none reboots). */
  rebootAll(tenant: TenantEntity, ids: readonly string[]): Promise<StateTransition[]> {
    return this.engine.command(async (tx, e) => {
      const rows = await this.requireEach(tx, tenant.id, ids);
      for (const row of rows) if (row.state === 'terminated') throw new IncorrectInstanceState(row.id, row.state, 'rebooted');
      return rows.map((row) => rebootVm(e.world, tenant.id, row.id));
    });
  }

  async terminate(tenant: TenantEntity, cmd: InstanceIdCommand): Promise<StateTransition> {
    return (await this.terminateAll(tenant, [cmd.instanceId]))[0];
  }

  /**
   * TerminateInstances, with EC2's rule for termination protection ("TerminateInstances", AWS EC2
   * API Reference): the instances in an Availability Zone where one of those named is protected
   * (`disableApiTermination`, or stop protection, `disableApiStop`, which "also protects your
   * instance from accidental termination": EC2 User Guide) are not terminated, those in the other
   * zones are, and the request fails (`OperationNotPermitted`, naming the first protected one and
   * its attribute) once the others are committed. An instance already terminated stays so (the
   * call is idempotent).
   */
  async terminateAll(tenant: TenantEntity, ids: readonly string[]): Promise<StateTransition[]> {
    const { transitions, guard } = await this.engine.command(async (tx, e) => {
      const rows = await this.requireEach(tx, tenant.id, ids);
      const guarded = rows.filter((r) => r.state !== 'terminated' && (r.disableApiTermination || r.disableApiStop));
      const zones = new Set(guarded.map((r) => r.availabilityZone));
      const out: StateTransition[] = [];
      for (const row of rows) {
        if (row.state === 'terminated') out.push({ vmId: row.id, previous: 'terminated', current: 'terminated' });
        else if (!zones.has(row.availabilityZone)) {
          const t = terminateVm(e.world, tenant.id, row.id);
          if (t.previous !== t.current) await this.instances.setStateReason(tx, row.id, USER_SHUTDOWN);
          out.push(t);
        }
      }
      const first = guarded[0];
      return { transitions: out, guard: first && { id: first.id, attribute: first.disableApiTermination ? 'disableApiTermination' : 'disableApiStop' } };
    });
    if (guard) throw new ApiError('OperationNotPermitted', `The instance '${guard.id}' may not be terminated. Modify its '${guard.attribute}' instance attribute and try again.`);
    return transitions;
  }

  /** Each instance named, in order (one not the tenant's: InvalidInstanceID.NotFound, nothing done). */
  private async requireEach(tx: Tx, tenantId: string, ids: readonly string[]): Promise<InstanceEntity[]> {
    const rows: InstanceEntity[] = [];
    for (const id of ids) rows.push(await this.requireVisible(tx, tenantId, id));
    return rows;
  }

  /**
   * ModifyInstanceAttribute, one attribute at a time, with EC2's state rules: the instance type,
   * user data and EBS optimization change only while it is stopped (IncorrectInstanceState), and
   * so do the kernel and ramdisk, which only ResetInstanceAttribute changes here (to the image's:
   * none). Answers the instance as changed.
   */
  modifyAttribute(tenant: TenantEntity, cmd: ModifyInstanceAttributeCommand): Promise<InstanceDescription> {
    const id = cmd.instanceId;
    const change = cmd.change;
    return this.engine.command(async (tx, e) => {
      const row = await this.requireVisible(tx, tenant.id, id);
      if (row.state === 'terminated') throw new IncorrectInstanceState(id, row.state, 'modified');
      const stoppedOnly = ['instanceType', 'userData', 'ebsOptimized', 'kernel', 'ramdisk'].includes(change.attribute);
      if (stoppedOnly && row.state !== 'stopped')
        throw new ApiError('IncorrectInstanceState', `The instance '${id}' is not in the 'stopped' state (it is '${row.state}'): its ${change.attribute} changes only while it is stopped.`);
      switch (change.attribute) {
        case 'instanceType': {
          const type = e.world.catalog.launchableInstanceType(change.value);
          if (!type) throw invalidParameter(`instanceType '${change.value}' does not exist`);
          if (type.name === row.instanceType) break;
          await this.network.requireInterfacesFit(tx, id, type);
          // The world's rule (stopped, boots the image, keeps a Dedicated Host's family, the workload
          // fits, and a BYOL instance's license configuration admits the new type as it would a launch).
          const license = row.licenseConfigurationId !== null ? await this.licenses.require(tx, tenant.id, row.licenseConfigurationId) : undefined;
          const vm = changeInstanceType(e.world, tenant.id, id, type, license ? { license: { limit: limitOf(license), existing: await this.licenses.licensedInstances(tx, e.fleet, license.id) } } : {});
          row.instanceType = type.name;
          row.cpuReservationMillicores = vm.cpu.reservationMillicores;
          row.cpuLimitMillicores = vm.cpu.limitMillicores;
          row.cpuWeight = vm.cpu.weight;
          if (type.baselinePerVcpu === undefined) row.creditSpecification = null;
          break;
        }
        case 'userData':
          row.userData = validateUserData(change.value) ?? null;
          break;
        case 'disableApiTermination':
          row.disableApiTermination = change.value;
          break;
        case 'disableApiStop':
          row.disableApiStop = change.value;
          break;
        case 'instanceInitiatedShutdownBehavior':
          row.shutdownBehavior = change.value;
          break;
        case 'ebsOptimized':
          row.ebsOptimized = change.value;
          break;
        case 'kernel':
        case 'ramdisk':
          break; // the instance has none, the image's value
      }
      await this.instances.saveAttributes(tx, row);
      return (await this.describe(tx, [row]))[0];
    });
  }

  /** ModifyInstanceCreditSpecification: a burstable instance's credit mode, in the data plane and on its row. */
  setCreditSpecification(tenant: TenantEntity, cmd: SetCreditSpecificationCommand): Promise<void> {
    const id = cmd.instanceId;
    return this.engine.command(async (tx, e) => {
      const row = await this.requireVisible(tx, tenant.id, id);
      const type = e.world.catalog.instanceType(row.instanceType);
      if (!type || type.baselinePerVcpu === undefined) throw invalidParameter(`The instance '${id}' (${row.instanceType}) is not a burstable performance instance: it has no credit specification.`);
      if (row.state === 'terminated') throw new IncorrectInstanceState(id, row.state, 'modified');
      if (e.fleet.vm(id)) e.world.dataPlane.setCreditMode(id, cmd.cpuCredits);
      row.creditSpecification = cmd.cpuCredits;
      await this.instances.saveAttributes(tx, row);
    });
  }

  /**
   * ModifyInstanceMetadataOptions: the options asked change, the others stay (each checked as EC2
   * does); a running or stopped instance, not a terminated one. Answers the options now.
   */
  modifyMetadataOptions(tenant: TenantEntity, instanceId: string, change: MetadataOptionsChange): Promise<MetadataOptions> {
    return this.engine.command(async (tx) => {
      const row = await this.requireVisible(tx, tenant.id, instanceId);
      if (row.state === 'terminated') throw new IncorrectInstanceState(instanceId, row.state, 'modified');
      const options = changeMetadataOptions(metadataOptionsOf(row), change);
      row.metadataOptions = JSON.stringify(options);
      await this.instances.saveAttributes(tx, row);
      return options;
    });
  }

  /**
   * MonitorInstances (`enable`) / UnmonitorInstances: every instance or none (one missing, another
   * tenant's or terminated: nothing changes). Answers each instance's monitoring state, in the order
   * named: `pending` / `disabling` for a change (monitoring.ts).
   */
  setMonitoring(tenant: TenantEntity, ids: readonly string[], enable: boolean): Promise<{ readonly instanceId: string; readonly state: MonitoringState }[]> {
    return this.engine.command(async (tx, e) => {
      const rows = await this.requireEach(tx, tenant.id, ids);
      for (const row of rows) if (row.state === 'terminated') throw new IncorrectInstanceState(row.id, row.state, enable ? 'monitored' : 'unmonitored');
      const out: { instanceId: string; state: MonitoringState }[] = [];
      for (const row of rows) {
        const { row: changed, answer } = changeMonitoring(row, enable, e.now);
        if (changed !== row) {
          // Billed while running (monitoring-usage.ts): the world's state, which may be ahead of the row's.
          const vm = e.fleet.vm(row.id);
          await this.instances.setMonitoring(tx, row, changed, e.now, vm?.state === 'running' ? vm.stateSince : null);
        }
        out.push({ instanceId: row.id, state: answer });
      }
      return out;
    });
  }

  /** GetConsoleOutput: a simulated boot log from the instance's image, type and launch (empty until it has booted once). */
  async consoleOutput(tenant: TenantEntity, q: InstanceIdCommand): Promise<{ readonly output: string; readonly timestamp: number }> {
    const row = await this.requireVisible(this.instances.reader, tenant.id, q.instanceId);
    return { output: bootLog(row, this.engine.world.catalog), timestamp: consoleOutputTime(row) };
  }

  /**
   * GetPasswordData: a Windows instance's Administrator password, encrypted with its launch key
   * pair's public key, once it is available (password-data.ts: the rule); '' before, and for an
   * instance that has none.
   */
  async passwordData(tenant: TenantEntity, q: InstanceIdCommand): Promise<PasswordData> {
    const row = await this.requireVisible(this.instances.reader, tenant.id, q.instanceId);
    return passwordDataOf(row, this.engine.now);
  }

  /** Adds or replaces tags; answers the instance's tags after the change. */
  putTags(tenant: TenantEntity, cmd: CreateTagsCommand): Promise<Record<string, string>> {
    const id = cmd.instanceId;
    const valid = validateTags(cmd.tags);
    return this.engine.command(async (tx) => {
      await this.requireVisible(tx, tenant.id, id);
      const merged = mergeTags(id, (await this.instances.tagsOf(tx, [id])).get(id) ?? {}, valid);
      await this.instances.saveTags(tx, tenant.id, id, valid);
      return merged;
    });
  }

  deleteTag(tenant: TenantEntity, cmd: DeleteTagCommand): Promise<void> {
    checkDeletableTag(cmd.key);
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

  /** Rows with their tags, attached volumes, group names and network. */
  private async describe(m: Tx, rows: InstanceEntity[]): Promise<InstanceDescription[]> {
    return describedWith(rows, await this.describeParts(m, rows.map((r) => r.id)), this.engine.world.catalog, this.engine.now);
  }

  /**
   * What describes these instances, every read keyed by their ids and sent at once: on PostgreSQL
   * each is a round trip, and a reader of withReader sends them as one statement.
   */
  private async describeParts(m: Tx, ids: readonly string[]): Promise<DescribeParts> {
    const [tags, volumes, launchFacts, networks] = await Promise.all([
      this.instances.tagsOf(m, ids),
      this.volumes.attachedTo(m, ids),
      this.instances.launchFacts(m, ids),
      this.network.describe(m, ids),
    ]);
    return { tags, volumes, launchFacts, networks };
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
      stateReason: null, stateSince: vm.stateSince, bootedAt: null, transitionAt: vm.transitionAt, launchTime: now,
      cpuReservationMillicores: vm.cpu.reservationMillicores, cpuLimitMillicores: vm.cpu.limitMillicores, cpuWeight: vm.cpu.weight,
      creditSpecification: creditMode ?? null,
      workload: null, autoRecovery: cmd.maintenanceOptions?.autoRecovery ?? 'default', status: 'ok', runtime: null,
      placementGroupId: null, partitionNumber: null, dedicatedHostId: null, licenseConfigurationId: null,
      userData: cmd.userData ?? null, disableApiTermination: cmd.disableApiTermination ?? false, disableApiStop: cmd.disableApiStop ?? false,
      shutdownBehavior: cmd.instanceInitiatedShutdownBehavior ?? 'stop', ebsOptimized: cmd.ebsOptimized ?? false, launchIndex: 0, ebsRoot: false,
      rootDeviceName: rootDeviceOf(vm.image), metadataOptions: null, passwordData: null, passwordDataAt: null, ...launchMonitoring(cmd.monitoring, now),
      spotInstanceRequestId: null,
    };
  }
}

interface DescribeParts {
  readonly tags: ReadonlyMap<string, Record<string, string>>;
  readonly volumes: ReadonlyMap<string, readonly AttachedVolume[]>;
  /** By instance id: its placement group's name and its launch's client token, where it has them. */
  readonly launchFacts: ReadonlyMap<string, { readonly placementGroupName?: string; readonly clientToken?: string }>;
  readonly networks: ReadonlyMap<string, InstanceNetwork>;
}

/** The rows described: what was read of them, and their type and image from the world's catalog (the one the launch and DescribeInstanceTypes read). */
function describedWith(rows: readonly InstanceEntity[], parts: DescribeParts, catalog: Catalog, now: number): InstanceDescription[] {
  return rows.map((row) => {
    const facts = parts.launchFacts.get(row.id);
    const type = catalog.instanceType(row.instanceType);
    const image = catalog.image(row.imageId);
    return {
      row, tags: parts.tags.get(row.id) ?? {}, volumes: parts.volumes.get(row.id) ?? [],
      ...(facts?.placementGroupName !== undefined ? { placementGroupName: facts.placementGroupName } : {}),
      ...(facts?.clientToken !== undefined ? { clientToken: facts.clientToken } : {}),
      ...withNetwork(parts.networks.get(row.id)), ...(type ? { type } : {}), ...(image ? { image } : {}),
      monitoring: monitoringStateOf(row, now),
    };
  });
}

/**
 * Every answer, once every promise has settled (none is left running on the reader), or the
 * first failure in the order given.
 */
async function settledInOrder<T extends readonly unknown[]>(promises: { readonly [K in keyof T]: Promise<T[K]> }): Promise<{ -readonly [K in keyof T]: T[K] }> {
  const settled = await Promise.allSettled(promises as readonly Promise<unknown>[]);
  return settled.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  }) as { -readonly [K in keyof T]: T[K] };
}
