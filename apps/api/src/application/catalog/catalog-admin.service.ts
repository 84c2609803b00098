import { Injectable } from '@nestjs/common';
import {
  ARCHITECTURES, DEFAULT_CAPABILITIES, defaultLifecycleSeconds, EbsOptimizedSupport, familyOf, HOST_TYPES, Image, ImagePublisher, InstanceType, InstanceTypeCapabilities, isRootDeviceName, PLATFORMS,
  ROOT_DEVICE_NAMES, SupportLevel, VirtualizationType,
} from '@nimbus/hypervisor';
import { ApiError, invalidParameter, notFound } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { ImageEntity } from '../../persistence/entities';
import { CatalogRepository } from '../../persistence/catalog.repository';
import { EngineService } from '../../engine/engine.service';
import { checkImageId, imageNotFound, rowView } from '../images/images.service';
import { AMAZON_OWNER_ID, ImageView } from '../images/image-view';
import { AddImageCommand, AddInstanceTypeCommand } from '../images/images.commands';

const TYPE_NAME = /^[a-z][a-z0-9-]{0,30}\.[a-z0-9-]{1,31}$/;
const PRICE = /^\d{1,6}(\.\d{1,10})?$/;
/** The families some host type runs: a custom type of another family could never be placed. */
const HOSTED_FAMILIES = new Set(HOST_TYPES.flatMap((h) => h.families));
/** Defaults of a custom type's limits, as a scenario's custom types have them. */
const DEFAULT_NETWORK = { baselineGbps: 1, burstGbps: 1 };
const DEFAULT_EBS = { baselineMbps: 1000, burstMbps: 1000, baselineIops: 4000, burstIops: 4000 };

const positive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/** An operator's custom type, as stored. */
export interface CustomInstanceType {
  readonly type: InstanceType;
  readonly createdMs: number;
}

/**
 * The operator's side of the catalog (POST/GET/DELETE /v1/admin/images and /v1/admin/instance-types):
 * images with a chosen `ami-` id (to mirror the AMIs a team's scripts name) and custom instance
 * types with their prices. Each is stored and added to the world's catalog in one command, so
 * launch (REST, EC2), DescribeImages / DescribeInstanceTypes and billing see it at once, and after
 * a restart. Deleting retires: no new launches, while what runs goes on and is billed.
 */
@Injectable()
export class CatalogAdminService {
  constructor(
    private readonly engine: EngineService,
    private readonly repo: CatalogRepository,
  ) {}

