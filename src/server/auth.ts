/** Bearer tokens → the registry's actor (roles are ranked: a route names the least role it needs). */
import type { Registry } from "../registry/registry.js";
import type { Actor } from "../registry/types.js";

export { ROLES, roleAtLeast } from "../registry/tokens.js";

/** The token from `Authorization: Bearer <token>`, or null when the header is absent or not Bearer. */
export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header);
  return match?.[1] ?? null;
}

export async function authenticate(
  registry: Registry,
  header: string | undefined | null,
): Promise<Actor | null> {
  const token = bearerToken(header);
  if (token === null || token.length > 512) return null;
  return registry.authenticate(token);
}
