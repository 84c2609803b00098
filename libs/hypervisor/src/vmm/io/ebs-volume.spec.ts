import { InvalidParameterValue } from '../../errors';
import { gp2BaselineIops, gp2ThroughputMiBps, resolveVolume, volumeQos } from './ebs-volume';

const rejects = (req: Parameters<typeof resolveVolume>[0], message: RegExp) => {
  expect(() => resolveVolume(req)).toThrow(InvalidParameterValue);
  expect(() => resolveVolume(req)).toThrow(message);
};

describe('resolveVolume', () => {
  it('gp2: 3 IOPS per GiB, at least 100 and at most 16,000; bursts to 3,000 below 1 TiB', () => {
    expect([1, 33, 34, 100, 999, 1000, 5334, 16_384].map(gp2BaselineIops)).toEqual([100, 100, 102, 300, 2997, 3000, 16_000, 16_000]);
    expect(resolveVolume({ type: 'gp2', sizeGiB: 100 })).toEqual({ type: 'gp2', sizeGiB: 100, iops: 300, burstIops: 3000, throughputMiBps: 128 });
    expect(resolveVolume({ type: 'gp2', sizeGiB: 2000 }).burstIops).toBe(6000); // its baseline already exceeds the burst
  });

  it('gp2 throughput: 128 MiB/s up to 170 GiB, 250 from 334 GiB, in between 250 only with burst credits', () => {
    expect(gp2ThroughputMiBps(170, true)).toBe(128);
    expect(gp2ThroughputMiBps(200, true)).toBe(250);
    expect(gp2ThroughputMiBps(200, false)).toBe(128);
    expect(gp2ThroughputMiBps(334, false)).toBe(250);
  });

  it('gp3: 3,000 IOPS and 125 MiB/s included at any size, provisionable to 16,000 IOPS / 1,000 MiB/s', () => {
    expect(resolveVolume({ type: 'gp3', sizeGiB: 1 })).toEqual({ type: 'gp3', sizeGiB: 1, iops: 3000, burstIops: 3000, throughputMiBps: 125 });
    expect(resolveVolume({ type: 'gp3', sizeGiB: 32, iops: 16_000, throughputMiBps: 1000 }).iops).toBe(16_000);
    rejects({ type: 'gp3', sizeGiB: 100, iops: 16_001 }, /between 3000 and 16000/);
    rejects({ type: 'gp3', sizeGiB: 100, iops: 2_999 }, /between 3000 and 16000/);
    rejects({ type: 'gp3', sizeGiB: 100, throughputMiBps: 1001, iops: 16_000 }, /between 125 and 1000 MiB\/s/);
  });

  it('gp3: at most 500 IOPS per GiB above the included 3,000, and 0.25 MiB/s per IOPS', () => {
    expect(resolveVolume({ type: 'gp3', sizeGiB: 8, iops: 4000 }).iops).toBe(4000);
    rejects({ type: 'gp3', sizeGiB: 8, iops: 4001 }, /at most 4000 IOPS \(500 IOPS per GiB\)/);
    expect(resolveVolume({ type: 'gp3', sizeGiB: 100, iops: 3000, throughputMiBps: 750 }).throughputMiBps).toBe(750);
    rejects({ type: 'gp3', sizeGiB: 100, iops: 3000, throughputMiBps: 751 }, /0.25 MiB\/s per provisioned IOPS: 750 MiB\/s/);
  });

  it('io2: 100–64,000 provisioned IOPS at most 500 per GiB, 4–16,384 GiB, 256 KiB/s per IOPS up to 1,000 MiB/s', () => {
    expect(resolveVolume({ type: 'io2', sizeGiB: 10, iops: 5000 })).toEqual({ type: 'io2', sizeGiB: 10, iops: 5000, burstIops: 5000, throughputMiBps: 1000 });
    expect(resolveVolume({ type: 'io2', sizeGiB: 10, iops: 1000 }).throughputMiBps).toBe(250);
    rejects({ type: 'io2', sizeGiB: 10, iops: 5001 }, /at most 5000 IOPS/);
    rejects({ type: 'io2', sizeGiB: 200, iops: 64_001 }, /between 100 and 64000/);
    rejects({ type: 'io2', sizeGiB: 3, iops: 100 }, /between 4 and 16384 GiB/);
    rejects({ type: 'io2', sizeGiB: 10 }, /IOPS is required/);
  });

  it('refuses sizes out of range, IOPS on gp2, throughput on non-gp3, unknown types', () => {
    rejects({ type: 'gp2', sizeGiB: 0 }, /between 1 and 16384 GiB, got 0/);
    rejects({ type: 'gp3', sizeGiB: 16_385 }, /between 1 and 16384 GiB/);
    rejects({ type: 'gp2', sizeGiB: 1.5 }, /integer/);
    rejects({ type: 'gp2', sizeGiB: 100, iops: 300 }, /cannot be provisioned for gp2/);
    rejects({ type: 'io2', sizeGiB: 100, iops: 1000, throughputMiBps: 200 }, /only for gp3/);
    rejects({ type: 'st1' as never, sizeGiB: 100 }, /not supported/);
  });
});

describe('volumeQos', () => {
  it('io2 is a reservation; gp2/gp3 are best effort up to their limit; gp2 falls to its baseline without credits', () => {
    expect(volumeQos(resolveVolume({ type: 'io2', sizeGiB: 100, iops: 10_000 }))).toEqual({ reservationIops: 10_000, limitIops: 10_000, limitMiBps: 1000, weight: 10_000 });
    expect(volumeQos(resolveVolume({ type: 'gp3', sizeGiB: 100 }))).toEqual({ reservationIops: 0, limitIops: 3000, limitMiBps: 125, weight: 3000 });
    const gp2 = resolveVolume({ type: 'gp2', sizeGiB: 200 });
    expect(volumeQos(gp2, true)).toEqual({ reservationIops: 0, limitIops: 3000, limitMiBps: 250, weight: 600 });
    expect(volumeQos(gp2, false)).toEqual({ reservationIops: 0, limitIops: 600, limitMiBps: 128, weight: 600 });
  });
});
