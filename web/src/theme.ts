import { useEffect, useState } from "react";

export type Theme = "system" | "light" | "dark";

/** Light, dark or the system's choice, remembered in localStorage, applied as `data-theme` on <html>. */
export function useTheme(): [Theme, (t: Theme) => void] {
  const [theme, setTheme] = useState<Theme>(
    () => (localStorage.getItem("modelgate.theme") as Theme) ?? "system",
  );
  useEffect(() => {
    localStorage.setItem("modelgate.theme", theme);
    if (theme === "system") document.documentElement.removeAttribute("data-theme");
    else document.documentElement.setAttribute("data-theme", theme);
  }, [theme]);
  return [theme, setTheme];
}
