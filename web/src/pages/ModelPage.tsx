import type { Me } from "../App.tsx";

export function ModelPage(_props: { model: string; me: Me }) {
  return <p>ModelPage: being built.</p>;
}
