import { Injectable } from '@nestjs/common';
import { compilePriceBook, hourlyPricesByPlatform, PriceBookVersion } from '@nimbus/metering';
import { AVAILABILITY_ZONES, Catalog, InstanceType, REGION } from '@nimbus/hypervisor';
import { BillingService } from '../billing/billing.service';
import { EngineService } from '../../engine/engine.service';

/** An instance type with its hourly prices by platform, from the price book version in effect now. */
export interface PricedInstanceType {
  readonly type: InstanceType;
  readonly hourlyPriceUsd: ReturnType<typeof hourlyPricesByPlatform>;
}

/** What tenants can run, and where: instance types (priced now) and availability zones. Images: ImagesService. */
@Injectable()
export class CatalogService {
  /** The priced list, kept until the book, the version in effect or the catalog changes (1,371 types × 6 platforms is not free). */
  private priced?: { readonly book: readonly PriceBookVersion[]; readonly version: number; readonly catalog: Catalog; readonly catalogVersion: number; readonly list: PricedInstanceType[] };

  constructor(
    private readonly engine: EngineService,
    private readonly billing: BillingService,
  ) {}

  /** The types on sale: the world's catalog (built-in and custom), priced by the version in effect now (PUT /v1/admin/prices). */
  instanceTypes(): PricedInstanceType[] {
    const book = this.billing.priceBook;
    const catalog = this.engine.world.catalog;
    const now = this.engine.now;
    const version = compilePriceBook(book).versionIndexAt(now);
    const p = this.priced;
    if (p && p.book === book && p.version === version && p.catalog === catalog && p.catalogVersion === catalog.version) return p.list;
    const list = catalog.instanceTypes().map((type) => ({ type, hourlyPriceUsd: hourlyPricesByPlatform(book, now, type.name, type.vcpus) }));
    this.priced = { book, version, catalog, catalogVersion: catalog.version, list };
    return list;
  }

  /** One type on sale, priced; undefined if there is none of that name. */
  instanceType(name: string): PricedInstanceType | undefined {
    const type = this.engine.world.catalog.launchableInstanceType(name);
    return type ? { type, hourlyPriceUsd: hourlyPricesByPlatform(this.billing.priceBook, this.engine.now, type.name, type.vcpus) } : undefined;
  }

  availabilityZones(): { readonly zoneName: string; readonly regionName: string }[] {
    return AVAILABILITY_ZONES.map((zoneName) => ({ zoneName, regionName: REGION }));
  }
}
