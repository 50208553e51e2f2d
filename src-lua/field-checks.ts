/**
 * The dialog's own checks before it asks the helper anything: what must be filled in for a request to make sense.
 * Pure (no UI), compiled into the comp script and run as a module under LuaJIT by the tests
 * (test/lua/request-parity.test.ts feeds it every edge case next to build-request.ts and the helper's validator, and
 * checks which field each refusal names).
 *
 * The scalar rules are the field table's `required` entries (src-node/portable/fields.ts: the words are written
 * there once); the structured fields' rules (client names, client OSes) are here. Sizes and characters are left to
 * the helper, whose refusal names the field.
 */
import { FIELDS } from "../src-node/portable/fields";
import type { Settings } from "./settings";

/** The widget IDs of the structured fields' problems (the scalar rows' problems use the row's widget ID). */
export const STRUCTURED_PROBLEM_IDS = { platforms: "Platforms", assignNames: "AssignNames" };

/**
 * Problems by widget ID (Server, CustomFrames, AssignNames, Platforms): one sentence each, saying what to do.
 * Empty when the dialog may plan and submit the settings.
 */
export function fieldProblems(this: void, settings: Settings): Record<string, string> {
  const problems: Record<string, string> = {};
  const values = settings as unknown as Record<string, unknown>;
  for (const row of FIELDS) {
    const required = row.required;
    if (required === undefined || row.widget === undefined) continue;
    const value = values[row.key];
    if (value !== "" && value !== undefined) continue;
    if (required.when !== undefined && values[required.when.key] !== required.when.value) continue;
    problems[row.widget.id] = required.message;
  }
  if (settings.platforms.length === 0 && !settings.sameOsOnly) problems[STRUCTURED_PROBLEM_IDS.platforms] = "Tick at least one client OS.";
  if (settings.assignMode !== "any" && settings.assignNames.length === 0) {
    problems[STRUCTURED_PROBLEM_IDS.assignNames] =
      settings.assignMode === "clients"
        ? "List at least one client (host name), or fetch them from the server."
        : "List at least one client group, or fetch them from the server.";
  }
  return problems;
}
