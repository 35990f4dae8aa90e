/**
 * Prometheus text exposition (format 0.0.4), written by hand: request counts and a latency histogram
 * by method, route template and status, plus process metrics. One instance per app, so tests and
 * several apps in one process never share counters.
 */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  method: string;
  route: string;
  status: string;
  count: number;
  sum: number;
  /** Cumulative counts per bucket in BUCKETS, as Prometheus wants them. */
  buckets: number[];
}

export class Metrics {
  private readonly series = new Map<string, Series>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    let s = this.series.get(key);
    if (!s) {
      s = { method, route, status: String(status), count: 0, sum: 0, buckets: BUCKETS.map(() => 0) };
      this.series.set(key, s);
    }
    s.count += 1;
    s.sum += seconds;
    for (let i = 0; i < BUCKETS.length; i++) {
      if (seconds <= (BUCKETS[i] as number)) s.buckets[i] = (s.buckets[i] as number) + 1;
    }
  }

  render(): string {
    const lines: string[] = [
      "# HELP modelgate_http_requests_total HTTP requests answered, by method, route template and status.",
      "# TYPE modelgate_http_requests_total counter",
    ];
    const series = [...this.series.values()];
    for (const s of series) lines.push(`modelgate_http_requests_total{${labels(s)}} ${s.count}`);
    lines.push(
      "# HELP modelgate_http_request_duration_seconds Time to answer HTTP requests.",
      "# TYPE modelgate_http_request_duration_seconds histogram",
    );
    for (const s of series) {
      const base = labels(s);
      BUCKETS.forEach((le, i) => {
        lines.push(`modelgate_http_request_duration_seconds_bucket{${base},le="${le}"} ${s.buckets[i]}`);
      });
      lines.push(`modelgate_http_request_duration_seconds_bucket{${base},le="+Inf"} ${s.count}`);
      lines.push(`modelgate_http_request_duration_seconds_sum{${base}} ${s.sum}`);
      lines.push(`modelgate_http_request_duration_seconds_count{${base}} ${s.count}`);
    }
    lines.push(...processMetrics());
    return `${lines.join("\n")}\n`;
  }
}

function labels(s: Series): string {
  return `method="${escapeLabel(s.method)}",route="${escapeLabel(s.route)}",status="${s.status}"`;
}

export function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

function processMetrics(): string[] {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  const startSeconds = Date.now() / 1000 - process.uptime();
  return [
    "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.",
    "# TYPE process_cpu_seconds_total counter",
    `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
    "# HELP process_resident_memory_bytes Resident memory size in bytes.",
    "# TYPE process_resident_memory_bytes gauge",
    `process_resident_memory_bytes ${mem.rss}`,
    "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.",
    "# TYPE process_start_time_seconds gauge",
    `process_start_time_seconds ${Math.round(startSeconds)}`,
    "# HELP nodejs_heap_used_bytes V8 heap in use, in bytes.",
    "# TYPE nodejs_heap_used_bytes gauge",
    `nodejs_heap_used_bytes ${mem.heapUsed}`,
  ];
}
