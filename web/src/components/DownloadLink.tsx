import { type MouseEvent, useState } from "react";
import { getToken } from "../api.ts";

/**
 * A download of an API resource: the token is in sessionStorage, not a cookie, so a plain `<a download>`
 * would be refused; the click fetches with the token and saves the body under `filename`.
 */
export function DownloadLink({
  path,
  filename,
  children,
}: {
  path: string;
  filename: string;
  children: string;
}) {
  const [error, setError] = useState<string | null>(null);
  const href = `/api/v1${path}`;
  const go = async (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    setError(null);
    const token = getToken();
    const res = await fetch(href, { headers: token ? { Authorization: `Bearer ${token}` } : {} }).catch(
      () => null,
    );
    if (!res?.ok) {
      setError(res ? `${res.status} ${res.statusText}` : "the server did not answer");
      return;
    }
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement("a");
    a.href = url;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <span>
      <a href={href} download={filename} onClick={go}>
        {children}
      </a>
      {error && (
        <span role="alert" className="inline-error">
          {" "}
          Download failed: {error}. Try again.
        </span>
      )}
    </span>
  );
}
