/**
 * The main flow in Debian's Chromium, each user in a browser context of their own against the real
 * server with a seeded registry: a developer requests a promotion and may not decide it, an approver
 * approves it with a rationale and the production alias moves, the audit log shows both entries with their
 * actors and a verified chain, a viewer is denied, a rejection, a refusal shown in the server's words;
 * screenshots at 1280 and 390 px and in the dark theme.
 */
import { join } from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, launchBrowser, SCREENSHOT_DIR } from "../helpers/browser.js";
import {
  type DashboardServer,
  type DashboardUser,
  startDashboardServer,
} from "../helpers/dashboard-server.js";

const run = chromiumAvailable("approvals and audit E2E") ? describe : describe.skip;

const MODEL = "mistral-7b-instruct";
const SEPARATION = "You requested this promotion; another approver must decide it (separation of duties).";
const ROLE_LINE = "Only an approver or an administrator can approve or reject";

interface PromotionRequest {
  id: string;
  kind: string;
  model: string;
  version: number;
  alias: string;
  status: string;
  requestedBy: string;
  decidedBy: string | null;
  rationale: string | null;
}

async function apiCall(
  server: DashboardServer,
  user: DashboardUser,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.tokens[user]}`,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function apiJson<T>(server: DashboardServer, user: DashboardUser, path: string): Promise<T> {
  const res = await apiCall(server, user, "GET", path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

async function pending(server: DashboardServer, model: string): Promise<PromotionRequest[]> {
  const page = await apiJson<{ items: PromotionRequest[] }>(
    server,
    "viewer",
    `/requests?status=pending&model=${model}`,
  );
  return page.items;
}

/** A fresh browser context (its own sessionStorage: its own user) signed in as `user`. */
async function signedIn(
  browser: Browser,
  server: DashboardServer,
  user: DashboardUser,
  path: string,
  width = 1280,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.url}${path}`);
  await page.getByLabel("API token").fill(server.tokens[user]);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  return { context, page };
}

/** The card of one request in the queue. */
function card(page: Page, id: string): Locator {
  return page.locator(`article[data-request-id="${id}"]`);
}

function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(SCREENSHOT_DIR, `approvals-audit-${name}.png`), fullPage: true });
}

async function setTheme(page: Page, theme: "light" | "dark"): Promise<void> {
  await page.getByLabel("Theme").selectOption(theme);
}

