import { DomainError, InvalidParameterValue } from '../../errors';
import { gp2BaselineIops, gp2ThroughputMiBps, hddThroughputMiBps, resolveVolume, volumeQos } from './ebs-volume';

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
    rejects({ type: 'x9' as never, sizeGiB: 100 }, /not supported/);
  });

  it('io1: 100–64,000 provisioned IOPS at most 50 per GiB, 4–16,384 GiB, 256 KiB/s per IOPS up to 1,000 MiB/s', () => {
    // AWS: "a 100 GiB volume can be provisioned with up to 5,000 IOPS"; 64,000 from 1,280 GiB (50 × 1,280).
    expect(resolveVolume({ type: 'io1', sizeGiB: 100, iops: 5000 })).toEqual({ type: 'io1', sizeGiB: 100, iops: 5000, burstIops: 5000, throughputMiBps: 1000 });
    expect(resolveVolume({ type: 'io1', sizeGiB: 1280, iops: 64_000 }).iops).toBe(64_000);
    expect(resolveVolume({ type: 'io1', sizeGiB: 10, iops: 100 }).throughputMiBps).toBe(25); // 100 × 0.25
    rejects({ type: 'io1', sizeGiB: 100, iops: 5001 }, /A 100 GiB io1 volume supports at most 5000 IOPS \(50 IOPS per GiB\)/);
    rejects({ type: 'io1', sizeGiB: 2000, iops: 64_001 }, /between 100 and 64000/);
    rejects({ type: 'io1', sizeGiB: 10, iops: 99 }, /between 100 and 64000/);
    rejects({ type: 'io1', sizeGiB: 3, iops: 100 }, /between 4 and 16384 GiB/);
    rejects({ type: 'io1', sizeGiB: 16_385, iops: 100 }, /between 4 and 16384 GiB/);
    rejects({ type: 'io1', sizeGiB: 10 }, /IOPS is required for io1/);
    rejects({ type: 'io1', sizeGiB: 10, iops: 100, throughputMiBps: 25 }, /only for gp3/);
  });

  it('st1 and sc1: 125–16,384 GiB; throughput in proportion to size, capped (AWS tables)', () => {
    // st1 per TiB: 40 MiB/s baseline, 250 burst, max 500. A 2 TiB st1: 80 / 500 (its burst is exactly the cap).
    expect(hddThroughputMiBps('st1', 2048)).toEqual({ baseline: 80, burst: 500, bucketMiB: 2_097_152 });
    // 0.5 TiB: 20 / 125 (AWS's first table row); 12.5 TiB: the baseline reaches the 500 cap; 16 TiB: both capped.
    expect(hddThroughputMiBps('st1', 512)).toMatchObject({ baseline: 20, burst: 125 });
    expect(hddThroughputMiBps('st1', 12_800)).toMatchObject({ baseline: 500, burst: 500 });
    expect(hddThroughputMiBps('st1', 16_384)).toMatchObject({ baseline: 500, burst: 500 });
    // sc1 per TiB: 12 baseline, 80 burst, max 250. 500 GiB = 0.48828125 TiB: 5.859375 / 39.0625 MiB/s, a bucket of 512,000 MiB.
    expect(hddThroughputMiBps('sc1', 500)).toEqual({ baseline: 5.859375, burst: 39.0625, bucketMiB: 512_000 });
    // 16 TiB sc1: 192 / 250 (AWS's last row); 3.125 TiB = 3,200 GiB: 37.5 / 250.
    expect(hddThroughputMiBps('sc1', 16_384)).toMatchObject({ baseline: 192, burst: 250 });
    expect(hddThroughputMiBps('sc1', 3200)).toMatchObject({ baseline: 37.5, burst: 250 });
    expect(resolveVolume({ type: 'st1', sizeGiB: 2048 })).toEqual({ type: 'st1', sizeGiB: 2048, iops: 500, burstIops: 500, throughputMiBps: 500 });
    expect(resolveVolume({ type: 'sc1', sizeGiB: 500 })).toEqual({ type: 'sc1', sizeGiB: 500, iops: 250, burstIops: 250, throughputMiBps: 39 });
    rejects({ type: 'st1', sizeGiB: 124 }, /st1 volume must be an integer between 125 and 16384 GiB, got 124/);
    rejects({ type: 'sc1', sizeGiB: 16_385 }, /between 125 and 16384 GiB/);
  });

  it('st1, sc1 and standard refuse IOPS and throughput as EC2 does (InvalidParameterCombination)', () => {
    for (const type of ['st1', 'sc1', 'standard'] as const) {
      const iops = () => resolveVolume({ type, sizeGiB: 500, iops: 500 });
      expect(iops).toThrow(DomainError);
      expect(iops).toThrow(expect.objectContaining({ code: 'InvalidParameterCombination', message: `The parameter iops is not supported for ${type} volumes.` }));
      expect(() => resolveVolume({ type, sizeGiB: 500, throughputMiBps: 250 })).toThrow(expect.objectContaining({ code: 'InvalidParameterCombination' }));
    }
  });

  it('standard (Magnetic): 1–1,024 GiB, at most 200 IOPS and 90 MiB/s (the top of AWS\'s 40–200 IOPS, 40–90 MiB/s)', () => {
    expect(resolveVolume({ type: 'standard', sizeGiB: 1 })).toEqual({ type: 'standard', sizeGiB: 1, iops: 200, burstIops: 200, throughputMiBps: 90 });
    expect(resolveVolume({ type: 'standard', sizeGiB: 1024 }).sizeGiB).toBe(1024);
    rejects({ type: 'standard', sizeGiB: 1025 }, /between 1 and 1024 GiB/);
    rejects({ type: 'standard', sizeGiB: 0 }, /between 1 and 1024 GiB/);
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

  it('io1 is a reservation like io2', () => {
    expect(volumeQos(resolveVolume({ type: 'io1', sizeGiB: 1000, iops: 10_000 }))).toEqual({ reservationIops: 10_000, limitIops: 10_000, limitMiBps: 1000, weight: 10_000 });
  });

  it('st1/sc1: burst MiB/s with credits, baseline without; IOPS no more than that many 1 MiB I/Os, nor the type\'s maximum', () => {
    const st1 = resolveVolume({ type: 'st1', sizeGiB: 2048 });
    expect(volumeQos(st1, true)).toEqual({ reservationIops: 0, limitIops: 500, limitMiBps: 500, weight: 80 });
    expect(volumeQos(st1, false)).toEqual({ reservationIops: 0, limitIops: 80, limitMiBps: 80, weight: 80 });
    const sc1 = resolveVolume({ type: 'sc1', sizeGiB: 16_384 });
    expect(volumeQos(sc1, true)).toEqual({ reservationIops: 0, limitIops: 250, limitMiBps: 250, weight: 192 });
    expect(volumeQos(resolveVolume({ type: 'sc1', sizeGiB: 500 }), false)).toEqual({ reservationIops: 0, limitIops: 5.859375, limitMiBps: 5.859375, weight: 5.859375 });
  });

  it('standard: best effort up to 200 IOPS / 90 MiB/s, with the shares of 100 IOPS', () => {
    expect(volumeQos(resolveVolume({ type: 'standard', sizeGiB: 100 }))).toEqual({ reservationIops: 0, limitIops: 200, limitMiBps: 90, weight: 100 });
  });
});
