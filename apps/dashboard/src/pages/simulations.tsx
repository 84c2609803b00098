import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { download, get, getCsv, post, streamEvents } from '../api';
import { Chart } from '../chart';
import { Simulation } from '../data';
import { formatDuration, formatNumber, formatPercent } from '../format';
import { useJsonSubmit } from '../json-submit';
import { ErrorBox, Show, Table, useLoad, useParam } from '../ui';

interface BuiltIn { name: string; description?: string; summary: Record<string, unknown>; scenario: Record<string, unknown> }
interface Report { headline: Record<string, number>; series: { name: string; unit: string; bucketMs: number; groupBy: string; group: string; points: number[] }[]; tables: { name: string; columns: string[]; rows: unknown[][] }[] }
interface Comparison {
  a: { simulationId: string }; b: { simulationId: string };
  headline: Record<string, { a: number | null; b: number | null; delta: number | null; relativeDelta: number | null }>;
  series: { name: string; unit: string; bucketMs: number; groupBy: string; group: string; a: number[] | null; b: number[] | null }[];
}

const FINAL = ['completed', 'failed', 'cancelled'];

function SubmitForm() {
  const [builtIns] = useLoad(() => get<{ scenarios: BuiltIn[] }>('/v1/admin/scenarios'), []);
  const [mode, setMode] = useState<'builtIn' | 'json'>('builtIn');
  const [name, setName] = useState('');
  const [duration, setDuration] = useState('');
  const [seed, setSeed] = useState('');
  const [overrides, setOverrides] = useState('');
  const { doc, setDoc, error, fieldErrors, busy, submit: submitWith, upload, fieldError } =
    useJsonSubmit<Simulation>({ path: '/v1/admin/simulations', invalidCode: 'InvalidScenario', to: (run) => `/simulations/${run.simulationId}` });
  const submit = submitWith(() => {
    if (mode === 'json') return { scenario: JSON.parse(doc) };
    const extra = overrides.trim() ? JSON.parse(overrides) : {};
    return { builtIn: name || (builtIns.state === 'ok' ? builtIns.data.scenarios[0]?.name : ''), overrides: { ...extra, ...(duration ? { durationHours: Number(duration) } : {}), ...(seed ? { seed: Number(seed) } : {}) } };
  }, mode === 'json' ? '/' : 'overrides');
  const others = [...fieldErrors].filter(([p]) => !['/durationHours', '/seed'].includes(p));
  return (
    <form onSubmit={submit} aria-label="Submit a simulation">
      <fieldset className="filters">
        <legend>Scenario</legend>
        <label><span><input type="radio" name="mode" checked={mode === 'builtIn'} onChange={() => setMode('builtIn')} /> built-in, with overrides</span></label>
        <label><span><input type="radio" name="mode" checked={mode === 'json'} onChange={() => setMode('json')} /> JSON document (paste or upload)</span></label>
      </fieldset>
      {mode === 'builtIn' ? (
        <Show loaded={builtIns} what="built-in scenarios">
          {(b) => (
            <>
              <div className="filters">
                <label>Built-in scenario
                  <select name="builtIn" value={name || b.scenarios[0]?.name} onChange={(e) => setName(e.target.value)}>
                    {b.scenarios.map((s) => <option key={s.name} value={s.name}>{s.name}</option>)}
                  </select>
                </label>
                <label>Duration (hours)<input name="durationHours" type="number" value={duration} onChange={(e) => setDuration(e.target.value)} aria-invalid={fieldErrors.has('/durationHours')} aria-describedby="err-duration" />{fieldError('/durationHours', 'err-duration')}</label>
                <label>Seed<input name="seed" type="number" value={seed} onChange={(e) => setSeed(e.target.value)} aria-invalid={fieldErrors.has('/seed')} aria-describedby="err-seed" />{fieldError('/seed', 'err-seed')}</label>
              </div>
              <p className="status">{b.scenarios.find((s) => s.name === (name || b.scenarios[0]?.name))?.description}</p>
              <label style={{ display: 'flex' }}>Other overrides (JSON Merge Patch onto the scenario)
                <textarea name="overrides" rows={3} value={overrides} onChange={(e) => setOverrides(e.target.value)} aria-describedby="err-overrides" />
              </label>
              {fieldError('overrides', 'err-overrides')}
            </>
          )}
        </Show>
      ) : (
        <>
          <label style={{ display: 'flex' }}>Scenario document (JSON)
            <textarea name="scenario" rows={10} value={doc} onChange={(e) => setDoc(e.target.value)} aria-invalid={others.length > 0} aria-describedby="err-doc" />
          </label>
          <label>Or upload a file<input type="file" accept="application/json,.json" onChange={upload} /></label>
        </>
      )}
      {others.length > 0 && (
        <ul id="err-doc" className="field-error" aria-label="Problems in the scenario">
          {others.map(([p, m]) => <li key={p}><code>{p}</code>: {m}</li>)}
        </ul>
      )}
      <p><button type="submit" className="primary" disabled={busy}>{busy ? 'Submitting…' : 'Run simulation'}</button></p>
      {error && <ErrorBox error={error} />}
    </form>
  );
}

