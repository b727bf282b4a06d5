// The 2D context of a canvas whose content changes on a timer (the table's figures, the live
// log, the status bar's figures, the RTT chart). Desynchronized: its new content goes to the compositor on
// its own, without the page's main-frame commit. Why: when any ordinary canvas changed, the
// frame's commit hands every canvas of the page over again (traced in this software Chromium:
// 5 canvases cost 5 bitmap copies per refresh, and the commit blocks the main thread), so each
// refresh paid for all of them; a desynchronized canvas costs only its own, and no commit.
export function liveContext(canvas: HTMLCanvasElement): CanvasRenderingContext2D | null {
  return canvas.getContext('2d', { desynchronized: true });
}

/**
 * Runs `create` (a library that makes its own canvas and takes its 2D context at once, as
 * uPlot does) with every 2D context it takes desynchronized, as liveContext's are.
 */
export function withLiveContexts<T>(create: () => T): T {
  const proto = HTMLCanvasElement.prototype;
  const original = proto.getContext;
  proto.getContext = function (this: HTMLCanvasElement, type: string, options?: unknown) {
    return type === '2d' ? original.call(this, type, { ...(options as object), desynchronized: true }) : original.call(this, type, options);
  } as typeof original;
  try {
    return create();
  } finally {
    proto.getContext = original;
  }
}
