import { describe, expect, it } from "vitest";
import { escapeLabel, Metrics } from "./metrics.js";

describe("Metrics", () => {
  it("renders counters and cumulative histogram buckets in the Prometheus text format", () => {
    const metrics = new Metrics();
    metrics.observe("GET", "/api/v1/models", 200, 0.003);
    metrics.observe("GET", "/api/v1/models", 200, 0.2);
    metrics.observe("POST", "/api/v1/models", 409, 0.02);
    const text = metrics.render();
    const base = 'method="GET",route="/api/v1/models",status="200"';
    expect(text).toContain(`modelgate_http_requests_total{${base}} 2\n`);
    expect(text).toContain(`modelgate_http_request_duration_seconds_bucket{${base},le="0.005"} 1\n`);
    expect(text).toContain(`modelgate_http_request_duration_seconds_bucket{${base},le="0.1"} 1\n`);
    expect(text).toContain(`modelgate_http_request_duration_seconds_bucket{${base},le="0.25"} 2\n`);
    expect(text).toContain(`modelgate_http_request_duration_seconds_bucket{${base},le="+Inf"} 2\n`);
    expect(text).toContain(`modelgate_http_request_duration_seconds_count{${base}} 2\n`);
    expect(text).toMatch(
      /^modelgate_http_request_duration_seconds_sum\{method="GET",route="\/api\/v1\/models",status="200"\} 0\.203/m,
    );
    expect(text).toContain(
      'modelgate_http_requests_total{method="POST",route="/api/v1/models",status="409"} 1\n',
    );
    expect(text).toMatch(/^# TYPE modelgate_http_request_duration_seconds histogram$/m);
    expect(text).toMatch(/^process_cpu_seconds_total \d+(\.\d+)?$/m);
    expect(text.endsWith("\n")).toBe(true);
    // Every sample line is `name{labels} value` or `name value`.
    for (const line of text.split("\n").filter((l) => l && !l.startsWith("#"))) {
      expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [0-9.e+-]+$/);
    }
  });

  it("escapes label values", () => {
    expect(escapeLabel('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });
});