  addImage(cmd: AddImageCommand): Promise<ImageView> {
    const imageId = cmd.imageId ?? resourceId('ami');
    checkImageId(imageId);
    if (typeof cmd.name !== 'string' || cmd.name.length < 3 || cmd.name.length > 128) throw invalidParameter('name must be 3 to 128 characters');
    if (!PLATFORMS.includes(cmd.platform)) throw invalidParameter(`platform must be one of ${PLATFORMS.join(', ')}`);
    if (cmd.architecture !== undefined && !ARCHITECTURES.includes(cmd.architecture)) throw invalidParameter(`architecture must be one of ${ARCHITECTURES.join(', ')}`);
    const licenseModel = cmd.licenseModel ?? 'license-included';
    if (cmd.byolProduct !== undefined && licenseModel !== 'byol' && !(cmd.byolProduct === 'sql-server-standard' && cmd.platform === 'windows'))
      throw invalidParameter('byolProduct needs licenseModel byol (or SQL Server brought on license-included Windows)');
    if (licenseModel === 'byol' && cmd.byolProduct === undefined) throw invalidParameter('a byol image names its byolProduct (windows-server or sql-server-standard)');
    for (const [k, v] of [['bootSeconds', cmd.bootSeconds], ['shutdownSeconds', cmd.shutdownSeconds]] as const)
      if (v !== undefined && !(Number.isInteger(v) && v >= 1 && v <= 3600)) throw invalidParameter(`${k} must be an integer from 1 to 3600`);
    if (cmd.rootDeviceName !== undefined && !isRootDeviceName(cmd.rootDeviceName)) throw invalidParameter(`rootDeviceName must be one of ${ROOT_DEVICE_NAMES.join(', ')}`);
    if (cmd.ownerId !== undefined && !/^\d{12}$/.test(cmd.ownerId)) throw invalidParameter('ownerId must be an account id: 12 digits');
    if (cmd.ownerAlias !== undefined && cmd.ownerAlias !== null && cmd.ownerAlias !== 'amazon') throw invalidParameter("ownerAlias must be 'amazon' or null");
    const defaults = defaultLifecycleSeconds(cmd.platform);
    // Its owner as the AMI it mirrors shows it; Amazon's account and alias unless told.
    const publisher: ImagePublisher | undefined = cmd.ownerId === undefined && cmd.ownerAlias === undefined ? undefined : {
      accountId: cmd.ownerId ?? AMAZON_OWNER_ID,
      ...((cmd.ownerAlias ?? (cmd.ownerId === undefined ? 'amazon' : null)) === 'amazon' ? { alias: 'amazon' as const } : {}),
    };
    const image: Image = {
      imageId, name: cmd.name, platform: cmd.platform, architecture: cmd.architecture ?? 'x86_64', licenseModel,
      ...(cmd.byolProduct !== undefined ? { byolProduct: cmd.byolProduct } : {}),
      bootSeconds: cmd.bootSeconds ?? defaults.bootSeconds, shutdownSeconds: cmd.shutdownSeconds ?? defaults.shutdownSeconds,
      ...(cmd.rootDeviceName !== undefined ? { rootDeviceName: cmd.rootDeviceName } : {}), ...(publisher ? { publisher } : {}),
    };
    return this.engine.command(async (tx, e) => {
      if (e.world.catalog.image(imageId) || (await this.repo.imageRow(tx, imageId)))
        throw new ApiError('InvalidAMIID.Duplicate', `The image id '${imageId}' is already in use`);
      const row: ImageEntity = {
        id: imageId, tenantId: null, name: cmd.name, description: cmd.description ?? null, body: JSON.stringify(image), sourceInstanceId: null,
        blockDevices: '[]', tags: '{}', state: 'available', createdAt: e.now, availableAt: e.now, deregisteredAt: null, sourceImageId: null,
      };
      await this.repo.insertImage(tx, row);
      e.world.catalog.addImage(image);
      return rowView(row, undefined, e.now);
    });
  }

  async listImages(): Promise<ImageView[]> {
    const now = this.engine.now;
    return (await this.repo.operatorImages()).map((r) => rowView(r, undefined, now));
  }

  deleteImage(imageId: string): Promise<void> {
    checkImageId(imageId);
    return this.engine.command(async (tx, e) => {
      const row = await this.repo.imageRow(tx, imageId);
      if (!row || row.tenantId !== null || row.state === 'deregistered') {
        if (!row && e.world.catalog.image(imageId)) throw invalidParameter(`'${imageId}' is a built-in image: only images added through the admin API can be deleted`);
        throw imageNotFound(imageId);
      }
      await this.repo.deregisterImage(tx, imageId, e.now);
      e.world.catalog.retireImage(imageId);
    });
  }

  addInstanceType(cmd: AddInstanceTypeCommand): Promise<CustomInstanceType> {
    const t = this.customType(cmd);
    return this.engine.command(async (tx, e) => {
      if (e.world.catalog.instanceType(t.name) || (await this.repo.instanceTypeRow(tx, t.name)))
        throw new ApiError('InvalidInstanceType.Duplicate', `instance type '${t.name}' already exists`);
      await this.repo.insertInstanceType(tx, t, e.now);
      e.world.catalog.addInstanceType(t);
      return { type: t, createdMs: e.now };
    });
  }

  /** The custom types on sale. */
  listInstanceTypes(): InstanceType[] {
    const catalog = this.engine.world.catalog;
    return catalog.instanceTypes().filter((t) => catalog.isAddedInstanceType(t.name));
  }

