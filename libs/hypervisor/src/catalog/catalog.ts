import { Image, IMAGES } from './images';
import { INSTANCE_TYPES, InstanceType } from './instance-types';

/**
 * What a catalog adds to the built-in one: custom instance types, operators' and tenants' images.
 * Retired ones (a deleted type, a deregistered image) are still known by name, since instances
 * launched from them live on and are billed, but no longer listed or launched.
 */
export interface CatalogAdditions {
  readonly instanceTypes?: readonly InstanceType[];
  readonly images?: readonly Image[];
  readonly retiredInstanceTypes?: readonly string[];
  readonly retiredImages?: readonly string[];
}

/**
 * The instance types and images a world knows: the built-in catalog (`INSTANCE_TYPES`, `IMAGES`)
 * as its base, plus what was added to it (an operator's custom types and images with chosen ids,
 * tenants' own images). The world holds one; every lookup (launch, restore, metering) goes
 * through it, so an addition is seen everywhere at once. `version` moves with every change.
 */
export class Catalog {
  private readonly types = new Map<string, InstanceType>();
  private readonly imagesById = new Map<string, Image>();
  private readonly addedTypes = new Set<string>();
  private readonly addedImages = new Set<string>();
  private readonly retired = new Set<string>();
  private changes = 0;

  constructor(additions: CatalogAdditions = {}, base: { readonly instanceTypes: readonly InstanceType[]; readonly images: readonly Image[] } = { instanceTypes: INSTANCE_TYPES, images: IMAGES }) {
    for (const t of base.instanceTypes) this.types.set(t.name, t);
    for (const i of base.images) this.imagesById.set(i.imageId, i);
    for (const t of additions.instanceTypes ?? []) this.addInstanceType(t);
    for (const i of additions.images ?? []) this.addImage(i);
    for (const name of additions.retiredInstanceTypes ?? []) this.retireInstanceType(name);
    for (const id of additions.retiredImages ?? []) this.retireImage(id);
    this.changes = 0;
  }

  /** Changes since construction: a cache keyed on it knows when to recompute. */
  get version(): number {
    return this.changes;
  }

  /** Any type it knows, retired too (what an existing instance runs as). */
  instanceType(name: string): InstanceType | undefined {
    return this.types.get(name);
  }

  /** Any image it knows, retired too (what an existing instance was launched from). */
  image(imageId: string): Image | undefined {
    return this.imagesById.get(imageId);
  }

  /** A type a new instance may be launched as: known and not retired. */
  launchableInstanceType(name: string): InstanceType | undefined {
    return this.retired.has(`type:${name}`) ? undefined : this.types.get(name);
  }

  /** An image a new instance may be launched from: known and not retired (visibility is the caller's). */
  launchableImage(imageId: string): Image | undefined {
    return this.retired.has(`image:${imageId}`) ? undefined : this.imagesById.get(imageId);
  }

  /** The types on sale: built-in first, then added ones in the order they were added; retired ones left out. */
  instanceTypes(): InstanceType[] {
    return [...this.types.values()].filter((t) => !this.retired.has(`type:${t.name}`));
  }

  /** Every image not retired (whosever it is). */
  images(): Image[] {
    return [...this.imagesById.values()].filter((i) => !this.retired.has(`image:${i.imageId}`));
  }

  /** Every type it knows, retired ones too (what prices must cover). */
  allInstanceTypes(): InstanceType[] {
    return [...this.types.values()];
  }

  /** Whether a type or image was added to this catalog (not built in). */
  isAddedInstanceType(name: string): boolean {
    return this.addedTypes.has(name);
  }

  isAddedImage(imageId: string): boolean {
    return this.addedImages.has(imageId);
  }

  addInstanceType(t: InstanceType): void {
    if (this.types.has(t.name)) throw new RangeError(`instance type '${t.name}' is already in the catalog`);
    this.types.set(t.name, t);
    this.addedTypes.add(t.name);
    this.changes++;
  }

  /** Takes an added type off sale (a built-in one stays); it stays known for the instances that run it. */
  retireInstanceType(name: string): boolean {
    if (!this.addedTypes.has(name) || this.retired.has(`type:${name}`)) return false;
    this.retired.add(`type:${name}`);
    this.changes++;
    return true;
  }

  addImage(i: Image): void {
    if (this.imagesById.has(i.imageId)) throw new RangeError(`image '${i.imageId}' is already in the catalog`);
    this.imagesById.set(i.imageId, i);
    this.addedImages.add(i.imageId);
    this.changes++;
  }

  /** Changes an added image (a tenant's ModifyImageAttribute): the same id, its new attributes; a built-in image stays as it is. */
  replaceImage(i: Image): void {
    if (!this.addedImages.has(i.imageId)) throw new RangeError(`image '${i.imageId}' is not an added image`);
    this.imagesById.set(i.imageId, i);
    this.changes++;
  }

  /** Retires an added image (a built-in one stays): no new launches; instances launched from it keep it. */
  retireImage(imageId: string): boolean {
    if (!this.addedImages.has(imageId) || this.retired.has(`image:${imageId}`)) return false;
    this.retired.add(`image:${imageId}`);
    this.changes++;
    return true;
  }
}
