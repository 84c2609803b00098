// The public surface of @nimbus/simulation: the world (one construction, from a configuration or a
// saved state), its commands, change sets, usage metering from fleet events, and the offline
// runner. Framework-free; it may import @nimbus/hypervisor, @nimbus/scheduler and @nimbus/metering.
export * from './world/world';
export * from './world/world-state';
export * from './world/change-set';
export * from './metering/usage-meter';
export * from './metering/stored-usage';
export * from './metering/list-prices';
export * from './commands/launch';
export * from './commands/lifecycle';
export * from './run/runner';
export * from './commands/fleet';
export * from './commands/resources';
export * from './scenario';
export * from './experiment';
