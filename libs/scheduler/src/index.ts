export * from './contract';
export * from './scheduler';
export { checkVcpuQuota } from './quota/vcpu-quota';
export type { VcpuQuotaCheck } from './quota/vcpu-quota';
export * from './policies/auto-recovery';
export * from './policies/maintenance';
export * from './policies/migration-executor';
export * from './policies/rebalancer.config';
export * from './policies/rebalancer';
