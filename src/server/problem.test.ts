import { describe, expect, it } from "vitest";
import { FormatError, RegistryError } from "../errors.js";
import { describeError, HttpProblem, problemResponse } from "./problem.js";

describe("describeError", () => {
  it.each([
    ["NOT_FOUND", 404],
    ["CONFLICT", 409],
    ["FORBIDDEN", 403],
    ["UNAUTHENTICATED", 401],
    ["PRECONDITION_FAILED", 412],
    ["INVALID_INPUT", 422],
  ] as const)("maps %s to %i with its message and code", (code, status) => {
    expect(describeError(new RegistryError(code, "why"))).toEqual({
      status,
      detail: "why",
      extra: { code },
      internal: false,
    });
  });

  it("withholds the message of a DATABASE error, another modelgate error, or anything else", () => {
    for (const err of [
      new RegistryError("DATABASE", "secret"),
      new FormatError("FORMAT_MALFORMED", "secret", 0),
      new TypeError("secret"),
      "secret",
    ]) {
      const described = describeError(err);
      expect(described.status).toBe(500);
      expect(described.internal).toBe(true);
      expect(described.detail).not.toContain("secret");
    }
  });

  it("keeps an HttpProblem's own status and validation errors", () => {
    const err = new HttpProblem(400, "bad", { errors: [{ pointer: "/a", message: "m" }] });
    expect(describeError(err)).toMatchObject({
      status: 400,
      extra: { errors: [{ pointer: "/a", message: "m" }] },
    });
  });
});

describe("problemResponse", () => {
  it("writes RFC 9457 fields with the problem+json media type", async () => {
    const res = problemResponse(428, "send If-Match", "/api/v1/models/m");
    expect(res.status).toBe(428);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toEqual({
      type: "urn:modelgate:problem:precondition-required",
      title: "Precondition Required",
      status: 428,
      detail: "send If-Match",
      instance: "/api/v1/models/m",
    });
  });
});
