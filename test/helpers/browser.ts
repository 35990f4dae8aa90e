/**
 * Debian's Chromium driven by playwright-core for the dashboard's end-to-end tests. `npm test` installs
 * the package when it is missing (scripts/ensure-chromium.sh); without it the tests say plainly that they
 * did not run, and under CI that is an error.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { REPO_ROOT } from "./paths.js";

export const CHROMIUM = process.env.MODELGATE_CHROMIUM ?? "/usr/bin/chromium";
/** Screenshots the tests take, for a person to look at (gitignored). */
export const SCREENSHOT_DIR = join(REPO_ROOT, "tmp", "screenshots");

export function chromiumAvailable(what: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI)
    throw new Error(`${what}: ${CHROMIUM} is missing under CI; run the suite with npm test`);
  console.warn(`NOT RUN: ${what} (${CHROMIUM} is missing; install Debian's chromium package)`);
  return false;
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // This machine's network is closed: without these, Chromium keeps trying Google's services.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}
