import type { Me } from "../App.tsx";

export function VersionPage(_props: { model: string; number: number; me: Me }) {
  return <p>VersionPage: being built.</p>;
}
