/**
 * Pre-flight: Saver output folders that do not exist on the submitting computer. The dialog's pre-flight
 * (src-lua/preflight.ts) makes the same check in Fusion; `plan` and `submit` report it in the same words. Written as a
 * portable module (no RegExp, JSON or Date, only string methods TypeScriptToLua supports) so the comp script can
 * compile this one rule instead of its own copy. Pure: the caller says whether a folder exists.
 */
import type { Platform, PreflightCheck, SaverInfo } from "../../../types/request";

/** `/x`, `\x`, `C:\x` or `C:/x`: a path that names its folder without a current directory. */
export function looksAbsolute(path: string): boolean {
  const first = path.substring(0, 1);
  if (first === "/" || first === "\\") return true;
  const second = path.substring(1, 2);
  const third = path.substring(2, 3);
  return second === ":" && (third === "\\" || third === "/");
}

/**
 * A path a computer of `platform` can check and create: `/x` on macOS/Linux; on Windows also `\x`, `C:\x`, `C:/x` and
 * `\\server\share`. A Windows path on macOS/Linux is another OS's path: creating it there would make a folder literally
 * named `C:\...`.
 */
export function checkableOn(path: string, platform: Platform): boolean {
  return platform === "windows" ? looksAbsolute(path) : path.substring(0, 1) === "/";
}

/** The folder of a file path (either separator); "" when it has none; `C:\` for a file at a drive's root. */
export function folderOf(path: string): string {
  let index = -1;
  for (let i = path.length - 1; i >= 0; i--) {
    const c = path.substring(i, i + 1);
    if (c === "/" || c === "\\") {
      index = i;
      break;
    }
  }
  if (index < 0) return "";
  if (index === 0) return path.substring(0, 1);
  if (index === 2 && path.substring(1, 2) === ":") return path.substring(0, 3);
  return path.substring(0, index);
}

/** The dialog's words for a missing output folder. */
export function missingFolderMessage(saverName: string, folder: string): string {
  return "Saver " + saverName + ": its folder " + folder + " does not exist on this computer.";
}

/**
 * One warning per enabled Saver whose output folder does not exist here. `platform`: the OS of the computer checking
 * (only its own kind of absolute path is checked); without it, any absolute-looking path.
 */
export function checkOutputFolders(savers: readonly SaverInfo[], dirExists: (path: string) => boolean, platform?: Platform): PreflightCheck[] {
  const checks: PreflightCheck[] = [];
  for (const saver of savers) {
    if (!saver.enabled || saver.path === "" || !looksAbsolute(saver.path)) continue;
    if (platform !== undefined && !checkableOn(saver.path, platform)) continue;
    const folder = folderOf(saver.path);
    if (folder === "" || dirExists(folder)) continue;
    checks.push({
      code: "output_folder_missing",
      level: "warning",
      field: "comp.savers",
      tool: saver.name,
      path: folder,
      message: missingFolderMessage(saver.name, folder),
      hint: "create the folder before the render (the dialog offers to create it)",
    });
  }
  return checks;
}