run("dashboard: approvals and audit", () => {
  let browser: Browser;
  let server: DashboardServer;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startDashboardServer()]);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await server?.stop();
    await browser?.close();
  });

  it("runs the promotion flow: developer requests, approver approves, the alias moves, the audit log shows it", async () => {
    // The developer finds the model in the inventory, then asks for v3 in production.
    const dev = await signedIn(browser, server, "developer", "/models");
    contexts.push(dev.context);
    await dev.page.getByLabel("Search models").fill("mistral");
    await expect.poll(() => new URL(dev.page.url()).searchParams.get("q")).toBe("mistral");
    await dev.page.getByRole("link", { name: MODEL, exact: true }).first().click();
    await dev.page.waitForURL(`**/models/${MODEL}`);
    await dev.page.goto(`${server.url}/approvals?model=${MODEL}`);
    await dev.page.getByRole("heading", { level: 1, name: "Approvals" }).waitFor();
    const form = dev.page.locator("form.promotion-form");
    expect(await form.getByLabel("Model").inputValue()).toBe(MODEL);
    await form.getByLabel("Version").selectOption("3");
    await expect.poll(() => form.textContent()).toContain("Verdict of v3: Approved");
    // An approved version needs no waiver, so the form does not ask for one.
    expect(await form.getByLabel("Waiver reason").count()).toBe(0);
    expect(await form.getByLabel("Alias").inputValue()).toBe("production");
    await form.getByLabel(/^Note/).fill("Eval suite green on v3.");
    await form.getByRole("button", { name: "Request" }).click();
    await expect
      .poll(() => dev.page.locator(".announce").textContent())
      .toBe(`Requested: ${MODEL} v3 → production. It waits for an approver.`);

    const mine = (await pending(server, MODEL)).find((r) => r.version === 3);
    expect(mine?.requestedBy).toBe("developer");
    const request = mine as PromotionRequest;
    const devCard = card(dev.page, request.id);
    await devCard.waitFor();
    expect(await devCard.textContent()).toContain(SEPARATION);
    expect(await devCard.getByRole("button", { name: "Approve", exact: true }).count()).toBe(0);
    expect(await devCard.getByRole("button", { name: "Reject", exact: true }).count()).toBe(0);
    await shot(dev.page, "developer-own-request-1280");

    // The approver, in another context, must type a rationale before the buttons work.
    const approver = await signedIn(browser, server, "approver", "/approvals");
    contexts.push(approver.context);
    const approverCard = card(approver.page, request.id);
    await approverCard.waitFor();
    expect(await approverCard.textContent()).not.toContain("separation of duties");
    const approve = approverCard.getByRole("button", { name: "Approve", exact: true });
    expect(await approve.isDisabled()).toBe(true);
    expect(await approverCard.getByRole("button", { name: "Reject", exact: true }).isDisabled()).toBe(true);
    await approverCard.getByLabel(/^Rationale/).fill("   ");
    expect(await approve.isDisabled()).toBe(true);
    await approverCard.getByLabel(/^Rationale/).fill("Eval and vet are green; ship it.");
    expect(await approve.isDisabled()).toBe(false);
    await shot(approver.page, "approver-queue-1280");
    await approve.click();
    await expect
      .poll(() => approver.page.locator(".announce").textContent())
      .toBe(`Approved: ${MODEL} v3 → production. The production alias now points at v3.`);
    expect(await approver.page.locator(".announce").getAttribute("aria-live")).toBe("polite");
    await expect.poll(() => approverCard.count()).toBe(0);

    // The alias moved (the API says so), and the Approved tab lists the decision with its rationale.
    const aliases = await apiJson<{ items: { alias: string; version: number; requestId: string | null }[] }>(
      server,
      "viewer",
      `/models/${MODEL}/aliases`,
    );
    expect(aliases.items.find((a) => a.alias === "production")).toMatchObject({
      version: 3,
      requestId: request.id,
    });
    await approver.page.getByRole("button", { name: "Approved" }).click();
    await approver.page.waitForURL("**/approvals?status=approved");
    await approverCard.waitFor();
    expect(await approverCard.textContent()).toMatch(/Approved by\s*approver on/);
    expect(await approverCard.textContent()).toContain("Eval and vet are green; ship it.");

    // The audit log: the request and the approval, with their actors, and a verified chain.
    await approver.page.getByRole("link", { name: "Audit log" }).click();
    await approver.page.getByRole("heading", { level: 1, name: "Audit log" }).waitFor();
    const verify = approver.page.locator("section.verify");
    await expect.poll(() => verify.textContent()).toMatch(/Chain verified: \d+ entries/);
    const verified = await apiJson<{ ok: boolean; entries: number }>(server, "viewer", "/audit/verify");
    expect(verified.ok).toBe(true);
    expect(await verify.textContent()).toContain(`Chain verified: ${verified.entries} entries`);
    await approver.page.getByLabel("Subject").fill(`request:${request.id}`);
    await approver.page.getByRole("button", { name: "Filter", exact: true }).click();
    await approver.page.waitForURL(`**/audit?subject=request%3A${request.id}`);
    const rows = approver.page.locator("table.audit-table tbody tr[data-seq]");
    await expect.poll(() => rows.count()).toBe(2);
    const [newest, oldest] = [await rows.nth(0).textContent(), await rows.nth(1).textContent()];
    expect(newest).toContain("request.approve");
    expect(newest).toContain("approver");
    expect(oldest).toContain("request.promotion");
    expect(oldest).toContain("developer");
    // The change of the approval, expanded: the status went from pending to approved.
    await rows
      .nth(0)
      .getByRole("button", { name: /Show change/ })
      .click();
    const diff = approver.page.locator("tr.diff-row");
    expect(await diff.textContent()).toMatch(/Changed: .*status/);
    expect(await diff.textContent()).toContain('"status": "approved"');
    await approver.page.getByRole("button", { name: "Verify again" }).click();
    await expect.poll(() => verify.textContent()).toMatch(/Chain verified/);
    await shot(approver.page, "audit-filtered-1280");

    // The filters live in the URL: a reload shows the same entries.
    await approver.page.reload();
    await expect.poll(() => rows.count()).toBe(2);
    expect(await approver.page.getByLabel("Subject").inputValue()).toBe(`request:${request.id}`);
  });

  it("shows a viewer the queue without decision buttons; the API and the UI refuse the viewer's approval", async () => {
    const viewer = await signedIn(browser, server, "viewer", "/approvals");
    contexts.push(viewer.context);
    const cards = viewer.page.locator("article.request-card");
    await expect.poll(() => cards.count()).toBeGreaterThan(0);
    expect(await viewer.page.getByRole("button", { name: "Approve", exact: true }).count()).toBe(0);
    expect(await viewer.page.getByRole("button", { name: "Reject", exact: true }).count()).toBe(0);
    expect(await viewer.page.locator("main").textContent()).toContain(
      `${ROLE_LINE}; you are signed in as a viewer.`,
    );
    // Nor may a viewer request a promotion.
    expect(await viewer.page.locator("form.promotion-form").count()).toBe(0);

    const target = (await pending(server, MODEL))[0] as PromotionRequest;
    const direct = await apiCall(server, "viewer", "POST", `/requests/${target.id}/approve`, {
      rationale: "I would like to",
    });
    expect(direct.status).toBe(403);

    // A page opened as an approver whose token is then swapped for the viewer's (a role taken away
    // mid-session): the approval is refused and the forbidden view says so.
    const stale = await signedIn(browser, server, "approver2", "/approvals");
    contexts.push(stale.context);
    const staleCard = card(stale.page, target.id);
    await staleCard.getByLabel(/^Rationale/).fill("Looks fine.");
    await stale.page.evaluate(
      `sessionStorage.setItem("modelgate.token", ${JSON.stringify(server.tokens.viewer)})`,
    );
    await staleCard.getByRole("button", { name: "Approve", exact: true }).click();
    const alert = staleCard.getByRole("alert");
    await expect.poll(() => alert.textContent()).toContain("Not allowed for your role");
    expect((await pending(server, MODEL)).map((r) => r.id)).toContain(target.id);
  });

  it("rejects with a rationale, and shows the server's refusal when a request was decided meanwhile", async () => {
    const [waived] = await pending(server, "helpful-assistant-8b");
    expect(waived).toBeDefined();
    const request = waived as PromotionRequest;
    const first = await signedIn(browser, server, "approver2", "/approvals?model=helpful-assistant-8b", 390);
    const second = await signedIn(browser, server, "approver", "/approvals?model=helpful-assistant-8b");
    contexts.push(first.context, second.context);

    const firstCard = card(first.page, request.id);
    await firstCard.waitFor();
    // The waiver, with its reason and how long it has left.
    expect(await firstCard.textContent()).toMatch(/Pilot limited to internal users.*expires in 5 days/);
    await firstCard.getByLabel(/^Rationale/).fill("The Llama 3.1 terms are not cleared by legal yet.");
    await shot(first.page, "waiver-request-390");
    await firstCard.getByRole("button", { name: "Reject", exact: true }).click();
    await expect
      .poll(() => first.page.locator(".announce").textContent())
      .toBe("Rejected: helpful-assistant-8b v1 → production.");
    const decided = await apiJson<PromotionRequest>(server, "viewer", `/requests/${request.id}`);
    expect(decided).toMatchObject({
      status: "rejected",
      decidedBy: "approver2",
      rationale: "The Llama 3.1 terms are not cleared by legal yet.",
    });

    // The second approver's page still shows it pending: the server's conflict is shown as it said it.
    const secondCard = card(second.page, request.id);
    await secondCard.getByLabel(/^Rationale/).fill("Fine for the pilot.");
    await secondCard.getByRole("button", { name: "Approve", exact: true }).click();
    await expect
      .poll(() => secondCard.getByRole("alert").textContent())
      .toMatch(/The registry refused: .*already rejected/);

    // The rejected tab, narrow and dark.
    await setTheme(first.page, "dark");
    await first.page.getByRole("button", { name: "Rejected" }).click();
    await firstCard.waitFor();
    expect(await firstCard.textContent()).toMatch(/Rejected by\s*approver2 on/);
    await shot(first.page, "rejected-390-dark");
  });

  it("asks for a waiver when the version is not approved, and pages the audit log in the dark theme", async () => {
    const dev = await signedIn(browser, server, "developer", "/approvals", 390);
    contexts.push(dev.context);
    const form = dev.page.locator("form.promotion-form");
    await form.getByLabel("Model").fill("sentiment-classifier");
    await form.getByLabel("Version").selectOption("2");
    await form.getByLabel("Waiver reason").waitFor();
    expect(await form.textContent()).toContain("needs a waiver");
    // Without the waiver the browser's own validation keeps the form from being sent.
    await form.getByRole("button", { name: "Request" }).click();
    expect(
      await form
        .getByLabel("Waiver reason")
        .evaluate((el) => (el as unknown as { validity: { valid: boolean } }).validity.valid),
    ).toBe(false);
    await shot(dev.page, "waiver-form-390");

    // A rollback of production (v3 since the first test) to v1, which was there before: shown as a rollback.
    await form.getByLabel("Model").fill(MODEL);
    await form.getByLabel("Version").selectOption("1");
    await form.getByLabel("Kind").selectOption("rollback");
    await form.getByRole("button", { name: "Request" }).click();
    await expect
      .poll(() => dev.page.locator(".announce").textContent())
      .toMatch(/^Requested: mistral-7b-instruct v1/);
    const rollback = (await pending(server, MODEL)).find((r) => r.version === 1) as PromotionRequest;
    expect(rollback).toMatchObject({ kind: "rollback", alias: "production" });
    expect(await card(dev.page, rollback.id).getByRole("heading").textContent()).toMatch(
      /^Rollback mistral-7b-instruct v1/,
    );

    const audit = await signedIn(browser, server, "admin", "/audit?limit=20");
    contexts.push(audit.context);
    await setTheme(audit.page, "dark");
    const rows = audit.page.locator("table.audit-table tbody tr[data-seq]");
    const firstSeq = async () => Number(await rows.first().getAttribute("data-seq"));
    const total = (await apiJson<{ entries: number }>(server, "viewer", "/audit/verify")).entries;
    expect(total).toBeGreaterThan(20);
    await expect.poll(firstSeq).toBe(total);
    expect(await rows.count()).toBe(20);
    await shot(audit.page, "audit-1280-dark");
    // Paged by the server's cursor, kept in the URL; Back returns to the newest page.
    await audit.page.getByRole("link", { name: "Older entries" }).click();
    await audit.page.waitForURL("**/audit?limit=20&cursor=*");
    await expect.poll(firstSeq).toBe(total - 20);
    await audit.page.goBack();
    await expect.poll(firstSeq).toBe(total);
    // Dates go to the server: a range of the newest entry's day alone still shows it (`to` means the end
    // of that day), and pages by the server's cursor within the range.
    const newest = (await apiJson<{ items: { at: string }[] }>(server, "viewer", "/audit?limit=1")).items[0];
    const day = newest?.at.slice(0, 10) ?? "";
    const range = `from=${day}T00:00:00Z&to=${new Date(Date.parse(day) + 86_400_000).toISOString()}`;
    const ofDay = (
      await apiJson<{ items: { seq: number }[] }>(server, "viewer", `/audit?${range}&limit=200`)
    ).items.map((e) => e.seq);
    expect(ofDay[0]).toBe(total);
    expect(ofDay.length).toBeGreaterThan(20);
    await audit.page.getByLabel("From", { exact: true }).fill(day);
    await audit.page.getByLabel("To", { exact: true }).fill(day);
    await audit.page.getByRole("button", { name: "Filter", exact: true }).click();
    await expect.poll(() => new URL(audit.page.url()).search).toBe(`?from=${day}&to=${day}`);
    await expect.poll(firstSeq).toBe(total);
    expect(await rows.count()).toBe(Math.min(ofDay.length, 50));
    await audit.page.goto(`${server.url}/audit?from=${day}&to=${day}&limit=20`);
    await expect.poll(() => rows.count()).toBe(20);
    await audit.page.getByRole("link", { name: "Older entries" }).click();
    await expect.poll(firstSeq).toBe(ofDay[20]);
    // Dates before the registry existed: nothing matches, and there is no older page to look at.
    await audit.page.getByLabel("From", { exact: true }).fill("");
    await audit.page.getByLabel("To", { exact: true }).fill("2000-01-01");
    await audit.page.getByRole("button", { name: "Filter", exact: true }).click();
    await audit.page.getByText("No audit entries match these filters.").waitFor();
    expect(await audit.page.getByRole("link", { name: "Older entries" }).count()).toBe(0);
    await audit.page.getByRole("button", { name: "Clear filters" }).click();
    await expect.poll(firstSeq).toBe(total);
    // The export carries the token header and downloads every entry as JSON Lines.
    const [download] = await Promise.all([
      audit.page.waitForEvent("download"),
      audit.page.getByRole("button", { name: "Export (JSON Lines)" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^modelgate-audit-.*\.jsonl$/);
    await audit.page.setViewportSize({ width: 390, height: 900 });
    await rows
      .first()
      .getByRole("button", { name: /Show change/ })
      .click();
    // Nothing wider than the phone: the entries stack instead of scrolling sideways.
    expect(await audit.page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(
      390,
    );
    await audit.page.screenshot({ path: join(SCREENSHOT_DIR, "approvals-audit-audit-390-dark.png") });
  });

  // Last: it forges an entry, and nothing after it may rely on the chain.
  it("shows a broken chain in an alert once an entry is forged, on verify again", async () => {
    const viewer = await signedIn(browser, server, "viewer", "/audit");
    contexts.push(viewer.context);
    const verify = viewer.page.locator("section.verify");
    await expect.poll(() => verify.textContent()).toMatch(/Chain verified/);
    await server.registry.db.query(`UPDATE audit_log SET after = '{"forged": true}'::jsonb WHERE seq = 4`);
    await viewer.page.getByRole("button", { name: "Verify again" }).click();
    const alert = verify.getByRole("alert");
    await expect.poll(() => alert.textContent()).toMatch(/Chain BROKEN at entry #4: \S/);
    await shot(viewer.page, "audit-broken-1280");
  });
});
