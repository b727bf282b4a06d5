// View-only state shared by distant components (shortcuts, dialogs, chart controls).
import { createStore } from 'zustand/vanilla';
import type { PeerState } from '../../../shared/contract';
import type { TimeRange } from '../lib/chart-data';

export type DialogName = 'throttle' | 'drop' | 'help' | null;
export type StateFilter = 'all' | 'up' | 'down' | PeerState;

export interface UiState {
  chartPaused: boolean;
  range: TimeRange;
  dialog: DialogName;
  peerFilter: string;
  stateFilter: StateFilter;
  setChartPaused(p: boolean): void;
  setRange(r: TimeRange): void;
  openDialog(d: DialogName): void;
  setPeerFilter(s: string): void;
  setStateFilter(s: StateFilter): void;
}

export const uiStore = createStore<UiState>()((set) => ({
  chartPaused: false,
  range: '1m',
  dialog: null,
  peerFilter: '',
  stateFilter: 'all',
  setChartPaused: (chartPaused) => set({ chartPaused }),
  setRange: (range) => set({ range }),
  openDialog: (dialog) => set({ dialog }),
  setPeerFilter: (peerFilter) => set({ peerFilter }),
  setStateFilter: (stateFilter) => set({ stateFilter }),
}));
