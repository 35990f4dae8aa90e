export function Overview() {
  return <p>Overview: being built.</p>;
}
