/**
 * `npm run seed:demo -- --data DIR [--models N]`: a registry folder with the dashboard's demo data (the
 * seed of test/helpers/dashboard-server.ts: real vet reports, aliases, requests, waivers, and N more bulk
 * models), then `modelgate serve --data DIR` to look at it. Prints the tokens of the five users.
 */
import { existsSync, readdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { openDb } from "../src/registry/db.js";
import { Registry } from "../src/registry/registry.js";
import { seedDashboard } from "../test/helpers/dashboard-server.js";

const { values } = parseArgs({
  options: { data: { type: "string" }, models: { type: "string", default: "0" } },
});
const models = Number(values.models);
if (!values.data || !Number.isInteger(models) || models < 0 || models > 99_999) {
  console.error("usage: npm run seed:demo -- --data DIR [--models N]   (N from 0 to 99999)");
  process.exit(2);
}
if (existsSync(values.data) && readdirSync(values.data).length > 0) {
  console.error(`seed:demo: ${values.data} is not empty; seed a new folder`);
  process.exit(2);
}
const db = await openDb({ dataDir: values.data });
try {
  const tokens = await seedDashboard(new Registry(db), { models });
  console.log(`Seeded ${values.data}. Start the server with:\n  modelgate serve --data ${values.data}\n`);
  console.log("Sign in to the dashboard with one of these tokens:");
  for (const [user, token] of Object.entries(tokens)) console.log(`  ${user.padEnd(10)} ${token}`);
} finally {
  await db.close();
}
