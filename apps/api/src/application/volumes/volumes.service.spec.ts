import { TenantEntity, VolumeEntity } from '../../persistence/entities';
import { VmmRepository } from '../../persistence/vmm.repository';
import { VolumeFilter, VolumesRepository } from '../../persistence/volumes.repository';
import { EngineService } from '../../engine/engine.service';
import { CatalogRepository } from '../../persistence/catalog.repository';
import { InstancesRepository } from '../../persistence/instances.repository';
import { VolumesService } from './volumes.service';

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
});
