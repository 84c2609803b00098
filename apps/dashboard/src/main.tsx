import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, NavLink, Navigate, Route, Routes } from 'react-router-dom';
import { adminKey, forgetAdminKey } from './api';
import { SignIn } from './pages/sign-in';
import { Overview } from './pages/overview';
import { TenantDetail, Tenants } from './pages/tenants';
import { Invoices } from './pages/invoices';
import { Licenses } from './pages/licenses';
import { Sla } from './pages/sla';
import { Fleet } from './pages/fleet';
import { Prices } from './pages/prices';
import { Simulations, SimulationDetail, SimulationCompare } from './pages/simulations';
import './styles.css';

const PAGES: [string, string][] = [
  ['/', 'Overview'], ['/tenants', 'Tenants'], ['/invoices', 'Invoices'], ['/licenses', 'Licences'], ['/sla', 'SLA'],
  ['/fleet', 'Fleet'], ['/prices', 'Prices'], ['/simulations', 'Simulations'],
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
        <Routes>
          <Route path="/" element={<Overview />} />
          <Route path="/tenants" element={<Tenants />} />
          <Route path="/tenants/:id" element={<TenantDetail />} />
          <Route path="/invoices" element={<Invoices />} />
          <Route path="/licenses" element={<Licenses />} />
          <Route path="/sla" element={<Sla />} />
          <Route path="/fleet" element={<Fleet />} />
          <Route path="/prices" element={<Prices />} />
          <Route path="/simulations" element={<Simulations />} />
          <Route path="/simulations/compare" element={<SimulationCompare />} />
          <Route path="/simulations/:id" element={<SimulationDetail />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
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
