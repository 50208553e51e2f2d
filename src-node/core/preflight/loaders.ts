/**
 * Pre-flight: Loaders whose files are missing. Loaders are read from the request (when the comp script sends them) or
 * from the comp file: each Loader tool's first clip (`Clips = { Clip { Filename = "…", … } }`), pass-through
 * Loaders (`PassThrough = true`, as for Savers) marked disabled. A clip is taken as a numbered sequence when its name
 * ends in digits and it spans more than one frame of the comp (`GlobalEnd > GlobalStart`); its files are then numbered
 * from the digits in `Filename` plus `TrimIn`, one per frame. That numbering is read from the fixtures, not from a
 * Fusion document: a wrong guess only gives a wrong warning, never a different job. Pure: the caller says whether a
 * file exists.
 */
import type { LoaderInfo, Platform, PreflightCheck } from "../../../types/request";
import { getPath, isTable, type LuaValue, MAX_NESTING, parseLuaValue } from "../lua-table-parser";
import { isAbsolutePath } from "../path-map";
import { frameFileName, resolveCompRelative } from "../savers";

/** At most this many files of one sequence are looked at (a 100,000-frame plate must not stall the pre-flight). */
export const MAX_FRAMES_CHECKED = 20_000;

function trailingNumber(path: string): number | undefined {
  const base = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  const dot = base.lastIndexOf(".");
  const stem = dot >= 0 ? base.slice(0, dot) : base;
  let digits = 0;
  while (digits < stem.length && stem[stem.length - 1 - digits] >= "0" && stem[stem.length - 1 - digits] <= "9") digits++;
  return digits === 0 ? undefined : Number(stem.slice(stem.length - digits));
}

function num(v: LuaValue | undefined): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** The Loader tools of a parsed comp (nested groups and macros included), in file order. */
export function loadersInCompTree(comp: LuaValue): LoaderInfo[] {
  const found: LoaderInfo[] = [];
  const walk = (tools: LuaValue | undefined, depth: number): void => {
    if (!isTable(tools) || depth > MAX_NESTING) return;
    for (const [key, tool] of tools.fields) {
      if (!isTable(tool)) continue;
      if (tool.type === "Loader") {
        const clips = tool.fields.get("Clips");
        const clip = isTable(clips) ? clips.items.find(isTable) : undefined;
        const filename = getPath(clip, "Filename");
        const path = typeof filename === "string" ? filename : "";
        const loader: LoaderInfo = { name: String(key), enabled: tool.fields.get("PassThrough") !== true, path, rawPath: path };
        const start = num(getPath(clip, "GlobalStart"));
        const end = num(getPath(clip, "GlobalEnd"));
        const number = trailingNumber(path);
        if (number !== undefined && start !== undefined && end !== undefined && end > start) {
          const first = number + (num(getPath(clip, "TrimIn")) ?? 0);
          loader.frames = { first, last: first + (end - start) };
        }
        found.push(loader);
      }
      walk(tool.fields.get("Tools"), depth + 1);
    }
  };
  walk(getPath(comp, "Tools"), 0);
  return found;
}

/** The Loaders of a .comp file's text; paths starting with `Comp:` resolved against `compPath`. */
export function loadersInCompText(text: string | Uint8Array, compPath: string, platform: Platform): LoaderInfo[] {
  return loadersInCompTree(parseLuaValue(text, { sourceName: `"${compPath}"` })).map((l) =>
    l.path === "" ? l : { ...l, path: resolveCompRelative(l.path, compPath, platform) },
  );
}

/** The first file of the Loader's clip that does not exist, or undefined when all do (or none could be checked). */
export function firstMissingFile(loader: LoaderInfo, fileExists: (path: string) => boolean): string | undefined {
  if (!loader.frames) return fileExists(loader.path) ? undefined : loader.path;
  const { first, last } = loader.frames;
  for (let frame = first, n = 0; frame <= last && n < MAX_FRAMES_CHECKED; frame++, n++) {
    const file = frameFileName(loader.path, frame);
    if (!fileExists(file)) return file;
  }
  return undefined;
}

/**
 * Warnings for enabled Loaders with missing files, notes for those that cannot be checked here (a path map the helper
 * cannot expand, a relative path, or a comp from another OS). `canCheck` is false when the paths are not this
 * computer's (the request says another OS).
 */
export function checkLoaders(loaders: readonly LoaderInfo[], platform: Platform, canCheck: boolean, fileExists: (path: string) => boolean): PreflightCheck[] {
  const checks: PreflightCheck[] = [];
  const unchecked: string[] = [];
  for (const loader of loaders) {
    if (!loader.enabled || loader.path === "") continue;
    if (!canCheck || !isAbsolutePath(loader.path, platform)) {
      unchecked.push(loader.name);
      continue;
    }
    const missing = firstMissingFile(loader, fileExists);
    if (missing === undefined) continue;
    const frameWords = loader.frames && missing !== frameFileName(loader.path, loader.frames.first) ? "its first missing frame" : loader.frames ? "its first frame" : "its file";
    checks.push({
      code: "loader_missing",
      level: "warning",
      field: "comp.loaders",
      tool: loader.name,
      path: missing,
      message: `Loader ${loader.name}: ${frameWords} ${missing} does not exist on this computer.`,
      hint: "check the Loader's file name, or copy the footage to where the comp expects it",
    });
  }
  if (unchecked.length > 0) {
    checks.push({
      code: "loader_not_checked",
      level: "note",
      field: "comp.loaders",
      message: `Not checked whether the files of Loader(s) ${unchecked.join(", ")} exist: ${canCheck ? "their paths go through a Fusion path map or are relative" : "the comp's paths are another OS's"}.`,
    });
  }
  return checks;
}
