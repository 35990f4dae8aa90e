import { describe, expect, it } from "vitest";
import { looksLikeToken, newTokenSecret, roleAtLeast, tokenHash } from "./tokens.js";

describe("tokens", () => {
  it("are mg_ and 32 random bytes in base64url, stored as their sha256", () => {
    const a = newTokenSecret();
    const b = newTokenSecret();
    expect(a).toMatch(/^mg_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(looksLikeToken(a)).toBe(true);
    expect(looksLikeToken(a.slice(0, -1))).toBe(false);
    expect(looksLikeToken(`xx_${a.slice(3)}`)).toBe(false);
    expect(tokenHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash(a)).not.toContain(a.slice(3));
  });

  it("rank roles viewer < developer < approver < admin", () => {
    expect(roleAtLeast("approver", "developer")).toBe(true);
    expect(roleAtLeast("admin", "approver")).toBe(true);
    expect(roleAtLeast("developer", "approver")).toBe(false);
    expect(roleAtLeast("viewer", "developer")).toBe(false);
  });
});
