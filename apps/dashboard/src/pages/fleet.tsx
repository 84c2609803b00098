import { FormEvent, useState } from 'react';
import { get, post, put } from '../api';
import { Chart } from '../chart';
import { Clock, FleetUtilization } from '../data';
import { formatDateTime, formatNumber, formatWatts } from '../format';
import { Heatmap, HeatmapData } from '../heatmap';
import { ErrorBox, Show, Table, useLoad, useParam } from '../ui';

interface HeatmapAnswer { metric: string; periodSeconds: number; times: string[]; hosts: { hostId: string; availabilityZone: string; state: string; values: (number | null)[] }[] }
interface Host { hostId: string; hostType: string; availabilityZone: string; state: string; capacity: { cpuCores: number; memoryMiB: number }; allocated: { vcpus: number; instances: number } }
interface FleetEvent { time: string; type: string; hostId?: string; instanceId?: string; detail: Record<string, unknown> }

function ClockPanel() {
  const [loaded, reload] = useLoad(() => get<Clock>('/v1/admin/clock'), []);
  const [seconds, setSeconds] = useState('3600');
  const [rate, setRate] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
      reload();
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <Show loaded={loaded} what="the clock" onRetry={reload}>
      {(c) => (
        <>
          <p data-testid="clock-now">Simulated time {formatDateTime(c.now)}; {c.mode === 'manual' ? 'manual (advanced by hand)' : `running at ${c.rate}× real time`}.</p>
          <form className="filters" onSubmit={(e: FormEvent) => { e.preventDefault(); act(() => post('/v1/admin/clock/advance', { seconds: Number(seconds) })); }}>
            <label>Advance by (seconds)<input type="number" min={1} value={seconds} onChange={(e) => setSeconds(e.target.value)} /></label>
            <button type="submit" className="primary">Advance</button>
          </form>
          <form className="filters" onSubmit={(e: FormEvent) => { e.preventDefault(); act(() => put('/v1/admin/clock', rate === 'manual' ? { mode: 'manual' } : { rate: Number(rate) })); }}>
            <label>Rate (simulated seconds per second, or “manual”)<input value={rate} placeholder={c.mode === 'manual' ? 'manual' : String(c.rate)} onChange={(e) => setRate(e.target.value)} /></label>
            <button type="submit" disabled={rate.trim() === ''}>Set rate</button>
          </form>
          {error && <ErrorBox error={error} />}
        </>
      )}
    </Show>
  );
}

