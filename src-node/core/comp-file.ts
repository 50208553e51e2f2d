/**
 * Reader for Fusion `.comp` files, for pipeline use without Fusion.
 *
 * A .comp is a Lua 5.1 table constructor: `Composition { RenderRange = { 0, 3 }, Tools = ordered() {
 * Saver1 = Saver { Inputs = { Clip = Input { Value = Clip { Filename = "…" } } } } } }`.
 * This module has a byte-level tokenizer and a recursive-descent parser that build a generic value
 * tree ({@link LuaValue}); the comp fields are extracted from that tree. The text is read as bytes,
 * so files with invalid UTF-8 (Fusion writes uninitialised bytes in some Prefs) never fail:
 * strings are decoded as UTF-8 where valid, else as Windows-1252.
 *
 * Only what Fusion writes is accepted: literals, tables, typed constructors (`Saver { }`,
 * `Fuse.Name { }`, `ordered() { }`, `FuID { "x" }`), `-` before numbers, and bare names
 * (kept as {@link LuaName}). Operators such as `..` or `/` are rejected.
 */
import { readFileSync } from "node:fs";
import type { SaverInfo } from "../../types/request";

export interface CompFile {
  /** `Version`, e.g. "Fusion Studio 19.0 build 52". */
  version?: string;
  renderStart: number;
  renderEnd: number;
  globalStart: number;
  globalEnd: number;
  /**
   * The render step: `Prefs.Comp.Unsorted.RenderSettings.Configs.Final.StepSize` when that config
   * has `StepRender = true`, else 1. (Every fixture stores `StepSize = 5` with `StepRender = false`:
   * 5 is the dialog's default for "step render", which is off.)
   */
  step: number;
  /** All Saver tools, nested ones included, in file order. path = rawPath = the raw Clip filename. */
  savers: SaverInfo[];
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
 * ------------------------------------------------------------------------------------------- */

type Token =
  | { t: "name"; value: string; pos: number }
  | { t: "string"; value: string; pos: number }
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

/** Decodes src[start, end): short ASCII runs directly (most names and values), else UTF-8 or Windows-1252. */
function decodeBytes(src: Uint8Array, start: number, end: number): string {
  if (end - start <= 64) {
    let text = "";
    for (let i = start; i < end; i++) {
      const c = src[i];
      if (c >= 0x80) return decodeNonAscii(src.subarray(start, end));
      text += String.fromCharCode(c);
    }
    return text;
  }
  for (let i = start; i < end; i++) {
    if (src[i] >= 0x80) return decodeNonAscii(src.subarray(start, end));
  }
  return windows1252.decode(src.subarray(start, end));
}

function decodeNonAscii(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return windows1252.decode(bytes);
  }
}

const C = {
  tab: 9,
  lf: 10,
  vt: 11,
  ff: 12,
  cr: 13,
  space: 32,
  dquote: 34,
  squote: 39,
  lparen: 40,
  rparen: 41,
  plus: 43,
  comma: 44,
  minus: 45,
  dot: 46,
  zero: 48,
  nine: 57,
  semicolon: 59,
  equals: 61,
  A: 65,
  F: 70,
  Z: 90,
  lbracket: 91,
  backslash: 92,
  rbracket: 93,
  underscore: 95,
  a: 97,
  f: 102,
  z: 122,
  lbrace: 123,
  rbrace: 125,
} as const;

function isDigit(c: number): boolean {
  return c >= C.zero && c <= C.nine;
}
function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= C.a && c <= C.f) || (c >= C.A && c <= C.F);
}
function isNameStart(c: number): boolean {
  return (c >= C.a && c <= C.z) || (c >= C.A && c <= C.Z) || c === C.underscore;
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || isDigit(c);
}
function isSpace(c: number): boolean {
  return c === C.space || c === C.tab || c === C.lf || c === C.cr || c === C.vt || c === C.ff;
}
function hexValue(c: number): number {
  if (isDigit(c)) return c - C.zero;
  return (c | 0x20) - C.a + 10;
}

class Tokenizer {
  pos = 0;

  constructor(readonly src: Uint8Array) {}

