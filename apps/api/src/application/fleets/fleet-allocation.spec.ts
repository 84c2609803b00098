import { Decimal } from 'decimal.js';
import { spotPriceOf } from '@nimbus/metering';
import { allocateFleet, FleetPool } from './fleet-allocation';

/** The seed price book's Linux On-Demand prices (us-east-1): t3.micro 0.0104, t3.small 0.0208, m5.large 0.096 per hour. */
const T3_MICRO = '0.0104';
const T3_SMALL = '0.0208';
const M5_LARGE = '0.096';

const pool = (index: number, price: Decimal | string, weight = 1, priority?: number): FleetPool => ({ index, price: new Decimal(price), weight, ...(priority !== undefined ? { priority } : {}) });
const asObject = (m: Map<number, number>) => Object.fromEntries(m);

describe('allocateFleet (docs/model.md, "EC2 Fleet")', () => {
  it('lowest-price On-Demand: every instance from the cheapest pool (t3.micro 0.0104 < t3.small 0.0208)', () => {
    expect(asObject(allocateFleet([pool(0, T3_SMALL), pool(1, T3_MICRO)], 3, 'lowest-price'))).toEqual({ 1: 3 });
  });

  it('lowest-price Spot: the cheapest Spot price, as spot-price.ts makes it (30 % of t3.small 0.00624 beats 70 % of t3.micro 0.00728)', () => {
    // 0.0208 × 30 / 100 = 0.00624; 0.0104 × 70 / 100 = 0.00728.
    expect(spotPriceOf(T3_SMALL, 30).toFixed()).toBe('0.00624');
    expect(spotPriceOf(T3_MICRO, 70).toFixed()).toBe('0.00728');
    expect(asObject(allocateFleet([pool(0, spotPriceOf(T3_MICRO, 70)), pool(1, spotPriceOf(T3_SMALL, 30))], 4, 'lowest-price'))).toEqual({ 1: 4 });
  });

  it('lowest-price compares the price per capacity unit: m5.large weighted 8 (0.012 a unit) beats t3.small weighted 1 (0.0208), and covers 10 units with 2 instances', () => {
    expect(asObject(allocateFleet([pool(0, T3_SMALL), pool(1, M5_LARGE, 8)], 10, 'lowest-price'))).toEqual({ 1: 2 });
    // Weighted 4, m5.large costs 0.024 a unit: t3.small's 0.0208 is cheaper, 10 instances.
    expect(asObject(allocateFleet([pool(0, T3_SMALL), pool(1, M5_LARGE, 4)], 10, 'lowest-price'))).toEqual({ 0: 10 });
  });

  it('equal prices go to the pool named first', () => {
    expect(asObject(allocateFleet([pool(0, T3_MICRO), pool(1, T3_MICRO)], 2, 'price-capacity-optimized'))).toEqual({ 0: 2 });
  });

  it('prioritized: the lowest Priority number, pools without one last, whatever the price', () => {
    expect(asObject(allocateFleet([pool(0, T3_MICRO), pool(1, M5_LARGE, 1, 2), pool(2, T3_SMALL, 1, 1)], 2, 'prioritized'))).toEqual({ 2: 2 });
    expect(asObject(allocateFleet([pool(0, T3_MICRO), pool(1, M5_LARGE)], 2, 'prioritized'))).toEqual({ 0: 2 });
  });

  it('capacity-optimized: by Priority, else in the request order, not by price', () => {
    expect(asObject(allocateFleet([pool(0, M5_LARGE), pool(1, T3_MICRO)], 3, 'capacity-optimized'))).toEqual({ 0: 3 });
    expect(asObject(allocateFleet([pool(0, M5_LARGE), pool(1, T3_MICRO, 1, 0)], 3, 'capacity-optimized'))).toEqual({ 1: 3 });
  });

  it('diversified: one instance at a time to the pool holding the fewest units (5 over 3 pools: 2, 2, 1)', () => {
    expect(asObject(allocateFleet([pool(0, M5_LARGE), pool(1, T3_MICRO), pool(2, T3_SMALL)], 5, 'diversified'))).toEqual({ 0: 2, 1: 2, 2: 1 });
  });

  it('diversified with weights: 8 units over weights 4 and 1: 4 (pool 0), then 1, 1, 1, 1 (pool 1): 1 and 4 instances', () => {
    expect(asObject(allocateFleet([pool(0, M5_LARGE, 4), pool(1, T3_MICRO, 1)], 8, 'diversified'))).toEqual({ 0: 1, 1: 4 });
  });

  it('nothing to cover, or no pool open: no instance', () => {
    expect(allocateFleet([pool(0, T3_MICRO)], 0, 'lowest-price').size).toBe(0);
    expect(allocateFleet([], 3, 'lowest-price').size).toBe(0);
  });
});
