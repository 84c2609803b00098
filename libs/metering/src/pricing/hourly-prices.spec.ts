import { hourlyPricesByPlatform } from './price-book.compiled';
import { seedPriceBook } from './price-book.seed';
import { LISTED_TYPES } from '../testing/listed-types';

describe('hourlyPricesByPlatform', () => {
  it("shows AWS's published us-east-1 On-Demand prices for the seeded book", () => {
    const sut = hourlyPricesByPlatform(seedPriceBook(0, LISTED_TYPES), 0, 'm5.large', 2);
    expect(sut.linux).toBe('0.096');
    expect(sut.windows).toBe('0.188');
    expect(sut['windows-sql-standard']).toBe('0.688');
    expect(hourlyPricesByPlatform(seedPriceBook(0, LISTED_TYPES), 0, 't3.micro', 2).windows).toBe('0.0196');
  });

  it('leaves out a platform the type is not sold with (Windows on arm64)', () => {
    const sut = hourlyPricesByPlatform(seedPriceBook(0, [{ name: 'm6g.large', vcpus: 2, linuxHourly: '0.077', windows: false }]), 0, 'm6g.large', 2);
    expect(sut.linux).toBe('0.077');
    expect(sut).not.toHaveProperty('windows');
    expect(sut.rhel).toBe('0.1058'); // + 2 × 0.0144
  });
});
