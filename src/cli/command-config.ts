import { existsSync } from "node:fs";
import { CONFIG_FILE_NAME, loadConfig, type ModelgateConfig } from "../config/load-config.js";

/** `--config <file>`, else modelgate.yaml in the working directory when there is one, else the defaults. */
export async function loadCommandConfig(path: string | undefined): Promise<ModelgateConfig> {
  if (path) return loadConfig(path);
  if (existsSync(CONFIG_FILE_NAME)) return loadConfig(CONFIG_FILE_NAME);
  return {};
}
