import { TenantEntity, VolumeEntity } from '../../persistence/entities';
import { VmmRepository } from '../../persistence/vmm.repository';
import { VolumeFilter, VolumesRepository } from '../../persistence/volumes.repository';
import { EngineService } from '../../engine/engine.service';
import { CatalogRepository } from '../../persistence/catalog.repository';
import { InstancesRepository } from '../../persistence/instances.repository';
import { findImage } from '@nimbus/hypervisor';
import { VolumesService } from './volumes.service';
import { LaunchBlockDeviceMapping, LaunchVolume, PlacedLaunchVolume } from './volumes.commands';

const tenant = { id: 't-1' } as TenantEntity;
const volume = (id: string): VolumeEntity => ({
  id, tenantId: 't-1', availabilityZone: 'us-east-1a', volumeType: 'gp2', sizeGiB: 8, iops: 100, throughputMiBps: 128,
  state: 'available', instanceId: null, device: null, attachTime: null, deleteOnTermination: false, createdAt: 0, deletedAt: null, runtime: null, snapshotId: null,
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
    // EC2: only /dev/sdf mapped, the default root (gp2, 8 GiB; 30 GiB for Windows) comes first.
    expect(place([{ type: 'st1', sizeGiB: 500, device: '/dev/sdf' }])).toEqual([['/dev/xvda', 'gp2', 8], ['/dev/sdf', 'st1', 500]]);
    expect(place([{ type: 'gp3', sizeGiB: 50, device: '/dev/sdh' }], windows)).toEqual([['/dev/xvda', 'gp2', 30], ['/dev/sdh', 'gp3', 50]]);
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
    // EC2's rule: the AMI's root mapping, /dev/xvda, gp2, 8 GiB (Amazon Linux, Ubuntu, arm64, macOS)
    // or 30 GiB (Windows Server, with SQL Server too), deleted on termination.
    const ec2 = (imageId: string) => sut.resolveLaunchVolumes({ blockDeviceMappings: [] }, image(imageId));
    expect(ec2('ami-0a1e0c00000000a23')).toEqual([{ device: '/dev/xvda', type: 'gp2', sizeGiB: 8 }]);
    expect(ec2('ami-0b0b0c00000000b64')).toEqual([{ device: '/dev/xvda', type: 'gp2', sizeGiB: 8 }]);
    expect(ec2('ami-0f0d0c00000000f22')).toEqual([{ device: '/dev/xvda', type: 'gp2', sizeGiB: 30 }]);
    expect(ec2('ami-0f1d0c00000001f22')).toEqual([{ device: '/dev/xvda', type: 'gp2', sizeGiB: 30 }]);
    expect(ec2('ami-0a1e0c00000000a23')[0].deleteOnTermination).not.toBe(false);
    // REST: exactly the volumes asked.
    expect(sut.resolveLaunchVolumes({}, image('ami-0a1e0c00000000a23'))).toEqual([]);
    expect(sut.resolveLaunchVolumes({ volumes: [] }, image('ami-0a1e0c00000000a23'))).toEqual([]);
    // The two forms are exclusive.
    expect(() => sut.resolveLaunchVolumes({ volumes: [], blockDeviceMappings: [] }, image('ami-0a1e0c00000000a23')))
      .toThrow(expect.objectContaining({ code: 'InvalidParameterCombination' }));
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
