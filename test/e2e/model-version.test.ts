/**
 * The model and version pages in Debian's Chromium against the real server with a seeded registry: the
 * rejected pickle checkpoint's evidence (reconstructed call under its file), the Llama fine-tune's lineage,
 * conflict and cited threshold, the BOM and vet report downloads, alias history, a missing version, keyboard
 * use of the reasons' evidence links, and screenshots at 1280 and 390 px (one dark).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VetReport } from "../../src/policy/types.js";
import { RULES } from "../../src/scan/rules.js";
import { chromiumAvailable, launchBrowser, SCREENSHOT_DIR } from "../helpers/browser.js";
import { type DashboardServer, startDashboardServer } from "../helpers/dashboard-server.js";

const run = chromiumAvailable("model and version pages E2E") ? describe : describe.skip;

const REJECTED = "/models/sentiment-classifier/versions/2";
const LLAMA = "/models/helpful-assistant-8b/versions/1";

async function apiGet<T>(server: DashboardServer, path: string): Promise<T> {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    headers: { authorization: `Bearer ${server.tokens.viewer}` },
  });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

/** Signs in as the viewer (token in sessionStorage, as the sign-in page leaves it) and opens `path`. */
async function open(
  browser: Browser,
  server: DashboardServer,
  path: string,
  options: { width?: number; dark?: boolean } = {},
): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width: options.width ?? 1280, height: 900 },
    colorScheme: options.dark ? "dark" : "light",
    acceptDownloads: true,
    permissions: ["clipboard-read", "clipboard-write"],
  });
  // Strings, not functions: this file is typechecked without the DOM library.
  await page.addInitScript(
    `sessionStorage.setItem("modelgate.token", ${JSON.stringify(server.tokens.viewer)})`,
  );
  await page.goto(`${server.url}${path}`);
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  return page;
}

function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(SCREENSHOT_DIR, `model-version-${name}.png`), fullPage: true });
}

