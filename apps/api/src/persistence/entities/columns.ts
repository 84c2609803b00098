import { ValueTransformer } from 'typeorm';

/** bigint columns hold simulated milliseconds; PostgreSQL returns them as strings. */
export const msTransformer: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? v : Number(v)),
};

/** Nullable text columns holding JSON (portable across SQLite and PostgreSQL). */
export const jsonTransformer: ValueTransformer = {
  to: (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v)),
  from: (v: string | null) => (v === null || v === undefined ? null : JSON.parse(v)),
};
