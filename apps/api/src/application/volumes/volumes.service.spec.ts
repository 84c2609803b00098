import { TenantEntity, VolumeEntity } from '../../persistence/entities';
import { VmmRepository } from '../../persistence/vmm.repository';
import { VolumeFilter, VolumesRepository } from '../../persistence/volumes.repository';
import { EngineService } from '../../engine/engine.service';
import { CatalogRepository } from '../../persistence/catalog.repository';
import { InstancesRepository } from '../../persistence/instances.repository';
import { findImage, Image } from '@nimbus/hypervisor';
import { Tx } from '../../persistence/tx';
import { VolumesService } from './volumes.service';
import { LaunchBlockDeviceMapping, LaunchVolume, PlacedLaunchVolume } from './volumes.commands';

const tenant = { id: 't-1' } as TenantEntity;
/** A repository whose tenants never set encryption by default (a launch reads it). */
const NO_DEFAULTS = { encryptionDefaults: async () => null } as unknown as VolumesRepository;
const volume = (id: string): VolumeEntity => ({
  id, tenantId: 't-1', availabilityZone: 'us-east-1a', volumeType: 'gp2', sizeGiB: 8, iops: 100, throughputMiBps: 128,
  state: 'available', instanceId: null, device: null, attachTime: null, deleteOnTermination: false, createdAt: 0, deletedAt: null, runtime: null, snapshotId: null, autoEnableIO: false, kmsKeyId: null,
});
const ids = (n: number) => Array.from({ length: n }, (_, i) => `vol-${i.toString(16).padStart(17, '0')}`);

/** VolumesService over a repository that answers pages only; any other call, or a command, fails the test. */
function rig(stored: string[]) {
  const pages: { filter: VolumeFilter; take: number }[] = [];
  const repo = {
    page: async (tenantId: string, filter: VolumeFilter, take: number) => {
      expect(tenantId).toBe('t-1');
      pages.push({ filter, take });
      return stored.filter((id) => !filter.afterId || id > filter.afterId).slice(0, take).map(volume);
    },
  } as unknown as VolumesRepository;
  const engine = {
    onTerminated: () => undefined,
    command: () => { throw new Error('unexpected command'); },
  } as unknown as EngineService;
  const sut = new VolumesService(repo, {} as VmmRepository, engine, {} as InstancesRepository, {} as CatalogRepository);
  return { sut, pages };
}

