import { ValueTransformer } from 'typeorm';

/** bigint columns hold simulated milliseconds; PostgreSQL returns them as strings. */
export const msTransformer: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? v : Number(v)),
};
