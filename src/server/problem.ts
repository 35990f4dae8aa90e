/**
 * RFC 9457 problem details. Registry errors map to one status each; anything unexpected is a 500 whose
 * detail says nothing about internals (the logger gets the real error).
 */
import { ModelgateError } from "../errors.js";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  /** The registry's error code, where there is one. */
  code?: string;
  /** Request validation errors: where (a JSON pointer) and what. */
  errors?: { pointer: string; message: string }[];
}

/** An HTTP-level refusal raised by the API itself (validation, missing If-Match, body too large). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly extra: Pick<Problem, "code" | "errors"> = {},
  ) {
    super(detail);
    this.name = "HttpProblem";
  }
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  428: "Precondition Required",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

const REGISTRY_STATUS: Record<string, number> = {
  NOT_FOUND: 404,
  CONFLICT: 409,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  PRECONDITION_FAILED: 412,
  // The body was well-formed and matched its schema, but the registry refused its content.
  INVALID_INPUT: 422,
};

export function problemType(status: number): string {
  return `urn:modelgate:problem:${(TITLES[status] ?? "error").toLowerCase().replaceAll(" ", "-")}`;
}

export function problemResponse(
  status: number,
  detail: string,
  instance: string,
  extra: Pick<Problem, "code" | "errors"> = {},
  headers: Record<string, string> = {},
): Response {
  const body: Problem = {
    type: problemType(status),
    title: TITLES[status] ?? "Error",
    status,
    detail,
    instance,
    ...extra,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, ...headers },
  });
}

/** The status and public detail for any thrown value; `internal` is true when the detail was withheld. */
export function describeError(err: unknown): {
  status: number;
  detail: string;
  extra: Pick<Problem, "code" | "errors">;
  internal: boolean;
} {
  if (err instanceof HttpProblem)
    return { status: err.status, detail: err.detail, extra: err.extra, internal: false };
  if (err instanceof ModelgateError) {
    const status = REGISTRY_STATUS[err.code];
    if (status !== undefined)
      return { status, detail: err.message, extra: { code: err.code }, internal: false };
  }
  return {
    status: 500,
    detail: "An internal error occurred; it has been logged.",
    extra: {},
    internal: true,
  };
}
