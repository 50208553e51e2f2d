/**
 * Where each pre-flight finding shows in the dialog, and each sentence once. Pure (no UI), compiled into the comp
 * script and tested under LuaJIT (test/lua/check-routing-lua.test.ts).
 *
 * Inputs: the dialog's own pre-flight (blockers, and the missing-folder checks made with the helper's portable rule,
 * src-lua/preflight.ts) and the helper's findings (`plan`'s warnings, notes and `checks`, or the checks next to a
 * refusal). The helper copies every check's message into its plain `warnings`/`notes` too (for older front ends), and
 * its missing-folder warning uses the dialog's words: a sentence already shown is not shown again.
 */
import type { PreflightCheck } from "../../types/request";
import { type MessageLine, isRequestPathOrMember, rowForRequestField } from "../../src-node/portable/fields";

/** The dialog's status labels a finding can go to: next to the client assignment, next to the client OSes and shared roots, or the pre-flight list above Submit. */
export type CheckLabel = "AssignStatus" | "RootsStatus" | "Checks";
export const CHECK_LABELS: readonly CheckLabel[] = ["AssignStatus", "RootsStatus", "Checks"];

/** What the helper found: a plan's findings, or (a refused plan) only its `checks`. */
export interface Findings {
  warnings?: readonly string[];
  notes?: readonly string[];
  checks?: readonly PreflightCheck[];
}

export interface RoutedChecks {
  /** Lines per label ("Cannot submit: …", "Warning: …", "Note: …"), most serious first. */
  lines: Record<CheckLabel, string[]>;
  /** True for a label showing something that stops the submission. */
  blocking: Record<CheckLabel, boolean>;
}

/**
 * The status line for messages about a request field: the field table's `shownAt` for a scalar row (fields.ts, the one
 * place it is written), the structured fields' lines below, else Status. Findings and the helper's refusals both use it.
 */
export function messageLineFor(this: void, field: string): MessageLine {
  const row = rowForRequestField(field);
  if (row !== undefined && row.shownAt !== undefined) return row.shownAt;
  for (const [prefix, line] of STRUCTURED_LINES) if (isRequestPathOrMember(field, prefix)) return line;
  return "Status";
}

/** The structured fields (no row of their own) and the lines their messages go to, by request path. */
const STRUCTURED_LINES: readonly [string, MessageLine][] = [
  ["job.frames", "FramesSummary"],
  ["farm.assign", "AssignStatus"],
  ["farm.platforms", "RootsStatus"],
  ["farm.sharedRoots", "RootsStatus"],
  ["job.environment", "EnvironmentStatus"],
];

/** The label for a check: next to the client assignment or the client OSes and shared roots, else the pre-flight list. */
export function labelFor(this: void, check: Pick<PreflightCheck, "field">): CheckLabel {
  const line = messageLineFor(check.field ?? "");
  return line === "AssignStatus" || line === "RootsStatus" ? line : "Checks";
}

function prefixOf(level: PreflightCheck["level"]): string {
  return level === "refusal" ? "Cannot submit: " : level === "warning" ? "Warning: " : "Note: ";
}

/**
 * Routes the findings. `skipCodes`: checks the dialog words itself (the farm's OSes, shown with its proposal).
 * `rootsNote`: the dialog's own sentence for RootsStatus (the client OSes it proposed), shown first there.
 * `alreadyShown`: sentences the dialog shows elsewhere (a field's error, the plan's refusal): not repeated as findings.
 */
export function routeChecks(
  local: { blockers: readonly string[]; checks: readonly PreflightCheck[] },
  helper: Findings | undefined,
  skipCodes: readonly string[] = [],
  rootsNote?: string,
  alreadyShown: readonly string[] = [],
): RoutedChecks {
  const lines: Record<CheckLabel, string[]> = { AssignStatus: [], RootsStatus: [], Checks: [] };
  const blocking: Record<CheckLabel, boolean> = { AssignStatus: false, RootsStatus: false, Checks: false };
  const shown: string[] = [...alreadyShown];
  const add = (label: CheckLabel, prefix: string, message: string, blocks: boolean): void => {
    if (message === "" || shown.includes(message)) return;
    shown.push(message);
    lines[label].push(prefix + message);
    if (blocks) blocking[label] = true;
  };
  if (rootsNote !== undefined) add("RootsStatus", "", rootsNote, false);
  for (const blocker of local.blockers) add("Checks", "Cannot submit: ", blocker, true);
  for (const check of local.checks) add(labelFor(check), prefixOf(check.level), check.message, check.level === "refusal");
  const checks = helper?.checks ?? [];
  // Messages of skipped checks count as shown: their copies in `notes` must not come back as plain notes.
  for (const check of checks) {
    if (skipCodes.includes(check.code)) shown.push(check.message);
  }
  const ordered: PreflightCheck[] = [];
  for (const level of ["refusal", "warning", "note"]) {
    for (const check of checks) if (check.level === level) ordered.push(check);
  }
  for (const check of ordered) add(labelFor(check), prefixOf(check.level), check.message, check.level === "refusal");
  for (const warning of helper?.warnings ?? []) add("Checks", "Warning: ", warning, false);
  for (const note of helper?.notes ?? []) add("Checks", "Note: ", note, false);
  return { lines, blocking };
}
