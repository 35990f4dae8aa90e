import { describe, expect, it } from "vitest";
import { createProgress, formatSize } from "./progress.js";

function fakeStream(isTTY: boolean, columns = 80) {
  const out: string[] = [];
  return {
    out,
    stream: {
      isTTY,
      columns,
      write(s: string) {
        out.push(s);
        return true;
      },
    },
  };
}

const GiB = 1024 ** 3;

describe("createProgress", () => {
  it("writes nothing at all to a non-TTY stream", () => {
    const { out, stream } = fakeStream(false);
    let t = 0;
    const p = createProgress(stream, { now: () => t });
    for (t = 0; t < 5000; t += 50) p.update(t, 5000, "file.bin");
    p.done();
    expect(out).toEqual([]);
  });

  it("stays quiet for the first second, then draws one line at most ~10 times a second", () => {
    const { out, stream } = fakeStream(true);
    let t = 0;
    const p = createProgress(stream, { now: () => t });
    for (t = 0; t <= 1000; t += 10) p.update(t * 1024 * 1024, 4 * GiB, "model.bin");
    expect(out).toEqual([]);
    for (t = 1010; t <= 2000; t += 10) p.update((t / 1000) * GiB, 4 * GiB, "model.bin");
    expect(out.length).toBeGreaterThanOrEqual(9);
    expect(out.length).toBeLessThanOrEqual(11);
    for (const s of out) expect(s.startsWith("\r\x1b[2K")).toBe(true);
    // the last draw was at t=1910 (the update at 2000 came 90 ms after it)
    expect(out.at(-1)).toBe("\r\x1b[2K 47%  1.91 GiB / 4.00 GiB  1.00 GiB/s  model.bin");
    p.done();
    expect(out.at(-1)).toBe("\r\x1b[2K");
    const n = out.length;
    p.update(3 * GiB, 4 * GiB);
    p.done();
    expect(out.length).toBe(n);
  });

  it("shows MiB below a GiB, fits the terminal width and cleans the label", () => {
    const { out, stream } = fakeStream(true, 40);
    let t = 0;
    const p = createProgress(stream, { now: () => t, minDelayMs: 0 });
    t = 2000;
    p.update(10 * 1024 * 1024, 100 * 1024 * 1024, "a\x1b[31m-very-long-label-that-does-not-fit.bin");
    const line = out[0]!.slice("\r\x1b[2K".length);
    expect(line.length).toBeLessThanOrEqual(39);
    expect(line).toMatch(/^ 10% {2}10\.0 MiB \/ 100\.0 MiB/);
    expect(line).not.toContain("\x1b");
  });

  it("does not clear a line it never drew", () => {
    const { out, stream } = fakeStream(true);
    const p = createProgress(stream);
    p.update(1, 2);
    p.done();
    expect(out).toEqual([]);
  });

  it("formats sizes", () => {
    expect(formatSize(512 * 1024)).toBe("0.5 MiB");
    expect(formatSize(1.5 * GiB)).toBe("1.50 GiB");
  });
});