run("dashboard: model and version pages", () => {
  let browser: Browser;
  let server: DashboardServer;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startDashboardServer()]);
  });
  afterAll(async () => {
    await server?.stop();
    await browser?.close();
  });

  it("shows the rejected checkpoint's critical finding with its reconstructed call, under its file", async () => {
    const version = await apiGet<{ vetReport: VetReport }>(server, REJECTED);
    const report = version.vetReport;
    const critical = report.scan.findings.findIndex((f) => f.severity === "critical");
    expect(critical).toBeGreaterThanOrEqual(0);
    const finding = report.scan.findings[critical]!;

    const page = await open(browser, server, REJECTED);
    await page.getByRole("heading", { level: 1, name: /sentiment-classifier/ }).waitFor();
    expect(await page.locator(".page-head .badge").textContent()).toBe("Rejected");

    const item = page.locator(`#finding-${critical}`);
    expect(await item.locator(".rule-id").textContent()).toBe(finding.ruleId);
    expect(await item.locator(".badge").textContent()).toBe("Critical");
    const call = await item.locator(".call pre").textContent();
    expect(call).toContain("system(");
    expect(call).toBe(finding.evidence.call);
    // The rule catalogue (GET /api/v1/rules) gives the finding its description and what to do.
    const rule = RULES.get(finding.ruleId);
    expect(rule).toBeDefined();
    await expect.poll(() => item.locator(".what-to-do").textContent()).toBe(`What to do: ${rule?.help}`);
    expect(await item.locator(".rule-description").textContent()).toContain(rule?.shortDescription);
    // Grouped under its file: the group's heading names the file the finding is in.
    const group = page.locator(".finding-group", { has: page.locator(`#finding-${critical}`) });
    expect(await group.locator("h3 code").textContent()).toBe(finding.file);
    // The worst group comes first.
    expect(await page.locator(".finding-group").first().locator("h3 code").textContent()).toBe(finding.file);

    // Every reason is listed with its outcome, rule and message; the failures first.
    const reasons = await page.locator(".reasons > li").allTextContents();
    expect(reasons).toHaveLength(report.reasons.length);
    for (const reason of report.reasons)
      expect(
        reasons.some(
          (t) => t.includes(reason.outcome) && t.includes(reason.rule) && t.includes(reason.message),
        ),
      ).toBe(true);
    expect(reasons[0]).toMatch(/^fail/);
    // Every file of the inventory with its full SHA-256.
    const hashes = await page.locator("table.inventory code.hash").allTextContents();
    const expected = (report.scan.repository?.inventory ?? report.scan.files).map((f) => f.sha256);
    expect(hashes).toEqual(expected.filter((h) => h !== null));
    expect(hashes.every((h) => /^[0-9a-f]{64}$/.test(h))).toBe(true);
    // The copy button puts the full digest on the clipboard.
    const copy = page.getByRole("button", { name: `Copy SHA-256 of ${finding.file}` });
    await copy.click();
    await expect.poll(() => copy.textContent()).toBe("Copied");
    const copied = await page.evaluate("navigator.clipboard.readText()");
    expect(copied).toBe(report.scan.files.find((f) => f.path === finding.file)?.sha256);

    await shot(page, "rejected-1280");
    await page.close();
  });

  it("follows the reasons' evidence links by keyboard to what they point at", async () => {
    const report = (await apiGet<{ vetReport: VetReport }>(server, REJECTED)).vetReport;
    // The failing reason comes first on the page; its first pointer is a finding.
    const pointer = report.reasons.find((r) => r.outcome === "fail")?.evidence[0];
    expect(pointer).toMatch(/^\/scan\/findings\/\d+$/);
    const index = Number(pointer!.split("/")[3]);

    const page = await open(browser, server, REJECTED);
    const link = page.locator(".reasons .evidence a").first();
    await link.waitFor();
    expect(await link.getAttribute("href")).toBe(`#finding-${index}`);
    // Tab from the start of the page until the first evidence link has focus, then follow it with Enter.
    await page.locator("main").focus();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = (await page.evaluate('document.activeElement?.getAttribute("href")')) === `#finding-${index}`;
    }
    expect(reached).toBe(true);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate("document.activeElement?.id")).toBe(`finding-${index}`);
    expect(page.url()).toContain(`#finding-${index}`);
    await page.close();
  });

  it("shows the Llama fine-tune's lineage graph, the lineage conflict and the cited threshold", async () => {
    const report = (await apiGet<{ vetReport: VetReport }>(server, LLAMA)).vetReport;
    const base = report.license.lineage?.[0];
    expect(base).toBeDefined();

    const page = await open(browser, server, LLAMA);
    const graph = page.locator("svg.lineage");
    await graph.waitFor();
    const nodes = await graph.locator(".lineage-node").allTextContents();
    expect(nodes.some((t) => t.includes("llama3.1"))).toBe(true);
    expect(await graph.locator("#lineage-title").textContent()).toContain(base!.id);
    const list = await page.locator(".lineage-text").textContent();
    expect(list).toContain(base!.id);
    expect(list).toContain("llama3.1");

    const conflict = report.license.conflicts.findIndex((c) => c.kind === "lineage");
    expect(conflict).toBeGreaterThanOrEqual(0);
    expect(await page.locator(`#conflict-${conflict}`).textContent()).toContain(
      report.license.conflicts[conflict]!.message,
    );

    const threshold = page.locator("#obligation-threshold");
    expect(await threshold.textContent()).toContain(String(report.license.obligations.threshold));
    expect(await threshold.locator(".cite").textContent()).toMatch(/§2/);

    const meter = page.getByRole("meter", { name: "Completeness" });
    expect(Number(await meter.getAttribute("value"))).toBeCloseTo(report.card.completeness);

    await shot(page, "llama-1280");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "llama-390");
    // Nothing but the scrolling regions (tables, the graph) may be wider than the phone's screen.
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await page.close();
  });

  it("downloads the ML-BOM and the vet report as JSON", async () => {
    const page = await open(browser, server, LLAMA);
    for (const [name, check] of [
      [/ML-BOM/, (json: Record<string, unknown>) => expect(json.bomFormat).toBe("CycloneDX")],
      [/vet report/, (json: Record<string, unknown>) => expect(json.verdict).toBeDefined()],
    ] as const) {
      const link = page.getByRole("link", { name });
      expect(await link.getAttribute("download")).toMatch(/\.json$/);
      const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
      const path = await download.path();
      check(JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>);
    }
    await page.close();
  });

  it("shows the model's aliases, versions and the promotion in the alias history", async () => {
    const page = await open(browser, server, "/models/mistral-7b-instruct");
    await page.getByRole("heading", { level: 1, name: "mistral-7b-instruct" }).waitFor();
    const history = page.locator("section", { has: page.getByRole("heading", { name: "Alias history" }) });
    const promotion = history.locator("tr", { hasText: "promotion" });
    await promotion.first().waitFor();
    const row = await promotion.first().textContent();
    expect(row).toContain("production");
    expect(row).toContain("approver");
    expect(await promotion.first().locator("a[href^='/approvals?model=mistral-7b-instruct']").count()).toBe(
      1,
    );

    const versions = page.locator("section", { has: page.getByRole("heading", { name: "Versions" }) });
    await versions.locator("tbody tr").first().waitFor();
    expect(await versions.locator("tbody tr").count()).toBe(3);
    // A viewer cannot request a promotion: the link to the model's requests says so.
    expect(await page.getByRole("link", { name: "Promotion requests" }).getAttribute("href")).toBe(
      "/approvals?model=mistral-7b-instruct",
    );
    await shot(page, "model-1280");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "model-390");

    // A version link leads to its page inside the app.
    await page.getByRole("link", { name: "Version 1", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: /version 1/ }).waitFor();
    await page.close();
  });

  it("says a missing version does not exist and links back to the model", async () => {
    const page = await open(browser, server, "/models/mistral-7b-instruct/versions/99");
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("has no version 99");
    await alert.getByRole("link", { name: /Back to mistral-7b-instruct/ }).click();
    await page.getByRole("heading", { level: 1, name: "mistral-7b-instruct" }).waitFor();
    await page.close();
  });

  it("draws a merge with both parents and marks a base that could not be resolved", async () => {
    const page = await open(browser, server, "/models/blend-7b-merge/versions/1");
    const graph = page.locator("svg.lineage");
    await graph.waitFor();
    expect(await graph.locator(".lineage-node").count()).toBe(3);
    expect(await graph.locator(".lineage-relation").allTextContents()).toEqual(["merge", "merge"]);
    await page.close();

    // No seeded model has an unresolvable base: the API's answer gets one added on its way to the page.
    const unresolved = await open(browser, server, "/models");
    await unresolved.route(`**/api/v1${LLAMA}`, async (route) => {
      const res = await route.fetch();
      const version = (await res.json()) as { vetReport: VetReport };
      version.vetReport.license.lineage![0]!.parents.push({
        id: "org/private-base",
        relation: "finetune",
        license: "unknown",
        resolvedFrom: null,
        unresolvedReason: "no resolver knows it",
        parents: [],
      });
      await route.fulfill({ response: res, json: version });
    });
    await unresolved.goto(`${server.url}${LLAMA}`);
    const node = unresolved.locator(".lineage-node.unresolved");
    await node.waitFor();
    expect(await node.textContent()).toContain("unknown · unresolved");
    expect(await unresolved.locator(".lineage-text").textContent()).toContain(
      "org/private-base, license unknown — unresolved: no resolver knows it",
    );
    await unresolved.close();
  });

  it("explains a forbidden answer, a server error with a retry, and an unknown model", async () => {
    const page = await open(browser, server, "/models");
    const problem = (status: number, title: string) => ({
      status,
      contentType: "application/problem+json",
      body: JSON.stringify({ type: "about:blank", title, status, detail: "" }),
    });
    await page.route(`**/api/v1${REJECTED}`, (route) => route.fulfill(problem(403, "Forbidden")));
    await page.goto(`${server.url}${REJECTED}`);
    await page.getByRole("heading", { name: "Not allowed for your role" }).waitFor();

    await page.unroute(`**/api/v1${REJECTED}`);
    let failures = 1;
    await page.route(`**/api/v1${REJECTED}`, (route) =>
      failures-- > 0 ? route.fulfill(problem(500, "Internal Server Error")) : route.continue(),
    );
    await page.goto(`${server.url}${REJECTED}`);
    await page.getByRole("button", { name: "Try again" }).click();
    await page.locator(".finding").first().waitFor();

    await page.goto(`${server.url}/models/no-such-model`);
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("No model named “no-such-model”");
    expect(await alert.getByRole("link", { name: "Back to the inventory" }).getAttribute("href")).toBe(
      "/models",
    );
    await page.close();
  });

  it("renders the rejected version in the dark theme and at phone width", async () => {
    const page = await open(browser, server, REJECTED, { width: 390, dark: true });
    await page.locator(".finding").first().waitFor();
    expect(await page.evaluate("getComputedStyle(document.body).backgroundColor")).not.toBe(
      "rgb(255, 255, 255)",
    );
    await shot(page, "rejected-390-dark");
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.url}${LLAMA}`);
    await page.locator("svg.lineage").waitFor();
    await shot(page, "llama-1280-dark");
    await page.close();
  });
});
