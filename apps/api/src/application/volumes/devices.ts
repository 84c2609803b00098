import { ROOT_DEVICE_NAME } from '@nimbus/hypervisor';
import { invalidParameter } from '../common/api-errors';

/**
 * Device names (EC2's Linux naming, "Device names on Linux instances"): the root volume is
 * /dev/xvda; EBS volumes take /dev/sd[b-z], /dev/xvd[b-z] or /dev/xvd[b-c][a-z].
 */
export const ROOT_DEVICE = ROOT_DEVICE_NAME;
const DEVICE_PATTERN = /^\/dev\/(xvda|sd[b-z]|xvd[b-z]|xvd[bc][a-z])$/;

/** Nitro's limit of EBS volumes attached to one instance. */
export const MAX_ATTACHMENTS = 28;

const letters = (from: string, to: string) =>
  Array.from({ length: to.charCodeAt(0) - from.charCodeAt(0) + 1 }, (_, i) => String.fromCharCode(from.charCodeAt(0) + i));

/** What AttachVolume picks when no device is given: the first free of these, as the console suggests. */
export const DEFAULT_ATTACH_DEVICES = letters('f', 'p').map((c) => `/dev/sd${c}`);

/** The devices of a launch's volumes: the root, then /dev/sdf, /dev/sdg, … (enough for MAX_ATTACHMENTS). */
export const LAUNCH_DEVICES = [
  ROOT_DEVICE,
  ...letters('f', 'z').map((c) => `/dev/sd${c}`),
  ...letters('b', 'e').map((c) => `/dev/sd${c}`),
  ...letters('a', 'z').map((c) => `/dev/xvdb${c}`),
].slice(0, MAX_ATTACHMENTS);

export const isDeviceName = (device: string): boolean => DEVICE_PATTERN.test(device);

export function validateDevice(device: string): string {
  if (!DEVICE_PATTERN.test(device))
    throw invalidParameter(`Value (${device}) for parameter device is invalid: use /dev/sd[b-z], /dev/xvd[b-z], /dev/xvd[b-c][a-z] or /dev/xvda`);
  return device;
}

/** The root first, then by name. */
export const compareDevices = (a: string, b: string) => Number(b === ROOT_DEVICE) - Number(a === ROOT_DEVICE) || a.localeCompare(b);
