import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { download, get, getCsv } from '../api';
import { IntervalChart } from '../chart';
import { formatDateTime, formatNumber, formatPercent } from '../format';
import { useJsonSubmit } from '../json-submit';
import { ErrorBox, Show, Table, useLoad } from '../ui';

/** Shapes of the experiments API's answers (docs/experiments/README.md). */
interface FigureSummary { mean: number; stdDev: number | null; ci95: [number, number] | null; n: number }
export interface ExperimentReport {
  name: string; title: string | null; question: string | null; answer: string | null; repetitions: number; figures: string[];
  variables: { name: string; path: string; labels: string[] }[];
  variants: { variant: number; values: Record<string, string>; figures: Record<string, FigureSummary> }[];
  series: { figure: string; labels: string[]; means: number[]; ci95: ([number, number] | null)[] }[];
}
interface ExperimentRun { variant: number; repetition: number; values: Record<string, string>; simulationId: string; state: string; reused: boolean }
interface ExperimentDoc { name: string; title?: string; question?: string; variables: { name: string; values: unknown[] }[]; repetitions?: number; seed?: number }
export interface ExperimentView {
  experimentId: string; name: string; builtIn?: string; state: 'running' | 'completed' | 'failed'; experiment: ExperimentDoc;
  progress: { runs: number; finished: number; reused: number; fraction: number };
  createdAt: string; finishedAt?: string; error?: string; runs?: ExperimentRun[]; report?: ExperimentReport;
}
interface BuiltInExperiment { name: string; experiment: ExperimentDoc; runs: number }

/** How often a running experiment's page asks for its progress. */
const POLL_MS = 1000;

function SubmitForm() {
  const [builtIns] = useLoad(() => get<{ experiments: BuiltInExperiment[] }>('/v1/admin/experiments/built-in'), []);
  const [mode, setMode] = useState<'builtIn' | 'json'>('builtIn');
  const [name, setName] = useState('');
  const [repetitions, setRepetitions] = useState('');
  const [seed, setSeed] = useState('');
  const [overrides, setOverrides] = useState('');
  const { doc, setDoc, error, fieldErrors, busy, submit: submitWith, upload, fieldError } =
    useJsonSubmit<ExperimentView>({ path: '/v1/admin/experiments', invalidCode: 'InvalidExperiment', to: (x) => `/experiments/${x.experimentId}` });
  const submit = submitWith(() => {
    if (mode === 'json') return { experiment: JSON.parse(doc) };
    const extra = overrides.trim() ? JSON.parse(overrides) : {};
    const chosen = name || (builtIns.state === 'ok' ? builtIns.data.experiments[0]?.name : '');
    return { builtIn: chosen, overrides: { ...extra, ...(repetitions ? { repetitions: Number(repetitions) } : {}), ...(seed ? { seed: Number(seed) } : {}) } };
  }, mode === 'json' ? 'document' : 'overrides');
  // Problems at paths without a field of their own are listed beside the JSON they came from.
  const own = mode === 'json' ? ['document'] : ['/repetitions', '/seed', 'overrides'];
  const others = [...fieldErrors].filter(([p]) => !own.includes(p));
  const problems = others.length > 0 && (
    <ul id="err-experiment" className="field-error" aria-label="Problems in the experiment">
      {others.map(([p, m]) => <li key={p}><code>{p}</code>: {m}</li>)}
    </ul>
  );
  return (
    <form onSubmit={submit} aria-label="Submit an experiment">
      <fieldset className="filters">
        <legend>Experiment</legend>
        <label><span><input type="radio" name="experiment-mode" checked={mode === 'builtIn'} onChange={() => setMode('builtIn')} /> built-in, with overrides</span></label>
        <label><span><input type="radio" name="experiment-mode" checked={mode === 'json'} onChange={() => setMode('json')} /> JSON document (paste or upload)</span></label>
      </fieldset>
      {mode === 'builtIn' ? (
        <Show loaded={builtIns} what="built-in experiments">
          {(b) => {
            const chosen = b.experiments.find((x) => x.name === (name || b.experiments[0]?.name));
            return (
              <>
                <div className="filters">
                  <label>Built-in experiment
                    <select name="builtInExperiment" value={chosen?.name ?? ''} onChange={(e) => setName(e.target.value)}>
                      {b.experiments.map((x) => <option key={x.name} value={x.name}>{x.name} ({x.runs} runs)</option>)}
                    </select>
                  </label>
                  <label>Repetitions<input name="repetitions" type="number" value={repetitions} placeholder={String(chosen?.experiment.repetitions ?? 1)} onChange={(e) => setRepetitions(e.target.value)} aria-invalid={fieldErrors.has('/repetitions')} aria-describedby="err-repetitions" />{fieldError('/repetitions', 'err-repetitions')}</label>
                  <label>First seed<input name="seed" type="number" value={seed} onChange={(e) => setSeed(e.target.value)} aria-invalid={fieldErrors.has('/seed')} aria-describedby="err-exp-seed" />{fieldError('/seed', 'err-exp-seed')}</label>
                </div>
                {chosen?.experiment.question && <p className="status">{chosen.experiment.question}</p>}
                <label style={{ display: 'flex' }}>Other overrides (JSON Merge Patch onto the experiment)
                  <textarea name="experimentOverrides" rows={3} value={overrides} onChange={(e) => setOverrides(e.target.value)} aria-invalid={fieldErrors.has('overrides') || others.length > 0} aria-describedby="err-exp-overrides err-experiment" />
                </label>
                {fieldError('overrides', 'err-exp-overrides')}
                {problems}
              </>
            );
          }}
        </Show>
      ) : (
        <>
          <label style={{ display: 'flex' }}>Experiment document (JSON)
            <textarea name="experiment" rows={12} value={doc} onChange={(e) => setDoc(e.target.value)} aria-invalid={fieldErrors.has('document') || others.length > 0} aria-describedby="err-exp-document err-experiment" />
          </label>
          {fieldError('document', 'err-exp-document')}
          {problems}
          <label>Or upload a file<input type="file" accept="application/json,.json" onChange={upload} /></label>
        </>
      )}
      <p><button type="submit" className="primary" disabled={busy}>{busy ? 'Submitting…' : 'Run experiment'}</button></p>
      {error && <ErrorBox error={error} />}
    </form>
  );
}

