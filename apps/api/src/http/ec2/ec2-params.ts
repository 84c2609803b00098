import { ApiError } from '../../application/common/api-errors';
import type { Ec2Filter, Ec2Params } from './ec2-action';

const invalid = (name: string, value: string, why: string) => new ApiError('InvalidParameterValue', `Value (${value.slice(0, 100)}) for parameter ${name} is invalid. ${why}`);

const INTEGER = /^-?\d{1,15}$/;

/**
 * A request's parameters as EC2's Query protocol flattens them (`Name`, `Name.N`, `Name.N.Field`,
 * `Name.Field`), read through a prefix: `struct('Placement')` reads `Placement.*` as a structure.
 * `names` are the full parameter names, for error messages.
 */
export class QueryParams implements Ec2Params {
  constructor(
    private readonly all: ReadonlyMap<string, string>,
    private readonly prefix = '',
  ) {}

  has(name: string): boolean {
    const full = this.prefix + name;
    if (this.all.has(full)) return true;
    for (const k of this.all.keys()) if (k.startsWith(full + '.')) return true;
    return false;
  }

  string(name: string): string | undefined {
    return this.all.get(this.prefix + name);
  }

  required(name: string): string {
    const v = this.string(name);
    if (v === undefined || v === '') throw new ApiError('MissingParameter', `The request must contain the parameter ${this.prefix + name}`);
    return v;
  }

  int(name: string, range: { readonly min?: number; readonly max?: number } = {}): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    if (!INTEGER.test(v.trim())) throw invalid(this.prefix + name, v, 'It must be an integer.');
    const n = Number(v.trim());
    if (range.min !== undefined && n < range.min) throw invalid(this.prefix + name, v, `It must be at least ${range.min}.`);
    if (range.max !== undefined && n > range.max) throw invalid(this.prefix + name, v, `It must be at most ${range.max}.`);
    return n;
  }

  bool(name: string): boolean | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const lower = v.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw invalid(this.prefix + name, v, "It must be 'true' or 'false'.");
  }

  list(name: string): string[] {
    return this.indices(name).filter((i) => this.all.has(`${this.prefix}${name}.${i}`)).map((i) => this.all.get(`${this.prefix}${name}.${i}`)!);
  }

  structs(name: string): Ec2Params[] {
    return this.indices(name).filter((i) => !this.all.has(`${this.prefix}${name}.${i}`)).map((i) => new QueryParams(this.all, `${this.prefix}${name}.${i}.`));
  }

  struct(name: string): Ec2Params | undefined {
    const p = `${this.prefix}${name}.`;
    for (const k of this.all.keys()) if (k.startsWith(p)) return new QueryParams(this.all, p);
    return undefined;
  }

  fields(): string[] {
    const out = new Set<string>();
    for (const k of this.all.keys()) if (k.startsWith(this.prefix)) out.add(k.slice(this.prefix.length).split('.', 1)[0]);
    return [...out];
  }

  entries(): [string, string][] {
    const out: [string, string][] = [];
    for (const [k, v] of this.all) if (k.startsWith(this.prefix)) out.push([k.slice(this.prefix.length), v]);
    return out;
  }

  filters(): Ec2Filter[] {
    return this.structs('Filter').map((f) => ({ name: f.required('Name'), values: f.list('Value') }));
  }

  /** The indices N of `name.N` / `name.N.…`, in numeric order (EC2 numbers from 1; gaps allowed). */
  private indices(name: string): number[] {
    const p = `${this.prefix}${name}.`;
    const seen = new Set<number>();
    for (const k of this.all.keys()) {
      if (!k.startsWith(p)) continue;
      const rest = k.slice(p.length);
      const dot = rest.indexOf('.');
      const index = dot < 0 ? rest : rest.slice(0, dot);
      if (!/^\d{1,6}$/.test(index)) throw invalid(k, this.all.get(k)!, `${name} is a list: its members are ${name}.1, ${name}.2, …`);
      seen.add(Number(index));
    }
    return [...seen].sort((a, b) => a - b);
  }
}

/** Parameters from a URL-encoded string (a query string or a form body), in order; a repeated name keeps its last value. */
export function parseQueryString(text: string, into = new Map<string, string>()): Map<string, string> {
  for (const [k, v] of new URLSearchParams(text)) into.set(k, v);
  return into;
}
