import { Link, useNavigate } from 'react-router-dom';
import { Chart } from '../chart';
import { CAUSES, productLabel, Revenue } from '../data';
import { formatDateTime, formatMoney, formatMonth, formatNumber, formatPercent, formatWatts, previousMonth } from '../format';
import { Empty, Show, Table, useLoad } from '../ui';
import { takeOverview } from './overview-data';

const money = (v: number) => formatMoney(v.toFixed(2));

export function RevenueCharts({ rev, names, idPrefix }: { rev: Revenue; names: Map<string, string>; idPrefix: string }) {
  const navigate = useNavigate();
  const tenantRows = [...rev.topTenants.map((t) => ({ ...t, label: names.get(t.tenantId) ?? t.tenantId })), ...(rev.others.tenants > 0 ? [{ ...rev.others, tenantId: '', invoiceId: '', label: `${rev.others.tenants} other tenants` }] : [])];
  return (
    <div className="grid" id={idPrefix}>
      <Chart title={`Revenue by day, ${formatMonth(rev.month)}`} kind="bar" categories={rev.days.map((d) => d.day.slice(5))} xName="day (UTC, MM-DD)" yName="USD" format={money}
        series={[{ name: 'charges', values: rev.days.map((d) => Number(d.subtotal)) }, { name: 'credits', values: rev.days.map((d) => Number(d.credits)) }]} stacked />
      <Chart title={`Revenue by product, ${formatMonth(rev.month)}`} kind="bar" horizontal categories={rev.byProduct.map((p) => productLabel(p.product))} xName="product" yName="USD" format={money}
        series={[{ name: 'charges', values: rev.byProduct.map((p) => Number(p.amount)) }]} />
      <Chart title={`Revenue by tenant, ${formatMonth(rev.month)}`} kind="bar" horizontal categories={tenantRows.map((t) => t.label)} xName="tenant" yName="USD" format={money}
        series={[{ name: 'total', values: tenantRows.map((t) => Number(t.total)) }]}
        onSelect={(label) => {
          const t = tenantRows.find((r) => r.label === label);
          if (t?.invoiceId) navigate(`/invoices?month=${rev.month}&tenantId=${t.tenantId}&invoice=${t.invoiceId}`);
        }} />
      <Table caption={`Top tenants, ${formatMonth(rev.month)} (select one for its invoice)`} rows={tenantRows} rowKey={(r) => r.label} columns={[
        { header: 'Tenant', cell: (r) => (r.invoiceId ? <Link to={`/invoices?month=${rev.month}&tenantId=${r.tenantId}&invoice=${r.invoiceId}`}>{r.label}</Link> : r.label), csv: (r) => r.label },
        { header: 'Charges', numeric: true, cell: (r) => formatMoney(r.subtotal) },
        { header: 'Credits', numeric: true, cell: (r) => formatMoney(r.credits) },
        { header: 'Total', numeric: true, cell: (r) => formatMoney(r.total) },
      ]} />
    </div>
  );
}

export function Overview() {
  const [loaded, reload] = useLoad(takeOverview, []);
  return (
    <>
      <h1>Overview</h1>
      <Show loaded={loaded} what="the overview" onRetry={reload}>
        {(d) => {
          const openCredits = d.current?.creditLines ?? [];
          const points = d.fleet.points;
          return (
            <>
              <p>Simulated time: {formatDateTime(d.clock.now)} ({d.clock.mode === 'manual' ? 'manual clock' : `${d.clock.rate}× real time`})</p>
              <div className="cards">
                <div className="card"><div className="label">Revenue {formatMonth(d.month)} so far ({d.current?.status ?? '—'})</div><div className="value" data-testid="revenue-this-month">{d.current ? formatMoney(d.current.total) : '—'}</div></div>
                <div className="card"><div className="label">Revenue {formatMonth(d.last?.month ?? previousMonth(d.month))} ({d.last?.status ?? 'none'})</div><div className="value">{d.last ? formatMoney(d.last.total) : '—'}</div></div>
                <div className="card"><div className="label">CPU utilization now</div><div className="value">{formatPercent((d.fleet.current.cpuUtilization ?? 0) / 100)}</div></div>
                <div className="card"><div className="label">Power now</div><div className="value">{formatWatts(d.fleet.current.powerWatts ?? 0)}</div></div>
                <div className="card"><div className="label">Open SLA credits ({formatMonth(d.month)})</div><div className="value">{openCredits.length}</div></div>
                <div className="card"><div className="label">Running simulations</div><div className="value">{d.sims.length}</div></div>
              </div>
              <h2>Revenue this month</h2>
              {d.current ? <RevenueCharts rev={d.current} names={d.names} idPrefix="rev-this" /> : <Empty>No revenue this month yet.</Empty>}
              <h2>Revenue last month</h2>
              {d.last ? <RevenueCharts rev={d.last} names={d.names} idPrefix="rev-last" /> : <Empty>The simulated world did not run last month.</Empty>}
              <h2>Fleet, last 24 hours</h2>
              <div className="grid">
                <Chart title="Fleet CPU utilization" kind="line" categories={points.map((p) => formatDateTime(p.time))} xName="time (UTC)" yName="% of CPU capacity" format={(v) => `${formatNumber(v, 1)} %`}
                  series={[{ name: 'CPU utilization', values: points.map((p) => p.cpuUtilization as number) }]} />
                <Chart title="Fleet energy per hour" kind="bar" categories={points.map((p) => formatDateTime(p.time))} xName="time (UTC)" yName="kWh" format={(v) => `${formatNumber(v, 2)} kWh`}
                  series={[{ name: 'energy', values: points.map((p, i) => (i === 0 ? null : (p.energyKWh as number) - (points[i - 1].energyKWh as number))) }]} />
              </div>
              <h2>Open SLA credits</h2>
              <Table caption="Credit lines this month" rows={openCredits} empty="No SLA or guarantee credits this month." columns={[
                { header: 'Tenant', cell: (c) => d.names.get(c.tenantId) ?? c.tenantId },
                { header: 'Cause', cell: (c) => `${CAUSES[c.cause] ?? c.cause}${c.resources.length ? ` (${c.resources.join(', ')})` : ''}` },
                { header: 'Amount', numeric: true, cell: (c) => formatMoney(c.amount) },
              ]} />
              <h2>Running simulations</h2>
              <Table caption="Queued and running simulations" rows={d.sims} empty="No simulation is running." columns={[
                { header: 'Simulation', cell: (s) => <Link to={`/simulations/${s.simulationId}`}>{s.simulationId}</Link>, csv: (s) => s.simulationId },
                { header: 'Scenario', cell: (s) => s.builtIn ?? 'custom' },
                { header: 'State', cell: (s) => s.state },
                { header: 'Progress', numeric: true, cell: (s) => formatPercent(s.progress.fraction) },
              ]} />
            </>
          );
        }}
      </Show>
    </>
  );
}