export function Simulations() {
  const navigate = useNavigate();
  const [loaded, reload] = useLoad(() => get<{ simulations: Simulation[] }>('/v1/admin/simulations', { maxResults: 200 }), []);
  const [picked, setPicked] = useState<string[]>([]);
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-2)));
  return (
    <>
      <h1>Simulations</h1>
      <h2>Submit</h2>
      <SubmitForm />
      <h2>Runs</h2>
      <p><button type="button" disabled={picked.length !== 2} onClick={() => navigate(`/simulations/compare?a=${picked[0]}&b=${picked[1]}`)}>Compare the two selected runs</button></p>
      <Show loaded={loaded} what="simulations" onRetry={reload}>
        {(d) => (
          <Table caption="Simulation runs (newest first)" rows={d.simulations} rowKey={(s) => s.simulationId} pageParam="page" empty="No simulation has run yet." columns={[
            { header: 'Compare', cell: (s) => <input type="checkbox" aria-label={`Select ${s.simulationId} to compare`} checked={picked.includes(s.simulationId)} disabled={s.state !== 'completed'} onChange={() => toggle(s.simulationId)} />, csv: () => '' },
            { header: 'Run', cell: (s) => <Link to={`/simulations/${s.simulationId}`}>{s.simulationId}</Link>, csv: (s) => s.simulationId },
            { header: 'Scenario', cell: (s) => s.builtIn ?? 'custom' },
            { header: 'State', cell: (s) => s.state },
            { header: 'Progress', numeric: true, cell: (s) => formatPercent(s.progress.fraction) },
          ]} />
        )}
      </Show>
    </>
  );
}

function SeriesChart({ simulationId, series }: { simulationId: string; series: Report['series'] }) {
  const first = series[0];
  const hours = first.points.map((_, i) => `${formatNumber((i * first.bucketMs) / 3_600_000, 1)} h`);
  const csv = async () => download(`${simulationId}-${first.name}.csv`, await getCsv(`/v1/admin/simulations/${simulationId}/csv`, { series: first.name }));
  return (
    <div>
      <Chart title={`${first.name} by ${first.groupBy}`} kind="line" categories={hours} xName="simulated time since start" yName={first.unit} format={(v) => `${formatNumber(v, 2)} ${first.unit}`}
        series={series.slice(0, 10).map((s) => ({ name: s.group, values: s.points }))} />
      <button type="button" onClick={csv}>Download {first.name} CSV (from the API)</button>
    </div>
  );
}

