import { get } from '../api';
import { Chart } from '../chart';
import { CAUSES, getClock, Revenue, tenantNameMap } from '../data';
import { formatDuration, formatMoney, formatMonth, formatNumber, monthOf } from '../format';
import { Show, Table, useLoad, useParam } from '../ui';

interface Availability { zones: { availabilityZone: string; hosts: number; hostHours: number; failedHostHours: number; availability: number | null }[] }
interface Summary { credits: { total: string }; guaranteeViolations: { tenantId: string; violations: number; violatedSeconds: number }[] }

export function Sla() {
  const [month, setMonth] = useParam('month');
  const [loaded, reload] = useLoad(async () => {
    const m = month || monthOf((await getClock()).now);
    const [y, mo] = m.split('-').map(Number);
    const [names, rev, summary, avail] = await Promise.all([
      tenantNameMap(), get<Revenue>('/v1/admin/billing/revenue', { month: m }), get<Summary>('/v1/admin/billing/summary', { month: m }),
      get<Availability>('/v1/admin/fleet/availability', { from: new Date(Date.UTC(y, mo - 1, 1)).toISOString(), to: new Date(Date.UTC(y, mo, 1)).toISOString() }),
    ]);
    return { m, names, rev, summary, avail };
  }, [month]);
  return (
    <>
      <h1>SLA</h1>
      <Show loaded={loaded} what="SLA credits" onRetry={reload}>
        {(d) => {
          const name = (id: string) => d.names.get(id) ?? id;
          const tenants = [...new Set(d.rev.creditLines.map((c) => c.tenantId))];
          const causes = [...new Set(d.rev.creditLines.map((c) => c.cause))];
          const amount = (t: string, cause: string) => d.rev.creditLines.filter((c) => c.tenantId === t && c.cause === cause).reduce((s, c) => s + Math.abs(Number(c.amount)), 0);
          return (
            <>
              <div className="filters"><label>Month<input type="month" value={d.m} onChange={(e) => setMonth(e.target.value)} /></label></div>
              <p>{formatMonth(d.m)} ({d.rev.status}): credits total <span data-testid="credits-total">{formatMoney(d.summary.credits.total)}</span> across {tenants.length} tenants.</p>
              <Chart title="SLA credits by tenant and cause" kind="bar" stacked horizontal categories={tenants.map(name)} xName="tenant" yName="USD credited" format={(v) => formatMoney(v.toFixed(2))}
                series={causes.map((c) => ({ name: CAUSES[c] ?? c, values: tenants.map((t) => amount(t, c)) }))} />
              <Table caption="Credit lines" rows={d.rev.creditLines} empty="No credits this month." columns={[
                { header: 'Tenant', cell: (c) => name(c.tenantId) },
                { header: 'Cause', cell: (c) => `${CAUSES[c.cause] ?? c.cause}${c.resources.length ? ` (${c.resources.join(', ')})` : ''}` },
                { header: 'Description', cell: (c) => c.description },
                { header: 'Amount', numeric: true, cell: (c) => formatMoney(c.amount) },
              ]} />
              <h2>Availability per zone</h2>
              <Chart title={`Host availability per zone, ${formatMonth(d.m)}`} kind="bar" categories={d.avail.zones.map((z) => z.availabilityZone)} xName="availability zone" yName="% of host-time not failed"
                format={(v) => `${formatNumber(v, 3)} %`} series={[{ name: 'availability', values: d.avail.zones.map((z) => (z.availability === null ? null : z.availability * 100)) }]} />
              <Table caption="Availability per zone" rows={d.avail.zones} rowKey={(z) => z.availabilityZone} empty="No hosts." columns={[
                { header: 'Zone', cell: (z) => z.availabilityZone },
                { header: 'Hosts', numeric: true, cell: (z) => z.hosts },
                { header: 'Host-hours failed', numeric: true, cell: (z) => formatNumber(z.failedHostHours, 2) },
                { header: 'Availability', numeric: true, cell: (z) => (z.availability === null ? '—' : `${formatNumber(z.availability * 100, 3)} %`), csv: (z) => z.availability ?? '' },
              ]} />
              <h2>Guarantee violations</h2>
              <Table caption="CPU and memory guarantee violations by tenant" rows={d.summary.guaranteeViolations} empty="No guarantee violations this month." columns={[
                { header: 'Tenant', cell: (v) => name(v.tenantId) },
                { header: 'Violations', numeric: true, cell: (v) => v.violations },
                { header: 'Time below reservation', numeric: true, cell: (v) => formatDuration(v.violatedSeconds), csv: (v) => v.violatedSeconds },
              ]} />
            </>
          );
        }}
      </Show>
    </>
  );
}
