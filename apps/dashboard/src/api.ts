/**
 * The one way the dashboard calls Nimbus: the documented admin API, with the admin key from this
 * browser session. Every failure becomes an ApiError carrying the API's code, message and request
 * id (API.md's error shape), which the pages show as they are.
 */

const KEY = 'nimbus.adminKey';

export function adminKey(): string | null {
  return sessionStorage.getItem(KEY);
}
export function setAdminKey(key: string): void {
  sessionStorage.setItem(KEY, key);
}
export function forgetAdminKey(): void {
  sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    /** InvalidScenario and validation errors: the JSON paths the API names, with their messages. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * "The scenario is not valid: /durationHours: must be ≥ 1; /fleet/zones/0: …" → path → message.
 * InvalidScenario and InvalidExperiment name each bad field by its JSON path in the message.
 */
export function problemPaths(e: ApiError): Map<string, string> {
  const out = new Map<string, string>();
  const text = e.message.replace(/^The (scenario|experiment) is not valid:\s*/, '');
  for (const part of text.split('; ')) {
    const m = /^(\/[^:]*|\(root\)|)\s*:\s*(.*)$/.exec(part.trim());
    if (m) out.set(m[1] || '/', m[2]);
    else out.set('/', part);
  }
  return out;
}

type Query = Record<string, string | number | undefined | null>;

export function url(path: string, query?: Query): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

async function failure(res: Response): Promise<ApiError> {
  const requestId = res.headers.get('x-request-id');
  let body: any = null;
  try {
    body = await res.json();
  } catch {
    // not JSON
  }
  const e = body?.error;
  if (e && typeof e.message === 'string') return new ApiError(res.status, String(e.code ?? res.status), e.message, e.requestId ?? requestId, e.details ?? e.errors);
  return new ApiError(res.status, String(res.status), `${res.status} ${res.statusText || 'error'}`, requestId);
}

export async function call<T>(method: string, path: string, opts: { query?: Query; body?: unknown; key?: string; accept?: string; signal?: AbortSignal } = {}): Promise<T> {
  const key = opts.key ?? adminKey() ?? '';
  let res: Response;
  try {
    res = await fetch(url(path, opts.query), {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        accept: opts.accept ?? 'application/json',
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NetworkError', `Nimbus did not answer: ${(err as Error).message}`, null);
  }
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return undefined as T;
  if ((opts.accept ?? '').includes('text/csv')) return (await res.text()) as T;
  return (await res.json()) as T;
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) => call<T>('GET', path, { query, signal });
export const post = <T>(path: string, body?: unknown) => call<T>('POST', path, { body: body ?? {} });
export const put = <T>(path: string, body: unknown) => call<T>('PUT', path, { body });
export const patch = <T>(path: string, body: unknown) => call<T>('PATCH', path, { body });
export const del = <T>(path: string) => call<T>('DELETE', path);
export const getCsv = (path: string, query?: Query) => call<string>('GET', path, { query, accept: 'text/csv' });

/**
 * Server-sent events over fetch (EventSource cannot send the Authorization header): calls
 * `onEvent` for each event until the stream ends or `signal` aborts.
 */
export async function streamEvents(path: string, onEvent: (event: string, data: any) => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${adminKey() ?? ''}`, accept: 'text/event-stream' }, signal });
  if (!res.ok || !res.body) throw await failure(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length) onEvent(event, JSON.parse(data.join('\n')));
    }
  }
}

/** Saves text as a file download. */
export function download(filename: string, text: string, type = 'text/csv'): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
