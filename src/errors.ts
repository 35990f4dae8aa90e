/** Every error modelgate raises on purpose carries a stable code and, where there is one, its cause. */
export type ErrorCode =
  | "USAGE"
  | "TARGET_UNREADABLE"
  | "CONFIG_INVALID"
  | "FORMAT_MALFORMED"
  | "FORMAT_TRUNCATED"
  | "FORMAT_UNSUPPORTED"
  | "BOUND_EXCEEDED"
  | "ENCRYPTED"
  | RegistryErrorCode;

/** Registry and server errors: each maps to one HTTP status (src/server/problem.ts). */
export type RegistryErrorCode =
  | "NOT_FOUND"
  | "CONFLICT"
  | "FORBIDDEN"
  | "UNAUTHENTICATED"
  | "PRECONDITION_FAILED"
  | "INVALID_INPUT"
  | "DATABASE";

export class ModelgateError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ModelgateError";
    this.code = code;
  }
}

/** A reader met bytes that break its format. `offset` is where, in the source it was reading. */
export class FormatError extends ModelgateError {
  readonly offset: number;
  constructor(
    code: "FORMAT_MALFORMED" | "FORMAT_TRUNCATED" | "FORMAT_UNSUPPORTED" | "ENCRYPTED",
    message: string,
    offset: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = "FormatError";
    this.offset = offset;
  }
}

/** A configured limit (size, depth, count) was reached; the input was not fully verified. */
export class BoundExceededError extends ModelgateError {
  readonly bound: string;
  readonly limit: number;
  constructor(bound: string, limit: number, message: string) {
    super("BOUND_EXCEEDED", message);
    this.name = "BoundExceededError";
    this.bound = bound;
    this.limit = limit;
  }
}

/** A registry operation refused or failed: not found, a conflict, a role or rule that forbids it, a stale revision. */
export class RegistryError extends ModelgateError {
  constructor(code: RegistryErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "RegistryError";
  }
}
