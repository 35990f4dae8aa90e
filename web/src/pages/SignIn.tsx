import { type FormEvent, useId, useRef, useState } from "react";
import { type Me, ThemeToggle } from "../App.tsx";
import { ApiError, api, setToken } from "../api.ts";
import type { Theme } from "../theme.ts";

type Failure = { heading: string; text: string };

/** Why the token did not work, and what to do about it. */
function explain(error: unknown): Failure {
  if (error instanceof ApiError && error.status === 401)
    return {
      heading: "That token was not accepted",
      text: "It is unknown, expired or revoked. Check that you pasted the whole token, or ask an administrator for a new one (`modelgate registry token create`).",
    };
  if (error instanceof ApiError && error.status === 403)
    return {
      heading: "That token may not use the dashboard",
      text: "Ask an administrator for a token with at least the viewer role.",
    };
  if (error instanceof ApiError)
    return {
      heading: "The server could not check the token",
      text: `It answered ${error.status} ${error.title}. Try again in a moment; if it persists, check the server's log.`,
    };
  return {
    heading: "The modelgate server is unreachable",
    text: "Check that `modelgate serve` is running and that this address reaches it, then try again.",
  };
}

/**
 * The token goes into sessionStorage and a POST-less form (no action, submit prevented), so it never
 * lands in the URL or the history. The URL the user asked for stays put: once signed in, the app shows it.
 */
export function SignIn({
  onSignedIn,
  theme,
  onTheme,
}: {
  onSignedIn: (me: Me) => void;
  theme: Theme;
  onTheme: (t: Theme) => void;
}) {
  const [token, setTokenText] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const errorId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const value = token.trim();
    if (!value) {
      setFailure({ heading: "Enter a token", text: "Paste the API token an administrator gave you." });
      input.current?.focus();
      return;
    }
    setBusy(true);
    setFailure(null);
    setToken(value);
    try {
      const me = await api<Me>("/me");
      onSignedIn(me);
    } catch (error) {
      setToken(null);
      setFailure(explain(error));
      setBusy(false);
      input.current?.focus();
    }
  };

  return (
    <div className="signin-page">
      <header className="signin-top">
        <span className="brand">modelgate</span>
        <ThemeToggle theme={theme} onTheme={onTheme} />
      </header>
      <main id="main" className="signin-main">
        <h1>Sign in</h1>
        <p className="signin-lead">
          Sign in with your modelgate API token. It is kept only for this browser tab and sent to this server
          alone.
        </p>
        <form className="signin-form" onSubmit={submit} noValidate>
          <label htmlFor="signin-token">API token</label>
          <input
            id="signin-token"
            ref={input}
            type="password"
            name="token"
            autoComplete="off"
            spellCheck={false}
            value={token}
            onChange={(e) => setTokenText(e.target.value)}
            aria-invalid={failure ? true : undefined}
            aria-describedby={failure ? errorId : undefined}
            required
          />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
        {failure && (
          <div id={errorId} className="state state-error signin-error" role="alert">
            <h2>{failure.heading}</h2>
            <p>{failure.text}</p>
          </div>
        )}
      </main>
    </div>
  );
}
