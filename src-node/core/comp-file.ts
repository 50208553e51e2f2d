/**
 * Reader for Fusion `.comp` files, for pipeline use without Fusion.
 *
 * A .comp is a Lua 5.1 table constructor: `Composition { RenderRange = { 0, 3 }, Tools = ordered() {
 * Saver1 = Saver { Inputs = { Clip = Input { Value = Clip { Filename = "…" } } } } } }`.
 * This module has a tokenizer and a recursive-descent parser that build a generic value tree
 * ({@link LuaValue}); the comp fields are extracted from that tree. The text is read as bytes, so
 * files with invalid UTF-8 (Fusion writes uninitialised bytes in some Prefs) never fail: string
 * values are decoded as UTF-8 where valid, else as Windows-1252.
 *
 * Only what Fusion writes is accepted: literals, tables, typed constructors (`Saver { }`,
 * `Fuse.Name { }`, `ordered() { }`, `FuID { "x" }`), `-` before numbers, and bare names
 * (kept as {@link LuaName}). Operators such as `..` or `/` are rejected.
 */
import type { CompInfo, SaverInfo } from "../../types/request";
import { HelperError } from "../errors";
import { COMP_FILE_LIMIT_BYTES, megabytes, readRegularFile } from "../input-file";

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

export class CompFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CompFileError";
  }
}

/* ----------------------------------------------------------------------------------------------
 * Value tree
 * ------------------------------------------------------------------------------------------- */

/** A bare identifier used as a value (`x = SomeGlobal`). Fusion rarely writes these. */
export interface LuaName {
  kind: "name";
  name: string;
}

export type LuaKey = string | number | boolean;

/** A table constructor, possibly typed (`Saver { … }` has type "Saver"; `ordered() { … }` has type "ordered()"). */
export interface LuaTable {
  kind: "table";
  type?: string;
  /** Positional entries, in order (Lua indices 1..n). */
  items: LuaValue[];
  /** Keyed entries in file order; a repeated key keeps the last value, as in Lua. */
  fields: Map<LuaKey, LuaValue>;
}

export type LuaValue = null | boolean | number | string | LuaTable | LuaName;

export function isTable(v: LuaValue | undefined): v is LuaTable {
  return typeof v === "object" && v !== null && v.kind === "table";
}

/** Follows string keys through nested tables: `getPath(comp, "Prefs", "Comp", "Unsorted")`. */
export function getPath(v: LuaValue | undefined, ...keys: string[]): LuaValue | undefined {
  let cur = v;
  for (const key of keys) {
    if (!isTable(cur)) return undefined;
    cur = cur.fields.get(key);
  }
  return cur;
}

/* ----------------------------------------------------------------------------------------------
 * Tokenizer
 *
 * It scans a "binary" string: one char per byte (latin1), so that sticky regexes can do the
 * scanning (fast even before the JIT warms up) and offsets are byte offsets. String values are
 * decoded from their bytes afterwards.
 * ------------------------------------------------------------------------------------------- */

type Token =
  | { t: "name"; value: string; pos: number }
  /** `end` is the offset just past the literal's closing quote or bracket. */
  | { t: "string"; value: string; pos: number; end: number }
  | { t: "number"; value: number; pos: number }
  | { t: "sym"; value: string; pos: number }
  | { t: "eof"; pos: number };

/** Thrown by the tokenizer/parser; carries a byte offset that becomes a line number. */
class SyntaxFault extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const windows1252 = new TextDecoder("windows-1252");

/** Bytes (as a binary string) → text: UTF-8 where valid, else Windows-1252. */
function decodeValue(binary: string): string {
  if (!/[\x80-\xff]/.test(binary)) return binary;
  const bytes = Buffer.from(binary, "latin1");
  try {
    return utf8.decode(bytes);
  } catch {
    return windows1252.decode(bytes);
  }
}

