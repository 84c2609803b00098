import { CpuParams, InstanceFamily, InstanceType, InvalidParameterValue } from '@nimbus/hypervisor';

/**
 * What one instance of a request needs, independent of the host: its CPU reservation and limit
 * (millicores) and its configured memory. The memory footprint on a host adds that host type's
 * per-VM overhead, so it is resolved per pool (see SlotIndex).
 */
export interface Shape {
  readonly key: string;
  readonly instanceType: InstanceType;
  readonly family: InstanceFamily;
  readonly reservationMillicores: number;
  readonly limitMillicores: number;
  readonly memoryMiB: number;
}

export function shapeOf(instanceType: InstanceType, cpu: CpuParams): Shape {
  const { reservationMillicores, limitMillicores } = cpu;
  if (!Number.isSafeInteger(reservationMillicores) || reservationMillicores < 0)
    throw new InvalidParameterValue(`cpu reservation must be a non-negative integer of millicores, got ${reservationMillicores}`);
  if (!Number.isSafeInteger(limitMillicores) || limitMillicores < 1)
    throw new InvalidParameterValue(`cpu limit must be a positive integer of millicores, got ${limitMillicores}`);
  return {
    key: `${instanceType.name}/${reservationMillicores}/${limitMillicores}`,
    instanceType,
    family: instanceType.family,
    reservationMillicores,
    limitMillicores,
    memoryMiB: instanceType.memoryMiB,
  };
}

/**
 * The capacity dimensions a host can run out of, in the order reasons are reported. Bit i of a
 * bottleneck mask is dimension i.
 */
export const DIMENSIONS = ['cpu-reservation', 'cpu-limit', 'memory'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