export function Fleet() {
  const [metric, setMetric] = useParam('metric', 'cpu');
  const [heat] = useLoad(async () => {
    const h = await get<HeatmapAnswer>('/v1/admin/fleet/heatmap', { metric, period: 3600 });
    return { hosts: h.hosts.map((x) => x.hostId), times: h.times, values: h.hosts.map((x) => x.values) } as HeatmapData;
  }, [metric]);
  const [loaded, reload] = useLoad(async () => {
    const [hosts, util, faults, migrations] = await Promise.all([
      get<{ hosts: Host[] }>('/v1/admin/hosts'),
      get<FleetUtilization>('/v1/admin/fleet/utilization', { period: 3600 }),
      Promise.all(['host.failed', 'host.repaired', 'host.driver-domain-failed', 'host.drain-started'].map((type) => get<{ events: FleetEvent[] }>('/v1/admin/events', { type, maxResults: 100 }))),
      get<{ events: FleetEvent[] }>('/v1/admin/events', { type: 'vm.migration-completed', maxResults: 200 }),
    ]);
    const f = faults.flatMap((r) => r.events).sort((a, b) => (a.time < b.time ? 1 : -1));
    return { hosts: hosts.hosts, util, faults: f, migrations: migrations.events };
  }, []);
  return (
    <>
      <h1>Fleet</h1>
      <h2>Utilization heatmap, last 24 hours</h2>
      <div className="filters">
        <label>Metric<select value={metric} onChange={(e) => setMetric(e.target.value)}><option value="cpu">CPU</option><option value="memory">memory</option></select></label>
      </div>
      <Show loaded={heat} what="the heatmap">{(h) => (h.hosts.length ? <Heatmap data={h} metric={metric === 'memory' ? 'memory' : 'CPU'} /> : <p>No hosts.</p>)}</Show>
      <h2>Clock</h2>
      <ClockPanel />
      <Show loaded={loaded} what="the fleet" onRetry={reload}>
        {(d) => {
          const states = new Map<string, number>();
          d.hosts.forEach((h) => states.set(h.state, (states.get(h.state) ?? 0) + 1));
          const pts = d.util.points;
          const reasons = new Map<string, number>();
          d.migrations.forEach((m) => reasons.set(String(m.detail.reason ?? 'unknown'), (reasons.get(String(m.detail.reason ?? 'unknown')) ?? 0) + 1));
          return (
            <>
              <h2>Energy and power</h2>
              <div className="grid">
                <Chart title="Fleet power draw" kind="line" categories={pts.map((p) => formatDateTime(p.time))} xName="time (UTC)" yName="W" format={formatWatts}
                  series={[{ name: 'power', values: pts.map((p) => p.powerWatts as number) }]} />
                <Chart title="Fleet energy used" kind="line" categories={pts.map((p) => formatDateTime(p.time))} xName="time (UTC)" yName="kWh (cumulative)" format={(v) => `${formatNumber(v, 1)} kWh`}
                  series={[{ name: 'energy', values: pts.map((p) => p.energyKWh as number) }]} />
              </div>
              <h2>Host states and faults</h2>
              <div className="grid">
                <Chart title="Hosts by state" kind="bar" categories={[...states.keys()]} xName="state" yName="hosts" format={(v) => formatNumber(v, 0)} series={[{ name: 'hosts', values: [...states.values()] }]} />
                <Table caption="Faults and repairs (newest first)" rows={d.faults} empty="No host faults." columns={[
                  { header: 'Time', cell: (e) => formatDateTime(e.time) }, { header: 'Event', cell: (e) => e.type }, { header: 'Host', cell: (e) => e.hostId ?? '' },
                ]} />
              </div>
              <Table caption={`Hosts (${d.hosts.length})`} rows={d.hosts} pageParam="hostPage" rowKey={(h) => h.hostId} columns={[
                { header: 'Host', cell: (h) => h.hostId }, { header: 'Type', cell: (h) => h.hostType }, { header: 'Zone', cell: (h) => h.availabilityZone },
                { header: 'State', cell: (h) => h.state }, { header: 'Instances', numeric: true, cell: (h) => h.allocated.instances },
                { header: 'vCPUs allocated', numeric: true, cell: (h) => h.allocated.vcpus },
              ]} />
              <h2>Migrations</h2>
              <Chart title="Completed migrations by reason" kind="bar" categories={[...reasons.keys()]} xName="reason" yName="migrations" format={(v) => formatNumber(v, 0)} series={[{ name: 'migrations', values: [...reasons.values()] }]} />
              <Table caption="Completed live migrations (newest first)" rows={d.migrations} empty="No migrations yet." columns={[
                { header: 'Time', cell: (e) => formatDateTime(e.time) }, { header: 'Instance', cell: (e) => e.instanceId ?? '' },
                { header: 'Reason', cell: (e) => String(e.detail.reason ?? '') },
                { header: 'From → to', cell: (e) => `${String(e.detail.sourceHostId ?? '')} → ${e.hostId ?? ''}` },
                { header: 'Downtime', numeric: true, cell: (e) => (typeof e.detail.downtimeMs === 'number' ? `${formatNumber(e.detail.downtimeMs, 0)} ms` : '—'), csv: (e) => String(e.detail.downtimeMs ?? '') },
              ]} />
            </>
          );
        }}
      </Show>
    </>
  );
}
