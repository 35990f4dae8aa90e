/** What the web dashboard reads: who is signed in, the inventory, the overview and the ML-BOM. */
import { buildMlBom } from "../../bom/build-ml-bom.js";
import type { InventoryQuery } from "../../registry/dashboard.js";
import { RULES } from "../../scan/rules.js";
import { HttpProblem } from "../problem.js";
import { API, json, numberParam, pageQuery, param, type RouteDef } from "./route.js";

/** A download's file name: model names are `[A-Za-z0-9._-]`, safe in a quoted header value. */
export function attachment(filename: string): string {
  return `attachment; filename="${filename}"`;
}

/** A stable serial number per version: the same version always gives the same BOM identity. */
function serialOf(digest: string): string {
  const hex = digest.replace(/^sha256:/, "").padEnd(32, "0");
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((Number.parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const DASHBOARD_ROUTES: RouteDef[] = [
  {
    method: "get",
    path: `${API}/me`,
    operationId: "me",
    summary: "The token this request was made with: its id, name and role",
    tag: "tokens",
    minRole: "viewer",
    responses: { 200: { description: "Who you are", schema: "Me" } },
    handle: (ctx) => {
      if (!ctx.actor) throw new HttpProblem(401, "A bearer token is required.");
      const { tokenId, name, role } = ctx.actor;
      return json(200, { tokenId, name, role }, { "cache-control": "no-store" });
    },
  },
  {
    method: "get",
    path: `${API}/inventory`,
    operationId: "inventory",
    summary:
      "Every model with its current version (production, else the latest): verdict, worst finding, license, formats, aliases",
    tag: "dashboard",
    minRole: "viewer",
    query: "Inventory",
    responses: {
      200: {
        description: "A page of models, and the total",
        schema: "InventoryPage",
        headers: { Link: "next page" },
      },
    },
    handle: async (ctx) => {
      const { cursor: _cursor, limit: _limit, ...filters } = ctx.query as InventoryQuery;
      const page = await ctx.registry.inventory({ ...filters, ...pageQuery(ctx) });
      const headers: Record<string, string> = {};
      if (page.nextCursor !== null) {
        const next = new URL(ctx.url.pathname + ctx.url.search, ctx.url.origin);
        next.searchParams.set("cursor", page.nextCursor);
        headers.link = `<${next.pathname}${next.search}>; rel="next"`;
      }
      return json(200, page, headers);
    },
  },
  {
    method: "get",
    path: `${API}/rules`,
    operationId: "listRules",
    summary: "The scanner's rule catalogue: what each finding's rule id means and what to do about it",
    tag: "dashboard",
    minRole: "viewer",
    responses: { 200: { description: "Every rule, by id", schema: "RuleList" } },
    handle: () =>
      json(200, {
        items: [...RULES.values()].map(({ id, name, defaultSeverity, shortDescription, help, source }) => ({
          id,
          name,
          defaultSeverity,
          shortDescription,
          help,
          source: source ?? null,
        })),
      }),
  },
  {
    method: "get",
    path: `${API}/overview`,
    operationId: "overview",
    summary: "Counts by verdict, worst finding, commercial use and alias; pending requests; expiring waivers",
    tag: "dashboard",
    minRole: "viewer",
    responses: { 200: { description: "The overview", schema: "Overview" } },
    handle: async (ctx) => json(200, await ctx.registry.overview()),
  },
  {
    method: "get",
    path: `${API}/models/{name}/versions/{number}/bom`,
    operationId: "getBom",
    summary: "The version's CycloneDX 1.6 ML-BOM, built from its vet report",
    tag: "versions",
    minRole: "viewer",
    responses: {
      200: {
        description: "The ML-BOM",
        contentType: "application/vnd.cyclonedx+json",
        headers: { "Content-Disposition": "attachment; filename=<model>-v<n>.cdx.json" },
      },
    },
    errors: [404],
    handle: async (ctx) => {
      const name = param(ctx, "name");
      const version = await ctx.registry.getVersion(name, numberParam(ctx, "number"));
      const bom = buildMlBom(version.vetReport, {
        name,
        serialNumber: serialOf(version.digest),
        timestamp: version.createdAt,
      });
      return new Response(`${JSON.stringify(bom, null, 2)}\n`, {
        headers: {
          "content-type": "application/vnd.cyclonedx+json; version=1.6",
          "content-disposition": attachment(`${name}-v${version.number}.cdx.json`),
        },
      });
    },
  },
];
