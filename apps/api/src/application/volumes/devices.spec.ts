import { compareDevices, DEFAULT_ATTACH_DEVICES, LAUNCH_DEVICES, MAX_ATTACHMENTS, ROOT_DEVICE, validateDevice } from './devices';

describe('volume devices', () => {
  it('a launch has a distinct, valid device for each of the most volumes an instance may have, the root first', () => {
    expect(LAUNCH_DEVICES).toHaveLength(MAX_ATTACHMENTS);
    expect(new Set(LAUNCH_DEVICES).size).toBe(MAX_ATTACHMENTS);
    expect(LAUNCH_DEVICES.slice(0, 4)).toEqual([ROOT_DEVICE, '/dev/sdf', '/dev/sdg', '/dev/sdh']);
    for (const d of LAUNCH_DEVICES) expect(validateDevice(d)).toBe(d);
  });

  it('AttachVolume defaults run /dev/sdf to /dev/sdp', () => {
    expect(DEFAULT_ATTACH_DEVICES).toEqual(['f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p'].map((c) => `/dev/sd${c}`));
  });

  it('refuses what is not an EBS device name', () => {
    for (const d of ['/dev/sda', '/dev/sda1', '/dev/hda', 'sdf', '/dev/sdf1', '/dev/xvdaa', '/dev/nvme1n1', '']) expect(() => validateDevice(d)).toThrow(/device/);
  });

  it('sorts the root first, then by name', () => {
    expect(['/dev/sdg', ROOT_DEVICE, '/dev/sdf', '/dev/xvdba'].sort(compareDevices)).toEqual([ROOT_DEVICE, '/dev/sdf', '/dev/sdg', '/dev/xvdba']);
  });
});
