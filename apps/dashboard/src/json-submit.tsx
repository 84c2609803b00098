import { ChangeEvent, FormEvent, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError, post, problemPaths } from './api';

/**
 * The submit flow the simulations and experiments forms share: build the body from the form (a
 * JSON syntax error is shown beside `jsonField`), POST it, go to the created resource's page, and
 * show a 400 naming JSON paths (`invalidCode`) beside each field.
 */
export function useJsonSubmit<T>(opts: { path: string; invalidCode: string; to: (created: T) => string }) {
  const navigate = useNavigate();
  const [doc, setDoc] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Map<string, string>>(new Map());
  const [busy, setBusy] = useState(false);

  /** `build` makes the body; `jsonField` names the field whose JSON it parsed, should parsing fail. */
  const submit = (build: () => Record<string, unknown>, jsonField: string) => async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setFieldErrors(new Map());
    let body: Record<string, unknown>;
    try {
      body = build();
    } catch (err) {
      setFieldErrors(new Map([[jsonField, `not valid JSON: ${(err as Error).message}`]]));
      return;
    }
    setBusy(true);
    try {
      navigate(opts.to(await post<T>(opts.path, body)));
    } catch (err) {
      if (err instanceof ApiError && err.code === opts.invalidCode) setFieldErrors(problemPaths(err));
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (f) setDoc(await f.text());
  };
  const fieldError = (path: string, id: string) => (fieldErrors.has(path) ? <span id={id} className="field-error">{fieldErrors.get(path)}</span> : null);
  return { doc, setDoc, error, fieldErrors, busy, submit, upload, fieldError };
}
