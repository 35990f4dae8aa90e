import type { Me } from "../App.tsx";

export function Approvals(_props: { me: Me }) {
  return <p>Approvals: being built.</p>;
}
