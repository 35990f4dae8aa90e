import { useEffect, useState } from "react";
import { api, getToken, setToken } from "./api.ts";
import { Link } from "./components/Link.tsx";
import { Approvals } from "./pages/Approvals.tsx";
import { Audit } from "./pages/Audit.tsx";
import { Inventory } from "./pages/Inventory.tsx";
import { ModelPage } from "./pages/ModelPage.tsx";
import { Overview } from "./pages/Overview.tsx";
import { SignIn } from "./pages/SignIn.tsx";
import { VersionPage } from "./pages/VersionPage.tsx";
import { navigate, useLocation } from "./router.ts";
import { type Theme, useTheme } from "./theme.ts";

/** Who is signed in: from GET /api/v1/me. */
export interface Me {
  tokenId: string;
  name: string;
  role: "viewer" | "developer" | "approver" | "admin";
}

const NAV = [
  { href: "/", label: "Overview" },
  { href: "/models", label: "Inventory" },
  { href: "/approvals", label: "Approvals" },
  { href: "/audit", label: "Audit log" },
];

export function App() {
  const { path } = useLocation();
  const [me, setMe] = useState<Me | null>(null);
  const [checked, setChecked] = useState(false);
  const [theme, setTheme] = useTheme();

  useEffect(() => {
    if (!getToken()) {
      setChecked(true);
      return;
    }
    api<Me>("/me").then(
      (who) => {
        setMe(who);
        setChecked(true);
      },
      () => {
        setToken(null);
        setChecked(true);
      },
    );
  }, []);

  if (!checked) return null;
  if (!me) return <SignIn onSignedIn={setMe} theme={theme} onTheme={setTheme} />;

  const signOut = () => {
    setToken(null);
    setMe(null);
    navigate("/");
  };
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          modelgate
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={isCurrent(path, n.href) ? "page" : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <ThemeToggle theme={theme} onTheme={setTheme} />
          <span>
            {me.name} <span className="role">{me.role}</span>
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Route path={path} me={me} />
      </main>
    </div>
  );
}

function isCurrent(path: string, href: string): boolean {
  return href === "/" ? path === "/" : path === href || path.startsWith(`${href}/`);
}

function Route({ path, me }: { path: string; me: Me }) {
  const version = /^\/models\/([^/]+)\/versions\/(\d+)$/.exec(path);
  if (version)
    return <VersionPage model={decodeURIComponent(version[1]!)} number={Number(version[2])} me={me} />;
  const model = /^\/models\/([^/]+)$/.exec(path);
  if (model) return <ModelPage model={decodeURIComponent(model[1]!)} me={me} />;
  if (path === "/models") return <Inventory />;
  if (path === "/approvals") return <Approvals me={me} />;
  if (path === "/audit") return <Audit />;
  if (path === "/") return <Overview />;
  return (
    <div className="state">
      <h1>Page not found</h1>
      <p>
        Nothing lives at <code>{path}</code>. <Link href="/">Go to the overview</Link>.
      </p>
    </div>
  );
}

export function ThemeToggle({ theme, onTheme }: { theme: Theme; onTheme: (t: Theme) => void }) {
  return (
    <label className="theme">
      <span className="visually-hidden">Theme</span>
      <select value={theme} onChange={(e) => onTheme(e.target.value as Theme)}>
        <option value="system">System theme</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
