import { useCallback, useEffect, useState } from "react";
import { api } from "../api.ts";

export type Loadable<T> =
  | { state: "loading" }
  | { state: "error"; error: unknown }
  | { state: "ready"; data: T };

/** GETs `path` (null: nothing yet) and re-GETs when it changes or on `reload()`. */
export function useApi<T>(path: string | null): Loadable<T> & { reload: () => void } {
  const [result, setResult] = useState<Loadable<T>>({ state: "loading" });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` is how reload() asks for a fresh GET.
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setResult({ state: "loading" });
    api<T>(path).then(
      (data) => live && setResult({ state: "ready", data }),
      (error: unknown) => live && setResult({ state: "error", error }),
    );
    return () => {
      live = false;
    };
  }, [path, tick]);
  return { ...result, reload };
}
