import type { VetReport } from "../../policy/types.js";
import { VET_AND_REGISTER } from "../../registry/job-runner.js";
import { HttpProblem } from "../problem.js";
import { attachment } from "./dashboard.js";
import {
  API,
  filters,
  json,
  mutation,
  numberParam,
  pageQuery,
  pageResponse,
  param,
  type RouteContext,
  type RouteDef,
} from "./route.js";

const VET_REPORT_MAX_BYTES = 10 * 1024 * 1024;

/** `"<revision>"` (or a weak `W/"<revision>"`); null when the header does not name one revision. */
export function parseIfMatch(header: string): number | null {
  const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(header);
  return match ? Number(match[1]) : null;
}

const etag = (revision: number): string => `"${revision}"`;

const versionPath = (model: string, n: number): string =>
  `${API}/models/${encodeURIComponent(model)}/versions/${n}`;

async function pushVersion(ctx: RouteContext): Promise<Response> {
  const name = param(ctx, "name");
  const body = ctx.body as { source?: string; vetReport?: VetReport; sourceRevision?: string | null };
  const m = mutation(ctx);
  if (body.source !== undefined) {
    await ctx.registry.getModel(name);
    // The runner registers the result as the pusher, under this request's id.
    const job = await ctx.registry.enqueueJob(m, VET_AND_REGISTER, {
      model: name,
      source: body.source,
      actor: m.actor,
      requestId: ctx.requestId,
    });
    return json(202, job, { location: `${API}/jobs/${encodeURIComponent(job.id)}` });
  }
  const { version, created } = await ctx.registry.registerVersion(m, name, {
    vetReport: body.vetReport as VetReport,
    sourceRevision: body.sourceRevision ?? null,
  });
  return json(created ? 201 : 200, version, { location: versionPath(name, version.number) });
}

