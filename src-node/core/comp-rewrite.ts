/**
 * Rewrites the paths in a .comp for another client OS by editing string literals IN PLACE, at the byte offsets
 * the reader found them (comp-file.ts `scanCompStrings`). The comp is never re-serialised: every byte outside
 * an edited literal (comments, number formatting, key order, non-UTF-8 bytes, trailing NULs) stays as it was.
 * Pure: bytes in, bytes out.
 *
 * Which strings are paths (decided by value, wherever they sit, so Saver `Clip` file names, Loader clips, any
 * tool's or fuse's file input, `OutputClips` and the comp's own path maps `Prefs.Comp.Paths.Map` are all covered):
 * - a string value (never a table key) without control characters that is an absolute path of the submitting
 *   OS (`/…` on Linux/macOS; `C:\…`, `C:/…` or `\\server\share…` on Windows) and lies under a shared root
 *   that has a path for the target OS → that OS's spelling, separators included (path-map.ts `mapPath`);
 * - with `compPath`, a string starting with `Comp:` (any case) is first written out as an absolute path in the
 *   ORIGINAL comp's folder (what `comp:MapPath` does, fusion.md "Path maps"; the same rule as savers.ts
 *   `resolveCompRelative`), so the copy in the job folder reads and writes exactly what the original did.
 * Other path maps (`Macros:`, `Temp:`, studio maps) are left for each Render Node to expand with its own maps.
 *
 * Strings are handled as binary strings (one char per byte): roots are compared as UTF-8 bytes, so names in
 * any encoding pass through unchanged.
 */
import { scanCompStrings } from "./comp-file";
import { isTable, type LuaKey, type LuaValue, type StringLiteral } from "./lua-table-parser";
import type { Platform, SharedRoot } from "../../types/request";
import { isAbsolutePath, mapPath } from "./path-map";
import { resolveCompRelative } from "./savers";

export interface RewriteOptions {
  /** OS whose spelling the comp's paths use (the submitting machine's). */
  from: Platform;
  /** OS of the clients that render this copy. */
  to: Platform;
  roots: readonly SharedRoot[];
  /** The ORIGINAL comp's path as `from` spells it: `Comp:` paths are expanded to its folder. Absent: kept. */
  compPath?: string;
  /** Names the comp in error messages. */
  sourceName?: string;
}

/** Where a path string sits: which tool (if any) and which input. */
export interface PathPlace {
  /** Tool name (innermost tool holding the string), absent for strings outside `Tools` (Prefs, OutputClips). */
  tool?: string;
  /** The tool's type (`Saver`, `Loader`, `Fuse.X`, …). */
  toolType?: string;
  /** True for a Saver's `Clip` file name (what the render writes). */
  saverOutput: boolean;
  /** Keys from the comp's root to the string, dotted: `Tools.Saver1.Inputs.Clip.Value.Filename`. */
  where: string;
}

export interface PathChange extends PathPlace {
  /** Old and new value (binary strings: UTF-8 bytes as one char each). */
  before: string;
  after: string;
}

export interface UnmappedPath extends PathPlace {
  value: string;
  /** Why it was not mapped (path-map's words). */
  reason: string;
}

export interface RewriteResult {
  bytes: Buffer;
  changes: PathChange[];
  /** Absolute paths of the submitting OS that no shared root maps to the target OS (left as they were). */
  unmapped: UnmappedPath[];
}

/** A replacement of bytes [start, end) of the original. */
export interface ByteEdit {
  start: number;
  end: number;
  /** The new bytes, as a binary string. */
  text: string;
}

/** Applies non-overlapping edits; bytes outside them are copied unchanged. */
export function applyEdits(bytes: Uint8Array, edits: readonly ByteEdit[]): Buffer {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const parts: Buffer[] = [];
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at || edit.end < edit.start || edit.end > bytes.length) throw new Error(`overlapping or out-of-range edit at byte ${edit.start}`);
    parts.push(Buffer.from(bytes.buffer, bytes.byteOffset + at, edit.start - at), Buffer.from(edit.text, "latin1"));
    at = edit.end;
  }
  parts.push(Buffer.from(bytes.buffer, bytes.byteOffset + at, bytes.length - at));
  return Buffer.concat(parts);
}

/**
 * A Lua literal for `value` (binary string) in the style of `original` (the literal it replaces): same quote
 * character, or a long bracket of the same level when the value allows it (else the next level that does).
 * Quoted: `\` and the quote are escaped, control bytes become `\ddd` (three digits, so a following digit never
 * joins them); bytes 0x80–0xFF are written as they are.
 */
