import { Catalog } from '@nimbus/hypervisor';
import { bootLog, BootLogInstance } from './boot-log';

/**
 * The facts: t2, m4, c4 and the other previous generations run on Xen, whose Linux guests see EBS
 * through blkfront as `xvd*` devices; m5, c5, t3 and the later ones run on Nitro, whose guests see
 * EBS volumes as NVMe devices, the root as nvme0n1 (EC2 User Guide, "Device names on Linux instances"
 * and "Amazon EBS and NVMe").
 */
describe('the Linux boot log of GetConsoleOutput', () => {
  const sut = (instanceType: string, rootDeviceName = '/dev/xvda') => bootLog(instance({ instanceType, rootDeviceName }), new Catalog());
  const instance = (o: Partial<BootLogInstance>): BootLogInstance => ({
    id: 'i-0123456789abcdef0', imageId: 'ami-0a1e0c00000000a23', instanceType: 'm5.large', platform: 'linux', availabilityZone: 'us-east-1a',
    launchTime: Date.UTC(2025, 0, 1), state: 'running', stateSince: Date.UTC(2025, 0, 1), userData: null, rootDeviceName: '/dev/xvda', ...o,
  });

  it.each(['t2.micro', 'm4.large', 'c4.large', 'm3.medium', 't1.micro'])('on Xen (%s): the root is /dev/xvda1 and the disk is blkfront\'s, no NVMe', (type) => {
    const log = sut(type);
    expect(log).toContain('Command line: root=/dev/xvda1 ');
    expect(log).toMatch(/blkfront: xvda: /);
    expect(log).not.toMatch(/nvme/i);
  });

  it('on Xen an AMI rooted at /dev/sda1 (Ubuntu) still boots from xvda1: blkfront names sd* disks xvd*', () => {
    const log = sut('t2.micro', '/dev/sda1');
    expect(log).toContain('root=/dev/xvda1 ');
    expect(log).not.toMatch(/sda|nvme/);
  });

  it.each([['m5.large', '/dev/xvda'], ['t3.micro', '/dev/xvda'], ['c5.large', '/dev/sda1'], ['m5.metal', '/dev/xvda']])('on Nitro (%s, root %s): the root is /dev/nvme0n1p1, an NVMe disk', (type, root) => {
    const log = sut(type, root);
    expect(log).toContain('Command line: root=/dev/nvme0n1p1 ');
    expect(log).toContain('nvme nvme0: pci function');
    expect(log).not.toMatch(/xvd|blkfront/);
  });

  it('is empty while the instance is first pending', () => {
    expect(bootLog(instance({ instanceType: 't2.micro', state: 'pending' }), new Catalog())).toBe('');
  });
});
