import fc from 'fast-check';
import { checkEc2Id, EC2_ID_PATTERN, ID_PATTERN, isEc2Id, randomHex, resourceId, shortResourceId } from './ids';

describe('ids', () => {
  it('resourceId: the prefix and 17 lowercase hex digits, as EC2 writes them', () => {
    for (const prefix of ['i', 'r', 'eni', 'eni-attach']) expect(resourceId(prefix)).toMatch(ID_PATTERN(prefix));
  });

  it('shortResourceId: the prefix and 8 lowercase hex digits (EC2\'s `sir-1a2b3c4d`), well formed by EC2_ID_PATTERN; an id taken is drawn again, never returned', async () => {
    const id = await shortResourceId('sir', async () => false);
    expect(id).toMatch(/^sir-[0-9a-f]{8}$/);
    expect(EC2_ID_PATTERN('sir').test(id)).toBe(true);
    const asked: string[] = [];
    // The first two drawn are taken: the third is the answer.
    const third = await shortResourceId('sir', async (candidate) => asked.push(candidate) <= 2);
    expect(asked.length).toBe(3);
    expect(third).toBe(asked[2]);
    // Every draw taken: a 17-digit id, which no 8-digit one can be.
    expect(await shortResourceId('sir', async () => true)).toMatch(/^sir-[0-9a-f]{17}$/);
  });

  it('isEc2Id: the prefix and 8 or 17 lowercase hex digits (EC2 User Guide, "Resource IDs"), nothing else', () => {
    expect(['i-1a2b3c4d', 'i-0123456789abcdef0', 'vol-0123456789abcdef0'].map((id) => isEc2Id(id.slice(0, id.indexOf('-')), id))).toEqual([true, true, true]);
    for (const id of ['i-1a2b3c4', 'i-1a2b3c4d5', 'i-0123456789ABCDEF0', 'i-0123456789abcdef0 ', 'vol-0123456789abcdef0', 'ami-1a2b3c4d', '', 'i-']) expect(isEc2Id('i', id)).toBe(false);
  });

  it('checkEc2Id: EC2\'s Malformed code and words (`Invalid id: "…" (expecting "i-...")`, as EC2 answers a DescribeInstances of "ma1"); a long id is echoed to 64 characters', () => {
    expect(() => checkEc2Id('InvalidInstanceID.Malformed', 'i', 'i-0123456789abcdef0')).not.toThrow();
    expect(() => checkEc2Id('InvalidInstanceID.Malformed', 'i', 'ma1')).toThrow(expect.objectContaining({ code: 'InvalidInstanceID.Malformed', message: 'Invalid id: "ma1" (expecting "i-...")' }));
    expect(() => checkEc2Id('InvalidAMIID.Malformed', 'ami', '{var.ami_id}')).toThrow(expect.objectContaining({ code: 'InvalidAMIID.Malformed', message: 'Invalid id: "{var.ami_id}" (expecting "ami-...")' }));
    expect(() => checkEc2Id('InvalidVolumeID.Malformed', 'vol', 'x'.repeat(500))).toThrow(expect.objectContaining({ message: `Invalid id: "${'x'.repeat(64)}" (expecting "vol-...")` }));
  });

  it('resourceId: ids made one after another sort in the order made (as text, as an index orders them) and never repeat', () => {
    const ids = Array.from({ length: 5_000 }, () => resourceId('i'));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // The counter is the first 12 digits and moves one step per id, whatever the prefix.
    const counter = (id: string) => parseInt(id.slice(id.lastIndexOf('-') + 1, -5), 16);
    const [a, b, c] = [resourceId('vol'), resourceId('eni-attach'), resourceId('i')];
    expect([counter(b) - counter(a), counter(c) - counter(b)]).toEqual([1, 1]);
  });

  it('resourceId: the counter starts from the clock at 256 steps per millisecond since 2020, so a restart starts after the ids made before', () => {
    const startedAt = (nowMs: number) => {
      const spy = jest.spyOn(Date, 'now').mockReturnValue(nowMs);
      try {
        let made = '';
        jest.isolateModules(() => {
          made = (jest.requireActual('./ids') as typeof import('./ids')).resourceId('i');
        });
        return made;
      } finally {
        spy.mockRestore();
      }
    };
    // 2026-12-05T00:00Z is 2,530 days after 2020-01-01: 218,592,000,000 ms, × 256 = 55,959,552,000,000 = 0x32e519380000.
    const first = startedAt(Date.UTC(2026, 11, 5));
    expect(first).toMatch(/^i-32e519380000[0-9a-f]{5}$/);
    // A process started one millisecond later begins 256 steps further on.
    expect(startedAt(Date.UTC(2026, 11, 5) + 1)).toMatch(/^i-32e519380100[0-9a-f]{5}$/);
    expect(startedAt(Date.UTC(2026, 11, 5) + 1) > first).toBe(true);
  });

  it('randomHex: two hex digits per byte; draws that cross the pool\'s 4,096-byte page stay whole and distinct', () => {
    const seen = new Set<string>();
    // 5-byte draws (a MAC address's) do not divide 4,096: some draw meets the page's end.
    for (let i = 0; i < 2_000; i++) {
      const hex = randomHex(5);
      expect(hex).toMatch(/^[0-9a-f]{10}$/);
      seen.add(hex);
    }
    expect(seen.size).toBe(2_000);
  });

  it('randomHex refuses more bytes than its pool holds rather than answering fewer', () => {
    expect(randomHex(4096)).toHaveLength(8192);
    expect(() => randomHex(4097)).toThrow(RangeError);
  });

  it('randomHex and resourceId interleaved, any sizes up to a page: every draw has its length', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 1, max: 4096 }), fc.constant(0)), { minLength: 1, maxLength: 50 }), (sizes) => {
        for (const n of sizes) {
          if (n === 0) expect(resourceId('vol')).toMatch(ID_PATTERN('vol'));
          else expect(randomHex(n)).toHaveLength(2 * n);
        }
      }),
    );
  });
});
