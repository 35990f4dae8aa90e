import { randomBytes } from "node:crypto";
import { sha256Hex } from "./digest.js";
import type { Role } from "./types.js";

const PREFIX = "mg_";

export function newTokenSecret(): string {
  return PREFIX + randomBytes(32).toString("base64url");
}

/** What is stored: the secret itself never is. */
export function tokenHash(token: string): string {
  return sha256Hex(token);
}

export function looksLikeToken(token: string): boolean {
  return token.startsWith(PREFIX) && token.length === PREFIX.length + 43;
}

const RANK: Record<Role, number> = { viewer: 0, developer: 1, approver: 2, admin: 3 };

export const ROLES = Object.keys(RANK) as Role[];

export function roleAtLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}
