/**
 * A one-line progress indicator for long operations (hashing gigabytes, scanning a large folder). Drawn
 * on a TTY only, only once the operation has run for over `minDelayMs`, at most ~10 times a second, and
 * cleared by `done()`; on anything that is not a TTY (CI logs, pipes, files) it writes nothing at all.
 */

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): boolean;
}

export interface ProgressOptions {
  /** Draw nothing until the operation has run this long; default 1000 ms. */
  minDelayMs?: number;
  /** Least time between two draws; default 100 ms. */
  intervalMs?: number;
  /** Clock in ms, for tests; default `performance.now`. */
  now?: () => number;
}

export interface Progress {
  update(done: number, total: number, label?: string): void;
  done(): void;
}

const CLEAR = "\r\x1b[2K";

export function formatSize(n: number): string {
  const MiB = 1024 * 1024;
  if (n >= 1024 * MiB) return `${(n / (1024 * MiB)).toFixed(2)} GiB`;
  return `${(n / MiB).toFixed(1)} MiB`;
}

function clean(label: string): string {
  return label.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}

export function createProgress(stream: ProgressStream, opts: ProgressOptions = {}): Progress {
  const tty = stream.isTTY === true;
  const now = opts.now ?? (() => performance.now());
  const minDelay = opts.minDelayMs ?? 1000;
  const interval = opts.intervalMs ?? 100;
  const start = now();
  let lastDraw = Number.NEGATIVE_INFINITY;
  let drawn = false;
  let finished = false;

  return {
    update(done, total, label) {
      if (!tty || finished) return;
      const t = now();
      if (t - start <= minDelay || t - lastDraw < interval) return;
      lastDraw = t;
      const parts: string[] = [];
      if (total > 0) parts.push(`${Math.min(100, Math.floor((done / total) * 100))}%`.padStart(4));
      parts.push(total > 0 ? `${formatSize(done)} / ${formatSize(total)}` : formatSize(done));
      const seconds = (t - start) / 1000;
      if (seconds > 0) parts.push(`${formatSize(done / seconds)}/s`);
      if (label) parts.push(clean(label));
      let line = parts.join("  ");
      const cols = stream.columns && stream.columns > 1 ? stream.columns - 1 : 79;
      if (line.length > cols) line = `${line.slice(0, Math.max(0, cols - 1))}…`;
      stream.write(CLEAR + line);
      drawn = true;
    },
    done() {
      if (finished) return;
      finished = true;
      if (tty && drawn) stream.write(CLEAR);
    },
  };
}
