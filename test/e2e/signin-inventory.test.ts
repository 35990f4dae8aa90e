/**
 * Sign in, overview and inventory in Debian's Chromium against the real server with a seeded registry:
 * a bad token, the viewer's overview matching the API, search / filter / sort, keyboard-only use,
 * screenshots at 1280 and 390 px (one dark), and paging through 10,000 models.
 */
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readInventory } from "../../web/src/components/inventory-data.js";
import { readOverview } from "../../web/src/components/overview-data.js";
import { chromiumAvailable, launchBrowser, SCREENSHOT_DIR } from "../helpers/browser.js";
import { type DashboardServer, SEED_MODELS, startDashboardServer } from "../helpers/dashboard-server.js";

const run = chromiumAvailable("sign-in, overview and inventory E2E") ? describe : describe.skip;

async function apiGet(server: DashboardServer, path: string): Promise<unknown> {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    headers: { authorization: `Bearer ${server.tokens.viewer}` },
  });
  expect(res.status, path).toBe(200);
  return res.json();
}

async function signIn(page: Page, server: DashboardServer, path = "/"): Promise<void> {
  await page.goto(`${server.url}${path}`);
  await page.getByLabel("API token").fill(server.tokens.viewer);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(SCREENSHOT_DIR, `signin-inventory-${name}.png`), fullPage: true });
}

/** The inventory's rows once the list has loaded (the summary line says how many models). */
async function rowNames(page: Page): Promise<string[]> {
  await page.locator(".inventory-summary").filter({ hasText: /\d/ }).waitFor();
  return page.locator("tbody th[scope=row] a").allTextContents();
}

