import { hourlyPricesByPlatform } from './price-book.compiled';
import { seedPriceBook } from './price-book.seed';

describe('hourlyPricesByPlatform', () => {
  it("shows AWS's published us-east-1 On-Demand prices for the seeded book", () => {
    const sut = hourlyPricesByPlatform(seedPriceBook(0), 0, 'm5.large', 2);
    expect(sut.linux).toBe('0.096');
    expect(sut.windows).toBe('0.188');
    expect(sut['windows-sql-standard']).toBe('0.688');
    expect(hourlyPricesByPlatform(seedPriceBook(0), 0, 't3.micro', 2).windows).toBe('0.0196');
  });
});
