/** Shapes the approvals and audit pages read from the registry API (src/registry/types.ts). */
import type { Me } from "../App.tsx";

export type RequestStatus = "pending" | "approved" | "rejected";

export interface PromotionRequest {
  id: string;
  model: string;
  version: number;
  alias: string;
  kind: "promotion" | "rollback";
  status: RequestStatus;
  requestedBy: string;
  requestedAt: string;
  verdict: string;
  note: string | null;
  waiver: { reason: string; expires: string } | null;
  decidedBy: string | null;
  decidedAt: string | null;
  rationale: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  firstBroken: { seq: number; reason: string } | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The roles that may approve or reject (the API's least role for a decision is approver). */
export function canDecide(me: Me): boolean {
  return me.role === "approver" || me.role === "admin";
}

export function canRequest(me: Me): boolean {
  return me.role !== "viewer";
}

export function versionHref(model: string, version: number): string {
  return `/models/${encodeURIComponent(model)}/versions/${version}`;
}

export function modelHref(model: string): string {
  return `/models/${encodeURIComponent(model)}`;
}

const DAY_MS = 86_400_000;

/** "expires in 3 days", "expires today", "expired 2 days ago". */
export function expiryPhrase(expires: string, now = Date.now()): string {
  const left = new Date(expires).getTime() - now;
  if (Number.isNaN(left)) return "expiry unreadable";
  if (left <= 0) {
    const ago = Math.max(1, Math.floor(-left / DAY_MS));
    return `expired ${ago} day${ago === 1 ? "" : "s"} ago`;
  }
  const days = Math.ceil(left / DAY_MS);
  return `expires in ${days} day${days === 1 ? "" : "s"}`;
}

export function formatWhen(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
