import { get } from '../api';
import { Chart } from '../chart';
import { tenantNameMap } from '../data';
import { formatDateTime, formatNumber } from '../format';
import { Show, Table, useLoad, useParam } from '../ui';

interface LicenseConfiguration {
  tenantId: string; licenseConfigurationId: string; name: string; countingType: string; limit: number | null; hardLimit: boolean;
  consumedLicenses: number; limitExceeded: boolean; usage: { resourceType: 'instance' | 'host'; resourceId: string; consumedLicenses: number }[];
}

interface History { limit: number; periodSeconds: number; points: { time: string; consumedLicenses: number }[] }

/** One configuration's consumption against its limit over the last 30 days, every 6 hours. */
function ConsumptionOverTime({ config, label }: { config: LicenseConfiguration; label: string }) {
  const [loaded, reload] = useLoad(() => get<History>(`/v1/admin/license-configurations/${config.licenseConfigurationId}/history`, { period: 3600 * 6 }), [config.licenseConfigurationId]);
  return (
    <Show loaded={loaded} what="the consumption over time" onRetry={reload}>
      {(h) => (
        <Chart title={`${label}: consumption over time`} kind="line" categories={h.points.map((p) => formatDateTime(p.time))} xName="time (UTC)" yName="licences" format={(v) => formatNumber(v, 0)}
          series={[{ name: 'consumed', values: h.points.map((p) => p.consumedLicenses) }, { name: `limit (${config.hardLimit ? 'hard' : 'soft'})`, values: h.points.map(() => h.limit) }]} />
      )}
    </Show>
  );
}

export function Licenses() {
  const [selected, setSelected] = useParam('config');
  const [only, setOnly] = useParam('over');
  const [loaded, reload] = useLoad(async () => {
    const [names, r] = await Promise.all([tenantNameMap(), get<{ licenseConfigurations: LicenseConfiguration[] }>('/v1/admin/license-configurations')]);
    return { names, list: r.licenseConfigurations };
  }, []);
  return (
    <>
      <h1>Licences</h1>
      <div className="filters">
        <label>Show<select value={only} onChange={(e) => setOnly(e.target.value)}><option value="">all configurations</option><option value="1">only those over their limit</option></select></label>
      </div>
      <Show loaded={loaded} what="licence configurations" onRetry={reload}>
        {(d) => {
          const rows = d.list.filter((c) => !only || c.limitExceeded);
          const label = (c: LicenseConfiguration) => `${c.name} (${d.names.get(c.tenantId) ?? c.tenantId})`;
          const consumers = rows.flatMap((c) => c.usage.map((u) => ({ ...u, config: label(c) })));
          return (
            <>
              <Chart title="Licence consumption against limits" kind="bar" horizontal categories={rows.map(label)} xName="licence configuration" yName="licences" format={(v) => formatNumber(v, 0)}
                series={[{ name: 'consumed', values: rows.map((c) => c.consumedLicenses) }, { name: 'limit', values: rows.map((c) => c.limit) }]} />
              <Table caption="Licence configurations (over a soft limit: highlighted)" rows={rows} rowKey={(c) => c.licenseConfigurationId} empty="No licence configurations." columns={[
                { header: 'Configuration', cell: (c) => <>{c.name} {c.limitExceeded && <span className="badge over">over limit</span>}</>, csv: (c) => c.name },
                { header: 'Tenant', cell: (c) => d.names.get(c.tenantId) ?? c.tenantId },
                { header: 'Counting', cell: (c) => c.countingType },
                { header: 'Consumed', numeric: true, cell: (c) => formatNumber(c.consumedLicenses, 0) },
                { header: 'Limit', numeric: true, cell: (c) => (c.limit === null ? 'none' : `${formatNumber(c.limit, 0)} (${c.hardLimit ? 'hard' : 'soft'})`) },
              ]} />
              {rows.length > 0 && (
                <>
                  <h2>Over time</h2>
                  <div className="filters">
                    <label>Configuration
                      <select value={selected || rows[0].licenseConfigurationId} onChange={(e) => setSelected(e.target.value)}>
                        {rows.map((c) => <option key={c.licenseConfigurationId} value={c.licenseConfigurationId}>{label(c)}</option>)}
                      </select>
                    </label>
                  </div>
                  {(() => {
                    const c = rows.find((x) => x.licenseConfigurationId === selected) ?? rows[0];
                    return <ConsumptionOverTime key={c.licenseConfigurationId} config={c} label={label(c)} />;
                  })()}
                </>
              )}
              <h2>Where licences are consumed</h2>
              <Table caption="Consumers (instances and Dedicated Hosts)" rows={consumers} pageParam="page" empty="Nothing consumes a licence now." columns={[
                { header: 'Configuration', cell: (u) => u.config },
                { header: 'Resource', cell: (u) => `${u.resourceType} ${u.resourceId}` },
                { header: 'Licences', numeric: true, cell: (u) => formatNumber(u.consumedLicenses, 0) },
              ]} />
            </>
          );
        }}
      </Show>
    </>
  );
}
