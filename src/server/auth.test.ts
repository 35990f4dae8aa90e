import { describe, expect, it } from "vitest";
import { bearerToken } from "./auth.js";

describe("bearerToken", () => {
  it("takes the token of a Bearer header, whatever the scheme's case", () => {
    expect(bearerToken("Bearer mg_abc")).toBe("mg_abc");
    expect(bearerToken("bearer  mg_abc ")).toBe("mg_abc");
  });

  it("gives null for no header, another scheme, or more than one token", () => {
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken("")).toBeNull();
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBeNull();
    expect(bearerToken("Bearer a b")).toBeNull();
    expect(bearerToken("Bearer")).toBeNull();
  });
});
