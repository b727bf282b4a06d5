// lib/live-canvas: desynchronized 2D contexts, also for a library that takes its own
// (uPlot), without leaving HTMLCanvasElement patched. A stand-in canvas class records the
// options each getContext call got (the unit tests run in Node, without a DOM).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { liveContext, withLiveContexts } from '../../../renderer/src/lib/live-canvas';

class FakeCanvas {
  getContext(type: string, options?: Record<string, unknown>): unknown {
    return { type, options };
  }
}

describe('live canvas contexts', () => {
  const g = globalThis as { HTMLCanvasElement?: unknown };
  let had: unknown;
  beforeEach(() => {
    had = g.HTMLCanvasElement;
    g.HTMLCanvasElement = FakeCanvas;
  });
  afterEach(() => {
    g.HTMLCanvasElement = had;
  });

  it('asks for a desynchronized 2D context', () => {
    const ctx = liveContext(new FakeCanvas() as unknown as HTMLCanvasElement) as unknown as { type: string; options: object };
    expect(ctx).toEqual({ type: '2d', options: { desynchronized: true } });
  });

  it('makes the 2D contexts taken inside withLiveContexts desynchronized, keeping their other options, and only those', () => {
    const original = FakeCanvas.prototype.getContext;
    const inside = withLiveContexts(() => [new FakeCanvas().getContext('2d', { alpha: false }), new FakeCanvas().getContext('webgl', { alpha: false })]);
    expect(inside).toEqual([
      { type: '2d', options: { alpha: false, desynchronized: true } },
      { type: 'webgl', options: { alpha: false } },
    ]);
    expect(FakeCanvas.prototype.getContext).toBe(original);
    expect(new FakeCanvas().getContext('2d')).toEqual({ type: '2d', options: undefined });
  });

  it('restores getContext when the creation throws', () => {
    const original = FakeCanvas.prototype.getContext;
    expect(() =>
      withLiveContexts(() => {
        throw new Error('no host');
      }),
    ).toThrow('no host');
    expect(FakeCanvas.prototype.getContext).toBe(original);
  });
});
