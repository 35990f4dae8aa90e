import { BoundExceededError } from "../../../errors.js";

/** Values visited in one parsed config at most: a tokenizer.json vocabulary is ~1M; beyond is hostile. */
export const MAX_CONFIG_NODES = 20_000_000;

export type JsonObject = Record<string, unknown>;

/** An object met in a walk, with the way back to the root for messages. */
export interface Visited {
  obj: JsonObject;
  /** Dotted path of keys and [indexes] from the root, e.g. `model.encoder.layers[2]`. */
  path(): string;
}

interface Frame {
  value: unknown;
  parent: Frame | undefined;
  key: string | number | undefined;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function pathOf(frame: Frame): string {
  const keys: (string | number)[] = [];
  for (let f: Frame | undefined = frame; f?.key !== undefined; f = f.parent) keys.push(f.key);
  let out = "";
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i]!;
    out += typeof k === "number" ? `[${k}]` : out === "" ? k : `.${k}`;
  }
  return out;
}

/**
 * Every object in a parsed JSON/YAML tree, iteratively (nesting depth costs no stack), each once even
 * when YAML aliases share or loop it, and at most MAX_CONFIG_NODES values in all.
 */
export function* objectsIn(root: unknown, maxNodes = MAX_CONFIG_NODES): Generator<Visited> {
  const seen = new WeakSet<object>();
  const stack: Frame[] = [{ value: root, parent: undefined, key: undefined }];
  let nodes = 0;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const v = frame.value;
    if (++nodes > maxNodes) {
      throw new BoundExceededError("configNodes", maxNodes, `config holds more than ${maxNodes} values`);
    }
    if (typeof v !== "object" || v === null || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        const item = v[i];
        if (typeof item === "object" && item !== null) stack.push({ value: item, parent: frame, key: i });
        else if (++nodes > maxNodes) {
          throw new BoundExceededError("configNodes", maxNodes, `config holds more than ${maxNodes} values`);
        }
      }
      continue;
    }
    const obj = v as JsonObject;
    yield { obj, path: () => pathOf(frame) };
    // Pushed in reverse so that objects come out in document order.
    const keys = Object.keys(obj);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const item = obj[key];
      if (typeof item === "object" && item !== null) stack.push({ value: item, parent: frame, key });
    }
  }
}
