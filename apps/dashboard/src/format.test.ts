import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatDuration, formatMiB, formatMoney, formatMonth, formatPercent, formatWatts, previousMonth, toCsv } from './format';

describe('formatMoney', () => {
  it('groups thousands and shows cents from the decimal string', () => {
    expect(formatMoney('1234567.5')).toBe('$1,234,567.50');
    expect(formatMoney('0.1')).toBe('$0.10');
    expect(formatMoney('12')).toBe('$12.00');
  });
  it('keeps a unit price’s extra decimals, without trailing zeros past the cents', () => {
    expect(formatMoney('0.0960')).toBe('$0.096');
    expect(formatMoney('0.00001667')).toBe('$0.00001667');
  });
  it('shows credits with a minus sign and no negative zero', () => {
    expect(formatMoney('-12.30')).toBe('\u2212$12.30');
    expect(formatMoney('-0.00')).toBe('$0.00');
  });
  it('never goes through a float: 0.1 + 0.2 stays exact', () => {
    expect(formatMoney('9007199254740993.07')).toBe('$9,007,199,254,740,993.07');
  });
});

describe('units', () => {
  it('binary memory units', () => {
    expect(formatMiB(512)).toBe('512 MiB');
    expect(formatMiB(1536)).toBe('1.5 GiB');
    expect(formatMiB(3 * 1024 * 1024)).toBe('3 TiB');
  });
  it('power', () => {
    expect(formatWatts(350)).toBe('350 W');
    expect(formatWatts(12500)).toBe('12.5 kW');
    expect(formatWatts(2_400_000)).toBe('2.4 MW');
  });
  it('percentages of a fraction', () => {
    expect(formatPercent(0.253)).toBe('25.3 %');
    expect(formatPercent(1)).toBe('100.0 %');
  });
  it('durations in their two largest units', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(250)).toBe('4 min 10 s');
    expect(formatDuration(3900)).toBe('1 h 5 min');
    expect(formatDuration(2 * 86400 + 3 * 3600 + 59)).toBe('2 d 3 h');
    expect(formatDuration(0)).toBe('0 s');
  });
});

describe('dates (UTC)', () => {
  it('date and time in UTC whatever the browser’s zone', () => {
    expect(formatDateTime('2025-04-03T14:05:59.999Z')).toBe('2025-04-03 14:05 UTC');
    expect(formatDate('2025-04-30T23:59:59Z')).toBe('2025-04-30');
  });
  it('months', () => {
    expect(formatMonth('2025-04')).toBe('April 2025');
    expect(formatMonth('2025-13')).toBe('2025-13');
    expect(previousMonth('2025-01')).toBe('2024-12');
    expect(previousMonth('2025-10')).toBe('2025-09');
  });
});

describe('toCsv', () => {
  it('quotes cells with commas, quotes and line breaks', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], [1, '']])).toBe('a,b\r\n"x,y","say ""hi"""\r\n1,\r\n');
  });
});
