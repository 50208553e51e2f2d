/**
 * Mapping paths between the submitter's OS and each client OS through a table of shared roots.
 * Pure: no I/O.
 *
 * Rules:
 * - A root matches only at a path-component boundary (`/mnt/hq` does not match `/mnt/hqx/a`).
 * - The longest matching root (most components) that has a path for the target OS wins.
 * - Windows paths and roots compare case-insensitively and accept `\` and `/`; `H:` equals `H:\`;
 *   UNC `\\server\share` equals `//server/share`. POSIX (linux, macosx) compares case-sensitively.
 * - Output uses `\` for windows and `/` for linux/macosx. Trailing separators in roots are ignored.
 * - `.` and `..` components are kept as written (they keep their meaning on the other side).
 */
import * as nodePath from "node:path";
import type { Platform, SharedRoot } from "../../types/request";
import { STRUCTURED_LABELS } from "../portable/fields";
import { PLATFORM_LABELS } from "../portable/platforms";

export type MapResult = { ok: true; path: string; viaRoot?: SharedRoot } | { ok: false; error: string; hint: string };

/**
 * A path split into its root and components.
 * `anchor` is "/" (POSIX absolute), "C:" (drive; kept as written), "\\" (UNC: the server and share
 * are the first two components), "\" (rooted without a drive) or "" (relative).
 */
interface SplitPath {
  anchor: string;
  parts: string[];
}

function splitParts(rest: string, separators: RegExp): string[] {
  return rest.split(separators).filter((p) => p !== "");
}

