/**
 * Parser for Lua 5.1 table-constructor text, the syntax of Fusion `.comp` files:
 * `Composition { RenderRange = { 0, 3 }, Tools = ordered() { Saver1 = Saver { Inputs = { Clip = Input { Value = Clip {
 * Filename = "…" } } } } } }`. A recursive-descent parser over lua-table-tokenizer.ts's tokens builds a generic value
 * tree ({@link LuaValue}); comp-file.ts reads the comp's fields from that tree.
 *
 * Only what Fusion writes is accepted: literals, tables, typed constructors (`Saver { }`,
 * `Fuse.Name { }`, `ordered() { }`, `FuID { "x" }`), `-` before numbers, and bare names
 * (kept as {@link LuaName}). Operators such as `..` or `/` are rejected.
 */
import { decodeValue, describe, lineOf, SyntaxFault, toBinary, type Token, Tokenizer } from "./lua-table-tokenizer";

/** What the parser and the comp reader throw: a clear message naming the text or file. */
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

/** parseLuaValue on a binary string, with the keep rule and literal positions comp-file.ts asks for. */
export function parseBinary(
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
