// Entry: pick the transport (Electron preload or WebSocket), wire it into the store, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles/theme.css';
import './styles/app.css';
import { App } from './app';
import { ServicesContext, type Services } from './context';
import { createAppStore } from './state/app-store';
import { connectStore } from './state/connect-store';
import { SeriesStore } from './state/series-store';
import { pickTransport } from './transport/pick-transport';

const transport = pickTransport();
const series = new SeriesStore();
const store = createAppStore(series, transport.kind);
connectStore(transport, store);
transport.start();

const services: Services = { transport, store, series };
const root = document.getElementById('root');
if (!root) throw new Error('#root missing');
createRoot(root).render(
  <StrictMode>
    <ServicesContext.Provider value={services}>
      <App />
    </ServicesContext.Provider>
  </StrictMode>,
);
