import { WeigherName } from '../contract';
import { ZoneCandidates } from './capacity-index';

/**
 * A soft weigher orders the hosts that pass every filter. Hosts are compared by their *slots* for
 * the request: how many more instances of its shape each could take (see SlotIndex), so "least
 * free capacity" is measured in what the request needs, on whichever dimension binds.
 */
export interface Weigher {
  readonly name: WeigherName;
  /**
   * One host id per instance (a host may repeat), chosen one instance at a time as if each
   * earlier pick had already landed. `count` ≤ zone.fits.
   */
  pick(zone: ZoneCandidates, count: number): string[];
}
