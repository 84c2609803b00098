// First: it starts the Overview's API calls and the ECharts chunk before the rest is evaluated.
import './boot';
import { ComponentType, lazy, StrictMode, Suspense, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, NavLink, Navigate, Route, Routes } from 'react-router-dom';
import { adminKey, forgetAdminKey } from './api';
import { SignIn } from './pages/sign-in';
// The landing page is in the first chunk: no second round trip before its API calls start.
import { Overview } from './pages/overview';
import './styles.css';

/**
 * Each other page is its own chunk, loaded when first shown (React.lazy): the first page fetches
 * React, the router and its own code, not every page's; ECharts (echarts.ts) is a chunk of its
 * own, loaded (boot.ts) alongside a page's API calls.
 */
const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) => lazy(() => load().then((m) => ({ default: m[name] })));
const Tenants = page(() => import('./pages/tenants'), 'Tenants');
const TenantDetail = page(() => import('./pages/tenants'), 'TenantDetail');
const Invoices = page(() => import('./pages/invoices'), 'Invoices');
const Licenses = page(() => import('./pages/licenses'), 'Licenses');
const Sla = page(() => import('./pages/sla'), 'Sla');
const ReservedInstances = page(() => import('./pages/reserved-instances'), 'ReservedInstances');
const Fleet = page(() => import('./pages/fleet'), 'Fleet');
const Prices = page(() => import('./pages/prices'), 'Prices');
const Simulations = page(() => import('./pages/simulations'), 'Simulations');
const SimulationDetail = page(() => import('./pages/simulations'), 'SimulationDetail');
const SimulationCompare = page(() => import('./pages/simulations'), 'SimulationCompare');
const Experiments = page(() => import('./pages/experiments'), 'Experiments');
const ExperimentDetail = page(() => import('./pages/experiments'), 'ExperimentDetail');

const PAGES: [string, string][] = [
  ['/', 'Overview'], ['/tenants', 'Tenants'], ['/invoices', 'Invoices'], ['/reserved-instances', 'Reserved Instances'], ['/licenses', 'Licences'], ['/sla', 'SLA'],
  ['/fleet', 'Fleet'], ['/prices', 'Prices'], ['/simulations', 'Simulations'], ['/experiments', 'Experiments'],
];

function App() {
  const [signedIn, setSignedIn] = useState(adminKey() !== null);
  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <span className="brand">Nimbus admin</span>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map(([to, label]) => (
              <li key={to}><NavLink to={to} end={to === '/'}>{label}</NavLink></li>
            ))}
          </ul>
        </nav>
        <button type="button" className="sign-out" onClick={() => { forgetAdminKey(); setSignedIn(false); }}>Sign out</button>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="status" role="status">Loading the page…</p>}>
          <Routes>
            <Route path="/" element={<Overview />} />
            <Route path="/tenants" element={<Tenants />} />
            <Route path="/tenants/:id" element={<TenantDetail />} />
            <Route path="/invoices" element={<Invoices />} />
            <Route path="/reserved-instances" element={<ReservedInstances />} />
            <Route path="/licenses" element={<Licenses />} />
            <Route path="/sla" element={<Sla />} />
            <Route path="/fleet" element={<Fleet />} />
            <Route path="/prices" element={<Prices />} />
            <Route path="/simulations" element={<Simulations />} />
            <Route path="/simulations/compare" element={<SimulationCompare />} />
            <Route path="/simulations/:id" element={<SimulationDetail />} />
            <Route path="/experiments" element={<Experiments />} />
            <Route path="/experiments/:id" element={<ExperimentDetail />} />
            <Route path="*" element={<Navigate to="/" replace />} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter basename="/admin">
      <App />
    </BrowserRouter>
  </StrictMode>,
);