describe('VolumesService, called without HTTP', () => {
  it('pages DescribeVolumes by id: every volume once, a token only while more remain', async () => {
    const all = ids(12);
    const { sut, pages } = rig(all);
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sut.list(tenant, { maxResults: 5, nextToken });
      seen.push(...page.volumes.map((v) => v.id));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(seen).toEqual(all);
    expect(pages.map((p) => p.take)).toEqual([6, 6, 6]);
  });

  it('refuses a token it did not issue, and an unknown zone, before touching storage or the world', async () => {
    const { sut, pages } = rig(ids(3));
    await expect(sut.list(tenant, { nextToken: 'not-a-token' })).rejects.toMatchObject({ code: 'InvalidPaginationToken' });
    expect(() => sut.create(tenant, { availabilityZone: 'us-east-1z', sizeGiB: 8, type: 'gp2' })).toThrow(expect.objectContaining({ code: 'InvalidParameterValue' }));
    expect(pages).toEqual([]);
  });

  it('places a launch\'s volumes: REST\'s by position, EC2\'s by DeviceName against the root device, with the image\'s default root when none is mapped there', () => {
    const { sut } = rig([]);
    const linux = findImage('ami-0a1e0c00000000a23')!;
    const windows = findImage('ami-0f0d0c00000000f22')!;
    const rows = (list: PlacedLaunchVolume[]) => list.map((v) => [v.device, v.type, v.sizeGiB]);
    const rest = (volumes: LaunchVolume[], image = linux) => rows(sut.resolveLaunchVolumes({ volumes }, image));
    const place = (blockDeviceMappings: LaunchBlockDeviceMapping[], image = linux) => rows(sut.resolveLaunchVolumes({ blockDeviceMappings }, image));
    // REST: the first is the root, then /dev/sdf, /dev/sdg.
    expect(rest([{ type: 'gp3', sizeGiB: 10 }, { type: 'st1', sizeGiB: 500 }, { type: 'gp2', sizeGiB: 1 }])).toEqual([['/dev/xvda', 'gp3', 10], ['/dev/sdf', 'st1', 500], ['/dev/sdg', 'gp2', 1]]);
    // EC2: only /dev/sdf mapped, the image's root (Amazon Linux 2023's gp3 of 8 GiB; Windows' gp2 of 30 GiB) comes first.
    expect(place([{ type: 'st1', sizeGiB: 500, device: '/dev/sdf' }])).toEqual([['/dev/xvda', 'gp3', 8], ['/dev/sdf', 'st1', 500]]);
    // Windows' root device is /dev/sda1 (as its AMIs'): REST's first volume and EC2's default root go there, a mapping there changes the root.
    expect(place([{ type: 'gp3', sizeGiB: 50, device: '/dev/sdh' }], windows)).toEqual([['/dev/sda1', 'gp2', 30], ['/dev/sdh', 'gp3', 50]]);
    expect(place([{ type: 'gp3', sizeGiB: 60, device: '/dev/sda1' }], windows)).toEqual([['/dev/sda1', 'gp3', 60]]);
    expect(rest([{ type: 'gp3', sizeGiB: 40 }, { type: 'gp2', sizeGiB: 1 }], windows)).toEqual([['/dev/sda1', 'gp3', 40], ['/dev/sdf', 'gp2', 1]]);
    expect(() => place([{ type: 'gp2', sizeGiB: 1, device: '/dev/xvda' }], windows)).toThrow(expect.objectContaining({ code: 'InvalidBlockDeviceMapping', message: 'Invalid device name /dev/xvda' }));
    // The root mapping anywhere in the list is the root; without a size, the default's.
    expect(place([{ type: 'gp2', sizeGiB: 5, device: '/dev/sdg' }, { type: 'io1', sizeGiB: 30, iops: 1500, device: '/dev/xvda' }])).toEqual([['/dev/xvda', 'io1', 30], ['/dev/sdg', 'gp2', 5]]);
    expect(place([{ type: 'gp3', device: '/dev/xvda' }])).toEqual([['/dev/xvda', 'gp3', 8]]);
    // Refused: a device twice, a bad name, an HDD root, a data volume without a size.
    expect(() => place([{ type: 'gp2', sizeGiB: 1, device: '/dev/sdf' }, { type: 'gp2', sizeGiB: 2, device: '/dev/sdf' }]))
      .toThrow(expect.objectContaining({ code: 'InvalidBlockDeviceMapping', message: "The device 'sdf' is used in more than one block-device mapping" }));
    expect(() => place([{ type: 'gp2', sizeGiB: 1, device: '/dev/sda1' }])).toThrow(expect.objectContaining({ code: 'InvalidBlockDeviceMapping' }));
    expect(() => place([{ type: 'sc1', sizeGiB: 500, device: '/dev/xvda' }])).toThrow(expect.objectContaining({ code: 'InvalidBlockDeviceMapping' }));
    expect(() => place([{ type: 'gp2', device: '/dev/sdf' }])).toThrow(expect.objectContaining({ code: 'MissingParameter' }));
  });

  it('gives every EC2 launch the image\'s root volume, no mapping at all included; a REST launch without volumes has none', () => {
    const { sut } = rig([]);
    const image = (id: string) => findImage(id)!;
    // EC2's rule: the AMI's root mapping at its root device: gp3 of 8 GiB at its baseline (3,000 IOPS, 125 MiB/s)
    // for Amazon Linux 2023 and Ubuntu 24.04, gp2 of 30 GiB for Windows Server (with SQL Server too), deleted on termination.
    const ec2 = (imageId: string) => sut.resolveLaunchVolumes({ blockDeviceMappings: [] }, image(imageId));
    // From the image's root snapshot, Amazon's: snap- and the image id's 17 hex digits, its size known without a look-up.
    // At the image's root device: /dev/xvda for Amazon Linux, /dev/sda1 for Ubuntu and Windows (as their AMIs').
    const root = (device: string, sizeGiB: number, snapshotId: string) => [{ device, type: 'gp2', sizeGiB, snapshotId, snapshotSizeGiB: sizeGiB, deleteOnTermination: true }];
    const gp3 = (device: string, snapshotId: string) => [{ device, type: 'gp3', sizeGiB: 8, iops: 3000, throughputMiBps: 125, snapshotId, snapshotSizeGiB: 8, deleteOnTermination: true }];
    expect(ec2('ami-0a1e0c00000000a23')).toEqual(gp3('/dev/xvda', 'snap-0a1e0c00000000a23'));
    expect(ec2('ami-0b0b0c00000000b64')).toEqual(gp3('/dev/sda1', 'snap-0b0b0c00000000b64'));
    expect(ec2('ami-0f0d0c00000000f22')).toEqual(root('/dev/sda1', 30, 'snap-0f0d0c00000000f22'));
    expect(ec2('ami-0f1d0c00000001f22')).toEqual(root('/dev/sda1', 30, 'snap-0f1d0c00000001f22'));
    // REST: exactly the volumes asked.
    expect(sut.resolveLaunchVolumes({}, image('ami-0a1e0c00000000a23'))).toEqual([]);
    expect(sut.resolveLaunchVolumes({ volumes: [] }, image('ami-0a1e0c00000000a23'))).toEqual([]);
    // The two forms are exclusive.
    expect(() => sut.resolveLaunchVolumes({ volumes: [], blockDeviceMappings: [] }, image('ami-0a1e0c00000000a23')))
      .toThrow(expect.objectContaining({ code: 'InvalidParameterCombination' }));
  });

  it('launches a CreateImage image\'s volumes from its snapshots, each request mapping changing the one at its device or adding one', () => {
    const { sut } = rig([]);
    const snapRoot = 'snap-0000000000000000a';
    const snapData = 'snap-0000000000000000b';
    // The image: /dev/xvda from an 8 GiB gp2 snapshot, /dev/sdf from a 500 GiB st1 one kept on termination.
    const image: Image = {
      ...findImage('ami-0a1e0c00000000a23')!, imageId: 'ami-00000000000000001', ownerTenantId: 't-1',
      blockDevices: [
        { deviceName: '/dev/xvda', snapshotId: snapRoot, volumeSizeGiB: 8, volumeType: 'gp2', deleteOnTermination: true },
        { deviceName: '/dev/sdf', snapshotId: snapData, volumeSizeGiB: 500, volumeType: 'st1', deleteOnTermination: false },
      ],
    };
    const place = (blockDeviceMappings: LaunchBlockDeviceMapping[]) =>
      sut.resolveLaunchVolumes({ blockDeviceMappings }, image).map((v) => [v.device, v.type, v.sizeGiB, v.snapshotId, v.deleteOnTermination]);
    // No mapping: the image's two volumes as it lists them.
    expect(place([])).toEqual([['/dev/xvda', 'gp2', 8, snapRoot, true], ['/dev/sdf', 'st1', 500, snapData, false]]);
    // /dev/xvda made 20 GiB gp3 (its snapshot and DeleteOnTermination kept), /dev/sdg a new 10 GiB gp2 volume.
    expect(place([{ device: '/dev/xvda', sizeGiB: 20, type: 'gp3' }, { device: '/dev/sdg', sizeGiB: 10 }])).toEqual([
      ['/dev/xvda', 'gp3', 20, snapRoot, true], ['/dev/sdf', 'st1', 500, snapData, false], ['/dev/sdg', 'gp2', 10, undefined, undefined],
    ]);
    // Only DeleteOnTermination changed at /dev/sdf; the rest is the image's.
    expect(place([{ device: '/dev/sdf', deleteOnTermination: true }])).toEqual([['/dev/xvda', 'gp2', 8, snapRoot, true], ['/dev/sdf', 'st1', 500, snapData, true]]);
    // Another snapshot at /dev/xvda without a size: that snapshot's size (found at launch), not the image's.
    expect(place([{ device: '/dev/xvda', snapshotId: 'snap-0000000000000000c' }])[0]).toEqual(['/dev/xvda', 'gp2', undefined, 'snap-0000000000000000c', true]);
    // The image's root made st1: not bootable, as for any launch.
    expect(() => place([{ device: '/dev/xvda', type: 'st1', sizeGiB: 500 }])).toThrow(expect.objectContaining({ code: 'InvalidBlockDeviceMapping' }));
    // The image's two volumes and 26 more: 28, the most; 27 more: 29.
    const data = [...'ghijklmnopqrstuvwxyz'].map((c) => `/dev/sd${c}`).concat(['/dev/xvdba', '/dev/xvdbb', '/dev/xvdbc', '/dev/xvdbd', '/dev/xvdbe', '/dev/xvdbf', '/dev/xvdbg']);
    const more = (n: number): LaunchBlockDeviceMapping[] => data.slice(0, n).map((device) => ({ device, sizeGiB: 1 }));
    expect(place(more(26))).toHaveLength(28);
    expect(() => place(more(27))).toThrow(expect.objectContaining({ code: 'AttachmentLimitExceeded' }));
    // A provisioned volume keeps its IOPS and throughput from the image; another type asked keeps none of them.
    const provisioned: Image = { ...image, blockDevices: [image.blockDevices![0], { deviceName: '/dev/sdh', snapshotId: snapData, volumeSizeGiB: 40, volumeType: 'io1', iops: 400, deleteOnTermination: true }] };
    const iopsAt = (blockDeviceMappings: LaunchBlockDeviceMapping[]) => sut.resolveLaunchVolumes({ blockDeviceMappings }, provisioned).map((v) => [v.device, v.type, v.iops]);
    expect(iopsAt([])).toEqual([['/dev/xvda', 'gp2', undefined], ['/dev/sdh', 'io1', 400]]);
    expect(iopsAt([{ device: '/dev/sdh', sizeGiB: 80 }])).toEqual([['/dev/xvda', 'gp2', undefined], ['/dev/sdh', 'io1', 400]]);
    expect(iopsAt([{ device: '/dev/sdh', type: 'gp2' }])).toEqual([['/dev/xvda', 'gp2', undefined], ['/dev/sdh', 'gp2', undefined]]);
    expect(iopsAt([{ device: '/dev/sdh', type: 'io2', iops: 2000 }])).toEqual([['/dev/xvda', 'gp2', undefined], ['/dev/sdh', 'io2', 2000]]);
    // REST's volumes stay exactly what they list.
    expect(sut.resolveLaunchVolumes({ volumes: [{ type: 'gp3', sizeGiB: 10 }] }, image)).toEqual([{ device: '/dev/xvda', type: 'gp3', sizeGiB: 10 }]);
    expect(sut.resolveLaunchVolumes({}, image)).toEqual([]);
  });

  it('sizes a launch volume from the image\'s snapshot: the snapshot\'s size, a larger one asked, never a smaller one', async () => {
    const snapshot = { id: 'snap-0000000000000000a', tenantId: 't-1', volumeSizeGiB: 8, completedAt: 0 };
    const catalog = { snapshotRow: async (_tx: unknown, id: string) => (id === snapshot.id ? snapshot : null) } as unknown as CatalogRepository;
    const sut = new VolumesService(NO_DEFAULTS, {} as VmmRepository, { onTerminated: () => undefined, afterCommit: () => undefined } as unknown as EngineService, {} as InstancesRepository, catalog);
    const image: Image = {
      ...findImage('ami-0a1e0c00000000a23')!, imageId: 'ami-00000000000000001', ownerTenantId: 't-1',
      blockDevices: [{ deviceName: '/dev/xvda', snapshotId: snapshot.id, volumeSizeGiB: 8, volumeType: 'gp2', deleteOnTermination: true }],
    };
    const specs = async (blockDeviceMappings: LaunchBlockDeviceMapping[]) => {
      const placed = sut.resolveLaunchVolumes({ blockDeviceMappings }, image);
      const out = await sut.launchVolumeSpecs({} as Tx, { id: 't-1', accountId: '123456789012' } as TenantEntity, placed, 1_000);
      return out.specs.map((s, n) => [s.type, s.sizeGiB, out.snapshotIds[n]]);
    };
    expect(await specs([])).toEqual([['gp2', 8, snapshot.id]]);
    expect(await specs([{ device: '/dev/xvda', sizeGiB: 16 }])).toEqual([['gp2', 16, snapshot.id]]);
    await expect(specs([{ device: '/dev/xvda', sizeGiB: 4 }]))
      .rejects.toMatchObject({ code: 'InvalidBlockDeviceMapping', message: `Volume of size 4GB is smaller than  snapshot '${snapshot.id}', expect size >= 8GB` });
    // Another tenant launching with the snapshot finds none (it is the image owner's).
    await expect(sut.launchVolumeSpecs({} as Tx, { id: 't-2', accountId: '123456789013' } as TenantEntity, sut.resolveLaunchVolumes({ blockDeviceMappings: [] }, image), 1_000)).rejects.toMatchObject({ code: 'InvalidSnapshot.NotFound' });
  });

  it('launches a built-in image\'s root from its root snapshot: never smaller than it, and the snapshot named in a mapping is that root', async () => {
    // No snapshot look-up: the catalog would throw.
    const sut = new VolumesService(NO_DEFAULTS, {} as VmmRepository, { onTerminated: () => undefined, afterCommit: () => undefined } as unknown as EngineService, {} as InstancesRepository, {} as CatalogRepository);
    const linux = findImage('ami-0a1e0c00000000a23')!;
    const windows = findImage('ami-0f0d0c00000000f22')!;
    const specs = async (blockDeviceMappings: LaunchBlockDeviceMapping[], image = linux) => {
      const out = await sut.launchVolumeSpecs({} as Tx, { id: 't-1', accountId: '123456789012' } as TenantEntity, sut.resolveLaunchVolumes({ blockDeviceMappings }, image), 1_000);
      return out.specs.map((s, n) => [s.type, s.sizeGiB, out.snapshotIds[n]]);
    };
    expect(await specs([])).toEqual([['gp3', 8, 'snap-0a1e0c00000000a23']]);
    expect(await specs([{ device: '/dev/xvda', sizeGiB: 20, type: 'gp3' }])).toEqual([['gp3', 20, 'snap-0a1e0c00000000a23']]);
    // The AMI's mapping copied into the request (as tools that copy DescribeImages' mapping do), larger.
    expect(await specs([{ device: '/dev/xvda', snapshotId: 'snap-0a1e0c00000000a23', sizeGiB: 12 }])).toEqual([['gp3', 12, 'snap-0a1e0c00000000a23']]);
    expect(await specs([{ device: '/dev/sda1', sizeGiB: 30 }], windows)).toEqual([['gp2', 30, 'snap-0f0d0c00000000f22']]);
    // Smaller than the image's root: EC2's RunInstances error, with the root snapshot's id.
    expect(() => sut.resolveLaunchVolumes({ blockDeviceMappings: [{ device: '/dev/xvda', sizeGiB: 4 }] }, linux))
      .toThrow(expect.objectContaining({ code: 'InvalidBlockDeviceMapping', message: "Volume of size 4GB is smaller than  snapshot 'snap-0a1e0c00000000a23', expect size >= 8GB" }));
    expect(() => sut.resolveLaunchVolumes({ blockDeviceMappings: [{ device: '/dev/sda1', sizeGiB: 29 }] }, windows))
      .toThrow(expect.objectContaining({ code: 'InvalidBlockDeviceMapping', message: "Volume of size 29GB is smaller than  snapshot 'snap-0f0d0c00000000f22', expect size >= 30GB" }));
  });

  it('counts the image\'s root volume against the 28 attachments of an EC2 launch', () => {
    const { sut } = rig([]);
    const linux = findImage('ami-0a1e0c00000000a23')!;
    // 27 data devices besides the default root: 28 volumes, the most; 28 data devices: 29.
    const data = [...'bcdefghijklmnopqrstuvwxyz'].map((c) => `/dev/sd${c}`).concat(['/dev/xvdba', '/dev/xvdbb', '/dev/xvdbc']);
    const mappings = (n: number): LaunchBlockDeviceMapping[] => data.slice(0, n).map((device) => ({ device, type: 'gp2', sizeGiB: 1 }));
    expect(sut.resolveLaunchVolumes({ blockDeviceMappings: mappings(27) }, linux)).toHaveLength(28);
    expect(() => sut.resolveLaunchVolumes({ blockDeviceMappings: mappings(28) }, linux)).toThrow(expect.objectContaining({ code: 'AttachmentLimitExceeded' }));
  });
});
