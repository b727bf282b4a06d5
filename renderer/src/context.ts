// The services every component reaches: the transport, the stores. Provided once by main.tsx.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { Transport } from './transport/transport';
import type { AppState, AppStore } from './state/app-store';
import type { SeriesStore } from './state/series-store';
import { uiStore, type UiState } from './state/ui-store';

export interface Services {
  transport: Transport;
  store: AppStore;
  series: SeriesStore;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const s = useContext(ServicesContext);
  if (!s) throw new Error('ServicesContext missing');
  return s;
}

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useServices().store, selector);
}

export function useUi<T>(selector: (s: UiState) => T): T {
  return useStore(uiStore, selector);
}
