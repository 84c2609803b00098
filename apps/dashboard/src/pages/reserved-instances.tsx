import { get } from '../api';
import { Chart } from '../chart';
import { getClock, RiReport, riTerm, RiUse, tenantNameMap } from '../data';
import { formatDate, formatMoney, formatMonth, formatNumber, monthOf } from '../format';
import { Show, Table, useLoad, useParam } from '../ui';

/** A percentage as the API gives it ("50", "33.33", or null when there is nothing to divide by). */
const pct = (p: string | null) => (p === null ? '—' : `${p} %`);
const hours = (h: string) => formatNumber(Number(h), 2);

/**
 * Reserved Instances of a month (GET /v1/admin/billing/reserved-instances): each tenant's RIs, their
 * utilization (RI hours used ÷ purchased) and coverage (eligible instance hours covered ÷ all
 * eligible), as AWS Cost Explorer reports them, and the RI fees on the month's invoices.
 */
export function ReservedInstances() {
  const [month, setMonth] = useParam('month');
  const [loaded, reload] = useLoad(async (signal) => {
    const m = month || monthOf((await getClock()).now);
    const [names, report] = await Promise.all([tenantNameMap(), get<RiReport>('/v1/admin/billing/reserved-instances', { month: m }, signal)]);
    return { m, names, report };
  }, [month]);
  return (
    <>
      <h1>Reserved Instances</h1>
      <Show loaded={loaded} what="Reserved Instances" onRetry={reload}>
        {({ m, names, report: r }) => {
          const name = (id: string) => names.get(id) ?? id;
          const ris: (RiUse & { tenantId: string })[] = r.tenants.flatMap((t) => t.reservedInstances.map((ri) => ({ ...ri, tenantId: t.tenantId })));
          return (
            <>
              <div className="filters"><label>Month<input type="month" value={m} onChange={(e) => setMonth(e.target.value)} /></label></div>
              <p>
                {formatMonth(r.month)} ({r.status}): utilization <span data-testid="ri-utilization">{pct(r.utilization.utilizationPercentage)}</span> of{' '}
                {hours(r.utilization.purchasedHours)} RI hours; coverage <span data-testid="ri-coverage">{pct(r.coverage.coverageHoursPercentage)}</span> of{' '}
                {hours(r.coverage.totalRunningHours)} eligible instance hours (On-Demand Linux/UNIX, default tenancy); RI fees{' '}
                <span data-testid="ri-fees">{formatMoney(r.fees.total)}</span> ({formatMoney(r.fees.upfront)} upfront, {formatMoney(r.fees.hourly)} hourly).
              </p>
              <Chart title={`RI utilization and coverage by tenant, ${formatMonth(r.month)}`} kind="bar" categories={r.tenants.map((t) => name(t.tenantId))} xName="tenant" yName="%"
                format={(v) => `${formatNumber(v, 2)} %`}
                series={[
                  { name: 'utilization', values: r.tenants.map((t) => (t.utilization.utilizationPercentage === null ? null : Number(t.utilization.utilizationPercentage))) },
                  { name: 'coverage', values: r.tenants.map((t) => (t.coverage.coverageHoursPercentage === null ? null : Number(t.coverage.coverageHoursPercentage))) },
                ]} />
              <Table caption="Utilization, coverage and RI fees by tenant" rows={r.tenants} rowKey={(t) => t.tenantId} empty="No tenant has Reserved Instances or eligible hours this month." columns={[
                { header: 'Tenant', cell: (t) => name(t.tenantId) },
                { header: 'RI hours purchased', numeric: true, cell: (t) => hours(t.utilization.purchasedHours), csv: (t) => t.utilization.purchasedHours },
                { header: 'RI hours used', numeric: true, cell: (t) => hours(t.utilization.usedHours), csv: (t) => t.utilization.usedHours },
                { header: 'Utilization', numeric: true, cell: (t) => pct(t.utilization.utilizationPercentage), csv: (t) => t.utilization.utilizationPercentage ?? '' },
                { header: 'Eligible hours', numeric: true, cell: (t) => hours(t.coverage.totalRunningHours), csv: (t) => t.coverage.totalRunningHours },
                { header: 'Covered hours', numeric: true, cell: (t) => hours(t.coverage.reservedHours), csv: (t) => t.coverage.reservedHours },
                { header: 'Coverage', numeric: true, cell: (t) => pct(t.coverage.coverageHoursPercentage), csv: (t) => t.coverage.coverageHoursPercentage ?? '' },
                { header: 'Upfront fees', numeric: true, cell: (t) => formatMoney(t.fees.upfront), csv: (t) => t.fees.upfront },
                { header: 'Hourly fees', numeric: true, cell: (t) => formatMoney(t.fees.hourly), csv: (t) => t.fees.hourly },
                { header: 'RI fees', numeric: true, cell: (t) => formatMoney(t.fees.total), csv: (t) => t.fees.total },
              ]} />
              <Table caption="Reserved Instances" rows={ris} rowKey={(ri) => ri.reservedInstancesId} pageParam="riPage" empty="No Reserved Instances this month." columns={[
                { header: 'Tenant', cell: (ri) => name(ri.tenantId) },
                { header: 'Reserved Instances ID', cell: (ri) => ri.reservedInstancesId },
                { header: 'Type', cell: (ri) => ri.instanceType },
                { header: 'Scope', cell: (ri) => (ri.scope === 'Region' ? 'Region' : `Zone ${ri.availabilityZone ?? ''}`) },
                { header: 'Count', numeric: true, cell: (ri) => ri.instanceCount },
                { header: 'Term', cell: (ri) => riTerm(ri.duration) },
                { header: 'Payment option', cell: (ri) => ri.offeringType ?? '—' },
                { header: 'State', cell: (ri) => ri.state ?? '—' },
                { header: 'End', cell: (ri) => (ri.end ? formatDate(ri.end) : '—'), csv: (ri) => ri.end ?? '' },
                { header: 'Purchased hours', numeric: true, cell: (ri) => hours(ri.purchasedHours), csv: (ri) => ri.purchasedHours },
                { header: 'Used hours', numeric: true, cell: (ri) => hours(ri.usedHours), csv: (ri) => ri.usedHours },
                { header: 'Utilization', numeric: true, cell: (ri) => pct(ri.utilizationPercentage), csv: (ri) => ri.utilizationPercentage ?? '' },
              ]} />
            </>
          );
        }}
      </Show>
    </>
  );
}
