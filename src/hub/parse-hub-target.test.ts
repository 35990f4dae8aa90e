import { describe, expect, it } from "vitest";
import { checkRepoId, parseHubTarget } from "./parse-hub-target.js";

describe("parseHubTarget", () => {
  it("reads org/name, a revision, and a legacy name", () => {
    expect(parseHubTarget("hf:meta-llama/Llama-3.1-8B")).toEqual({
      repo: "meta-llama/Llama-3.1-8B",
      revision: "main",
    });
    expect(parseHubTarget("hf:org/name@v1.0")).toEqual({ repo: "org/name", revision: "v1.0" });
    expect(parseHubTarget("hf:org/name@refs/pr/1")).toEqual({ repo: "org/name", revision: "refs/pr/1" });
    const sha = "0123456789abcdef0123456789abcdef01234567";
    expect(parseHubTarget(`hf:org/name@${sha}`).revision).toBe(sha);
    expect(parseHubTarget("hf:gpt2")).toEqual({ repo: "gpt2", revision: "main" });
  });

  it.each([
    "org/name",
    "hf:",
    "hf:org/",
    "hf:/name",
    "hf:a/b/c",
    "hf:../etc",
    "hf:org/na--me",
    "hf:org/na..me",
    "hf:org/-name",
    "hf:org/name@",
    "hf:org/name@..",
    "hf:org/name@a\nb",
    `hf:org/${"x".repeat(97)}`,
  ])("refuses %j with a USAGE error", (target) => {
    expect(() => parseHubTarget(target)).toThrow(expect.objectContaining({ code: "USAGE" }));
  });

  it("accepts the longest name the Hub allows", () => {
    expect(checkRepoId(`org/${"x".repeat(96)}`)).toBe(`org/${"x".repeat(96)}`);
  });
});
