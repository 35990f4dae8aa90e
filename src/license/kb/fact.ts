import type { CommercialUse, Fact } from "../types.js";

/** The knowledge base states what a license says; `unknown` belongs to reports only. */
export type KnownUse = Exclude<CommercialUse, "unknown">;

export function fact<T>(value: T, cite: string, note?: string): Fact<T> {
  return note === undefined ? { value, cite } : { value, cite, note };
}

/** A fact about a use (commercial use, training on outputs). */
export const use = (value: KnownUse, cite: string, note?: string): Fact<KnownUse> =>
  fact<KnownUse>(value, cite, note);
