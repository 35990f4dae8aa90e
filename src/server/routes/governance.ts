/** Promotion requests, the audit log, API tokens and jobs. */
import type { RequestStatus, Role } from "../../registry/types.js";
import { API, filters, json, mutation, pageQuery, pageResponse, param, type RouteDef } from "./route.js";

interface CreateRequestBody {
  model: string;
  version: number;
  alias: string;
  kind?: "promotion" | "rollback";
  note?: string;
  waiver?: { reason: string; expires: string };
}

const requestPath = (id: string): string => `${API}/requests/${encodeURIComponent(id)}`;

export const GOVERNANCE_ROUTES: RouteDef[] = [
  {
    method: "post",
    path: `${API}/requests`,
    operationId: "createRequest",
    summary: "Request a promotion (or a rollback) of a version to an alias",
    tag: "requests",
    minRole: "developer",
    body: "CreateRequest",
    responses: {
      201: { description: "Created", schema: "PromotionRequest", headers: { Location: "the request" } },
    },
    errors: [404, 409, 422],
    handle: async (ctx) => {
      const { kind, ...input } = ctx.body as CreateRequestBody;
      const m = mutation(ctx);
      const request =
        kind === "rollback"
          ? await ctx.registry.requestRollback(m, input)
          : await ctx.registry.requestPromotion(m, input);
      return json(201, request, { location: requestPath(request.id) });
    },
  },
  {
    method: "get",
    path: `${API}/requests`,
    operationId: "listRequests",
    summary: "List promotion requests (filters: status, model)",
    tag: "requests",
    minRole: "viewer",
    query: "RequestList",
    responses: {
      200: {
        description: "A page of requests",
        schema: "PromotionRequestPage",
        headers: { Link: "next page" },
      },
    },
    handle: async (ctx) => {
      const { status, model } = filters(ctx, ["status", "model"]);
      return pageResponse(
        ctx,
        await ctx.registry.listRequests({
          ...pageQuery(ctx),
          ...(status !== undefined ? { status: status as RequestStatus } : {}),
          ...(model !== undefined ? { model } : {}),
        }),
      );
    },
  },
  {
    method: "get",
    path: `${API}/requests/{id}`,
    operationId: "getRequest",
    summary: "Show a promotion request",
    tag: "requests",
    minRole: "viewer",
    responses: { 200: { description: "The request", schema: "PromotionRequest" } },
    errors: [404],
    handle: async (ctx) => json(200, await ctx.registry.getRequest(param(ctx, "id"))),
  },
  {
    method: "post",
    path: `${API}/requests/{id}/approve`,
    operationId: "approveRequest",
    summary: "Approve a pending request (not your own): the alias moves",
    tag: "requests",
    minRole: "approver",
    body: "Decision",
    responses: { 200: { description: "Approved", schema: "PromotionRequest" } },
    errors: [404, 409, 422],
    handle: async (ctx) =>
      json(
        200,
        await ctx.registry.approve(
          mutation(ctx),
          param(ctx, "id"),
          (ctx.body as { rationale: string }).rationale,
        ),
      ),
  },
  {
    method: "post",
    path: `${API}/requests/{id}/reject`,
    operationId: "rejectRequest",
    summary: "Reject a pending request",
    tag: "requests",
    minRole: "approver",
    body: "Decision",
    responses: { 200: { description: "Rejected", schema: "PromotionRequest" } },
    errors: [404, 409, 422],
    handle: async (ctx) =>
      json(
        200,
        await ctx.registry.reject(
          mutation(ctx),
          param(ctx, "id"),
          (ctx.body as { rationale: string }).rationale,
        ),
      ),
  },
  {
    method: "get",
    path: `${API}/audit`,
    operationId: "listAudit",
    summary: "The audit log, newest first (filters: actor, action, subject, time range from/to)",
    tag: "audit",
    minRole: "viewer",
    query: "AuditList",
    responses: {
      200: { description: "A page of entries", schema: "AuditPage", headers: { Link: "next page" } },
    },
    handle: async (ctx) =>
      pageResponse(
        ctx,
        await ctx.registry.searchAudit({
          ...pageQuery(ctx),
          ...filters(ctx, ["actor", "action", "subject", "from", "to"]),
        }),
      ),
  },
  {
    method: "get",
    path: `${API}/audit/verify`,
    operationId: "verifyAudit",
    summary: "Recompute the audit hash chain; names the first broken entry",
    tag: "audit",
    minRole: "viewer",
    responses: { 200: { description: "The verification", schema: "AuditVerification" } },
    handle: async (ctx) => json(200, await ctx.registry.verifyAudit()),
  },
  {
    method: "get",
    path: `${API}/audit/export`,
    operationId: "exportAudit",
    summary: "Every audit entry, oldest first, as JSON Lines (streamed)",
    tag: "audit",
    minRole: "viewer",
    responses: { 200: { description: "One AuditEntry per line", contentType: "application/x-ndjson" } },
    handle: (ctx) => {
      const lines = ctx.registry.exportAudit()[Symbol.asyncIterator]();
      const encoder = new TextEncoder();
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = await lines.next();
          if (next.done) {
            controller.close();
            return;
          }
          controller.enqueue(encoder.encode(next.value.endsWith("\n") ? next.value : `${next.value}\n`));
        },
        async cancel() {
          await lines.return?.();
        },
      });
      return new Response(stream, { status: 200, headers: { "content-type": "application/x-ndjson" } });
    },
  },
  {
    method: "get",
    path: `${API}/tokens`,
    operationId: "listTokens",
    summary: "List API tokens (never their secrets)",
    tag: "tokens",
    minRole: "admin",
    query: "Page",
    responses: {
      200: { description: "A page of tokens", schema: "ApiTokenPage", headers: { Link: "next page" } },
    },
    handle: async (ctx) => pageResponse(ctx, await ctx.registry.listTokens(pageQuery(ctx))),
  },
  {
    method: "post",
    path: `${API}/tokens`,
    operationId: "createToken",
    summary: "Create an API token; the secret is in this response only",
    tag: "tokens",
    minRole: "admin",
    body: "CreateToken",
    responses: { 201: { description: "Created", schema: "CreatedToken" } },
    errors: [409, 422],
    handle: async (ctx) => {
      const input = ctx.body as { name: string; role: Role; expiresAt?: string | null };
      const created = await ctx.registry.createToken(mutation(ctx), input);
      return json(201, created, { "cache-control": "no-store" });
    },
  },
  {
    method: "delete",
    path: `${API}/tokens/{id}`,
    operationId: "revokeToken",
    summary: "Revoke an API token",
    tag: "tokens",
    minRole: "admin",
    responses: { 200: { description: "The revoked token", schema: "ApiToken" } },
    errors: [404, 409],
    handle: async (ctx) => json(200, await ctx.registry.revokeToken(mutation(ctx), param(ctx, "id"))),
  },
  {
    method: "get",
    path: `${API}/jobs/{id}`,
    operationId: "getJob",
    summary: "A job's status, progress and result",
    tag: "jobs",
    minRole: "viewer",
    responses: { 200: { description: "The job", schema: "Job" } },
    errors: [404],
    handle: async (ctx) => json(200, await ctx.registry.getJob(param(ctx, "id"))),
  },
];
