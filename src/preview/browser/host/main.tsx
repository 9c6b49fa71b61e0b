/** The preview page: the deal list at /, a deal record with the card at /deals/:id. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { getSession, listDeals, type Deal, type PropertyDefinition, type Session } from './api';
import { CardHost, type HostAlert, type LogLine } from './card-host';
import { formatValue } from './format';
import { RecordStore, type Values } from './record';
import './styles.css';

const SUMMARY_FIELDS = ['amount', 'dealstage', 'closedate'];
/** map_plan is the plan document itself (JSON): the list leaves it to the record page. */
const LIST_HIDDEN = new Set(['map_plan', 'map_value_summary']);

function TopBar({ session }: { session: Session | null }) {
  return (
    <header className="pv-topbar">
      <a href="/" className="pv-brand">
        <span className="pv-logo" aria-hidden="true">
          ◎
        </span>{' '}
        Deals
      </a>
      <span className="pv-badge">Local preview · sandbox portal {session?.portal.id ?? '…'}</span>
      <span className="pv-user">{session ? `${session.user.firstName} ${session.user.lastName}` : ''}</span>
    </header>
  );
}

function DealList() {
  const [data, setData] = useState<{ deals: Deal[]; definitions: PropertyDefinition[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    listDeals().then(setData, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);
  if (error)
    return (
      <div className="hs-alert is-danger" role="alert">
        <div className="hs-alert-title">The deals could not be read</div>
        {error}
      </div>
    );
  if (!data)
    return (
      <div className="hs-loading">
        <span className="hs-spinner is-sm" /> Loading deals…
      </div>
    );
  const def = (name: string) => data.definitions.find((d) => d.name === name);
  const mapColumns = data.definitions
    .filter((d) => d.name.startsWith('map_') && !LIST_HIDDEN.has(d.name))
    .map((d) => d.name);
  const columns = ['dealstage', 'amount', 'closedate', ...mapColumns];
  return (
    <section className="pv-list">
      <div className="pv-list-header">
        <h1>Deals</h1>
        <span className="pv-count">{data.deals.length} records</span>
      </div>
      <div className="hs-table-wrap pv-scroll">
        <table className="hs-table is-bordered is-condensed" data-testid="deal-list">
          <thead>
            <tr>
              <th className="pv-sticky">Deal name</th>
              {columns.map((c) => (
                <th key={c}>{def(c)?.label ?? c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.deals.map((d) => (
              <tr key={d.id} data-deal-id={d.id}>
                <td className="pv-sticky">
                  <a className="hs-link" href={`/deals/${d.id}`}>
                    {d.properties.dealname ?? `Deal ${d.id}`}
                  </a>
                </td>
                {columns.map((c) => (
                  <td key={c} data-property={c}>
                    {formatValue(d.properties[c], def(c))}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {mapColumns.length === 0 ? (
        <p className="hs-text is-micro">
          No map_* properties yet: the app provisions them when it is installed.
        </p>
      ) : null}
    </section>
  );
}

function useRecord(record: RecordStore): {
  values: Values;
  changed: Set<string>;
  refreshes: number;
  error: string | null;
} {
  const [state, setState] = useState({
    values: record.values,
    changed: record.changed,
    refreshes: record.refreshes,
    error: null as string | null,
  });
  useEffect(
    () =>
      record.subscribe((values, error) =>
        setState({ values, changed: record.changed, refreshes: record.refreshes, error: error ?? null }),
      ),
    [record],
  );
  return state;
}

function PropertyPanel({ record }: { record: RecordStore }) {
  const { values, changed, refreshes, error } = useRecord(record);
  const mapDefs = record.definitions.filter((d) => d.name.startsWith('map_'));
  return (
    <section className="pv-props" data-testid="property-panel" data-refreshes={refreshes}>
      <h2 className="pv-section-title">Mutual Action Plan</h2>
      <p className="hs-text is-micro">
        Deal properties written by the app (group <code>mutual_action_plan</code>), re-read after each save.
      </p>
      {error ? (
        <div className="hs-alert is-warning">
          <div className="hs-alert-title">{error}</div>
        </div>
      ) : null}
      {mapDefs.length === 0 ? (
        <p className="hs-text is-micro">No map_* properties on this portal yet.</p>
      ) : null}
      <dl className="pv-prop-list">
        {mapDefs.map((d) => {
          const value = values[d.name] ?? null;
          const long = d.name === 'map_plan' && value !== null && value.length > 80;
          return (
            <div
              key={d.name}
              className={`pv-prop${changed.has(d.name) ? ' is-changed' : ''}`}
              data-property={d.name}
              data-changed={changed.has(d.name)}
            >
              <dt title={d.name}>{d.label}</dt>
              <dd title={value ?? ''}>
                {long ? (
                  <details>
                    <summary>JSON document, {value.length.toLocaleString('en-US')} characters</summary>
                    <pre>{value}</pre>
                  </details>
                ) : (
                  formatValue(value, d)
                )}
              </dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}

function Toasts({ alerts, dismiss }: { alerts: HostAlert[]; dismiss: (id: number) => void }) {
  return (
    <div className="pv-toasts" data-testid="host-alerts" aria-live="polite">
      {alerts.map((a) => (
        <div
          key={a.id}
          className={`hs-alert is-${a.type === 'danger' ? 'danger' : a.type} pv-toast`}
          role={a.type === 'danger' ? 'alert' : 'status'}
          data-alert-type={a.type}
        >
          <button type="button" className="hs-close" aria-label="Dismiss" onClick={() => dismiss(a.id)}>
            ✕
          </button>
          {a.title ? <div className="hs-alert-title">{a.title}</div> : null}
          <div>{a.message}</div>
        </div>
      ))}
    </div>
  );
}

function DealRecord({ session, dealId }: { session: Session; dealId: string }) {
  const record = useMemo(() => new RecordStore(dealId), [dealId]);
  const { values, error } = useRecord(record);
  const [alerts, setAlerts] = useState<HostAlert[]>([]);
  const [log, setLog] = useState<LogLine[]>([]);
  const nextAlert = useRef(0);
  useEffect(() => void record.load(), [record]);
  const onAlert = useCallback((alert: Omit<HostAlert, 'id'>) => {
    const id = ++nextAlert.current;
    setAlerts((list) => [...list, { ...alert, id }].slice(-4));
    // HubSpot's success and info banners go away by themselves; warnings and errors stay until dismissed.
    if (alert.type === 'success' || alert.type === 'info')
      setTimeout(() => setAlerts((list) => list.filter((a) => a.id !== id)), 8_000);
  }, []);
  const onLog = useCallback((line: LogLine) => setLog((l) => [...l, line].slice(-200)), []);
  const context = useMemo(
    () => ({
      dealId,
      portal: session.portal,
      user: session.user,
      app: session.app,
      cardTitle: session.card.title,
    }),
    [dealId, session],
  );
  const def = (name: string) => record.definitions.find((d) => d.name === name);
  return (
    <div className="pv-record">
      <Toasts alerts={alerts} dismiss={(id) => setAlerts((list) => list.filter((a) => a.id !== id))} />
      <aside className="pv-sidebar">
        <a href="/" className="hs-link pv-back">
          ‹ Deals
        </a>
        <h1 className="pv-deal-name" data-testid="deal-name">
          {values.dealname ?? (error ? `Deal ${dealId}` : '…')}
        </h1>
        {error ? (
          <div className="hs-alert is-danger" role="alert">
            <div className="hs-alert-title">{error}</div>
          </div>
        ) : null}
        <dl className="pv-summary">
          {SUMMARY_FIELDS.map((f) => (
            <div key={f} data-property={f}>
              <dt>{def(f)?.label ?? f}</dt>
              <dd>{formatValue(values[f], def(f))}</dd>
            </div>
          ))}
        </dl>
        <PropertyPanel record={record} />
      </aside>
      <section className="pv-middle">
        <nav className="pv-tabs" aria-label="Record tabs">
          <span className="pv-tab">Overview</span>
          <span className="pv-tab">Activities</span>
          <span className="pv-tab is-active" aria-current="page">
            {session.card.title}
          </span>
        </nav>
        <div className="pv-card" data-testid="card">
          <div className="pv-card-header">
            <span className="pv-card-title">{session.card.title}</span>
            <span className="pv-card-app">{session.app.name}</span>
          </div>
          {session.card.bundleAvailable ? (
            <CardHost context={context} record={record} onAlert={onAlert} onLog={onLog} />
          ) : (
            <div className="hs-alert is-warning" role="alert" data-testid="card-missing">
              <div className="hs-alert-title">The card is not built yet</div>
              {session.card.buildHint}
            </div>
          )}
        </div>
        <details className="pv-console" data-testid="card-console">
          <summary>Card console ({log.length})</summary>
          <pre>{log.map((l) => `${l.level.toUpperCase()} ${l.message}`).join('\n')}</pre>
        </details>
      </section>
    </div>
  );
}

function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    getSession().then(setSession, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);
  const deal = /^\/deals\/(\d+)$/.exec(window.location.pathname)?.[1];
  return (
    <>
      <TopBar session={session} />
      <main className="pv-main">
        {error ? (
          <div className="hs-alert is-danger" role="alert">
            <div className="hs-alert-title">The preview could not start</div>
            {error}
          </div>
        ) : deal === undefined ? (
          <DealList />
        ) : session ? (
          <DealRecord session={session} dealId={deal} />
        ) : (
          <div className="hs-loading">
            <span className="hs-spinner is-sm" /> Loading…
          </div>
        )}
      </main>
    </>
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
