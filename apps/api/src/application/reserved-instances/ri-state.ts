/** How long a purchase stays `payment-pending` (engine time) before it is `active`. */
export const RI_PAYMENT_PENDING_MS = 60_000;

export type RiState = 'payment-pending' | 'active' | 'retired';

/** What a Reserved Instance's term is read from: its start and its duration (EC2's Duration, seconds). */
export interface RiTerm {
  readonly startMs: number;
  readonly durationSeconds: number;
}

/** The instant a Reserved Instance's term ends (EC2's End): its start plus its duration. */
export const riEndMs = (ri: RiTerm): number => ri.startMs + ri.durationSeconds * 1000;

/** A Reserved Instance's state at an instant: payment-pending for a minute, active through the term, retired after it. */
export const riStateAt = (ri: RiTerm, now: number): RiState =>
  now < ri.startMs + RI_PAYMENT_PENDING_MS ? 'payment-pending' : now < riEndMs(ri) ? 'active' : 'retired';
