// Chart panel: range, pause/resume following, and the chart itself.
import { useUi } from '../context';
import { useApp } from '../context';
import type { TimeRange } from '../lib/chart-data';
import { uiStore } from '../state/ui-store';
import { RttChart } from './rtt-chart';

const RANGES: { value: TimeRange; label: string }[] = [
  { value: '1m', label: '1 min' },
  { value: '10m', label: '10 min' },
  { value: 'all', label: 'All' },
];

export function ChartPanel() {
  const paused = useUi((s) => s.chartPaused);
  const range = useUi((s) => s.range);
  const count = useApp((s) => s.selected.length);
  return (
    <section className="panel chart-panel" aria-labelledby="chart-title">
      <div className="panel-head">
        <h2 id="chart-title">Ping RTT</h2>
        <span className="muted small">{count === 1 ? 'band: rolling p5–p95' : `${count} peer${count === 1 ? '' : 's'}`}</span>
        <span className="legend-keys muted small" aria-hidden="true">
          <span className="key key-down" /> down <span className="key key-fault" /> fault <span className="key key-kill" /> kill
        </span>
        <div className="spacer" />
        <div className="seg" role="group" aria-label="Time range">
          {RANGES.map((r) => (
            <button key={r.value} type="button" aria-pressed={range === r.value} className={range === r.value ? 'on' : ''} onClick={() => uiStore.getState().setRange(r.value)}>
              {r.label}
            </button>
          ))}
        </div>
        <button type="button" className={`small-btn${paused ? ' on' : ''}`} onClick={() => uiStore.getState().setChartPaused(!paused)} title="Space">
          {paused ? 'Resume chart' : 'Pause chart'}
        </button>
      </div>
      <RttChart />
    </section>
  );
}
