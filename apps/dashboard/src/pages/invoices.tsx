import { useState } from 'react';
import { download, get, getCsv, post } from '../api';
import { getClock, Invoice, pricingRule, productLabel, tenantNameMap } from '../data';
import { formatDateTime, formatMoney, formatMonth, monthOf } from '../format';
import { Confirm, ErrorBox, Show, Table, useLoad, useParam } from '../ui';

function InvoiceDetail({ id }: { id: string }) {
  const [recompute, setRecompute] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [loaded, reload] = useLoad(() => get<Invoice>(`/v1/admin/invoices/${id}`, recompute ? { recompute: 'true' } : {}), [id, recompute]);
  const csv = async () => {
    setError(null);
    try {
      download(`${id}.csv`, await getCsv(`/v1/admin/invoices/${id}`));
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <section aria-labelledby="invoice-title">
      <Show loaded={loaded} what="the invoice" onRetry={reload}>
        {(inv) => (
          <>
            <h2 id="invoice-title">Invoice {inv.invoiceId} — {formatMonth(inv.month)} ({inv.status})</h2>
            <p>Price book versions: {inv.priceBookVersions.join(', ') || '—'}. {inv.status === 'closed' ? 'Closed' : 'Estimated'} {formatDateTime(inv.asOf)}.</p>
            <div className="chart-actions">
              <button type="button" onClick={csv}>Download CSV</button>
              {inv.status === 'closed' && <button type="button" onClick={() => setRecompute(true)} disabled={recompute}>Compare with recomputation</button>}
            </div>
            {error && <ErrorBox error={error} />}
            {inv.recomputed && (
              <Table caption="Stored invoice and its recomputation from the stored usage" rows={(['subtotal', 'credits', 'total'] as const).map((k) => k)} columns={[
                { header: 'Figure', cell: (k) => k },
                { header: 'Stored', numeric: true, cell: (k) => formatMoney(inv[k]) },
                { header: 'Recomputed', numeric: true, cell: (k) => formatMoney(inv.recomputed![k]) },
                { header: 'Same', cell: (k) => (inv[k] === inv.recomputed![k] ? 'yes' : 'NO') },
              ]} />
            )}
            {inv.recomputed && <p role="status" data-testid="recompute-result">{inv.recomputed.matches ? 'The recomputation gives the same cents.' : 'The recomputation differs from the stored invoice.'}</p>}
            <Table caption="Lines" rows={inv.lines ?? []} rowKey={(l) => l.lineId} pageSize={50} empty="No lines: nothing was used this month." columns={[
              { header: 'Product', cell: (l) => productLabel(l.product), csv: (l) => l.product },
              { header: 'Description', cell: (l) => l.description },
              { header: 'Pricing rule', cell: (l) => pricingRule(l) },
              { header: 'Quantity', numeric: true, cell: (l) => `${l.quantity} ${l.unit}` },
              { header: 'Unit price', numeric: true, cell: (l) => formatMoney(l.unitPrice) },
              { header: 'Amount', numeric: true, cell: (l) => formatMoney(l.amount) },
            ]} />
            <p><strong>Subtotal</strong> {formatMoney(inv.subtotal)} · <strong>Credits</strong> {formatMoney(inv.credits)} · <strong>Total</strong> <span data-testid="invoice-total">{formatMoney(inv.total)}</span></p>
          </>
        )}
      </Show>
    </section>
  );
}

export function Invoices() {
  const [month, setMonth] = useParam('month');
  const [tenantId, setTenantId] = useParam('tenantId');
  const [selected, setSelected] = useParam('invoice');
  const [confirming, setConfirming] = useState(false);
  const [closeState, setCloseState] = useState<{ ok?: string; error?: Error } | null>(null);
  const [loaded, reload] = useLoad(async () => {
    const clock = await getClock();
    const m = month || monthOf(clock.now);
    const [names, list] = await Promise.all([tenantNameMap(), get<{ month?: string; status?: string; invoices: Invoice[] }>('/v1/admin/invoices', { month: m, tenantId })]);
    return { m, names, list, now: clock.now };
  }, [month, tenantId]);
  const close = async (m: string) => {
    setConfirming(false);
    try {
      const r = await post<{ invoices: number; total: string }>('/v1/admin/billing/close', { month: m });
      setCloseState({ ok: `${formatMonth(m)} is closed: ${r.invoices} invoices, ${formatMoney(r.total)}.` });
      reload();
    } catch (err) {
      setCloseState({ error: err as Error });
    }
  };
  return (
    <>
      <h1>Invoices</h1>
      <Show loaded={loaded} what="invoices" onRetry={reload}>
        {(d) => (
          <>
            <div className="filters">
              <label>Month<input type="month" value={d.m} onChange={(e) => { setSelected(''); setMonth(e.target.value); }} /></label>
              <label>Tenant
                <select value={tenantId} onChange={(e) => { setSelected(''); setTenantId(e.target.value); }}>
                  <option value="">All tenants</option>
                  {[...d.names].map(([id, name]) => <option key={id} value={id}>{name}</option>)}
                </select>
              </label>
              {d.list.status === 'estimate' && <button type="button" className="danger" onClick={() => setConfirming(true)}>Close {formatMonth(d.m)}…</button>}
            </div>
            <p>{formatMonth(d.m)}: {d.list.status === 'closed' ? 'closed, invoices are final' : 'not closed, figures are estimates'}.</p>
            {closeState?.ok && <div className="notice" role="status">{closeState.ok}</div>}
            {closeState?.error && <ErrorBox error={closeState.error} />}
            <Table caption={`Invoices, ${formatMonth(d.m)}`} rows={d.list.invoices} rowKey={(i) => i.invoiceId} pageParam="page" empty="No invoices for these filters." columns={[
              { header: 'Invoice', cell: (i) => <button type="button" className="link" aria-pressed={selected === i.invoiceId} onClick={() => setSelected(i.invoiceId)}>{i.invoiceId}</button>, csv: (i) => i.invoiceId },
              { header: 'Tenant', cell: (i) => d.names.get(i.tenantId) ?? i.tenantId },
              { header: 'Status', cell: (i) => i.status },
              { header: 'Charges', numeric: true, cell: (i) => formatMoney(i.subtotal) },
              { header: 'Credits', numeric: true, cell: (i) => formatMoney(i.credits) },
              { header: 'Total', numeric: true, cell: (i) => formatMoney(i.total) },
            ]} />
            {confirming && (
              <Confirm title={`Close ${formatMonth(d.m)}?`} confirmLabel={`Close ${formatMonth(d.m)}`} onConfirm={() => close(d.m)} onCancel={() => setConfirming(false)}>
                Closing makes every invoice of {formatMonth(d.m)} final: they cannot change afterwards. A month can be closed only once it has ended (simulated time now {formatDateTime(d.now)}).
              </Confirm>
            )}
          </>
        )}
      </Show>
      {selected && <InvoiceDetail key={selected} id={selected} />}
    </>
  );
}