function splitWindows(path: string): SplitPath {
  let p = path.replace(/\//g, "\\");
  // Win32 namespace prefixes: \\?\C:\x, \\?\UNC\server\share\x, \\.\C:\x
  const ns = /^\\\\[?.]\\/.exec(p);
  if (ns) {
    p = p.slice(4);
    if (/^UNC\\/i.test(p)) p = "\\\\" + p.slice(4);
  }
  if (/^[A-Za-z]:/.test(p)) return { anchor: p.slice(0, 2), parts: splitParts(p.slice(2), /\\+/) };
  if (p.startsWith("\\\\")) return { anchor: "\\\\", parts: splitParts(p, /\\+/) };
  if (p.startsWith("\\")) return { anchor: "\\", parts: splitParts(p, /\\+/) };
  return { anchor: "", parts: splitParts(p, /\\+/) };
}

function splitPosix(path: string): SplitPath {
  return { anchor: path.startsWith("/") ? "/" : "", parts: splitParts(path, /\/+/) };
}

function split(path: string, platform: Platform): SplitPath {
  return platform === "windows" ? splitWindows(path) : splitPosix(path);
}

function render(sp: SplitPath, platform: Platform): string {
  if (platform !== "windows") return sp.anchor + sp.parts.join("/");
  if (/^[A-Za-z]:$/.test(sp.anchor)) return `${sp.anchor}\\${sp.parts.join("\\")}`;
  return sp.anchor + sp.parts.join("\\");
}

function sameComponent(a: string, b: string, platform: Platform): boolean {
  return platform === "windows" ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/** Number of root components that `path` starts with, or -1 when the root does not contain it. */
function matchLength(path: SplitPath, root: SplitPath, platform: Platform): number {
  if (root.anchor === "" || !sameComponent(path.anchor, root.anchor, platform)) return -1;
  if (root.parts.length > path.parts.length) return -1;
  for (let i = 0; i < root.parts.length; i++) {
    if (!sameComponent(path.parts[i], root.parts[i], platform)) return -1;
  }
  return root.parts.length;
}

function describeRoot(root: SharedRoot): string {
  return (Object.keys(root) as Platform[]).map((p) => `${p}: "${root[p]}"`).join(", ");
}

/**
 * Maps `path` (as the `from` OS writes it) to the `to` OS.
 * from === to: the path verbatim (viaRoot tells which root holds it, if any).
 */
export function mapPath(path: string, from: Platform, to: Platform, roots: readonly SharedRoot[]): MapResult {
  if (path === "") {
    return { ok: false, error: "The path is empty.", hint: "Save the comp and give every Saver a file name." };
  }
  const source = split(path, from);
  let best: { root: SharedRoot; length: number } | undefined;
  let bestWithoutTarget: { root: SharedRoot; length: number } | undefined;
  for (const root of roots) {
    const fromRoot = root[from];
    if (fromRoot === undefined || fromRoot === "") continue;
    const length = matchLength(source, split(fromRoot, from), from);
    if (length < 0) continue;
    const hasTarget = root[to] !== undefined && root[to] !== "" && split(root[to]!, to).anchor !== "";
    if (hasTarget) {
      if (!best || length > best.length) best = { root, length };
    } else if (!bestWithoutTarget || length > bestWithoutTarget.length) {
      bestWithoutTarget = { root, length };
    }
  }
  if (from === to) {
    const holder = best ?? bestWithoutTarget;
    return holder ? { ok: true, path, viaRoot: holder.root } : { ok: true, path };
  }
  if (best) {
    const target = split(best.root[to]!, to);
    const mapped: SplitPath = { anchor: target.anchor, parts: [...target.parts, ...source.parts.slice(best.length)] };
    return { ok: true, path: render(mapped, to), viaRoot: best.root };
  }
  const toName = PLATFORM_LABELS[to];
  if (bestWithoutTarget) {
    const fromRoot = bestWithoutTarget.root[from]!;
    return {
      ok: false,
      error: `"${path}" is under the shared root "${fromRoot}" (${describeRoot(bestWithoutTarget.root)}), which has no ${toName} path.`,
      hint: `Add the ${toName} path of "${fromRoot}" (as ${toName} clients mount it) to that shared root, or untick ${toName} in ${STRUCTURED_LABELS.platforms}.`,
    };
  }
  const folder = dirnameOf(path, from);
  return {
    ok: false,
    error: `"${path}" is not under any shared root that has a ${toName} path.`,
    hint:
      `Add a shared root for the folder that holds it: its ${PLATFORM_LABELS[from]} path (e.g. "${folder}") and the same folder ` +
      `as ${toName} clients mount it (e.g. ${to === "windows" ? `"\\\\server\\share" or "H:\\"` : `"/mnt/share"`}), or move the file to storage the farm shares.`,
  };
}

/** True for `/x` on POSIX; `C:\x`, `C:/x` or a UNC path `\\server\share` on Windows. */
export function isAbsolutePath(path: string, platform: Platform): boolean {
  if (platform !== "windows") return path.startsWith("/");
  const sp = splitWindows(path);
  if (sp.anchor === "\\\\") return sp.parts.length >= 2;
  return /^[A-Za-z]:$/.test(sp.anchor) && /^[A-Za-z]:[\\/]/.test(path.replace(/^\\\\[?.]\\/, ""));
}

/** The folder of `path`, with Node's `path.posix` / `path.win32` semantics (`C:\a.comp` → `C:\`). */
export function dirnameOf(path: string, platform: Platform): string {
  return platform === "windows" ? nodePath.win32.dirname(path) : nodePath.posix.dirname(path);
}

/**
 * Joins a folder and a relative name with the platform's separator, without resolving `..`.
 * On windows, `/` in `name` becomes `\`. Separators at the seam are not doubled.
 */
export function joinPath(platform: Platform, dir: string, name: string): string {
  const sep = platform === "windows" ? "\\" : "/";
  const isSep = (c: string): boolean => c === "/" || (platform === "windows" && c === "\\");
  let rel = platform === "windows" ? name.replace(/\//g, "\\") : name;
  let start = 0;
  while (start < rel.length && isSep(rel[start])) start++;
  rel = rel.slice(start);
  if (dir === "") return rel;
  if (rel === "") return dir;
  return isSep(dir[dir.length - 1]) ? dir + rel : dir + sep + rel;
}
