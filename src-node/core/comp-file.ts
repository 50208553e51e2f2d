/**
 * Reader for Fusion `.comp` files, for pipeline use without Fusion: what a comp says about rendering (ranges, step,
 * Savers, Loaders), and the position of every string literal for comp-rewrite.ts. The text is parsed by
 * lua-table-parser.ts (tokens: lua-table-tokenizer.ts); only the parts read here are kept.
 */
import type { CompInfo, SaverInfo } from "../../types/request";
import { HelperError } from "../errors";
import { COMP_FILE_LIMIT_BYTES, megabytes, readRegularFile } from "../input-file";
import {
  CompFileError,
  getPath,
  isTable,
  type KeepRule,
  type LuaKey,
  type LuaTable,
  type LuaValue,
  MAX_NESTING,
  parseBinary,
  type StringLiteral,
} from "./lua-table-parser";
import { decodeValue, describe, SyntaxFault, toBinary, type Token, Tokenizer } from "./lua-table-tokenizer";

/**
 * What a .comp file says about rendering, in the same fields the comp script sends (types/request.ts CompInfo).
 * `step` is `Prefs.Comp.Unsorted.RenderSettings.Configs.Final.StepSize` when that config has `StepRender = true`,
 * else 1 (every fixture stores `StepSize = 5` with `StepRender = false`: 5 is the dialog's default for "step
 * render", which is off). `savers` are all Saver tools, nested ones included, in file order, with
 * path = rawPath = the raw Clip filename.
 */
export interface CompFile extends Pick<CompInfo, "renderStart" | "renderEnd" | "globalStart" | "globalEnd" | "step" | "savers"> {
  /** `Version`, e.g. "Fusion Studio 19.0 build 52". */
  version?: string;
  /** Number of Loader tools, nested ones included (informational). */
  loaders: number;
}

/** A comp's value tree (strings as binary strings) and every string literal with its position in the bytes. */
export interface CompStrings {
  tree: LuaValue;
  literals: StringLiteral[];
}

/**
 * Parses a .comp's bytes keeping the position of every string literal (offsets into `bytes`, so a leading UTF-8
 * BOM and trailing NULs are accounted for). String values stay binary (one char per byte). Throws CompFileError.
 */
export function scanCompStrings(bytes: Uint8Array, sourceName = "The file"): CompStrings {
  const src = toBinary(bytes);
  checkIsComp(src, sourceName);
  const literals: StringLiteral[] = [];
  const tree = parseBinary(src, sourceName, (b) => b, true, literals);
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (bom > 0) {
    for (const lit of literals) {
      lit.start += bom;
      lit.end += bom;
    }
  }
  return { tree, literals };
}

/* ----------------------------------------------------------------------------------------------
 * Extraction
 * ------------------------------------------------------------------------------------------- */

function notAComp(sourceName: string, found: string): CompFileError {
  return new CompFileError(
    `${sourceName} is not a Fusion composition (expected 'Composition {' at the start, found ${found}).`,
  );
}

/** Checks the first two tokens before parsing the whole text, so that any non-comp fails the same way. */
function checkIsComp(src: string, sourceName: string): void {
  if (/^[ \t\n\r\v\f]*$/.test(src)) throw notAComp(sourceName, "an empty file");
  const lexer = new Tokenizer(src);
  let first: Token;
  let second: Token;
  try {
    first = lexer.next();
    second = lexer.next();
  } catch (e) {
    if (e instanceof SyntaxFault) throw notAComp(sourceName, e.message);
    throw e;
  }
  if (first.t === "eof") throw notAComp(sourceName, "only comments");
  if (first.t !== "name" || first.value !== "Composition" || second.t !== "sym" || second.value !== "{") {
    const shown = first.t === "name" && second.t === "sym" && second.value === "{" ? `'${first.value} {'` : describe(first);
    throw notAComp(sourceName, shown);
  }
}

function numberPair(v: LuaValue | undefined): [number, number] | undefined {
  if (!isTable(v) || v.items.length < 2) return undefined;
  const [a, b] = v.items;
  return typeof a === "number" && typeof b === "number" && Number.isFinite(a) && Number.isFinite(b) ? [a, b] : undefined;
}

function renderStep(comp: LuaTable): number {
  const final = getPath(comp, "Prefs", "Comp", "Unsorted", "RenderSettings", "Configs", "Final");
  const stepOn = getPath(final, "StepRender");
  const size = getPath(final, "StepSize");
  return stepOn === true && typeof size === "number" && Number.isInteger(size) && size >= 1 ? size : 1;
}

