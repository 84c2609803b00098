import { isRootDeviceName, ROOT_DEVICE_NAMES } from '@nimbus/hypervisor';
import { invalidParameter } from '../common/api-errors';

/**
 * Device names (EC2's "Device names for volumes on Amazon EC2 instances"): the root volume is at
 * the instance's root device, its image's: /dev/xvda (Amazon Linux's) or /dev/sda1 (Ubuntu's, Red
 * Hat's, SUSE's, Windows'). EBS data volumes take /dev/sd[b-z], /dev/xvd[b-z] or /dev/xvd[b-c][a-z].
 * A root device name is an instance's only at its own root device.
 */
const DATA_DEVICE_PATTERN = /^\/dev\/(sd[b-z]|xvd[b-z]|xvd[bc][a-z])$/;

/** Nitro's limit of EBS volumes attached to one instance. */
export const MAX_ATTACHMENTS = 28;

const letters = (from: string, to: string) =>
  Array.from({ length: to.charCodeAt(0) - from.charCodeAt(0) + 1 }, (_, i) => String.fromCharCode(from.charCodeAt(0) + i));

/** What AttachVolume picks when no device is given: the first free of these, as the console suggests. */
export const DEFAULT_ATTACH_DEVICES = letters('f', 'p').map((c) => `/dev/sd${c}`);

const DATA_LAUNCH_DEVICES = [
  ...letters('f', 'z').map((c) => `/dev/sd${c}`),
  ...letters('b', 'e').map((c) => `/dev/sd${c}`),
  ...letters('a', 'z').map((c) => `/dev/xvdb${c}`),
].slice(0, MAX_ATTACHMENTS - 1);

/** The devices of a launch's volumes: the root device `root`, then /dev/sdf, /dev/sdg, … (enough for MAX_ATTACHMENTS). */
export function launchDevices(root: string): readonly string[] {
  return [root, ...DATA_LAUNCH_DEVICES];
}

/** A device name some instance may hold a volume at: a root device name, or a data device's. */
export const isDeviceName = (device: string): boolean => isRootDeviceName(device) || DATA_DEVICE_PATTERN.test(device);

/** A device of an instance whose root device is `root`: a data device, or `root` itself (never the other root name). */
export const isDeviceOf = (device: string, root: string): boolean => (isRootDeviceName(device) ? device === root : DATA_DEVICE_PATTERN.test(device));

export function validateDevice(device: string): string {
  if (!isDeviceName(device))
    throw invalidParameter(`Value (${device}) for parameter device is invalid: use /dev/sd[b-z], /dev/xvd[b-z], /dev/xvd[b-c][a-z], or the instance's root device (${ROOT_DEVICE_NAMES.join(' or ')})`);
  return device;
}

/** A device of the instance whose root device is `root`: a data device, or `root` itself (not the other root name). */
export function validateDeviceOf(device: string, root: string, instanceId: string): string {
  validateDevice(device);
  if (!isDeviceOf(device, root))
    throw invalidParameter(`Value (${device}) for parameter device is invalid: the root device of instance '${instanceId}' is ${root}`);
  return device;
}

/** The root first, then by name. */
export const compareDevices = (a: string, b: string) => Number(isRootDeviceName(b)) - Number(isRootDeviceName(a)) || a.localeCompare(b);
