import * as fc from 'fast-check';
import { bucketBits, clearBit, nextSetBit, prevSetBit, setBit } from './bucket-bits';

describe('bucket bitset', () => {
  it('finds the next and previous non-empty bucket exactly as a linear scan does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.array(fc.tuple(fc.nat(199), fc.boolean())), fc.integer({ min: -2, max: 210 }), (size, ops, from) => {
        const sut = bucketBits(size);
        const model = new Array<boolean>(size).fill(false);
        for (const [i, on] of ops) {
          if (i >= size) continue;
          if (on) setBit(sut, i);
          else clearBit(sut, i);
          model[i] = on;
        }
        let next = -1;
        for (let i = Math.max(0, from); i < size; i++) if (model[i]) { next = i; break; }
        let prev = -1;
        for (let i = Math.min(from, size - 1); i >= 0; i--) if (model[i]) { prev = i; break; }
        expect(nextSetBit(sut, from)).toBe(next);
        expect(prevSetBit(sut, from)).toBe(prev);
      }),
      { numRuns: 500 },
    );
  });
});
