import { volumeStatusOf } from './volume-status';

describe('volumeStatusOf', () => {
  it('passes io-enabled on every type; io-performance is normal on io1, io2 and gp3 only, not-applicable on the others, as EC2 answers', () => {
    const performance = (t: Parameters<typeof volumeStatusOf>[0]) => volumeStatusOf(t).details.find((d) => d.name === 'io-performance')!.status;
    expect(['io1', 'io2', 'gp3'].map((t) => performance(t as never))).toEqual(['normal', 'normal', 'normal']);
    expect(['gp2', 'st1', 'sc1', 'standard'].map((t) => performance(t as never))).toEqual(['not-applicable', 'not-applicable', 'not-applicable', 'not-applicable']);
    expect(volumeStatusOf('gp2')).toEqual({ status: 'ok', details: [{ name: 'io-enabled', status: 'passed' }, { name: 'io-performance', status: 'not-applicable' }] });
  });
});
