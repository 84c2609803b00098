import { ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ApiError, download } from './api';
import { toCsv } from './format';

/** A load's three states, explicit: loading, failed (with the API's message and request id), or its data. */
export type Loaded<T> = { state: 'loading' } | { state: 'error'; error: ApiError | Error } | { state: 'ok'; data: T };

/** Runs `load` when `deps` change (and on `reload()`), aborting the one before. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): [Loaded<T>, () => void] {
  const [state, setState] = useState<Loaded<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => (s.state === 'ok' ? s : { state: 'loading' }));
    load(ctl.signal).then(
      (data) => !ctl.signal.aborted && setState({ state: 'ok', data }),
      (error) => !ctl.signal.aborted && setState({ state: 'error', error }),
    );
    return () => ctl.abort();
  }, [...deps, tick]);
  return [state, useCallback(() => setTick((t) => t + 1), [])];
}

/** A query-string parameter as state, so every filter is in the URL (deep links). */
export function useParam(name: string, fallback = ''): [string, (v: string) => void] {
  const [params, setParams] = useSearchParams();
  const value = params.get(name) ?? fallback;
  const set = useCallback(
    (v: string) =>
      setParams((p) => {
        const next = new URLSearchParams(p);
        if (v === '' || v === fallback) next.delete(name);
        else next.set(name, v);
        return next;
      }, { replace: true }),
    [name, fallback, setParams],
  );
  return [value, set];
}

export function Loading({ what }: { what: string }) {
  return <p className="status" role="status" aria-live="polite">Loading {what}…</p>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="status empty">{children}</p>;
}

export function ErrorBox({ error, onRetry }: { error: ApiError | Error; onRetry?: () => void }) {
  const api = error instanceof ApiError ? error : null;
  return (
    <div className="error" role="alert">
      <strong>{api ? api.code : 'Error'}:</strong> {error.message}
      {api?.requestId && <div className="request-id">Request id: <code>{api.requestId}</code></div>}
      {onRetry && <button type="button" onClick={onRetry}>Retry</button>}
    </div>
  );
}

/** Renders a load: its loading and error states, then `children(data)`. */
export function Show<T>({ loaded, what, children, onRetry }: { loaded: Loaded<T>; what: string; children: (data: T) => ReactNode; onRetry?: () => void }) {
  if (loaded.state === 'loading') return <Loading what={what} />;
  if (loaded.state === 'error') return <ErrorBox error={loaded.error} onRetry={onRetry} />;
  return <>{children(loaded.data)}</>;
}

export interface Column<R> {
  header: string;
  cell: (row: R) => ReactNode;
  /** The plain value for CSV (defaults to the cell when it is a string or number). */
  csv?: (row: R) => string | number;
  numeric?: boolean;
}

/** A table, paged (`pageSize` rows at a time, the page in the query string when `pageParam` is given). */
export function Table<R>({ rows, columns, caption, pageSize = 25, pageParam, empty = 'Nothing to show.', rowKey }: {
  rows: readonly R[]; columns: Column<R>[]; caption: string; pageSize?: number; pageParam?: string; empty?: string; rowKey?: (r: R, i: number) => string;
}) {
  const [localPage, setLocalPage] = useState('1');
  const [urlPage, setUrlPage] = useParam(pageParam ?? '__none', '1');
  const [pageText, setPage] = pageParam ? [urlPage, setUrlPage] : [localPage, setLocalPage];
  if (rows.length === 0) return <Empty>{empty}</Empty>;
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  const page = Math.min(pages, Math.max(1, Number(pageText) || 1));
  const shown = rows.slice((page - 1) * pageSize, page * pageSize);
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>{columns.map((c) => <th key={c.header} scope="col" className={c.numeric ? 'num' : undefined}>{c.header}</th>)}</tr>
        </thead>
        <tbody>
          {shown.map((r, i) => (
            <tr key={rowKey ? rowKey(r, i) : i}>{columns.map((c) => <td key={c.header} className={c.numeric ? 'num' : undefined}>{c.cell(r)}</td>)}</tr>
          ))}
        </tbody>
      </table>
      {pages > 1 && (
        <nav className="pager" aria-label={`${caption} pages`}>
          <button type="button" disabled={page <= 1} onClick={() => setPage(String(page - 1))}>Previous</button>
          <span>Page {page} of {pages} ({rows.length} rows)</span>
          <button type="button" disabled={page >= pages} onClick={() => setPage(String(page + 1))}>Next</button>
        </nav>
      )}
    </div>
  );
}

/** A CSV download of rows, built from the same columns the table shows. */
export function csvOf<R>(rows: readonly R[], columns: Column<R>[]): string {
  return toCsv(columns.map((c) => c.header), rows.map((r) => columns.map((c) => (c.csv ? c.csv(r) : (c.cell(r) as string | number)))));
}

export function CsvButton({ filename, csv, label = 'Download CSV' }: { filename: string; csv: () => string; label?: string }) {
  return <button type="button" onClick={() => download(filename, csv())}>{label}</button>;
}

/** Hooks a handler to the Escape key while mounted (dialogs). */
export function useEscape(onEscape: () => void) {
  const ref = useRef(onEscape);
  ref.current = onEscape;
  useEffect(() => {
    const h = (e: KeyboardEvent) => e.key === 'Escape' && ref.current();
    window.addEventListener('keydown', h);
    return () => window.removeEventListener('keydown', h);
  }, []);
}

/** A confirmation dialog (native <dialog>, modal: focus stays inside, Escape cancels). */
export function Confirm({ title, children, confirmLabel, onConfirm, onCancel }: { title: string; children: ReactNode; confirmLabel: string; onConfirm: () => void; onCancel: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby="confirm-title" onCancel={(e) => { e.preventDefault(); onCancel(); }}>
      <h2 id="confirm-title">{title}</h2>
      <div>{children}</div>
      <div className="actions">
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="button" className="danger" onClick={onConfirm}>{confirmLabel}</button>
      </div>
    </dialog>
  );
}