export const MODEL_ROUTES: RouteDef[] = [
  {
    method: "get",
    path: `${API}/models`,
    operationId: "listModels",
    summary: "List models (filters: q, owner, tag), with the versions their aliases point at",
    tag: "models",
    minRole: "viewer",
    query: "ModelList",
    responses: {
      200: { description: "A page of models", schema: "ModelPage", headers: { Link: "next page" } },
    },
    handle: async (ctx) =>
      pageResponse(
        ctx,
        await ctx.registry.listModels({ ...pageQuery(ctx), ...filters(ctx, ["q", "owner", "tag"]) }),
      ),
  },
  {
    method: "post",
    path: `${API}/models`,
    operationId: "createModel",
    summary: "Create a model",
    tag: "models",
    minRole: "developer",
    body: "CreateModel",
    responses: {
      201: { description: "Created", schema: "Model", headers: { Location: "the model", ETag: "revision" } },
    },
    errors: [409, 422],
    handle: async (ctx) => {
      const model = await ctx.registry.createModel(mutation(ctx), ctx.body as { name: string });
      return json(201, model, {
        location: `${API}/models/${encodeURIComponent(model.name)}`,
        etag: etag(model.revision),
      });
    },
  },
  {
    method: "get",
    path: `${API}/models/{name}`,
    operationId: "getModel",
    summary: "Show a model; its ETag is its revision",
    tag: "models",
    minRole: "viewer",
    responses: {
      200: { description: "The model", schema: "Model", headers: { ETag: "revision" } },
      304: { description: "Not modified (If-None-Match)" },
    },
    requestHeaders: [{ name: "If-None-Match", required: false, description: "A revision ETag you hold" }],
    errors: [404],
    handle: async (ctx) => {
      const model = await ctx.registry.getModel(param(ctx, "name"));
      const tag = etag(model.revision);
      const seen = ctx.request.headers.get("if-none-match");
      if (seen !== null && parseIfMatch(seen) === model.revision) {
        return new Response(null, { status: 304, headers: { etag: tag } });
      }
      return json(200, model, { etag: tag });
    },
  },
  {
    method: "patch",
    path: `${API}/models/{name}`,
    operationId: "updateModel",
    summary: "Update a model's owner, description, tags or source (If-Match required)",
    tag: "models",
    minRole: "developer",
    body: "UpdateModel",
    requestHeaders: [
      { name: "If-Match", required: true, description: 'The ETag (`"<revision>"`) you last saw' },
    ],
    responses: { 200: { description: "Updated", schema: "Model", headers: { ETag: "new revision" } } },
    errors: [404, 412, 422, 428],
    handle: async (ctx) => {
      const ifMatch = ctx.request.headers.get("if-match");
      if (ifMatch === null)
        throw new HttpProblem(428, "If-Match is required: send the ETag from GET of this model.");
      const expected = parseIfMatch(ifMatch);
      if (expected === null)
        throw new HttpProblem(412, `If-Match ${ifMatch} does not name a revision of this model.`);
      const model = await ctx.registry.updateModel(
        mutation(ctx),
        param(ctx, "name"),
        ctx.body as object,
        expected,
      );
      return json(200, model, { etag: etag(model.revision) });
    },
  },
  {
    method: "get",
    path: `${API}/models/{name}/versions`,
    operationId: "listVersions",
    summary: "List a model's versions (without their vet reports)",
    tag: "versions",
    minRole: "viewer",
    query: "Page",
    responses: {
      200: { description: "A page of versions", schema: "VersionPage", headers: { Link: "next page" } },
    },
    errors: [404],
    handle: async (ctx) =>
      pageResponse(ctx, await ctx.registry.listVersions(param(ctx, "name"), pageQuery(ctx))),
  },
  {
    method: "post",
    path: `${API}/models/{name}/versions`,
    operationId: "pushVersion",
    summary:
      "Push a version: queue vetting of a source (202), or register an already vetted report (201/200)",
    tag: "versions",
    minRole: "developer",
    body: "PushVersion",
    maxBodyBytes: VET_REPORT_MAX_BYTES,
    responses: {
      201: {
        description: "Registered a new version",
        schema: "ModelVersion",
        headers: { Location: "the version" },
      },
      200: { description: "The same content was already this version", schema: "ModelVersion" },
      202: {
        description: "A vet-and-register job was queued",
        schema: "Job",
        headers: { Location: "the job" },
      },
    },
    errors: [404, 409, 413, 415, 422],
    handle: pushVersion,
  },
  {
    method: "get",
    path: `${API}/models/{name}/versions/{number}`,
    operationId: "getVersion",
    summary: "Show a version, with its manifest and the vet report that judged it",
    tag: "versions",
    minRole: "viewer",
    responses: { 200: { description: "The version", schema: "ModelVersion" } },
    errors: [404],
    handle: async (ctx) =>
      json(200, await ctx.registry.getVersion(param(ctx, "name"), numberParam(ctx, "number"))),
  },
  {
    method: "get",
    path: `${API}/models/{name}/versions/{number}/vet-report`,
    operationId: "getVetReport",
    summary: "The vet report that judged a version, as `modelgate vet --format json` wrote it",
    tag: "versions",
    minRole: "viewer",
    responses: {
      200: {
        description: "The vet report",
        schema: "VetReport",
        headers: { "Content-Disposition": "attachment; filename=<model>-v<n>.vet.json" },
      },
    },
    errors: [404],
    handle: async (ctx) => {
      const name = param(ctx, "name");
      const version = await ctx.registry.getVersion(name, numberParam(ctx, "number"));
      return json(200, version.vetReport, {
        "content-disposition": attachment(`${name}-v${version.number}.vet.json`),
      });
    },
  },
  {
    method: "get",
    path: `${API}/models/{name}/aliases`,
    operationId: "listAliases",
    summary: "The model's aliases and the versions they point at",
    tag: "aliases",
    minRole: "viewer",
    responses: { 200: { description: "Aliases", schema: "AliasList" } },
    errors: [404],
    handle: async (ctx) => json(200, { items: await ctx.registry.getAliases(param(ctx, "name")) }),
  },
  {
    method: "put",
    path: `${API}/models/{name}/aliases/{alias}`,
    operationId: "setAlias",
    summary: "Point an unprotected alias at a version (protected ones move only through a request)",
    tag: "aliases",
    minRole: "developer",
    body: "SetAlias",
    responses: { 200: { description: "The alias now", schema: "AliasState" } },
    errors: [404, 409, 422],
    handle: async (ctx) =>
      json(
        200,
        await ctx.registry.setAlias(
          mutation(ctx),
          param(ctx, "name"),
          param(ctx, "alias"),
          (ctx.body as { version: number }).version,
        ),
      ),
  },
  {
    method: "get",
    path: `${API}/models/{name}/aliases/{alias}/history`,
    operationId: "aliasHistory",
    summary: "Every move of one alias, newest first",
    tag: "aliases",
    minRole: "viewer",
    query: "Page",
    responses: {
      200: { description: "A page of moves", schema: "AliasMovePage", headers: { Link: "next page" } },
    },
    errors: [404],
    handle: async (ctx) =>
      pageResponse(
        ctx,
        await ctx.registry.aliasHistory(param(ctx, "name"), param(ctx, "alias"), pageQuery(ctx)),
      ),
  },
  {
    method: "get",
    path: `${API}/models/{name}/history`,
    operationId: "modelHistory",
    summary: "Every move of every alias of the model, newest first",
    tag: "aliases",
    minRole: "viewer",
    query: "Page",
    responses: {
      200: { description: "A page of moves", schema: "AliasMovePage", headers: { Link: "next page" } },
    },
    errors: [404],
    handle: async (ctx) =>
      pageResponse(ctx, await ctx.registry.aliasHistory(param(ctx, "name"), null, pageQuery(ctx))),
  },
];