  next(): Token {
    this.skipSpaceAndComments();
    const src = this.src;
    const start = this.pos;
    if (start >= src.length) return { t: "eof", pos: start };
    const c = src[start];
    if (isNameStart(c)) {
      let i = start + 1;
      while (i < src.length && isNameChar(src[i])) i++;
      this.pos = i;
      return { t: "name", value: decodeBytes(src, start, i), pos: start };
    }
    if (isDigit(c) || (c === C.dot && isDigit(src[start + 1] ?? 0))) return this.number();
    if (c === C.dquote || c === C.squote) return { t: "string", value: this.quotedString(c), pos: start };
    if (c === C.lbracket) {
      const level = this.longBracketLevel(start);
      if (level >= 0) return { t: "string", value: this.longString(start, level, "string"), pos: start };
    }
    if (c === C.equals && src[start + 1] === C.equals) {
      this.pos = start + 2;
      return { t: "sym", value: "==", pos: start };
    }
    if (c === C.dot && src[start + 1] === C.dot) {
      this.pos = src[start + 2] === C.dot ? start + 3 : start + 2;
      return { t: "sym", value: src[start + 2] === C.dot ? "..." : "..", pos: start };
    }
    if (
      c === C.lbrace || c === C.rbrace || c === C.lbracket || c === C.rbracket || c === C.lparen ||
      c === C.rparen || c === C.equals || c === C.comma || c === C.semicolon || c === C.dot || c === C.minus
    ) {
      this.pos = start + 1;
      return { t: "sym", value: String.fromCharCode(c), pos: start };
    }
    const shown = c >= 0x21 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, "0")}`;
    throw new SyntaxFault(`unexpected character ${shown}`, start);
  }

  private skipSpaceAndComments(): void {
    const src = this.src;
    for (;;) {
      while (this.pos < src.length && isSpace(src[this.pos])) this.pos++;
      if (src[this.pos] === C.minus && src[this.pos + 1] === C.minus) {
        this.pos += 2;
        if (src[this.pos] === C.lbracket) {
          const level = this.longBracketLevel(this.pos);
          if (level >= 0) {
            this.longString(this.pos, level, "comment");
            continue;
          }
        }
        while (this.pos < src.length && src[this.pos] !== C.lf && src[this.pos] !== C.cr) this.pos++;
        continue;
      }
      break;
    }
  }

  /** `[[` → 0, `[==[` → 2, anything else → -1. */
  private longBracketLevel(at: number): number {
    let i = at + 1;
    let level = 0;
    while (this.src[i] === C.equals) {
      level++;
      i++;
    }
    return this.src[i] === C.lbracket ? level : -1;
  }

  private longString(start: number, level: number, what: "string" | "comment"): string {
    const src = this.src;
    let i = start + level + 2;
    // A newline right after the opening bracket is not part of the string.
    if (src[i] === C.cr && src[i + 1] === C.lf) i += 2;
    else if (src[i] === C.lf && src[i + 1] === C.cr) i += 2;
    else if (src[i] === C.lf || src[i] === C.cr) i++;
    const contentStart = i;
    for (; i < src.length; i++) {
      if (src[i] !== C.rbracket) continue;
      let j = i + 1;
      let l = 0;
      while (src[j] === C.equals) {
        l++;
        j++;
      }
      if (l === level && src[j] === C.rbracket) {
        this.pos = j + 1;
        return decodeBytes(src, contentStart, i);
      }
    }
    throw new SyntaxFault(`unfinished long ${what}`, start);
  }

  private quotedString(quote: number): string {
    const src = this.src;
    const start = this.pos;
    let i = start + 1;
    // Fast path: no escapes.
    let j = i;
    while (j < src.length && src[j] !== quote && src[j] !== C.backslash && src[j] !== C.lf && src[j] !== C.cr) j++;
    if (src[j] === quote) {
      this.pos = j + 1;
      return decodeBytes(src, i, j);
    }
    const out: number[] = [];
    for (;;) {
      if (i >= src.length || src[i] === C.lf || src[i] === C.cr) throw new SyntaxFault("unfinished string", start);
      const c = src[i];
      if (c === quote) {
        this.pos = i + 1;
        return decodeBytes(Uint8Array.from(out), 0, out.length);
      }
      if (c !== C.backslash) {
        out.push(c);
        i++;
        continue;
      }
      const e = src[i + 1];
      i += 2;
      switch (e) {
        case 110: out.push(C.lf); break; // \n
        case 116: out.push(C.tab); break; // \t
        case 114: out.push(C.cr); break; // \r
        case 97: out.push(7); break; // \a
        case 98: out.push(8); break; // \b
        case 102: out.push(C.ff); break; // \f
        case 118: out.push(C.vt); break; // \v
        case C.backslash: case C.dquote: case C.squote: out.push(e); break;
        case C.lf: case C.cr: {
          // An escaped line break is a line break; \r\n and \n\r count once.
          out.push(C.lf);
          const other = e === C.lf ? C.cr : C.lf;
          if (src[i] === other) i++;
          break;
        }
        case 120: { // \xXX (LuaJIT)
          if (!isHexDigit(src[i] ?? 0) || !isHexDigit(src[i + 1] ?? 0)) throw new SyntaxFault("bad \\x escape in string", i - 2);
          out.push(hexValue(src[i]) * 16 + hexValue(src[i + 1]));
          i += 2;
          break;
        }
        case 122: { // \z (LuaJIT): skip following whitespace
          while (i < src.length && isSpace(src[i])) i++;
          break;
        }
        default: {
          if (e !== undefined && isDigit(e)) {
            // \ddd: up to three decimal digits, value ≤ 255.
            let value = e - C.zero;
            for (let k = 0; k < 2 && isDigit(src[i] ?? 0); k++) value = value * 10 + (src[i++] - C.zero);
            if (value > 255) throw new SyntaxFault("escape sequence too large in string", i - 4);
            out.push(value);
            break;
          }
          if (e === undefined) throw new SyntaxFault("unfinished string", start);
          throw new SyntaxFault(`invalid escape sequence '\\${String.fromCharCode(e)}' in string`, i - 2);
        }
      }
    }
  }

  private number(): Token {
    const src = this.src;
    const start = this.pos;
    let i = start;
    let value: number;
    if (src[i] === C.zero && (src[i + 1] | 0x20) === 120 /* x */) {
      i += 2;
      let mantissa = 0;
      let digits = 0;
      while (isHexDigit(src[i] ?? 0)) {
        mantissa = mantissa * 16 + hexValue(src[i++]);
        digits++;
      }
      let scale = 0;
      if (src[i] === C.dot) {
        i++;
        while (isHexDigit(src[i] ?? 0)) {
          mantissa = mantissa * 16 + hexValue(src[i++]);
          scale -= 4;
          digits++;
        }
      }
      if (digits === 0) throw new SyntaxFault("malformed number", start);
      if ((src[i] | 0x20) === 112 /* p */) {
        i++;
        let sign = 1;
        if (src[i] === C.plus || src[i] === C.minus) sign = src[i++] === C.minus ? -1 : 1;
        if (!isDigit(src[i] ?? 0)) throw new SyntaxFault("malformed number", start);
        let exp = 0;
        while (isDigit(src[i] ?? 0)) exp = exp * 10 + (src[i++] - C.zero);
        scale += sign * exp;
      }
      value = mantissa * Math.pow(2, scale);
    } else {
      while (isDigit(src[i] ?? 0)) i++;
      if (src[i] === C.dot) {
        i++;
        while (isDigit(src[i] ?? 0)) i++;
      }
      if ((src[i] | 0x20) === 101 /* e */) {
        i++;
        if (src[i] === C.plus || src[i] === C.minus) i++;
        if (!isDigit(src[i] ?? 0)) throw new SyntaxFault("malformed number", start);
        while (isDigit(src[i] ?? 0)) i++;
      }
      value = Number(decodeBytes(src, start, i));
    }
    if (i < src.length && (isNameChar(src[i]) || src[i] === C.dot)) throw new SyntaxFault("malformed number", start);
    this.pos = i;
    return { t: "number", value, pos: start };
  }
}

/* ----------------------------------------------------------------------------------------------
 * Parser
 * ------------------------------------------------------------------------------------------- */

/** Deeper nesting is refused (hostile input must not overflow the stack). Real comps stay under 30. */
export const MAX_NESTING = 500;

class Parser {
  private tok: Token;
  /** Second token of lookahead, read only to tell `Name = value` from a positional `Name {…}`. */
  private ahead: Token | undefined;
  private depth = 0;

  constructor(private readonly lexer: Tokenizer) {
    this.tok = lexer.next();
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

  value(): LuaValue {
    const t = this.tok;
    switch (t.t) {
      case "number":
        this.advance();
        return t.value;
      case "string":
        this.advance();
        return t.value;
      case "name":
        if (t.value === "nil" || t.value === "true" || t.value === "false") {
          this.advance();
          return t.value === "nil" ? null : t.value === "true";
        }
        return this.constructorCall();
      case "sym":
        if (t.value === "{") return this.table();
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
  private constructorCall(): LuaValue {
    let callee = this.text();
    while (this.isSym(".")) {
      this.advance();
      if (this.tok.t !== "name") throw new SyntaxFault(`expected a name after '.', found ${describe(this.tok)}`, this.tok.pos);
      callee += "." + this.text();
    }
    let result: LuaValue = { kind: "name", name: callee };
    for (;;) {
      if (this.isSym("{")) {
        const table = this.table();
        table.type = callee;
        result = table;
        callee += "{}";
      } else if (this.tok.t === "string") {
        result = { kind: "table", type: callee, items: [this.text()], fields: new Map() };
        callee += '""';
      } else if (this.isSym("(")) {
        const open = this.advance();
        this.enter(open.pos);
        const items: LuaValue[] = [];
        if (!this.isSym(")")) {
          items.push(this.value());
          while (this.isSym(",")) {
            this.advance();
            items.push(this.value());
          }
        }
        this.expectSym(")", "to close the call");
        this.depth--;
        result = { kind: "table", type: callee, items, fields: new Map() };
        callee += "()";
      } else {
        return result;
      }
    }
  }

  table(): LuaTable {
    const open = this.tok;
    this.enter(open.pos);
    this.advance(); // '{'
    const table: LuaTable = { kind: "table", items: [], fields: new Map() };
    while (!this.isSym("}")) {
      if (this.isSym("[")) {
        const keyPos = this.advance().pos;
        const key = this.value();
        if (key === null || typeof key === "object") throw new SyntaxFault("table keys must be strings, numbers or booleans", keyPos);
        this.expectSym("]", "after a table key");
        this.expectSym("=", "after a table key");
        table.fields.set(key, this.value());
      } else if (this.tok.t === "name" && isSymToken(this.peekAhead(), "=")) {
        const key = this.text();
        this.advance(); // '='
        table.fields.set(key, this.value());
      } else {
        table.items.push(this.value());
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

function lineOf(src: Uint8Array, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < src.length; i++) if (src[i] === C.lf) line++;
  return line;
}

/** Bytes of the text without a UTF-8 BOM and without trailing NULs (11 of the 15 fixtures end with one). */
function toBytes(text: string | Uint8Array): Uint8Array {
  // A plain Uint8Array view: Buffer.subarray allocates a Buffer object, which is much slower.
  let bytes = typeof text === "string" ? new TextEncoder().encode(text) : new Uint8Array(text.buffer, text.byteOffset, text.byteLength);
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (start !== 0 || end !== bytes.length) bytes = bytes.subarray(start, end);
  return bytes;
}

/**
 * Parses Lua table-constructor text (`Name { … }` or `{ … }`) into a value tree.
 * Throws CompFileError. `sourceName` names the text in messages.
 */
export function parseLuaValue(text: string | Uint8Array, sourceName = "The text"): LuaValue {
  const src = toBytes(text);
  try {
    const parser = new Parser(new Tokenizer(src));
    const value = parser.value();
    if (parser.token.t !== "eof") throw new SyntaxFault(`unexpected ${describe(parser.token)} after the end of the value`, parser.token.pos);
    return value;
  } catch (e) {
    if (e instanceof SyntaxFault) throw new CompFileError(`${sourceName} is damaged: ${e.message} at line ${lineOf(src, e.pos)}.`);
    throw e;
  }
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
function checkIsComp(src: Uint8Array, sourceName: string): void {
  if (src.length === 0 || src.every((b) => isSpace(b))) throw notAComp(sourceName, "an empty file");
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
      out.savers.push({ name: keyName(key), enabled: tool.fields.get("PassThrough") !== true, path, rawPath: path });
    } else if (tool.type === "Loader") {
      out.loaders++;
    }
    collectTools(tool.fields.get("Tools"), out, depth + 1);
  }
}

/** Parses the text of a .comp file (string or raw bytes). Throws CompFileError with a clear message. */
export function parseCompText(text: string | Uint8Array, sourceName = "The file"): CompFile {
  const src = toBytes(text);
  checkIsComp(src, sourceName);
  const comp = parseLuaValue(src, sourceName);
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

/** Reads and parses a .comp file. I/O errors become CompFileError naming the path. */
export function readCompFile(path: string): CompFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "it does not exist" : code === "EISDIR" ? "it is a folder" : (e as Error).message;
    throw new CompFileError(`Cannot read the comp "${path}": ${reason}.`);
  }
  return parseCompText(bytes, `"${path}"`);
}
