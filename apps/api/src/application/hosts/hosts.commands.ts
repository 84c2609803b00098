/** The operator's commands and queries on the fleet's hosts (HostsService). */

export interface AddHostsCommand {
  readonly hostType: string;
  readonly availabilityZone: string;
  readonly count: number;
}

export interface ListHostsQuery {
  readonly availabilityZone?: string;
  readonly hostType?: string;
}

export interface HostIdCommand {
  readonly hostId: string;
}
