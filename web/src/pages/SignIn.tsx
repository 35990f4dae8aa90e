import type { Me } from "../App.tsx";
import type { Theme } from "../theme.ts";

export function SignIn(_props: { onSignedIn: (me: Me) => void; theme: Theme; onTheme: (t: Theme) => void }) {
  return <p>SignIn: being built.</p>;
}
