/** How long a purchase stays `payment-pending` (engine time) before it is `active`. */
export const RI_PAYMENT_PENDING_MS = 60_000;

export type RiState = 'payment-pending' | 'active' | 'retired';

/** A Reserved Instance's state at an instant: payment-pending for a minute, active through the term, retired after it. */
export const riStateAt = (ri: { readonly startMs: number; readonly endMs: number }, now: number): RiState =>
  now < ri.startMs + RI_PAYMENT_PENDING_MS ? 'payment-pending' : now < ri.endMs ? 'active' : 'retired';