export function SimulationDetail() {
  const { id = '' } = useParams();
  const [run, setRun] = useState<Simulation | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    setRun(null);
    setReport(null);
    (async () => {
      try {
        const first = await get<Simulation>(`/v1/admin/simulations/${id}`);
        setRun(first);
        if (!FINAL.includes(first.state)) await streamEvents(`/v1/admin/simulations/${id}/events`, (_event, data) => setRun(data), ctl.signal);
        const last = await get<Simulation>(`/v1/admin/simulations/${id}`);
        setRun(last);
        if (last.state === 'completed' || last.state === 'cancelled') setReport(await get<Report>(`/v1/admin/simulations/${id}/report`));
      } catch (err) {
        if (!ctl.signal.aborted) setError(err as Error);
      }
    })();
    return () => ctl.abort();
  }, [id]);
  const cancel = async () => {
    try {
      setRun(await post<Simulation>(`/v1/admin/simulations/${id}/cancel`));
    } catch (err) {
      setError(err as Error);
    }
  };
  const groups = new Map<string, Report['series']>();
  report?.series.filter((s) => s.groupBy === 'fleet' || s.groupBy === 'zone').forEach((s) => groups.set(`${s.name}|${s.groupBy}`, [...(groups.get(`${s.name}|${s.groupBy}`) ?? []), s]));
  return (
    <>
      <p><Link to="/simulations">← Simulations</Link></p>
      <h1>Simulation {id}</h1>
      {error && <ErrorBox error={error} />}
      {!run && !error && <p className="status" role="status">Loading the run…</p>}
      {run && (
        <section aria-label="Progress">
          <p>State: <strong data-testid="sim-state">{run.state}</strong>{run.cancelRequested && run.state === 'running' ? ' (cancel requested)' : ''}</p>
          <progress max={1} value={run.progress.fraction} aria-label="Simulation progress" />
          <p>
            {formatPercent(run.progress.fraction)} · simulated {formatDuration(run.progress.simulatedTime)} of {formatDuration(run.progress.simulatedDuration)} ·
            {' '}{formatNumber(run.progress.events, 0)} events · {formatDuration(run.progress.wallSeconds)} of wall time
            {run.progress.etaSeconds !== null && !FINAL.includes(run.state) ? ` · about ${formatDuration(run.progress.etaSeconds)} left` : ''}
          </p>
          {!FINAL.includes(run.state) && <button type="button" className="danger" onClick={cancel}>Cancel</button>}
        </section>
      )}
      {report && (
        <>
          <h2>Headline</h2>
          <Table caption="Headline figures" rows={Object.entries(report.headline)} rowKey={([k]) => k} pageSize={50} columns={[
            { header: 'Figure', cell: ([k]) => k }, { header: 'Value', numeric: true, cell: ([, v]) => formatNumber(v, 3), csv: ([, v]) => v },
          ]} />
          <h2>Series</h2>
          <div className="grid">{[...groups.values()].slice(0, 12).map((s) => <SeriesChart key={`${s[0].name}|${s[0].groupBy}`} simulationId={id} series={s} />)}</div>
          {report.tables.map((t) => (
            <section key={t.name}>
              <h2>{t.name}</h2>
              <Table caption={t.name} rows={t.rows} columns={t.columns.map((c, i) => ({ header: c, cell: (r: unknown[]) => String(r[i] ?? '') }))} />
              <button type="button" onClick={async () => download(`${id}-${t.name}.csv`, await getCsv(`/v1/admin/simulations/${id}/csv`, { table: t.name }))}>Download {t.name} CSV</button>
            </section>
          ))}
        </>
      )}
    </>
  );
}

export function SimulationCompare() {
  const [params] = useSearchParams();
  const a = params.get('a') ?? '';
  const b = params.get('b') ?? '';
  const [only] = useParam('series');
  const [loaded, reload] = useLoad(() => get<Comparison>('/v1/admin/simulations/compare', { a, b }), [a, b]);
  return (
    <>
      <p><Link to="/simulations">← Simulations</Link></p>
      <h1>Compare runs</h1>
      <p>A: <Link to={`/simulations/${a}`}>{a}</Link> · B: <Link to={`/simulations/${b}`}>{b}</Link></p>
      <Show loaded={loaded} what="the comparison" onRetry={reload}>
        {(c) => {
          const fleet = c.series.filter((s) => s.groupBy === 'fleet' && (!only || s.name === only));
          return (
            <>
              <Table caption="Headline figures, A and B, and the difference B − A" rows={Object.entries(c.headline)} rowKey={([k]) => k} pageSize={50} columns={[
                { header: 'Figure', cell: ([k]) => k },
                { header: 'A', numeric: true, cell: ([, h]) => (h.a === null ? '—' : formatNumber(h.a, 3)), csv: ([, h]) => h.a ?? '' },
                { header: 'B', numeric: true, cell: ([, h]) => (h.b === null ? '—' : formatNumber(h.b, 3)), csv: ([, h]) => h.b ?? '' },
                { header: 'Δ (B − A)', numeric: true, cell: ([, h]) => (h.delta === null ? '—' : <span className={h.delta > 0 ? 'delta-pos' : h.delta < 0 ? 'delta-neg' : undefined}>{h.delta > 0 ? '+' : ''}{formatNumber(h.delta, 3)}</span>), csv: ([, h]) => h.delta ?? '' },
                { header: 'Δ %', numeric: true, cell: ([, h]) => (h.relativeDelta === null ? '—' : formatPercent(h.relativeDelta)), csv: ([, h]) => h.relativeDelta ?? '' },
              ]} />
              <div className="grid">
                {fleet.slice(0, 8).map((s) => {
                  const n = Math.max(s.a?.length ?? 0, s.b?.length ?? 0);
                  return (
                    <Chart key={s.name} title={`${s.name}, A vs B`} kind="line" categories={Array.from({ length: n }, (_, i) => `${formatNumber((i * s.bucketMs) / 3_600_000, 1)} h`)}
                      xName="simulated time since start" yName={s.unit} format={(v) => `${formatNumber(v, 2)} ${s.unit}`}
                      series={[{ name: 'A', values: s.a ?? [] }, { name: 'B', values: s.b ?? [] }]} />
                  );
                })}
              </div>
            </>
          );
        }}
      </Show>
    </>
  );
}