  deleteInstanceType(name: string): Promise<void> {
    return this.engine.command(async (tx, e) => {
      const catalog = e.world.catalog;
      if (!catalog.isAddedInstanceType(name) || !catalog.launchableInstanceType(name)) {
        if (catalog.instanceType(name) && !catalog.isAddedInstanceType(name))
          throw invalidParameter(`'${name}' is a built-in instance type: only custom types can be deleted`);
        throw notFound('InvalidInstanceType.NotFound', `The instance type '${name}' does not exist`);
      }
      await this.repo.retireInstanceType(tx, name, e.now);
      catalog.retireInstanceType(name);
    });
  }

  /** A custom type checked as the catalog's own are: a name `family.size`, a family some host type runs, positive limits, decimal prices. */
  private customType(cmd: AddInstanceTypeCommand): InstanceType {
    if (typeof cmd.name !== 'string' || !TYPE_NAME.test(cmd.name)) throw invalidParameter("name must be '<family>.<size>' in lower case (e.g. 'm5.custom')");
    const family = familyOf(cmd.name);
    if (!HOSTED_FAMILIES.has(family)) throw invalidParameter(`family '${family}' runs on no host type, so '${cmd.name}' could never be placed`);
    if (!(Number.isInteger(cmd.vcpus) && cmd.vcpus >= 1 && cmd.vcpus <= 1024)) throw invalidParameter('vcpus must be an integer from 1 to 1024');
    if (!(Number.isInteger(cmd.memoryMiB) && cmd.memoryMiB >= 256 && cmd.memoryMiB <= 32 * 1024 * 1024)) throw invalidParameter('memoryMiB must be an integer from 256 to 33554432');
    if (cmd.baselinePerVcpu !== undefined && !(cmd.baselinePerVcpu > 0 && cmd.baselinePerVcpu < 1)) throw invalidParameter('baselinePerVcpu must be between 0 and 1 (exclusive)');
    const network = cmd.network ?? DEFAULT_NETWORK;
    const ebs = cmd.ebs ?? DEFAULT_EBS;
    if (![network.baselineGbps, network.burstGbps, ebs.baselineMbps, ebs.burstMbps, ebs.baselineIops, ebs.burstIops].every(positive))
      throw invalidParameter('network and ebs figures must be positive numbers');
    if (network.baselineGbps > network.burstGbps || ebs.baselineMbps > ebs.burstMbps || ebs.baselineIops > ebs.burstIops)
      throw invalidParameter('a baseline must not exceed its burst');
    const architectures = cmd.architectures ?? ['x86_64'];
    if (architectures.length === 0 || !architectures.every((a) => ARCHITECTURES.includes(a))) throw invalidParameter(`architectures must be some of ${ARCHITECTURES.join(', ')}`);
    const prices = cmd.hourlyPrices;
    if (!prices || typeof prices.linux !== 'string' || !PRICE.test(prices.linux)) throw invalidParameter("hourlyPrices.linux must be a decimal string (USD per hour, e.g. '0.096')");
    if (prices.windows !== undefined && (typeof prices.windows !== 'string' || !PRICE.test(prices.windows) || Number(prices.windows) < Number(prices.linux)))
      throw invalidParameter('hourlyPrices.windows must be a decimal string, not below the linux price');
    return {
      name: cmd.name, family, vcpus: cmd.vcpus, memoryMiB: cmd.memoryMiB, ...(cmd.baselinePerVcpu !== undefined ? { baselinePerVcpu: cmd.baselinePerVcpu } : {}),
      network: { baselineGbps: network.baselineGbps, burstGbps: network.burstGbps },
      ebs: { baselineMbps: ebs.baselineMbps, burstMbps: ebs.burstMbps, baselineIops: ebs.baselineIops, burstIops: ebs.burstIops },
      architectures: [...architectures], currentGeneration: true, onDemandLinuxHourlyUsd: prices.linux,
      ...(prices.windows !== undefined ? { onDemandWindowsHourlyUsd: prices.windows } : {}),
      capabilities: customCapabilities(cmd.capabilities ?? {}),
    };
  }
}

