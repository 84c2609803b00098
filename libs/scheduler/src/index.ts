export * from './contract';
export * from './scheduler';
export { checkVcpuQuota } from './quota/vcpu-quota';
export type { VcpuQuotaCheck } from './quota/vcpu-quota';
export * from './policies/auto-recovery';
export * from './policies/maintenance';
export * from './licensing/license-rules';
