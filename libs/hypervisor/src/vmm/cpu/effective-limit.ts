/**
 * The CPU limit a VM runs under in an interval (docs/model.md §3.1, §3.7): the tenant's limit, lowered
 * by the VM's credits (a standard-mode burstable VM with no credits left is held to its baseline:
 * `CreditAccount.effectiveLimitMillicores`) and by live migration's auto-converge throttle (QEMU
 * cuts the guest's CPU by `throttlePercent` %, rounded down to whole millicores). Never below one
 * millicore, so that a VM that runs always makes progress.
 *
 * @param limitMillicores the tenant's limit
 * @param creditLimitMillicores the credits' limit; Infinity for a VM without credits
 * @param throttlePercent auto-converge's throttle, 0..99; 0 when not migrating
 */
export function effectiveCpuLimitMillicores(limitMillicores: number, creditLimitMillicores: number, throttlePercent: number): number {
  let limit = Math.min(limitMillicores, creditLimitMillicores);
  if (throttlePercent > 0) limit = Math.floor((limit * (100 - throttlePercent)) / 100);
  return Math.max(1, limit);
}
