/**
 * What counts as a violation of a running VM's guarantee (docs/model.md §3.1, §3.2, §3.8), for the SLA:
 * - CPU: it got less than min(demand, reservation), the share the division guarantees it
 *   (`CpuBuffers.guaranteed`);
 * - a fault: its host failed under it, or it is rebooting on new hardware, while it wanted some of
 *   its reservation (min(demand, reservation) > 0): it got none of it;
 * - memory: the hypervisor swaps some of it. Memory is not oversubscribed by default, so a swapped
 *   VM does not have the memory it was given (ballooning takes only idle pages: no violation).
 * The fault and memory clauses hold for a running VM only; one that does not run demands nothing, so
 * it has no CPU guarantee either.
 */
export function isGuaranteeViolated(
  running: boolean,
  allocatedMillicores: number,
  guaranteedMillicores: number,
  hostLost: boolean,
  demandMillicores: number,
  reservationMillicores: number,
  swappedMiB: number,
): boolean {
  const faulted = running && hostLost && Math.min(demandMillicores, reservationMillicores) > 0;
  return allocatedMillicores < guaranteedMillicores || faulted || (swappedMiB > 0 && running);
}