export function Experiments() {
  const [loaded, reload] = useLoad(() => get<{ experiments: ExperimentView[] }>('/v1/admin/experiments', { maxResults: 100 }), []);
  return (
    <>
      <h1>Experiments</h1>
      <p>An experiment runs a scenario with one or two things changed, several times each, and reports each variant’s figures with their 95 % intervals (<a href="/docs">API docs</a>).</p>
      <h2>Submit</h2>
      <SubmitForm />
      <h2>Experiments</h2>
      <Show loaded={loaded} what="experiments" onRetry={reload}>
        {(d) => (
          <Table caption="Experiments (newest first)" rows={d.experiments} rowKey={(x) => x.experimentId} pageParam="page" empty="No experiment has run yet." columns={[
            { header: 'Experiment', cell: (x) => <Link to={`/experiments/${x.experimentId}`}>{x.experimentId}</Link>, csv: (x) => x.experimentId },
            { header: 'Name', cell: (x) => x.name },
            { header: 'Built-in', cell: (x) => x.builtIn ?? 'posted' },
            { header: 'State', cell: (x) => x.state },
            { header: 'Runs', numeric: true, cell: (x) => `${x.progress.finished} of ${x.progress.runs}`, csv: (x) => x.progress.runs },
            { header: 'Progress', numeric: true, cell: (x) => formatPercent(x.progress.fraction), csv: (x) => x.progress.fraction },
            { header: 'Submitted', cell: (x) => formatDateTime(x.createdAt), csv: (x) => x.createdAt },
          ]} />
        )}
      </Show>
    </>
  );
}

