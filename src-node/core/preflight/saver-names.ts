/**
 * Pre-flight: Saver file names that do not give the files the artist expects. Fusion numbers an image sequence by the
 * digits at the end of the name (before the extension), padding to their count, or inserts four digits when there are
 * none (`frameFileName` in ../savers.ts, the one rule for per-frame names). So `shot_v2.exr` is written as
 * `shot_v1.exr … shot_v100.exr` (the "2" is taken for the frame number), and `render` with no extension becomes
 * `render0001` with no file type. The warning shows the names the render will produce. Pure.
 */
import type { PreflightCheck, SaverInfo } from "../../../types/request";
import { frameFileName, isMovieOutput } from "../savers";

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

/** The extension after the last dot when it has a letter (`.0000` is a frame number, not a file type). */
function extensionOf(base: string): string | undefined {
  const dot = base.lastIndexOf(".");
  if (dot < 0) return undefined;
  const ext = base.slice(dot + 1);
  for (const c of ext) if (!isDigit(c)) return ext;
  return undefined;
}

/**
 * Trailing digits that look like a frame-number placeholder: at least three, and either set apart from the name
 * (`sh010.0000.exr`, `sh010_0000.exr`, a name of digits only) or zero-padded to four or more (`img0001.png`).
 * Anything else (`shot_v2.exr`, `sh010.exr`, `take12.exr`) is most likely part of the name.
 */
export function looksLikeFramePlaceholder(stem: string): boolean {
  let digits = 0;
  while (digits < stem.length && isDigit(stem[stem.length - 1 - digits])) digits++;
  if (digits === 0) return true;
  if (digits < 3) return false;
  const before = stem.length > digits ? stem[stem.length - 1 - digits] : "";
  if (before === "" || before === "." || before === "_" || before === "-") return true;
  return digits >= 4 && stem[stem.length - digits] === "0";
}

function produced(path: string, first: number, last: number): string {
  const a = baseName(frameFileName(path, first));
  return first === last ? a : `${a} … ${baseName(frameFileName(path, last))}`;
}

/** Warnings for the enabled image-sequence Savers of a job rendering frames `first`..`last`. */
export function checkSaverNames(savers: readonly SaverInfo[], first: number, last: number): PreflightCheck[] {
  const checks: PreflightCheck[] = [];
  for (const saver of savers) {
    const path = saver.path || saver.rawPath || "";
    if (!saver.enabled || path === "" || isMovieOutput(path)) continue;
    const base = baseName(path);
    if (base === "") continue;
    const ext = extensionOf(base);
    const where = { field: "comp.savers", tool: saver.name, path };
    if (ext === undefined) {
      checks.push({
        code: "saver_name_no_extension",
        level: "warning",
        ...where,
        message: `Saver ${saver.name}: the file name "${base}" has no extension, so the render writes ${produced(path, first, last)} with no file type, which most programs will not open.`,
        hint: `end the file name with its format's extension, e.g. ${base}.0000.exr`,
      });
      continue;
    }
    const stem = base.slice(0, base.length - ext.length - 1);
    if (!looksLikeFramePlaceholder(stem)) {
      checks.push({
        code: "saver_name_digits",
        level: "warning",
        ...where,
        message: `Saver ${saver.name}: the file name "${base}" ends in digits, which Fusion takes for the frame number, so the render writes ${produced(path, first, last)}.`,
        hint: `to keep the number in the name, add a frame number after it, e.g. ${stem}.0000.${ext}`,
      });
    }
  }
  return checks;
}