const SUPPORT_LEVELS: readonly SupportLevel[] = ['unsupported', 'supported', 'required'];
const EBS_OPTIMIZED: readonly EbsOptimizedSupport[] = ['unsupported', 'supported', 'default'];
const VIRTUALIZATION: readonly VirtualizationType[] = ['hvm', 'paravirtual'];
const isIntIn = (n: unknown, min: number, max: number) => Number.isInteger(n) && (n as number) >= min && (n as number) <= max;

/** A custom type's capabilities: those given, checked as EC2 states them, the rest DEFAULT_CAPABILITIES'. */
function customCapabilities(c: Partial<InstanceTypeCapabilities>): InstanceTypeCapabilities {
  const d = DEFAULT_CAPABILITIES;
  const bareMetal = c.bareMetal ?? false;
  if (typeof bareMetal !== 'boolean') throw invalidParameter('capabilities.bareMetal must be true or false');
  if (bareMetal && c.hypervisor !== undefined) throw invalidParameter('capabilities.hypervisor: a bare metal type has none');
  if (c.hypervisor !== undefined && c.hypervisor !== 'nitro' && c.hypervisor !== 'xen') throw invalidParameter("capabilities.hypervisor must be 'nitro' or 'xen'");
  const maxNetworkInterfaces = c.maxNetworkInterfaces ?? d.maxNetworkInterfaces;
  const ipv4 = c.ipv4AddressesPerInterface ?? d.ipv4AddressesPerInterface;
  const ipv6 = c.ipv6AddressesPerInterface ?? ipv4;
  // EC2's largest: 64 interfaces (p5.48xlarge over its cards), 50 addresses an interface.
  if (!isIntIn(maxNetworkInterfaces, 1, 64)) throw invalidParameter('capabilities.maxNetworkInterfaces must be an integer from 1 to 64');
  if (!isIntIn(ipv4, 1, 50)) throw invalidParameter('capabilities.ipv4AddressesPerInterface must be an integer from 1 to 50');
  if (!isIntIn(ipv6, 0, 50)) throw invalidParameter('capabilities.ipv6AddressesPerInterface must be an integer from 0 (no IPv6) to 50');
  const enaSupport = c.enaSupport ?? d.enaSupport;
  const nvmeSupport = c.nvmeSupport ?? d.nvmeSupport;
  const ebsOptimizedSupport = c.ebsOptimizedSupport ?? d.ebsOptimizedSupport;
  if (!SUPPORT_LEVELS.includes(enaSupport) || !SUPPORT_LEVELS.includes(nvmeSupport)) throw invalidParameter(`capabilities.enaSupport and nvmeSupport must be ${SUPPORT_LEVELS.join(', ')}`);
  if (!EBS_OPTIMIZED.includes(ebsOptimizedSupport)) throw invalidParameter(`capabilities.ebsOptimizedSupport must be ${EBS_OPTIMIZED.join(', ')}`);
  const virtualizationTypes = c.virtualizationTypes ?? d.virtualizationTypes;
  if (!Array.isArray(virtualizationTypes) || virtualizationTypes.length === 0 || !virtualizationTypes.every((v) => VIRTUALIZATION.includes(v)))
    throw invalidParameter(`capabilities.virtualizationTypes must be some of ${VIRTUALIZATION.join(', ')}`);
  const instanceStorageSupported = c.instanceStorageSupported ?? d.instanceStorageSupported;
  if (typeof instanceStorageSupported !== 'boolean') throw invalidParameter('capabilities.instanceStorageSupported must be true or false');
  return {
    ...(bareMetal ? {} : { hypervisor: c.hypervisor ?? 'nitro' }), bareMetal, maxNetworkInterfaces, ipv4AddressesPerInterface: ipv4, ipv6AddressesPerInterface: ipv6,
    enaSupport, nvmeSupport, ebsOptimizedSupport, virtualizationTypes: [...new Set(virtualizationTypes)], instanceStorageSupported,
  };
}
