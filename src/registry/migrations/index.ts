import * as init from "./001_init.js";
import * as dashboard from "./002_dashboard.js";

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** Applied in order; a released migration is never edited, only followed by a new one. */
export const MIGRATIONS: Migration[] = [
  { version: 1, name: "init", statements: init.statements },
  { version: 2, name: "dashboard", statements: dashboard.statements },
];
