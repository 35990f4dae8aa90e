import { useEffect, useState } from "react";
import { api } from "../api.ts";

/** A scanner rule as GET /api/v1/rules publishes it. */
export interface RuleInfo {
  id: string;
  name: string;
  defaultSeverity: string;
  shortDescription: string;
  /** What to do about a finding of this rule. */
  help: string;
  source: string | null;
}

export type RuleCatalogue = ReadonlyMap<string, RuleInfo>;

// The catalogue is the server's build, the same for every user and page: fetched once per page load.
// A failed fetch is forgotten so that the next version page asks again.
let pending: Promise<RuleCatalogue> | null = null;

function loadCatalogue(): Promise<RuleCatalogue> {
  pending ??= api<{ items: RuleInfo[] }>("/rules").then(
    ({ items }) => new Map(items.map((rule) => [rule.id, rule])),
    (error: unknown) => {
      pending = null;
      throw error;
    },
  );
  return pending;
}

/** The rule catalogue; an empty one until it arrives or when it cannot be loaded (findings show without it). */
export function useRuleCatalogue(): { rules: RuleCatalogue; failed: boolean } {
  const [state, setState] = useState<{ rules: RuleCatalogue; failed: boolean }>({
    rules: new Map(),
    failed: false,
  });
  useEffect(() => {
    let live = true;
    loadCatalogue().then(
      (rules) => live && setState({ rules, failed: false }),
      () => live && setState({ rules: new Map(), failed: true }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}
