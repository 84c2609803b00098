import { Decimal } from 'decimal.js';
import { PriceNotFound } from '../errors';
import { formatPrice, Money, ZERO } from '../money/money';
import { PLATFORMS, Platform, Tenancy } from '../usage/usage-record';
import { LicenseComponent, PriceBookVersion, validatePriceBook } from './price-book';

/**
 * A validated book, ready for rating: versions sorted, their start instants in one array for a
 * binary search, and every per-line price computed once and cached (never per record).
 */
export class CompiledPriceBook {
  readonly versions: readonly PriceBookVersion[];
  readonly starts: readonly number[];
  private readonly cache = new Map<string, Decimal>();

  constructor(versions: readonly PriceBookVersion[]) {
    this.versions = validatePriceBook(versions);
    this.starts = this.versions.map((v) => v.effectiveFromMs);
  }

  /** Index of the version in effect at atMs (the last start ≤ atMs). */
  readonly versionIndexAt = (atMs: number): number => {
    const starts = this.starts;
    if (atMs < starts[0]) throw new PriceNotFound(`usage at ${atMs}: no price book version is in effect before ${starts[0]}`);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= atMs) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  private cached(key: string, make: () => Decimal): Decimal {
    let d = this.cache.get(key);
    if (d === undefined) {
      d = make();
      this.cache.set(key, d);
    }
    return d;
  }

  private typePrice(v: number, instanceType: string) {
    const p = this.versions[v].instanceTypes[instanceType];
    if (!p) throw new PriceNotFound(`instance type '${instanceType}' in price book version '${this.versions[v].version}'`);
    return p;
  }

  /** Base compute per instance-hour: the Linux price, × the Dedicated multiplier, nothing on a Dedicated Host. */
  computeHourly(v: number, instanceType: string, tenancy: Tenancy): Decimal {
    if (tenancy === 'host') return ZERO;
    return this.cached(`compute|${v}|${instanceType}|${tenancy}`, () => {
      const linux = new Money(this.typePrice(v, instanceType).hourly.linux);
      return tenancy === 'dedicated' ? linux.times(this.versions[v].dedicatedInstanceMultiplier) : linux;
    });
  }

  licenseComponents(v: number, platform: Platform): readonly LicenseComponent[] {
    return this.versions[v].licenses[platform];
  }

  /** Licensed units (vCPUs or cores) after the component's minimum and maximum; 1 for per-instance bases. */
  static licensedUnits(c: LicenseComponent, vcpus: number): number {
    if (c.basis === 'folded' || c.basis === 'per-instance-hour') return 1;
    const raw = c.basis === 'per-core-hour' ? Math.ceil(vcpus / c.vcpusPerCore) : vcpus;
    return Math.min(Math.max(raw, c.minUnits ?? 0), c.maxUnits ?? Infinity);
  }

  /** One license component's charge per instance-hour for an instance type running `vcpus` vCPUs. */
  licenseHourly(v: number, c: LicenseComponent, instanceType: string, vcpus: number): Decimal {
    return this.cached(`license|${v}|${c.licenseProduct}|${instanceType}|${vcpus}`, () => {
      switch (c.basis) {
        case 'folded': {
          const p = this.typePrice(v, instanceType);
          const full = p.hourly[c.column];
          if (full === undefined) throw new PriceNotFound(`${c.licenseProduct} (column '${c.column}') for '${instanceType}' in version '${this.versions[v].version}'`);
          return new Money(full).minus(p.hourly.linux);
        }
        case 'per-instance-hour':
          return new Money(c.ratePerHour);
        default:
          return new Money(c.ratePerUnitHour).times(CompiledPriceBook.licensedUnits(c, vcpus));
      }
    });
  }

  /** Everything a running instance pays per hour: compute plus license-included components. */
  instanceHourly(v: number, r: { instanceType: string; platform: Platform; licenseModel: string; tenancy: Tenancy; vcpus: number }): Decimal {
    let rate = this.computeHourly(v, r.instanceType, r.tenancy);
    if (r.licenseModel === 'license-included') {
      for (const c of this.licenseComponents(v, r.platform)) rate = rate.plus(this.licenseHourly(v, c, r.instanceType, r.vcpus));
    }
    return rate;
  }

  dedicatedHostHourly(v: number, hostFamily: string): Decimal {
    return this.cached(`host|${v}|${hostFamily}`, () => {
      const price = this.versions[v].dedicatedHostHourly[hostFamily];
      if (price === undefined) throw new PriceNotFound(`a '${hostFamily}' Dedicated Host in version '${this.versions[v].version}'`);
      return new Money(price);
    });
  }

  price(v: number, key: string, read: (book: PriceBookVersion) => string): Decimal {
    return this.cached(`${key}|${v}`, () => new Money(read(this.versions[v])));
  }
}

const compiled = new WeakMap<readonly PriceBookVersion[], CompiledPriceBook>();

/** Compiles once per book array, so closing a month for many tenants validates the book once. */
export function compilePriceBook(versions: readonly PriceBookVersion[]): CompiledPriceBook {
  let c = compiled.get(versions);
  if (!c) {
    c = new CompiledPriceBook(versions);
    compiled.set(versions, c);
  }
  return c;
}

/**
 * The On-Demand hourly list price of an instance type on every platform it is sold with (license
 * included, default tenancy) at a moment: what a catalog shows. A platform the book has no price
 * for on that type (Windows on an arm64 type) is left out. Unrounded decimal strings.
 */
export function hourlyPricesByPlatform(versions: readonly PriceBookVersion[], atMs: number, instanceType: string, vcpus: number): Partial<Record<Platform, string>> {
  const book = compilePriceBook(versions);
  const v = book.versionIndexAt(atMs);
  const out: Partial<Record<Platform, string>> = {};
  for (const platform of PLATFORMS) {
    try {
      out[platform] = formatPrice(book.instanceHourly(v, { instanceType, platform, licenseModel: 'license-included', tenancy: 'default', vcpus }));
    } catch (err) {
      if (!(err instanceof PriceNotFound)) throw err;
    }
  }
  return out;
}
