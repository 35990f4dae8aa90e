/**
 * The registry API from the browser: the token lives in sessionStorage (never in a URL), every error is
 * the server's problem+json turned into an ApiError the views can explain.
 */
const TOKEN_KEY = "modelgate.token";

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail || title);
    this.name = "ApiError";
  }
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  const token = getToken();
  if (token) headers.set("Authorization", `Bearer ${token}`);
  if (init.body !== undefined && !headers.has("Content-Type"))
    headers.set("Content-Type", "application/json");
  const res = await fetch(`/api/v1${path}`, { ...init, headers });
  if (!res.ok) {
    let title = res.statusText;
    let detail = "";
    try {
      const problem = (await res.json()) as { title?: string; detail?: string };
      title = problem.title ?? title;
      detail = problem.detail ?? "";
    } catch {
      // Not problem+json (a proxy error page): the status line says enough.
    }
    throw new ApiError(res.status, title, detail);
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