const SPACE = /[ \t\n\r\v\f]*/y;
const LINE_REST = /[^\r\n]*/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const DECIMAL = /(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y;
const HEX = /0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?/y;
const NUMBER_TAIL = /[A-Za-z0-9_.]/y;
const PLAIN_STRING: Record<string, RegExp> = { '"': /"([^"\\\r\n]*)"/y, "'": /'([^'\\\r\n]*)'/y };
const STRING_RUN: Record<string, RegExp> = { '"': /[^"\\\r\n]*/y, "'": /[^'\\\r\n]*/y };
const LONG_OPEN = /\[(=*)\[/y;
const SYMBOLS = "{}[]()=,;.-";
const SIMPLE_ESCAPES: Record<string, string> = {
  n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v", "\\": "\\", '"': '"', "'": "'",
};

/** Runs a sticky regex at `pos`; returns the match or null. */
function matchAt(re: RegExp, src: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(src);
}

function isDigitAt(src: string, pos: number): boolean {
  const c = src.charCodeAt(pos);
  return c >= 48 && c <= 57;
}

class Tokenizer {
  pos = 0;

  constructor(
    readonly src: string,
    /** Turns a string literal's bytes (binary string) into its value. */
    private readonly decode: (binary: string) => string = decodeValue,
  ) {}

  next(): Token {
    this.skipSpaceAndComments();
    const src = this.src;
    const start = this.pos;
    if (start >= src.length) return { t: "eof", pos: start };
    const c = src[start];
    const name = matchAt(NAME, src, start);
    if (name) {
      this.pos = NAME.lastIndex;
      return { t: "name", value: name[0], pos: start };
    }
    if (isDigitAt(src, start) || (c === "." && isDigitAt(src, start + 1))) return this.number();
    if (c === '"' || c === "'") {
      const value = this.quotedString(c);
      return { t: "string", value, pos: start, end: this.pos };
    }
    if (c === "[") {
      const open = matchAt(LONG_OPEN, src, start);
      if (open) {
        const value = this.longBracket(start, open[1].length, "string");
        return { t: "string", value, pos: start, end: this.pos };
      }
    }
    if ((c === "=" || c === ".") && src[start + 1] === c) {
      // "==" and ".."/"..." are not part of what Fusion writes; they are read as one token so that
      // the parser reports them as unexpected instead of misreading them.
      const sym = c === "." && src[start + 2] === "." ? "..." : c + c;
      this.pos = start + sym.length;
      return { t: "sym", value: sym, pos: start };
    }
    if (SYMBOLS.includes(c)) {
      this.pos = start + 1;
      return { t: "sym", value: c, pos: start };
    }
    const code = c.charCodeAt(0);
    const shown = code >= 0x21 && code < 0x7f ? `'${c}'` : `byte 0x${code.toString(16).padStart(2, "0")}`;
    throw new SyntaxFault(`unexpected character ${shown}`, start);
  }

  private skipSpaceAndComments(): void {
    const src = this.src;
    for (;;) {
      matchAt(SPACE, src, this.pos);
      this.pos = SPACE.lastIndex;
      if (!src.startsWith("--", this.pos)) return;
      this.pos += 2;
      const open = matchAt(LONG_OPEN, src, this.pos);
      if (open) {
        this.longBracket(this.pos, open[1].length, "comment");
      } else {
        matchAt(LINE_REST, src, this.pos);
        this.pos = LINE_REST.lastIndex;
      }
    }
  }

  /** `[[…]]` / `[==[…]==]` starting at `start`; a newline right after the opening is dropped. */
  private longBracket(start: number, level: number, what: "string" | "comment"): string {
    const src = this.src;
    let i = start + level + 2;
    if (src.startsWith("\r\n", i) || src.startsWith("\n\r", i)) i += 2;
    else if (src[i] === "\n" || src[i] === "\r") i++;
    const close = "]" + "=".repeat(level) + "]";
    const end = src.indexOf(close, i);
    if (end < 0) throw new SyntaxFault(`unfinished long ${what}`, start);
    this.pos = end + close.length;
    return what === "string" ? this.decode(src.slice(i, end)) : "";
  }

  private quotedString(quote: string): string {
    const src = this.src;
    const start = this.pos;
    const plain = matchAt(PLAIN_STRING[quote], src, start);
    if (plain) {
      this.pos = PLAIN_STRING[quote].lastIndex;
      return this.decode(plain[1]);
    }
    // With escapes: collect the bytes as a binary string, decode at the end (escaped bytes may
    // form UTF-8 sequences together, as in Lua).
    const run = STRING_RUN[quote];
    let out = "";
    let i = start + 1;
    for (;;) {
      matchAt(run, src, i);
      out += src.slice(i, run.lastIndex);
      i = run.lastIndex;
      const c = src[i];
      if (c === undefined || c === "\n" || c === "\r") throw new SyntaxFault("unfinished string", start);
      if (c === quote) {
        this.pos = i + 1;
        return this.decode(out);
      }
      // c is a backslash
      const e = src[i + 1];
      i += 2;
      if (e === undefined) throw new SyntaxFault("unfinished string", start);
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
      } else if (e === "\n" || e === "\r") {
        // An escaped line break is a line break; \r\n and \n\r count once.
        out += "\n";
        if (src[i] === (e === "\n" ? "\r" : "\n")) i++;
      } else if (e === "x") {
        const hex = /^[0-9a-fA-F]{2}/.exec(src.slice(i, i + 2));
        if (!hex) throw new SyntaxFault("bad \\x escape in string", i - 2);
        out += String.fromCharCode(parseInt(hex[0], 16));
        i += 2;
      } else if (e === "z") {
        matchAt(SPACE, src, i);
        i = SPACE.lastIndex;
      } else if (isDigitAt(src, i - 1)) {
        // \ddd: up to three decimal digits, value ≤ 255.
        let digits = e;
        while (digits.length < 3 && isDigitAt(src, i)) digits += src[i++];
        const value = Number(digits);
        if (value > 255) throw new SyntaxFault("escape sequence too large in string", i - digits.length - 1);
        out += String.fromCharCode(value);
      } else {
        throw new SyntaxFault(`invalid escape sequence '\\${e}' in string`, i - 2);
      }
    }
  }

  private number(): Token {
    const src = this.src;
    const start = this.pos;
    let value: number;
    let end: number;
    const hex = src[start] === "0" && (src[start + 1] === "x" || src[start + 1] === "X") ? matchAt(HEX, src, start) : null;
    if (hex) {
      const [, whole, fraction = "", exponent = "0"] = hex;
      if (whole === "" && fraction === "") throw new SyntaxFault("malformed number", start);
      const mantissa = parseInt(whole + fraction, 16);
      value = mantissa * Math.pow(2, Number(exponent) - 4 * fraction.length);
      end = HEX.lastIndex;
    } else {
      const dec = matchAt(DECIMAL, src, start);
      if (!dec) throw new SyntaxFault("malformed number", start);
      value = Number(dec[0]);
      end = DECIMAL.lastIndex;
    }
    if (matchAt(NUMBER_TAIL, src, end)) throw new SyntaxFault("malformed number", start);
    this.pos = end;
    return { t: "number", value, pos: start };
  }
}

/* ----------------------------------------------------------------------------------------------
 * Parser
 * ------------------------------------------------------------------------------------------- */

/** Deeper nesting is refused (hostile input must not overflow the stack). Real comps stay under 30. */
export const MAX_NESTING = 500;

/**
 * Which parts of the value tree the parser keeps: `true` keeps everything below; an object keeps the keyed fields it
 * names (`"*"`: any other key) under their own rule and drops the rest, positional items included. Dropped parts are
 * still parsed (a damaged file is refused all the same) but never stored: on a big comp the tree of everything
 * (keyframes, paint strokes…) took 17 times the file's size in memory.
 */
export type KeepRule = true | { readonly [key: string]: KeepRule };

/** The value of a part that is dropped; never stored, never changed. */
const DROPPED: LuaTable = Object.freeze({ kind: "table", items: Object.freeze([]) as unknown as LuaValue[], fields: new Map() }) as LuaTable;

function ruleFor(rule: KeepRule | undefined, key: LuaKey): KeepRule | undefined {
  if (rule === undefined || rule === true) return rule;
  if (typeof key === "string" && Object.hasOwn(rule, key)) return rule[key];
  return Object.hasOwn(rule, "*") ? rule["*"] : undefined;
}

/**
 * A string literal of the text, where it is and where it sits in the value tree: the reader keeps positions so
 * that comp-rewrite.ts can edit literals in place without re-serialising the file.
 */
export interface StringLiteral {
  /** Byte offsets of the literal in the ORIGINAL bytes (quotes/brackets included): bytes.subarray(start, end). */
  start: number;
  end: number;
  /** The string's value as a binary string (one char per byte, escapes resolved, not decoded). */
  value: string;
  /**
   * Keys from the root value down to this string: field names, or 1-based indices for positional entries and for
   * the argument of `Name "x"` / `Name(…)` calls. `["Tools", "Saver1", "Inputs", "Clip", "Value", "Filename"]`.
   */
  keyPath: LuaKey[];
  /** True when the string is a table key (`["Renders:"] = …`), not a value. */
  isKey: boolean;
}

class Parser {
  private tok: Token;
  /** Second token of lookahead, read only to tell `Name = value` from a positional `Name {…}`. */
  private ahead: Token | undefined;
  private depth = 0;
  private readonly keyPath: LuaKey[] = [];
  private inKey = false;

  constructor(
    private readonly lexer: Tokenizer,
    /** When given, every string literal is recorded here (offsets relative to the lexer's text). */
    private readonly strings?: StringLiteral[],
  ) {
    this.tok = lexer.next();
  }

  private record(t: Token, extraKey?: LuaKey): void {
    if (!this.strings || t.t !== "string") return;
    const keyPath = extraKey === undefined ? this.keyPath.slice() : [...this.keyPath, extraKey];
    this.strings.push({ start: t.pos, end: t.end, value: t.value, keyPath, isKey: this.inKey });
  }

  /** Parses a value with `key` pushed on the key path. */
  private valueAt(key: LuaKey, keep: KeepRule | undefined = true): LuaValue {
    this.keyPath.push(key);
    const v = this.value(keep);
    this.keyPath.pop();
    return v;
  }

  get token(): Token {
    return this.tok;
  }

  advance(): Token {
    const t = this.tok;
    this.tok = this.ahead ?? this.lexer.next();
    this.ahead = undefined;
    return t;
  }

  /** Consumes the current name or string token and returns its text. */
  private text(): string {
    const t = this.advance();
    if (t.t !== "name" && t.t !== "string") throw new SyntaxFault(`expected a name, found ${describe(t)}`, t.pos);
    return t.value;
  }

  private peekAhead(): Token {
    this.ahead ??= this.lexer.next();
    return this.ahead;
  }

  private isSym(value: string): boolean {
    return isSymToken(this.tok, value);
  }

  private expectSym(value: string, context: string): void {
    if (!this.isSym(value)) throw new SyntaxFault(`expected '${value}' ${context}, found ${describe(this.tok)}`, this.tok.pos);
    this.advance();
  }

  private enter(pos: number): void {
    if (++this.depth > MAX_NESTING) throw new SyntaxFault(`tables nested deeper than ${MAX_NESTING} levels`, pos);
  }

  /** The next value; `keep` undefined: parse it but drop it (see KeepRule). */
  value(keep: KeepRule | undefined = true): LuaValue {
    const t = this.tok;
    switch (t.t) {
      case "number":
        this.advance();
        return t.value;
      case "string":
        this.record(t);
        this.advance();
        return t.value;
      case "name":
        if (t.value === "nil" || t.value === "true" || t.value === "false") {
          this.advance();
          return t.value === "nil" ? null : t.value === "true";
        }
        return this.constructorCall(keep);
      case "sym":
        if (t.value === "{") return this.table(keep);
        if (t.value === "-") {
          this.advance();
          this.enter(t.pos);
          const operand = this.value();
          this.depth--;
          if (typeof operand !== "number") throw new SyntaxFault("'-' must be followed by a number", t.pos);
          return -operand;
        }
        break;
      case "eof":
        break;
    }
    throw new SyntaxFault(`expected a value, found ${describe(t)}`, t.pos);
  }

  /** `Name(.Name)*` followed by call suffixes: `{…}`, `"…"` or `(args)`. */
  private constructorCall(keep: KeepRule | undefined): LuaValue {
    let callee = this.text();
    while (this.isSym(".")) {
      this.advance();
      if (this.tok.t !== "name") throw new SyntaxFault(`expected a name after '.', found ${describe(this.tok)}`, this.tok.pos);
      callee += "." + this.text();
    }
    let result: LuaValue = { kind: "name", name: callee };
    for (;;) {
      if (this.isSym("{")) {
        const table = this.table(keep);
        if (table !== DROPPED) table.type = callee;
        result = table;
        callee += "{}";
      } else if (this.tok.t === "string") {
        this.record(this.tok, 1);
        const text = this.text();
        result = keep === undefined ? DROPPED : { kind: "table", type: callee, items: [text], fields: new Map() };
        callee += '""';
      } else if (this.isSym("(")) {
        const open = this.advance();
        this.enter(open.pos);
        const items: LuaValue[] = [];
        const itemKeep = keep === true ? true : undefined;
        if (!this.isSym(")")) {
          items.push(this.valueAt(1, itemKeep));
          while (this.isSym(",")) {
            this.advance();
            items.push(this.valueAt(items.length + 1, itemKeep));
          }
        }
        this.expectSym(")", "to close the call");
        this.depth--;
        result = keep === undefined ? DROPPED : { kind: "table", type: callee, items: itemKeep ? items : [], fields: new Map() };
        callee += "()";
      } else {
        return result;
      }
    }
  }

  table(keep: KeepRule | undefined = true): LuaTable {
    const open = this.tok;
    this.enter(open.pos);
    this.advance(); // '{'
    const table: LuaTable = keep === undefined ? DROPPED : { kind: "table", items: [], fields: new Map() };
    const itemKeep = keep === true ? true : undefined;
    let positional = 0;
    while (!this.isSym("}")) {
      if (this.isSym("[")) {
        const keyPos = this.advance().pos;
        const wasKey = this.inKey;
        this.inKey = true;
        const key = this.value();
        this.inKey = wasKey;
        if (key === null || typeof key === "object") throw new SyntaxFault("table keys must be strings, numbers or booleans", keyPos);
        this.expectSym("]", "after a table key");
        this.expectSym("=", "after a table key");
        const fieldKeep = ruleFor(keep, key);
        const value = this.valueAt(key, fieldKeep);
        if (fieldKeep !== undefined) table.fields.set(key, value);
      } else if (this.tok.t === "name" && isSymToken(this.peekAhead(), "=")) {
        const key = this.text();
        this.advance(); // '='
        const fieldKeep = ruleFor(keep, key);
        const value = this.valueAt(key, fieldKeep);
        if (fieldKeep !== undefined) table.fields.set(key, value);
      } else {
        // Positional items are numbered as Lua numbers them, kept or not (the key path of a string depends on it).
        positional++;
        const value = this.valueAt(positional, itemKeep);
        if (itemKeep) table.items.push(value);
      }
      if (this.isSym(",") || this.isSym(";")) {
        this.advance();
      } else if (!this.isSym("}")) {
        const line = lineOf(this.lexer.src, open.pos);
        throw new SyntaxFault(`expected ',' or '}' in the table opened at line ${line}, found ${describe(this.tok)}`, this.tok.pos);
      }
    }
    this.advance(); // '}'
    this.depth--;
    return table;
  }
}

function isSymToken(t: Token, value: string): boolean {
  return t.t === "sym" && t.value === value;
}

function describe(t: Token): string {
  switch (t.t) {
    case "eof":
      return "the end of the file";
    case "name":
      return `'${t.value}'`;
    case "sym":
      return `'${t.value}'`;
    case "number":
      return `the number ${t.value}`;
    case "string":
      return `a string`;
  }
}

function lineOf(src: string, pos: number): number {
  let line = 1;
  for (let i = src.indexOf("\n"); i >= 0 && i < pos; i = src.indexOf("\n", i + 1)) line++;
  return line;
}

/**
 * The text as a binary string (one char per byte), without a UTF-8 BOM and without trailing NULs
 * (11 of the 15 fixtures end with one). A JS string is taken as text and encoded as UTF-8.
 */
function toBinary(text: string | Uint8Array): string {
  const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
  const binary = bytes.toString("latin1");
  let end = binary.length;
  while (end > 0 && binary.charCodeAt(end - 1) === 0) end--;
  const start = binary.startsWith("\xef\xbb\xbf") ? 3 : 0;
  return start === 0 && end === binary.length ? binary : binary.slice(start, end);
}

export interface ParseOptions {
  /** Names the text in error messages (default "The text"). */
  sourceName?: string;
  /** Keep string values as binary strings (one char per byte, no decoding); for byte-exact checks. */
  binaryStrings?: boolean;
}

/**
 * Parses Lua table-constructor text (`Name { … }` or `{ … }`) into a value tree.
 * Throws CompFileError.
 */
export function parseLuaValue(text: string | Uint8Array, opts: ParseOptions = {}): LuaValue {
  return parseBinary(toBinary(text), opts.sourceName ?? "The text", opts.binaryStrings ? (b) => b : decodeValue);
}

function parseBinary(
  src: string,
  sourceName: string,
  decode: (binary: string) => string = decodeValue,
  keep: KeepRule = true,
  strings?: StringLiteral[],
): LuaValue {
  try {
    const parser = new Parser(new Tokenizer(src, decode), strings);
    const value = parser.value(keep);
    if (parser.token.t !== "eof") throw new SyntaxFault(`unexpected ${describe(parser.token)} after the end of the value`, parser.token.pos);
    return value;
  } catch (e) {
    if (e instanceof SyntaxFault) throw new CompFileError(`${sourceName} is damaged: ${e.message} at line ${lineOf(src, e.pos)}.`);
    throw e;
  }
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
