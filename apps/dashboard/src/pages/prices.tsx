import { FormEvent, useState } from 'react';
import { get, put } from '../api';
import { otherPrices } from '../data';
import { formatDateTime } from '../format';
import { ErrorBox, Show, Table, useLoad, useParam } from '../ui';

interface PriceVersion { version: string; effectiveFrom: string; instanceTypes?: Record<string, { hourly: Record<string, string> }>; [k: string]: unknown }

export function Prices() {
  const [shown, setShown] = useParam('version');
  const [find, setFind] = useParam('price');
  const [loaded, reload] = useLoad(() => get<{ current: string; versions: PriceVersion[] }>('/v1/admin/prices'), []);
  const [change, setChange] = useState('{\n  "instanceTypes": { "m5.large": { "hourly": { "linux": "0.1" } } }\n}');
  const [version, setVersion] = useState('');
  const [effectiveFrom, setEffectiveFrom] = useState('');
  const [result, setResult] = useState<{ ok?: string; error?: Error } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(change);
    } catch (err) {
      setResult({ error: new Error(`The change is not valid JSON: ${(err as Error).message}`) });
      return;
    }
    try {
      const v = await put<PriceVersion>('/v1/admin/prices', { ...body, ...(version ? { version } : {}), ...(effectiveFrom ? { effectiveFrom } : {}) });
      setResult({ ok: `Version ${v.version} takes effect ${formatDateTime(v.effectiveFrom)}.` });
      reload();
    } catch (err) {
      setResult({ error: err as Error });
    }
  };
  return (
    <>
      <h1>Prices</h1>
      <Show loaded={loaded} what="the price book" onRetry={reload}>
        {(d) => {
          const sel = d.versions.find((v) => v.version === shown) ?? d.versions.find((v) => v.version === d.current) ?? d.versions[0];
          const rows = Object.entries(sel?.instanceTypes ?? {}).map(([type, p]) => ({ type, ...p.hourly }));
          const platforms = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => k !== 'type')))].sort();
          return (
            <>
              <Table caption="Price book versions" rows={d.versions} rowKey={(v) => v.version} columns={[
                { header: 'Version', cell: (v) => <button type="button" aria-pressed={v.version === sel?.version} onClick={() => setShown(v.version)}>{v.version}</button>, csv: (v) => v.version },
                { header: 'Effective from', cell: (v) => formatDateTime(v.effectiveFrom) },
                { header: 'In effect now', cell: (v) => (v.version === d.current ? 'yes' : '') },
              ]} />
              <h2>Instance prices in {sel?.version} (USD per hour)</h2>
              <Table caption={`Hourly On-Demand prices, ${sel?.version}`} rows={rows} rowKey={(r) => r.type} pageParam="page" columns={[
                { header: 'Instance type', cell: (r) => r.type },
                ...platforms.map((p) => ({ header: p, numeric: true, cell: (r: Record<string, string>) => r[p] ?? '—' })),
              ]} />
              <h2>Other prices in {sel?.version}</h2>
              <p>Storage, snapshots, public IPv4 addresses, data transfer, Dedicated Hosts, licences and credits, each at its path in the price book: a change names it there.</p>
              <div className="filters">
                <label>Find a price by its path<input type="search" value={find} placeholder="publicIpv4" onChange={(e) => setFind(e.target.value)} /></label>
              </div>
              <Table caption={`Other prices, ${sel?.version}`} rows={(sel ? otherPrices(sel) : []).filter((r) => r.path.toLowerCase().includes(find.trim().toLowerCase()))}
                rowKey={(r) => r.path} pageParam="other" pageSize={50} empty="No price of this version has that path." columns={[
                { header: 'Price', cell: (r) => <code>{r.path}</code>, csv: (r) => r.path },
                { header: 'Value', numeric: true, cell: (r) => r.value },
              ]} />
            </>
          );
        }}
      </Show>
      <h2>Change prices (a new version)</h2>
      <form onSubmit={submit} className="price-change">
        <div className="filters">
          <label>Version name (optional)<input value={version} onChange={(e) => setVersion(e.target.value)} /></label>
          <label>Effective from (ISO 8601, default now)<input value={effectiveFrom} placeholder="2025-06-01T00:00:00Z" onChange={(e) => setEffectiveFrom(e.target.value)} /></label>
        </div>
        <label style={{ display: 'flex' }}>Prices to change (JSON merged onto the version in effect then; decimal strings)
          <textarea rows={6} value={change} onChange={(e) => setChange(e.target.value)} />
        </label>
        <p><button type="submit" className="primary">Save as a new version</button></p>
      </form>
      {result?.ok && <div className="notice" role="status">{result.ok}</div>}
      {result?.error && <ErrorBox error={result.error} />}
    </>
  );
}
