/**
 * Checks made on the submitting machine before anything is sent. The helper's `plan` checks everything that
 * is pure logic (frames, chunks, movie Savers, relative and unmapped paths); what only this machine can know
 * is checked here: whether the comp is saved, which Savers are enabled, and whether output folders exist.
 */
import { checkableOn } from "../src-node/core/preflight/output-folders";
import type { CompSnapshot, OsName } from "./host";
import { dirnameOf } from "./text";

export interface Preflight {
  /** Reasons the comp cannot be submitted at all. */
  blockers: string[];
  /** Things the artist should know, naming the Saver. */
  warnings: string[];
  /** Output folders that do not exist (for the "Create folders" fix). */
  missingFolders: string[];
}

export const UNSAVED_MESSAGE =
  "This comp has never been saved. Render nodes open the comp from its file, so save it (File > Save As…) " +
  "to a folder the render farm can reach, then run HQueue Render again.";

export function preflight(comp: CompSnapshot, os: OsName, dirExists: (path: string) => boolean): Preflight {
  const result: Preflight = { blockers: [], warnings: [], missingFolders: [] };
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
  for (const saver of enabled) {
    // Only paths this OS can check (a Windows path in a comp on Linux is another OS's: the helper's plan says so).
    if (saver.path === "" || !checkableOn(saver.path, os === "Windows" ? "windows" : "linux")) continue;
    const folder = dirnameOf(saver.path);
    if (folder === "" || dirExists(folder)) continue;
    result.warnings.push("Saver " + saver.name + ": its folder " + folder + " does not exist on this computer.");
    if (!result.missingFolders.includes(folder)) result.missingFolders.push(folder);
  }
  return result;
}
