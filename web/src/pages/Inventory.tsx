export function Inventory() {
  return <p>Inventory: being built.</p>;
}
