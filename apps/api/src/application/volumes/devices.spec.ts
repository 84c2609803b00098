import { compareDevices, DEFAULT_ATTACH_DEVICES, launchDevices, MAX_ATTACHMENTS, validateDevice, validateDeviceOf } from './devices';

describe('volume devices', () => {
  it('a launch has a distinct, valid device for each of the most volumes an instance may have, its root device first', () => {
    for (const root of ['/dev/xvda', '/dev/sda1']) {
      const devices = launchDevices(root);
      expect(devices).toHaveLength(MAX_ATTACHMENTS);
      expect(new Set(devices).size).toBe(MAX_ATTACHMENTS);
      expect(devices.slice(0, 4)).toEqual([root, '/dev/sdf', '/dev/sdg', '/dev/sdh']);
      for (const d of devices) expect(validateDeviceOf(d, root, 'i-1')).toBe(d);
    }
  });

  it('AttachVolume defaults run /dev/sdf to /dev/sdp', () => {
    expect(DEFAULT_ATTACH_DEVICES).toEqual(['f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p'].map((c) => `/dev/sd${c}`));
  });

  it('refuses what is not an EBS device name', () => {
    for (const d of ['/dev/sda', '/dev/sda2', '/dev/hda', 'sdf', '/dev/sdf1', '/dev/xvdaa', '/dev/nvme1n1', '']) expect(() => validateDevice(d)).toThrow(/device/);
  });

  it('takes either root device name, but on an instance only its own root device', () => {
    expect(validateDevice('/dev/sda1')).toBe('/dev/sda1');
    expect(validateDevice('/dev/xvda')).toBe('/dev/xvda');
    expect(() => validateDeviceOf('/dev/sda1', '/dev/xvda', 'i-1')).toThrow(/root device of instance 'i-1' is \/dev\/xvda/);
    expect(() => validateDeviceOf('/dev/xvda', '/dev/sda1', 'i-1')).toThrow(/root device of instance 'i-1' is \/dev\/sda1/);
    expect(validateDeviceOf('/dev/sdf', '/dev/sda1', 'i-1')).toBe('/dev/sdf');
  });

  it('sorts the root first, then by name', () => {
    expect(['/dev/sdg', '/dev/xvda', '/dev/sdf', '/dev/xvdba'].sort(compareDevices)).toEqual(['/dev/xvda', '/dev/sdf', '/dev/sdg', '/dev/xvdba']);
    expect(['/dev/sdg', '/dev/sdb', '/dev/sda1', '/dev/xvdf'].sort(compareDevices)).toEqual(['/dev/sda1', '/dev/sdb', '/dev/sdg', '/dev/xvdf']);
  });
});
