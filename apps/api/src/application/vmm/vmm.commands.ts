/**
 * The VMM's operations as commands. Values a client sends that can only be checked against the
 * world (a workload against the instance's type, a window against "now", a settings document
 * against the scheduler) are carried as received and checked here, in the application layer, so
 * every adapter gives the same errors.
 */

/** A metrics window: `from`/`to` ISO 8601 simulated times, `period` whole seconds (a multiple of 60). */
export interface MetricsWindowQuery {
  readonly from?: unknown;
  readonly to?: unknown;
  readonly period?: unknown;
}

/** GetInstanceMetrics. */
export interface MetricsQuery extends MetricsWindowQuery {
  readonly instanceId: string;
}

/** A host with its allocation and its metrics over a window. */
export interface HostQuery extends MetricsWindowQuery {
  readonly hostId: string;
}

/** A page of the event log, newest first: at most `maxResults` (1–1,000, default 100), after `nextToken`. */
export interface EventsPageQuery {
  readonly maxResults?: unknown;
  readonly nextToken?: unknown;
}

/** GetInstanceEvents: the tenant's instance's events. */
export interface InstanceEventsQuery extends EventsPageQuery {
  readonly instanceId: string;
}

/** The operator's event log, filtered by host, instance and event type. */
export interface AdminEventsQuery extends EventsPageQuery {
  readonly hostId?: unknown;
  readonly instanceId?: unknown;
  readonly type?: unknown;
}

/** One of the tenant's instances, named by id. */
export interface InstanceRef {
  readonly instanceId: string;
}

/** PutInstanceWorkload: what the guest does from now on; an omitted part keeps its value. */
export interface SetWorkloadCommand {
  readonly instanceId: string;
  /** The workload document, checked against the instance's type (validateWorkload). */
  readonly workload: unknown;
}

/** A host, named by id (repair, drain, power off, power on). */
export interface HostRef {
  readonly hostId: string;
}

/** Fail a host, or only its driver domain. */
export interface FailHostCommand {
  readonly hostId: string;
  readonly component: 'host' | 'driver-domain';
}

/** An operator's live migration of an instance to a host. */
export interface MigrateInstanceCommand {
  readonly instanceId: string;
  readonly targetHostId: string;
}

/** New scheduler settings (ratios, weigher, overrides), as a document merged into the current ones. */
export interface UpdateSchedulerConfigCommand {
  readonly settings: unknown;
}

/** New rebalancing settings, each block merged field by field. */
export interface UpdateRebalancerConfigCommand {
  readonly settings: unknown;
}
