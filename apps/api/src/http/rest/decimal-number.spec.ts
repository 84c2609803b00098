import { decimalPlaces } from './decimal-number';

describe('decimalPlaces', () => {
  it('counts the places a number is written with, exponent included', () => {
    expect(decimalPlaces(0)).toBe(0);
    expect(decimalPlaces(60)).toBe(0);
    expect(decimalPlaces(1.5)).toBe(1);
    expect(decimalPlaces(-0.001)).toBe(3);
    expect(decimalPlaces(0.0015)).toBe(4);
    expect(decimalPlaces(1e-9)).toBe(9);
    expect(decimalPlaces(1.25e-7)).toBe(9);
    expect(decimalPlaces(2.5e-114)).toBe(115);
    expect(decimalPlaces(1e21)).toBe(0);
    expect(decimalPlaces(1.5e300)).toBe(0);
  });
});