run("dashboard: sign in, overview, inventory", () => {
  let browser: Browser;
  let server: DashboardServer;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startDashboardServer()]);
  });
  afterAll(async () => {
    await server?.stop();
    await browser?.close();
  });

  it("refuses a bad token with an explanation and keeps tokens out of the URL", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/models`);
    const field = page.getByLabel("API token");
    expect(await field.getAttribute("type")).toBe("password");
    expect(await field.getAttribute("autocomplete")).toBe("off");
    await field.fill("mg_not-a-real-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await expect.poll(() => alert.textContent()).toMatch(/unknown, expired or revoked/);
    expect(page.url()).not.toContain("not-a-real-token");
    expect(await page.evaluate('sessionStorage.getItem("modelgate.token")')).toBeNull();
    await shot(page, "bad-token-1280");

    // The real token then opens the page asked for (the inventory), again with nothing in the URL.
    await field.fill(server.tokens.viewer);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { level: 1, name: "Inventory" }).waitFor();
    expect(page.url()).toBe(`${server.url}/models`);
    expect(await page.locator(".who").textContent()).toContain("viewer");
    await page.close();
  });

  it("shows overview counts that match the seeded data, each linking into the inventory", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, server);
    await page.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
    await page.getByRole("heading", { name: "By verdict" }).waitFor();
    const expected = readOverview(await apiGet(server, "/overview"));

    // Every seeded model is counted once by verdict; two requests are pending.
    const verdictTotal = expected.verdict.reduce((sum, e) => sum + e.count, 0);
    expect(verdictTotal).toBe(SEED_MODELS.length);
    expect(expected.pendingApprovals).toBe(2);
    const pending = page.getByRole("link", { name: "2 pending approvals" });
    expect(await pending.getAttribute("href")).toBe("/approvals");

    const verdictCard = page.locator("section", { has: page.getByRole("heading", { name: "By verdict" }) });
    for (const entry of expected.verdict) {
      const link = verdictCard.locator(`li[data-count-key="${entry.key}"] a`);
      expect(await link.textContent()).toBe(String(entry.count));
      expect(await link.getAttribute("href")).toBe(`/models?verdict=${entry.key}`);
    }
    const severityCard = page.locator("section", {
      has: page.getByRole("heading", { name: "By highest severity" }),
    });
    for (const entry of expected.severity) {
      const link = severityCard.locator(`li[data-count-key="${entry.key}"] a`);
      expect(await link.textContent()).toBe(String(entry.count));
      expect(await link.getAttribute("href")).toBe(`/models?severity=${entry.key}`);
    }
    const aliasCard = page.locator("section", { has: page.getByRole("heading", { name: "By alias" }) });
    for (const entry of expected.alias)
      expect(await aliasCard.locator(`li[data-count-key="${entry.key}"] a`).textContent()).toBe(
        String(entry.count),
      );

    // The waiver of helpful-assistant-8b expires in 5 days.
    const waivers = page.locator("section", { has: page.getByRole("heading", { name: /Waivers expiring/ }) });
    const row = waivers.getByRole("row", { name: /helpful-assistant-8b/ });
    expect(await row.textContent()).toMatch(/[45] days/);
    await shot(page, "overview-1280");

    // A count opens the inventory filtered by it.
    const rejected = expected.verdict.find((e) => e.key === "rejected");
    expect(rejected, "the seed has rejected models").toBeDefined();
    await verdictCard.locator('li[data-count-key="rejected"] a').click();
    await page.getByRole("heading", { level: 1, name: "Inventory" }).waitFor();
    expect(new URL(page.url()).search).toBe("?verdict=rejected");
    expect((await rowNames(page)).length).toBe(rejected!.count);

    // So does a severity count: the inventory shows exactly the models whose worst finding it counts.
    await page.goBack();
    const critical = expected.severity.find((e) => e.key === "critical");
    expect(critical?.count, "the seed has a model with a critical finding").toBeGreaterThan(0);
    await severityCard.locator('li[data-count-key="critical"] a').click();
    await page.getByRole("heading", { level: 1, name: "Inventory" }).waitFor();
    expect(new URL(page.url()).search).toBe("?severity=critical");
    await expect.poll(() => rowNames(page)).toHaveLength(critical!.count);
    expect(await page.getByLabel("Highest severity").inputValue()).toBe("critical");
    for (const badge of await page.locator("tbody tr td:nth-child(4)").allTextContents())
      expect(badge).toBe("Critical");
    await page.close();
  });

  it("searches, filters by verdict and sorts by severity, all in the URL", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, server, "/models");
    expect(await rowNames(page)).toHaveLength(SEED_MODELS.length);

    await page.getByLabel("Search models").fill("summarizer");
    await expect.poll(() => new URL(page.url()).searchParams.get("q")).toBe("summarizer");
    await expect.poll(() => rowNames(page)).toEqual(["summarizer-lora"]);

    // Back to the unfiltered list; then verdict=rejected.
    await page.goBack();
    await expect.poll(() => rowNames(page)).toHaveLength(SEED_MODELS.length);
    expect(await page.getByLabel("Search models").inputValue()).toBe("");
    await page.getByLabel("Verdict").selectOption("rejected");
    await expect.poll(() => new URL(page.url()).searchParams.get("verdict")).toBe("rejected");
    const api = readInventory(await apiGet(server, "/inventory?verdict=rejected&limit=50"));
    await expect.poll(() => rowNames(page)).toEqual(api.rows.map((r) => r.name));
    expect(api.rows.length).toBeGreaterThan(0);
    for (const badge of await page.locator("tbody tr td:nth-child(3)").allTextContents())
      expect(badge).toBe("Rejected");

    // The severity select narrows by the worst finding, as the API does.
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await expect.poll(() => new URL(page.url()).search).toBe("");
    const counted = readOverview(await apiGet(server, "/overview")).severity;
    const severity = counted.find((e) => e.key !== "critical" && e.count > 1);
    expect(severity, "the seed has two models with the same worst finding").toBeDefined();
    await page.getByLabel("Highest severity").selectOption(severity!.key);
    await expect.poll(() => new URL(page.url()).searchParams.get("severity")).toBe(severity!.key);
    const matching = readInventory(await apiGet(server, `/inventory?severity=${severity!.key}&limit=50`));
    expect(matching.rows).toHaveLength(severity!.count);
    await expect.poll(() => rowNames(page)).toEqual(matching.rows.map((r) => r.name));

    // Sort by severity: the header button flips aria-sort and the order matches the API's.
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await expect.poll(() => new URL(page.url()).search).toBe("");
    const header = page.getByRole("columnheader", { name: /Highest severity/ });
    expect(await header.getAttribute("aria-sort")).toBe("none");
    await header.getByRole("button").click();
    await expect.poll(() => header.getAttribute("aria-sort")).toBe("descending");
    expect(new URL(page.url()).search).toBe("?sort=severity&order=desc");
    const sorted = readInventory(await apiGet(server, "/inventory?sort=severity&order=desc&limit=50"));
    await expect.poll(() => rowNames(page)).toEqual(sorted.rows.map((r) => r.name));
    expect(await page.locator("tbody tr td:nth-child(4)").first().textContent()).toBe("Critical");
    await shot(page, "inventory-1280");

    // The empty state, with a way out.
    await page.getByLabel("Search models").fill("no-such-model-anywhere");
    await page.getByRole("heading", { name: "No model matches these filters" }).waitFor();
    await page.locator(".state-empty").getByRole("button", { name: "Clear filters" }).click();
    await expect.poll(() => rowNames(page)).toHaveLength(SEED_MODELS.length);

    // A hand-edited link the API refuses: the error says what to do and offers a retry.
    await page.goto(`${server.url}/models?verdict=bogus`);
    const alert = page.getByRole("alert");
    await expect.poll(() => alert.textContent()).toMatch(/Something went wrong.*try again/is);
    expect(await alert.getByRole("button", { name: "Try again" }).count()).toBe(1);
    await page.close();
  });

  it("works with the keyboard alone: search, then open a result with Enter", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, server, "/models");
    await rowNames(page);
    const focused = () => page.evaluate('document.activeElement?.getAttribute("type") ?? ""');
    for (let i = 0; i < 20 && (await focused()) !== "search"; i++) await page.keyboard.press("Tab");
    expect(await focused()).toBe("search");
    await page.keyboard.type("tiny");
    await expect.poll(() => rowNames(page)).toEqual(["tiny-coder-1b"]);
    const focusedLink = () => page.evaluate('document.activeElement?.textContent ?? ""');
    for (let i = 0; i < 30 && (await focusedLink()) !== "tiny-coder-1b"; i++)
      await page.keyboard.press("Tab");
    expect(await focusedLink()).toBe("tiny-coder-1b");
    await page.keyboard.press("Enter");
    await expect.poll(() => new URL(page.url()).pathname).toBe("/models/tiny-coder-1b");
    await page.close();
  });

  it("fits a 390 px screen (the table scrolls, names stay readable) and has a dark theme", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, server, "/models");
    await rowNames(page);
    // Only the table scrolls sideways, not the page.
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    const wrap = page.locator(".inventory-wrap");
    expect(await wrap.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    const nameBox = await page.locator("tbody th[scope=row]").first().boundingBox();
    expect(nameBox!.width).toBeGreaterThan(100);
    await shot(page, "inventory-390");
    await page.goto(`${server.url}/`);
    await page.getByRole("heading", { name: "By verdict" }).waitFor();
    await shot(page, "overview-390");

    await page.getByRole("combobox", { name: "Theme" }).selectOption("dark");
    expect(await page.evaluate("document.documentElement.dataset.theme")).toBe("dark");
    const background = await page.evaluate("getComputedStyle(document.body).backgroundColor");
    expect(background).toBe("rgb(13, 17, 23)");
    await shot(page, "overview-390-dark");
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.url}/models`);
    await rowNames(page);
    await shot(page, "inventory-1280-dark");
    await page.close();
  });
});

