import { billingMonthOf } from '../calendar/billing-month';
import { isPointRecord, isProratedRecord, UsageRecord } from './usage-record';

/**
 * Cuts an interval record at every UTC month boundary it crosses, so each piece falls in exactly
 * one invoice. The first piece keeps the record's id and `startsPeriod`; later pieces are
 * continuations (`startsPeriod: false`, same `periodStartMs`, id `<recordId>#<YYYY-MM>`), so they
 * pay no new minimum and per-hour products keep counting hours from the original start.
 * Point records (surplus credits, data transfer, volume I/O requests) belong to the month of `atMs` and come back whole.
 */
export function splitAtMonthBoundaries<R extends UsageRecord>(record: R): R[] {
  if (isPointRecord(record)) return [record];
  const pieces: R[] = [];
  let startMs = record.startMs;
  for (;;) {
    const month = billingMonthOf(startMs);
    const endMs = Math.min(record.endMs, month.endMs);
    const first = startMs === record.startMs;
    const piece = first
      ? { ...record, endMs }
      : isProratedRecord(record)
        ? { ...record, recordId: `${record.recordId}#${month.month}`, startMs, endMs }
        : { ...record, recordId: `${record.recordId}#${month.month}`, startMs, endMs, startsPeriod: false };
    pieces.push(piece as R);
    if (endMs >= record.endMs) return pieces;
    startMs = endMs;
  }
}
