export function Audit() {
  return <p>Audit: being built.</p>;
}
