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

/** `C:\x`, `C:/x` or `\\server\share`: a Windows absolute path. */
function isWindowsAbsolute(path: string): boolean {
  if (path.substring(0, 2) === "\\\\") return true;
  const letter = path.substring(0, 1).toLowerCase();
  const third = path.substring(2, 3);
  return letter >= "a" && letter <= "z" && path.substring(1, 2) === ":" && (third === "\\" || third === "/");
}

/**
 * An absolute path this computer can check and create: `/x` on macOS/Linux; `C:\x`, `C:/x`, `\\server\share` or
 * `/x` (the current drive) on Windows. A Windows path on macOS/Linux is another OS's path: bmd.createdir would make
 * a folder literally named `C:\...` in Fusion's working folder; the helper's plan warns about it instead.
 */
function checkableHere(path: string, os: OsName): boolean {
  if (os === "Windows") return isWindowsAbsolute(path) || path.substring(0, 1) === "/";
  return path.substring(0, 1) === "/";
}

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
  // The helper's rule (one module compiled into both runtimes), on the Savers whose folders this computer can check.
  const here = enabled.filter((saver) => saver.path !== "" && checkableHere(saver.path, os));
  result.checks = checkOutputFolders(
    here.map((saver) => ({ name: saver.name, enabled: true, path: saver.path })),
    dirExists,
  );
  for (const check of result.checks) {
    result.warnings.push(check.message);
    if (check.path !== undefined && !result.missingFolders.includes(check.path)) result.missingFolders.push(check.path);
  }
  return result;
}