export function luaStringLiteral(value: string, original = '"'): string {
  const first = original[0];
  // Lua turns any line break inside a long bracket into "\n", so a value with "\r" must be quoted.
  if (first === "[" && !value.includes("\r")) {
    let level = 0;
    while (original[1 + level] === "=") level++;
    for (;; level++) {
      const close = "]" + "=".repeat(level) + "]";
      // Valid when the first closing bracket is the one we add (a value ending in `]` may form one early).
      if ((value + close).indexOf(close) === value.length) {
        // Lua drops a line break right after the opening bracket: add one when the value starts with one.
        const lead = value[0] === "\n" || value[0] === "\r" ? "\n" : "";
        return "[" + "=".repeat(level) + "[" + lead + value + close;
      }
    }
  }
  const quote = first === "'" ? "'" : '"';
  let out = quote;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    const code = value.charCodeAt(i);
    if (c === "\\" || c === quote) out += "\\" + c;
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += "\\" + String(code).padStart(3, "0");
    else out += c;
  }
  return out + quote;
}

/** UTF-8 bytes of `text` as a binary string, to compare with and join to binary comp strings. */
function binaryOf(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

function binaryRoots(roots: readonly SharedRoot[]): SharedRoot[] {
  return roots.map((root) => {
    const out: SharedRoot = {};
    for (const [p, path] of Object.entries(root) as [Platform, string][]) out[p] = binaryOf(path);
    return out;
  });
}

function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * The tool holding a string: `Tools.<name>`, and inside a group or macro `Tools.<group>.Tools.<name>`, innermost
 * wins. A tool's saved settings slots (`Settings[1].Tools.Saver1`) are not tools: their strings belong to the
 * tool that holds them and are never its output.
 */
export function placeOf(tree: LuaValue, keyPath: readonly LuaKey[]): PathPlace {
  let tool: string | undefined;
  let toolType: string | undefined;
  let toolDepth = -1;
  let node: LuaValue | undefined = tree;
  for (let i = 0; i < keyPath.length && isTable(node); i++) {
    const key = keyPath[i];
    const next: LuaValue | undefined = typeof key === "number" && !node.fields.has(key) ? node.items[key - 1] : node.fields.get(key);
    if (i > 0 && keyPath[i - 1] === "Tools" && i - 1 === toolDepth + 1 && isTable(next) && typeof key === "string") {
      tool = key;
      toolType = next.type;
      toolDepth = i;
    }
    node = next;
  }
  const rest = toolDepth >= 0 ? keyPath.slice(toolDepth + 1).join(".") : "";
  return {
    ...(tool !== undefined ? { tool } : {}),
    ...(toolType !== undefined ? { toolType } : {}),
    saverOutput: toolType === "Saver" && rest === "Inputs.Clip.Value.Filename",
    where: keyPath.join("."),
  };
}

/** What happens to one literal in the copy for `opts.to`: its new value, and why it could not be mapped. */
function rewriteValue(literal: StringLiteral, opts: RewriteOptions, roots: readonly SharedRoot[]): { after?: string; unmapped?: string } {
  if (literal.isKey) return {};
  let value = literal.value;
  if (value === "" || hasControl(value)) return {};
  if (opts.compPath !== undefined) value = resolveCompRelative(value, binaryOf(opts.compPath), opts.from);
  const expanded = value !== literal.value;
  if (!isAbsolutePath(value, opts.from)) return expanded ? { after: value } : {};
  const mapped = mapPath(value, opts.from, opts.to, roots);
  if (mapped.ok) return { after: mapped.path };
  return { after: value, unmapped: mapped.error };
}

/**
 * The comp for clients of `opts.to`: every path under a shared root of `opts.from` in `opts.to`'s spelling, and
 * (with `compPath`) every `Comp:` path absolute. With from === to and no compPath the bytes are unchanged.
 * Throws CompFileError when the bytes are not a readable comp.
 */
export function rewriteComp(bytes: Uint8Array, opts: RewriteOptions): RewriteResult {
  const { tree, literals } = scanCompStrings(bytes, opts.sourceName);
  const roots = binaryRoots(opts.roots);
  const edits: ByteEdit[] = [];
  const changes: PathChange[] = [];
  const unmapped: UnmappedPath[] = [];
  for (const literal of literals) {
    const { after, unmapped: reason } = rewriteValue(literal, opts, roots);
    const place = (): PathPlace => placeOf(tree, literal.keyPath);
    if (reason !== undefined) unmapped.push({ ...place(), value: literal.value, reason });
    if (after === undefined || after === literal.value) continue;
    const original = Buffer.from(bytes.buffer, bytes.byteOffset + literal.start, literal.end - literal.start).toString("latin1");
    edits.push({ start: literal.start, end: literal.end, text: luaStringLiteral(after, original) });
    changes.push({ ...place(), before: literal.value, after });
  }
  return { bytes: applyEdits(bytes, edits), changes, unmapped };
}