run("dashboard inventory at 10,000 models", () => {
  let browser: Browser;
  let server: DashboardServer;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startDashboardServer({ models: 10_000 })]);
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await browser?.close();
  });

  it("renders the first page and pages forward and back", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const started = performance.now();
    await signIn(page, server, "/models");
    const first = await rowNames(page);
    console.log(
      `10,000 models: first inventory page rendered in ${Math.round(performance.now() - started)} ms`,
    );
    expect(first).toHaveLength(50);
    const total = SEED_MODELS.length + 10_000;
    expect(await page.locator(".inventory-summary").textContent()).toContain(
      `${total.toLocaleString("en-US")} models`,
    );
    expect(await page.getByRole("button", { name: "Previous page" }).isDisabled()).toBe(true);

    await page.getByRole("button", { name: "Next page" }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("cursor")).toBeTruthy();
    await expect.poll(async () => (await rowNames(page))[0]).not.toBe(first[0]);
    const second = await rowNames(page);
    expect(second).toHaveLength(50);
    expect(second.filter((n) => first.includes(n))).toEqual([]);
    await page.getByRole("button", { name: "Next page" }).click();
    await expect.poll(async () => (await rowNames(page))[0]).not.toBe(second[0]);
    expect(await page.locator(".inventory-summary").textContent()).toContain("page 3");

    await page.getByRole("button", { name: "Previous page" }).click();
    await expect.poll(() => rowNames(page)).toEqual(second);
    await page.getByRole("button", { name: "Previous page" }).click();
    await expect.poll(() => rowNames(page)).toEqual(first);
    expect(new URL(page.url()).searchParams.get("cursor")).toBeNull();
    // The browser's back button walks the same pages.
    await page.goBack();
    await expect.poll(() => rowNames(page)).toEqual(second);
    await shot(page, "inventory-10k-1280");
    await page.close();
  }, 600_000); // Each page is a query over every model: slow on a loaded machine.
});
