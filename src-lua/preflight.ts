/**
 * Checks made on the submitting machine before anything is sent. The helper's `plan` checks everything that
 * is pure logic (frames, chunks, movie Savers, relative and unmapped paths); what only this machine can know
 * is checked here: whether the comp is saved, which Savers are enabled, and whether output folders exist.
 */
import { checkOutputFolders } from "../src-node/core/preflight/output-folders";
import type { PreflightCheck } from "../types/request";
import type { CompSnapshot, OsName } from "./host";

export interface Preflight {
  /** Reasons the comp cannot be submitted at all. */
  blockers: string[];
  /** Things the artist should know, naming the Saver. */
  warnings: string[];
  /** Output folders that do not exist (for the "Create folders" fix). */
  missingFolders: string[];
  /** The warnings as the helper's pre-flight reports them (same code and words), to show next to their Saver. */
  checks: PreflightCheck[];
}

export const UNSAVED_MESSAGE =
  "This comp has never been saved. Render nodes open the comp from its file, so save it (File > Save As…) " +
  "to a folder the render farm can reach, then run HQueue Render again.";

export function preflight(comp: CompSnapshot, os: OsName, dirExists: (path: string) => boolean): Preflight {
  const result: Preflight = { blockers: [], warnings: [], missingFolders: [], checks: [] };
  if (comp.fileName === "") result.blockers.push(UNSAVED_MESSAGE);
  const enabled = comp.savers.filter((saver) => saver.enabled);
  if (comp.savers.length === 0) {
    result.blockers.push("This comp has no Saver, so a render would write nothing. Add a Saver, save the comp, and submit again.");
  } else if (enabled.length === 0) {
    result.blockers.push(
      "Every Saver in this comp is disabled (pass-through), so a render would write nothing. Enable at least one Saver, save the comp, and submit again.",
    );
  } else if (enabled.every((saver) => saver.rawPath === "" && saver.path === "")) {
    const names = enabled.map((saver) => saver.name).join(", ");
    result.blockers.push(
      (enabled.length === 1 ? "The enabled Saver " + names + " has no file name" : "None of the enabled Savers (" + names + ") has a file name") +
        ", so a render would write nothing. Select " + (enabled.length === 1 ? "the Saver" : "a Saver") +
        ", set its Filename in the Inspector (type a path or click Browse), save the comp, and submit again.",
    );
  }
  // The helper's rule (one module compiled into both runtimes): a Windows path on macOS/Linux is another OS's path,
  // which bmd.createdir would make as a folder literally named `C:\...` in Fusion's working folder; not checked here.
  const platform = os === "Windows" ? "windows" : os === "Mac" ? "macosx" : "linux";
  result.checks = checkOutputFolders(
    enabled.map((saver) => ({ name: saver.name, enabled: true, path: saver.path })),
    platform,
    dirExists,
  );
  for (const check of result.checks) {
    result.warnings.push(check.message);
    if (check.path !== undefined && !result.missingFolders.includes(check.path)) result.missingFolders.push(check.path);
  }
  return result;
}