function keyName(key: LuaKey): string {
  return typeof key === "string" ? key : String(key);
}

/** Walks `Tools` tables, descending into any tool's own `Tools` (GroupOperator, MacroOperator). */
function collectTools(tools: LuaValue | undefined, out: { savers: SaverInfo[]; loaders: number }, depth: number): void {
  if (!isTable(tools) || depth > MAX_NESTING) return;
  for (const [key, tool] of tools.fields) {
    if (!isTable(tool)) continue;
    if (tool.type === "Saver") {
      const filename = getPath(tool, "Inputs", "Clip", "Value", "Filename");
      const path = typeof filename === "string" ? filename : "";
      const saver: SaverInfo = { name: keyName(key), enabled: tool.fields.get("PassThrough") !== true, path, rawPath: path };
      // `OutputFormat = Input { Value = FuID { "QuickTimeMovies" } }` (every fixture that sets a format).
      const format = getPath(tool, "Inputs", "OutputFormat", "Value");
      if (isTable(format) && format.type === "FuID" && typeof format.items[0] === "string") saver.outputFormat = format.items[0];
      out.savers.push(saver);
    } else if (tool.type === "Loader") {
      out.loaders++;
    }
    collectTools(tool.fields.get("Tools"), out, depth + 1);
  }
}

/** What parseCompText reads of a comp (everything else is parsed and dropped): see collectTools and renderStep. */
const TOOLS_KEEP: { [key: string]: KeepRule } = {};
TOOLS_KEEP["*"] = { PassThrough: true, Inputs: { Clip: { Value: { Filename: true } }, OutputFormat: { Value: true } }, Tools: TOOLS_KEEP };
const COMP_KEEP: KeepRule = {
  RenderRange: true,
  GlobalRange: true,
  Version: true,
  Tools: TOOLS_KEEP,
  Prefs: { Comp: { Unsorted: { RenderSettings: { Configs: { Final: true } } } } },
};

/** Parses the text of a .comp file (string or raw bytes). Throws CompFileError with a clear message. */
export function parseCompText(text: string | Uint8Array, sourceName = "The file"): CompFile {
  return parseCompBinary(toBinary(text), sourceName);
}

function parseCompBinary(src: string, sourceName: string): CompFile {
  checkIsComp(src, sourceName);
  const comp = parseBinary(src, sourceName, decodeValue, COMP_KEEP);
  if (!isTable(comp) || comp.type !== "Composition") throw notAComp(sourceName, describeValue(comp));

  const render = numberPair(comp.fields.get("RenderRange"));
  const global = numberPair(comp.fields.get("GlobalRange"));
  const renderRange = render ?? global;
  const globalRange = global ?? render;
  if (!renderRange || !globalRange) {
    throw new CompFileError(`${sourceName} has neither a RenderRange nor a GlobalRange; open it in Fusion and save it again.`);
  }
  const found = { savers: [] as SaverInfo[], loaders: 0 };
  collectTools(comp.fields.get("Tools"), found, 0);
  const version = comp.fields.get("Version");
  return {
    ...(typeof version === "string" ? { version } : {}),
    renderStart: renderRange[0],
    renderEnd: renderRange[1],
    globalStart: globalRange[0],
    globalEnd: globalRange[1],
    step: renderStep(comp),
    savers: found.savers,
    loaders: found.loaders,
  };
}

function describeValue(v: LuaValue): string {
  if (isTable(v)) return v.type ? `'${v.type}'` : "a table";
  return typeof v;
}

/** What a .comp file may be (src-node/input-file.ts): a regular file of at most 256 MB. */
export const COMP_INPUT = {
  what: "The comp",
  hint: `pass a .comp file saved by Fusion (a regular file of at most ${megabytes(COMP_FILE_LIMIT_BYTES)})`,
  limit: COMP_FILE_LIMIT_BYTES,
};

/**
 * Reads and parses a .comp file. I/O errors become CompFileError naming the path; a file that is not a regular file
 * or is over the limit is a HelperError("usage") from readRegularFile.
 */
export function readCompFile(path: string): CompFile {
  let src: string;
  try {
    // Straight to the binary string: the file's bytes are not kept alive while the comp is parsed.
    src = toBinary(readRegularFile(path, COMP_INPUT));
  } catch (e) {
    if (e instanceof HelperError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "it does not exist" : (e as Error).message;
    throw new CompFileError(`Cannot read the comp "${path}": ${reason}.`);
  }
  return parseCompBinary(src, `"${path}"`);
}
