import { findImage, Image } from '@nimbus/hypervisor';
import { ImageEntity } from './entities';
import { imageOf } from './catalog.repository';

const linux = findImage('ami-0a1e0c00000000a23')!;
const body: Image = { ...linux, imageId: 'ami-00000000000000001', name: 'baked', ownerTenantId: 't-1', availableFromMs: 5_000 };
const row = (blockDevices: string, image: Image = body): ImageEntity => ({
  id: image.imageId, tenantId: 't-1', name: image.name, description: null, body: JSON.stringify(image), sourceInstanceId: 'i-00000000000000001',
  blockDevices, tags: '{}', state: 'available', createdAt: 0, availableAt: 5_000, deregisteredAt: null, sourceImageId: null,
});

describe('imageOf: a stored image as the world\'s catalog holds it', () => {
  const devices = [
    { deviceName: '/dev/xvda', snapshotId: 'snap-0000000000000000a', volumeSizeGiB: 8, volumeType: 'gp2', deleteOnTermination: true },
    { deviceName: '/dev/sdf', snapshotId: 'snap-0000000000000000b', volumeSizeGiB: 20, volumeType: 'gp3', deleteOnTermination: false },
  ];

  it('gives a stored image its mapping from block_devices (the body does not repeat it), so its launches get its snapshots', () => {
    expect(imageOf(row(JSON.stringify(devices)))).toEqual({ ...body, blockDevices: devices });
  });

  it('leaves an image without block devices (an operator\'s) without a mapping: its launches get the default root', () => {
    expect(imageOf(row('[]'))).toEqual(body);
    expect(imageOf(row('[]')).blockDevices).toBeUndefined();
  });
});
