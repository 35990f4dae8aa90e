/**
 * A finding's `location`: `<inner member path>@<byte offset>` (DESIGN.md, scan report). The member path
 * is empty for the file itself; nested views are written as docs/scanner.md describes.
 */
export function formatLocation(member: string, offset: number): string {
  return `${member}@${offset}`;
}

/** `archive/data.pkl@1234` -> member `archive/data.pkl`, offset 1234; `@0` -> the file itself at 0. */
export function parseLocation(location: string): { member: string; offset: number | null } {
  const at = location.lastIndexOf("@");
  if (at >= 0 && /^\d+$/.test(location.slice(at + 1))) {
    const offset = Number(location.slice(at + 1));
    return { member: location.slice(0, at), offset: Number.isSafeInteger(offset) ? offset : null };
  }
  return { member: location, offset: null };
}
