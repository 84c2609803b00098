import fc from 'fast-check';
import { INTERNET, NetworkFlow, allocateNetwork, bytesTransferred, crossAzInboundRecord } from './network-allocator';

const flow = (id: string, fromVm: string, toVm: string, demandMbps: number, o: Partial<NetworkFlow> = {}): NetworkFlow => ({
  id, fromVm, toVm, demandMbps, sameHost: false, crossAz: false, ...o,
});

describe('allocateNetwork', () => {
  it('same-host traffic is a memory copy: it uses no NIC bandwidth', () => {
    const sut = allocateNetwork(1, [flow('local', 'a', 'b', 5000, { sameHost: true }), flow('remote', 'a', 'c', 5000)]);
    expect(sut.flows.map((f) => f.deliveredMbps)).toEqual([5000, 1000]);
    expect(sut.flows.map((f) => f.usesNic)).toEqual([false, true]);
    expect(sut.nicMbps).toBe(1000);
    expect(sut.sameHostMbps).toBe(5000);
    expect(sut.flows[1].throttledBy).toBe('nic');
  });

  it('caps each VM’s flows together at its instance bandwidth, same-host flows included', () => {
    const sut = allocateNetwork(100, [flow('x', 'a', 'b', 800, { sameHost: true }), flow('y', 'a', 'c', 800), flow('z', 'd', 'e', 800)], { a: 1000 });
    expect(sut.flows.map((f) => f.deliveredMbps)).toEqual([500, 500, 800]);
    expect(sut.flows.map((f) => f.throttledBy)).toEqual(['vm-cap', 'vm-cap', 'none']);
  });

  it('shares a saturated NIC max-min fairly among flows', () => {
    const sut = allocateNetwork(10, [flow('small', 'a', 'x', 1000), flow('big1', 'b', 'x', 20_000), flow('big2', 'c', 'x', 20_000)]);
    expect(sut.flows.map((f) => f.deliveredMbps)).toEqual([1000, 4500, 4500]);
  });

  it('reports cross-AZ and internet traffic for billing; intra-AZ traffic is not metered', () => {
    const sut = allocateNetwork(100, [
      flow('az', 'a', 'b', 300, { crossAz: true }),
      flow('web', 'a', INTERNET, 200),
      flow('intra', 'a', 'c', 100),
    ]);
    expect(sut.flows.map((f) => f.metering)).toEqual(['cross-az', 'internet', 'none']);
    expect([sut.crossAzMbps, sut.internetMbps]).toEqual([300, 200]);
    // 300 Mbps for one hour = 300e6 / 8 × 3600 bytes = 135 GB.
    expect(bytesTransferred(sut.crossAzMbps, 3_600_000)).toBe(135_000_000_000);
  });

  it('refuses impossible flows', () => {
    expect(() => allocateNetwork(10, [flow('f', 'a', INTERNET, 1, { sameHost: true })])).toThrow(RangeError);
    expect(() => allocateNetwork(10, [flow('f', 'a', 'b', 1.5)])).toThrow(RangeError);
  });

  it('property: NIC use within its capacity, each VM within its cap, no flow above its demand', () => {
    const flowArb = fc.record({
      from: fc.integer({ min: 0, max: 5 }),
      demand: fc.integer({ min: 0, max: 30_000 }),
      kind: fc.constantFrom('same-host', 'remote', 'cross-az', 'internet'),
      weight: fc.integer({ min: 1, max: 10 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.array(flowArb, { maxLength: 30 }), fc.array(fc.integer({ min: 0, max: 25_000 }), { minLength: 6, maxLength: 6 }), (gbps, fs, capList) => {
        const flows = fs.map((f, i) =>
          flow(`f${i}`, `vm${f.from}`, f.kind === 'internet' ? INTERNET : `peer${i}`, f.demand, { sameHost: f.kind === 'same-host', crossAz: f.kind === 'cross-az', weight: f.weight }),
        );
        const caps = Object.fromEntries(capList.map((c, i) => [`vm${i}`, c]));
        const sut = allocateNetwork(gbps, flows, caps);
        expect(sut.nicMbps).toBeLessThanOrEqual(gbps * 1000);
        expect(sut.nicMbps).toBe(sut.flows.filter((f) => f.usesNic).reduce((s, f) => s + f.deliveredMbps, 0));
        for (let v = 0; v < 6; v++) {
          const mine = sut.flows.filter((_, i) => flows[i].fromVm === `vm${v}`);
          expect(mine.reduce((s, f) => s + f.deliveredMbps, 0)).toBeLessThanOrEqual(capList[v]);
        }
        sut.flows.forEach((f, i) => {
          expect(f.deliveredMbps).toBeLessThanOrEqual(flows[i].demandMbps);
          expect(f.deliveredMbps + f.throttledMbps).toBe(flows[i].demandMbps);
        });
      }),
    );
  });

  it('cross-AZ bytes metered at the sender are billed in each direction: the receiving end is the same bytes under `#in`', () => {
    const sent = { recordId: 'live:cross-az:i-1', direction: 'cross-az', bytes: 125_000 * 60 }; // 1 Mbps for a minute
    expect(crossAzInboundRecord(sent)).toEqual({ recordId: 'live:cross-az:i-1#in', direction: 'cross-az', bytes: 7_500_000 });
    expect(sent.recordId).toBe('live:cross-az:i-1');
  });
});
