/**
 * The checks area under the fields, as a pure function of what is known (no UI Manager here, so it is tested as a
 * module under LuaJIT): the comp's pre-flight findings and, once a plan succeeded, the helper's warnings and notes.
 * PlanSession.showChecks writes its result; nothing else writes the Checks line or the Create Missing Folders button.
 */
import { ERROR_STYLE, NOTE_STYLE, PLAIN_STYLE } from "./ui";

export interface ChecksState {
  /** What stops Submit (pre-flight). */
  blockers: string[];
  /** What the artist should know about the comp (pre-flight). */
  warnings: string[];
  /** The last successful plan's warnings and notes; undefined while there is none. */
  plan?: { warnings: string[]; notes: string[] };
  /** Output folders missing on this computer (Create Missing Folders makes them). */
  missingFolders: number;
}

export interface ChecksView {
  text: string;
  style: string;
  /** Whether the Create Missing Folders button is shown. */
  createFolders: boolean;
}

/** One line per finding, each said once (a plan warning that repeats a pre-flight one is not shown twice). */
export function renderChecks(this: void, state: ChecksState): ChecksView {
  const lines: string[] = [];
  const add = (line: string): void => {
    if (!lines.includes(line)) lines.push(line);
  };
  for (const blocker of state.blockers) add("Cannot submit: " + blocker);
  for (const warning of state.warnings) add("Warning: " + warning);
  if (state.plan !== undefined) {
    for (const warning of state.plan.warnings) add("Warning: " + warning);
    for (const note of state.plan.notes) add("Note: " + note);
  }
  const style = state.blockers.length > 0 ? ERROR_STYLE : lines.length > 0 ? NOTE_STYLE : PLAIN_STYLE;
  return { text: lines.join("\n"), style, createFolders: state.missingFolders > 0 };
}
