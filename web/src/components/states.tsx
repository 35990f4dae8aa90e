import type { ReactNode } from "react";
import { ApiError } from "../api.ts";

/** Every view has a loading, empty, error and forbidden state; these are the shared ones. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="state" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

/** An error with what to do about it; 401 and 403 get their own words. */
export function ErrorView({ error, retry }: { error: unknown; retry?: () => void }) {
  if (error instanceof ApiError && error.status === 403) {
    return (
      <div className="state state-forbidden" role="alert">
        <h2>Not allowed for your role</h2>
        <p>
          {error.detail || "Your token's role cannot see or do this."} Ask an administrator for a token with
          the role it needs.
        </p>
      </div>
    );
  }
  if (error instanceof ApiError && error.status === 401) {
    return (
      <div className="state state-error" role="alert">
        <h2>Your session has ended</h2>
        <p>The token is unknown, expired or revoked. Sign in again with a valid token.</p>
      </div>
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="state state-error" role="alert">
      <h2>Something went wrong</h2>
      <p>{message}</p>
      <p>Check that the modelgate server is running and reachable, then try again.</p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}