function Report({ id, report }: { id: string; report: ExperimentReport }) {
  const csv = async () => download(`${id}.csv`, await getCsv(`/v1/admin/experiments/${id}/csv`));
  return (
    <section aria-labelledby="report-title">
      <h2 id="report-title">Report{report.title ? `: ${report.title}` : ''}</h2>
      {report.question && <p><strong>Question:</strong> <span data-testid="experiment-question">{report.question}</span></p>}
      {report.answer && <p><strong>Answer turns on:</strong> {report.answer}</p>}
      <p>{report.variants.length} variants × {report.repetitions} repetitions; each figure is the mean of the repetitions with its 95 % confidence interval (Student’s t).</p>
      <Table caption="Headline figures by variant: mean and 95 % interval" rows={report.variants} rowKey={(v) => String(v.variant)} pageSize={50} columns={[
        ...report.variables.map((v) => ({ header: v.name, cell: (r: ExperimentReport['variants'][number]) => r.values[v.name] })),
        ...report.figures.flatMap((f) => [
          { header: `${f} mean`, numeric: true, cell: (r: ExperimentReport['variants'][number]) => formatNumber(r.figures[f].mean, 3), csv: (r: ExperimentReport['variants'][number]) => r.figures[f].mean },
          { header: `${f} 95 % interval`, numeric: true, cell: (r: ExperimentReport['variants'][number]) => (r.figures[f].ci95 ? `${formatNumber(r.figures[f].ci95![0], 3)} to ${formatNumber(r.figures[f].ci95![1], 3)}` : '—'), csv: (r: ExperimentReport['variants'][number]) => (r.figures[f].ci95 ? r.figures[f].ci95!.join(' to ') : '') },
        ]),
      ]} />
      <p><button type="button" onClick={csv}>Download the report’s CSV (from the API)</button></p>
      <div className="grid">
        {report.series.map((s) => (
          <IntervalChart key={s.figure} title={`${s.figure} by variant`} categories={s.labels} xName={report.variables.map((v) => v.name).join(' · ')} yName={`${s.figure}, mean with 95 % interval`}
            means={s.means} intervals={s.ci95} format={(v) => formatNumber(v, 3)} />
        ))}
      </div>
    </section>
  );
}

export function ExperimentDetail() {
  const { id = '' } = useParams();
  const [x, setX] = useState<ExperimentView | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    setX(null);
    setError(null);
  }, [id]);
  useEffect(() => {
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    get<ExperimentView>(`/v1/admin/experiments/${id}`, undefined, ctl.signal).then(
      (v) => {
        setX(v);
        setError(null);
        if (v.state === 'running') timer = setTimeout(() => setTick((t) => t + 1), POLL_MS);
      },
      (err) => !ctl.signal.aborted && setError(err as Error),
    );
    return () => {
      ctl.abort();
      if (timer) clearTimeout(timer);
    };
  }, [id, tick]);
  return (
    <>
      <p><Link to="/experiments">← Experiments</Link></p>
      <h1>Experiment {id}</h1>
      {error && <ErrorBox error={error} onRetry={() => setTick((t) => t + 1)} />}
      {!x && !error && <p className="status" role="status">Loading the experiment…</p>}
      {x && (
        <>
          <section aria-label="Progress">
            <p>{x.experiment.title ?? x.name}{x.builtIn ? ` (built-in ${x.builtIn})` : ''} · State: <strong data-testid="experiment-state">{x.state}</strong></p>
            <progress max={1} value={x.progress.fraction} aria-label="Experiment progress" />
            <p data-testid="experiment-progress">{x.progress.finished} of {x.progress.runs} runs finished ({formatPercent(x.progress.fraction)}), {x.progress.reused} reused from earlier runs</p>
            {x.error && <div className="error" role="alert"><strong>Failed:</strong> {x.error}</div>}
          </section>
          {x.report && <Report id={id} report={x.report} />}
          <h2>Runs</h2>
          <Table caption="Runs: each variant × repetition is a simulation run" rows={x.runs ?? []} rowKey={(r) => `${r.variant}-${r.repetition}`} pageParam="runs" empty="No runs." columns={[
            { header: 'Variant', cell: (r) => Object.values(r.values).join(' · '), csv: (r) => JSON.stringify(r.values) },
            { header: 'Repetition', numeric: true, cell: (r) => String(r.repetition + 1), csv: (r) => r.repetition },
            { header: 'Simulation', cell: (r) => <Link to={`/simulations/${r.simulationId}`}>{r.simulationId}</Link>, csv: (r) => r.simulationId },
            { header: 'State', cell: (r) => r.state },
            { header: 'Reused', cell: (r) => (r.reused ? 'yes' : 'no') },
          ]} />
        </>
      )}
    </>
  );
}
