import type { TenantEntity } from '../../persistence/entities';

/**
 * The contract of the EC2 Query adapter's actions. Each feature's actions live in
 * `http/ec2/actions/<feature>.actions.ts` and export an `Ec2Actions` map; the adapter
 * (http/ec2/ec2.adapter.ts) parses the request, verifies its signature, throttles it through the
 * same per-operation buckets as REST, refuses parameters an action does not declare
 * (`UnknownParameter`), answers `DryRun`, runs the handler and wraps its answer as EC2's XML
 * (`<{Action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>…`).
 * Handlers call application methods only; a domain error (ApiError / DomainError, whose codes are
 * EC2's) becomes EC2's error document.
 */

/** One `Filter.N` of a Describe action. */
export interface Ec2Filter {
  readonly name: string;
  readonly values: readonly string[];
}

/** A request's parameters (or one structure inside them), read by name. Malformed values throw `InvalidParameterValue`, missing required ones `MissingParameter`. */
export interface Ec2Params {
  has(name: string): boolean;
  string(name: string): string | undefined;
  required(name: string): string;
  int(name: string, range?: { readonly min?: number; readonly max?: number }): number | undefined;
  bool(name: string): boolean | undefined;
  /** `Name.1`, `Name.2`, … in index order (EC2's lists of scalars, e.g. `InstanceId.N`). */
  list(name: string): string[];
  /** `Name.1.Field`, `Name.2.Field`, … as structures, in index order (e.g. `TagSpecification.N`). */
  structs(name: string): Ec2Params[];
  /** `Name.Field` as one structure (e.g. `Placement.AvailabilityZone`), absent when none is given. */
  struct(name: string): Ec2Params | undefined;
  /** `Filter.N.Name` / `Filter.N.Value.M`. */
  filters(): Ec2Filter[];
  /** The names directly inside this structure (`CpuOptions.CoreCount` → `CoreCount`), each once. */
  fields(): string[];
  /** Every parameter inside this structure, named without its prefix (`LaunchTemplateData.ImageId` → `ImageId`), in order. */
  entries(): [string, string][];
}

export interface Ec2Context {
  readonly tenant: TenantEntity;
  /** The tenant's 12-digit account id (`ownerId`). */
  readonly accountId: string;
  readonly requestId: string;
}

/**
 * The answer's content inside `<{Action}Response>` after `requestId`, in EC2's element order.
 * Arrays become EC2's list shape: `{ instancesSet: items([...]) }` → `<instancesSet><item>…</item></instancesSet>`.
 */
export type Ec2Answer = Record<string, unknown>;

export interface Ec2Action {
  /** The throttling bucket (an `Operation` of application/throttling) this action draws from, shared with REST. */
  readonly operation: string;
  /** Top-level parameter names the action supports (besides Action, Version, DryRun and the signature's); the first segment before a dot is matched, so `Filter` covers `Filter.1.Name`. Others are refused with `UnknownParameter`. */
  readonly params: readonly string[];
  /**
   * For `DryRun=true`: whether the caller could do it (checked without doing it). Absent means
   * any tenant with valid credentials could. The adapter answers `DryRunOperation` (412) or
   * `UnauthorizedOperation`.
   */
  readonly dryRun?: (ctx: Ec2Context, p: Ec2Params) => Promise<void>;
  readonly handler: (ctx: Ec2Context, p: Ec2Params) => Promise<Ec2Answer>;
}

export type Ec2Actions = Readonly<Record<string, Ec2Action>>;

/** EC2's list shape: `<xSet><item>…</item>…</xSet>` (empty: `<xSet/>`). */
export function items<T>(list: readonly T[]): { item: readonly T[] } {
  return { item: list };
}
