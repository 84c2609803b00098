import fc from 'fast-check';
import { ID_PATTERN, randomHex, resourceId } from './ids';

describe('ids', () => {
  it('resourceId: the prefix and 17 lowercase hex digits, as EC2 writes them', () => {
    for (const prefix of ['i', 'r', 'eni', 'eni-attach']) expect(resourceId(prefix)).toMatch(ID_PATTERN(prefix));
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
