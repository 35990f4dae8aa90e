/**
 * The web dashboard's files (Vite's build in dist/web): hashed assets cached forever, index.html never,
 * and index.html for any other GET that is not a file (the dashboard routes in the browser).
 */
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { API } from "./routes/route.js";

/** Self only; Vite's build has no inline script or style element. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** Paths the dashboard never owns: they keep the API's problem+json 404. */
const NOT_DASHBOARD = [API, "/healthz", "/readyz", "/metrics"];

/**
 * dist/web beside the built server (dist/server → ../web); from the sources (tsx, tests) the built
 * dist/web of the checkout. Null when neither holds an index.html.
 */
export function defaultWebRoot(): string | null {
  for (const candidate of ["../web", "../../dist/web"]) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(join(dir, "index.html"))) return dir;
  }
  return null;
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>modelgate</title></head>
<body><main><h1>modelgate</h1>
<p>The web dashboard is not built. Run <code>npm run build</code>, then start <code>modelgate serve</code> again.</p>
<p>The API is served at <a href="${API}/openapi.json">${API}/openapi.json</a>.</p></main></body></html>
`;

/** Whether `pathname` (a GET or HEAD) is the dashboard's to answer. */
export function isDashboardPath(pathname: string): boolean {
  return !NOT_DASHBOARD.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/** The response for a dashboard GET: a file under `root`, else index.html (or the not-built page). */
export async function serveDashboard(root: string | null, pathname: string): Promise<Response> {
  if (root === null) {
    return new Response(NOT_BUILT_PAGE, {
      status: pathname === "/" ? 200 : 404,
      headers: {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-cache",
        ...SECURITY_HEADERS,
      },
    });
  }
  const file = await findFile(root, pathname);
  if (file !== null && !file.endsWith(`${sep}index.html`)) {
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
    // Vite names everything under assets/ by its content hash: it never changes under that name.
    const immutable = pathname.startsWith("/assets/");
    return new Response(new Uint8Array(await readFile(file)), {
      headers: {
        "content-type": type,
        "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
        "x-content-type-options": "nosniff",
      },
    });
  }
  if (pathname.startsWith("/assets/")) {
    // A missing hashed asset is a stale page, not a dashboard route: index.html would be parsed as JS.
    return new Response("Not found\n", {
      status: 404,
      headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" },
    });
  }
  return new Response(new Uint8Array(await readFile(join(root, "index.html"))), {
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache", ...SECURITY_HEADERS },
  });
}

/** The regular file `pathname` names inside `root`; null for anything else (or outside `root`). */
async function findFile(root: string, pathname: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const base = resolve(root);
  const full = resolve(base, `.${decoded}`);
  if (full !== base && !full.startsWith(base + sep)) return null;
  try {
    return (await stat(full)).isFile() ? full : null;
  } catch {
    return null;
  }
}
