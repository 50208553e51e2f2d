/**
 * JSON for LuaJIT (compiled by TypeScriptToLua only; uses Lua string APIs from lua-types).
 *
 * Design (toolchain.md §4):
 * - Deterministic output: object keys are sorted bytewise; no whitespace.
 * - Numbers: integral values with |x| <= 2^53 are written with "%.0f" (never tostring, which uses %.14g);
 *   other finite numbers with the shortest of %.14g..%.17g that reads back to the same double; NaN/±inf → null.
 * - Strings: `"`, `\`, control characters 0x00-0x1f and DEL (0x7f) are escaped (\n, \t, ... or \u00XX).
 *   Other bytes pass through raw (UTF-8 stays UTF-8). Lone UTF-16 surrogates, which the decoder stores as
 *   3-byte WTF-8 sequences (ED A0..BF xx), are written back as \uD8xx escapes so they round-trip.
 * - Lua has one table type, so arrays and objects are told apart by tagging: the decoder tags every table it
 *   creates; `jsonArray(t)` / `jsonObject(t)` tag tables built in TS. Untagged tables: keys exactly 1..n → array;
 *   an EMPTY untagged table → `[]` (TS arrays are the common case here: wrap possibly-empty records in
 *   jsonObject()); anything else → object (integer keys written as decimal strings, e.g. sparse {1, nil, 3}
 *   → {"1":1,"3":3}).
 * - null: decoded as the JSON_NULL sentinel inside arrays and at top level (so arrays have no holes) and dropped
 *   inside objects (a missing key reads as undefined, as TS expects). JSON_NULL and undefined encode as null.
 * - Errors are thrown as strings "json: <msg> at byte N" (decode; N is 1-based) or "json: <msg>" (encode).
 * - A depth guard (MAX_DEPTH) rejects cycles and absurd nesting.
 */

/** Sentinel for JSON null where Lua cannot hold nil (array elements, top-level value). */
export interface JsonNull {
  readonly __jsonNull: true;
}

const MAX_DEPTH = 100;

// Metatables used only as identity tags (no metamethods apart from JSON_NULL's __tostring).
const ARRAY_TAG = { __jsonType: "array" } as unknown as LuaMetatable<LuaTable>;
const OBJECT_TAG = { __jsonType: "object" } as unknown as LuaMetatable<LuaTable>;
const NULL_TAG = { __jsonType: "null", __tostring: (): string => "null" } as unknown as LuaMetatable<LuaTable>;

/** The JSON null sentinel. Compare with `===`. */
export const JSON_NULL = setmetatable(new LuaTable(), NULL_TAG) as unknown as JsonNull;

/** Tags `t` so that it encodes as a JSON array even when empty. Returns `t`. */
export function jsonArray<T>(t: T[]): T[] {
  setmetatable(t as unknown as LuaTable, ARRAY_TAG);
  return t;
}

/** Tags `t` so that it encodes as a JSON object even when empty. Returns `t`. */
export function jsonObject<T extends object>(t: T): T {
  setmetatable(t as unknown as LuaTable, OBJECT_TAG);
  return t;
}

// ---------------------------------------------------------------------------------------------------------------
// Encoder
// ---------------------------------------------------------------------------------------------------------------

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

// Byte patterns are built with string.char: tstl emits a TS "\xNN" escape as the UTF-8 of U+00NN, not as one byte.
/** Every byte that must be escaped: `"`, `\`, 0x00-0x1f (%z is NUL in Lua 5.1 patterns) and DEL. */
const ESCAPE_PATTERN = "[%z" + string.char(1) + "-" + string.char(31) + '"\\' + string.char(127) + "]";
/** A UTF-16 surrogate as 3 bytes (WTF-8, ED A0..BF 80..BF): never valid UTF-8; only made by decoding a lone \uD800-\uDFFF. */
const SURROGATE_PATTERN =
  string.char(0xed) + "[" + string.char(0xa0) + "-" + string.char(0xbf) + "][" + string.char(0x80) + "-" + string.char(0xbf) + "]";
/** Bytes that end the fast scan inside a string literal: quote, backslash, control characters. */
const STRING_STOP_PATTERN = '["\\%z' + string.char(1) + "-" + string.char(31) + "]";

function escapeByte(this: void, c: string): string {
  const short = SHORT_ESCAPES[c];
  if (short !== undefined) return short;
  return string.format("\\u%04x", string.byte(c));
}

function escapeSurrogate(this: void, s: string): string {
  const [b1, b2, b3] = string.byte(s, 1, 3);
  const code = (b1 - 0xe0) * 4096 + (b2 - 0x80) * 64 + (b3 - 0x80);
  return string.format("\\u%04x", code);
}

function encodeString(s: string): string {
  const [escaped] = string.gsub(s, ESCAPE_PATTERN, escapeByte);
  const [withSurrogates] = string.gsub(escaped, SURROGATE_PATTERN, escapeSurrogate);
  return '"' + withSurrogates + '"';
}

function encodeNumber(x: number): string {
  if (x !== x || x === math.huge || x === -math.huge) return "null";
  if (math.floor(x) === x && x <= 9007199254740992 && x >= -9007199254740992) {
    return string.format("%.0f", x);
  }
  for (const precision of ["%.14g", "%.15g", "%.16g"]) {
    const text = string.format(precision, x);
    if (tonumber(text) === x) return text;
  }
  return string.format("%.17g", x);
}

/** Classifies a table: "array" (with its length) or "object". */
function tableKind(t: LuaTable): LuaMultiReturn<["array" | "object", number]> {
  const mt = getmetatable(t) as unknown;
  if (mt === ARRAY_TAG) return $multi("array", t.length());
  if (mt === OBJECT_TAG) return $multi("object", 0);
  let count = 0;
  for (const [key] of pairs(t)) {
    if (typeof key !== "number") return $multi("object", 0);
    count++;
  }
  // Keys are all numbers: an array only if they are exactly 1..count (then #t is count).
  if (count === t.length()) {
    for (let i = 1; i <= count; i++) {
      if (t.get(i) === undefined) return $multi("object", 0);
    }
    return $multi("array", count);
  }
  return $multi("object", 0);
}

function keyText(key: unknown): string {
  if (typeof key === "string") return key;
  if (typeof key === "number") {
    if (math.floor(key) === key && key <= 9007199254740992 && key >= -9007199254740992) {
      return string.format("%.0f", key);
    }
    return encodeNumber(key);
  }
  throw "json: cannot encode a key of type " + type(key);
}

function encodeValue(value: unknown, depth: number, out: string[]): void {
  const kind = type(value);
  if (value === undefined || value === JSON_NULL) {
    out.push("null");
  } else if (kind === "boolean") {
    out.push(value ? "true" : "false");
  } else if (kind === "number") {
    out.push(encodeNumber(value as number));
  } else if (kind === "string") {
    out.push(encodeString(value as string));
  } else if (kind === "table") {
    if (depth >= MAX_DEPTH) throw "json: nesting deeper than " + MAX_DEPTH + " levels (cycle?)";
    const t = value as LuaTable;
    const [shape, length] = tableKind(t);
    if (shape === "array") {
      out.push("[");
      for (let i = 1; i <= length; i++) {
        if (i > 1) out.push(",");
        encodeValue(t.get(i), depth + 1, out);
      }
      out.push("]");
    } else {
      const entries: Array<[string, unknown]> = [];
      for (const [key, item] of pairs(t)) {
        entries.push([keyText(key), item]);
      }
      table.sort(entries, (a, b) => a[0] < b[0]);
      out.push("{");
      for (let i = 0; i < entries.length; i++) {
        if (i > 0) out.push(",");
        out.push(encodeString(entries[i][0]));
        out.push(":");
        encodeValue(entries[i][1], depth + 1, out);
      }
      out.push("}");
    }
  } else {
    throw "json: cannot encode a value of type " + kind;
  }
}

/** Encodes a Lua value as compact, deterministic JSON text. Throws "json: ..." for functions, cycles, bad keys. */
export function encodeJson(value: unknown): string {
  const out: string[] = [];
  encodeValue(value, 0, out);
  return table.concat(out);
}

// ---------------------------------------------------------------------------------------------------------------
// Decoder
// ---------------------------------------------------------------------------------------------------------------

const BYTE_QUOTE = 34;
const BYTE_BACKSLASH = 92;
const BYTE_OPEN_BRACE = 123;
const BYTE_CLOSE_BRACE = 125;
const BYTE_OPEN_BRACKET = 91;
const BYTE_CLOSE_BRACKET = 93;
const BYTE_COMMA = 44;
const BYTE_COLON = 58;

const SIMPLE_UNESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** UTF-8 (or WTF-8 for lone surrogates) bytes of a code point 0..0x10FFFF. */
export function codePointToUtf8(code: number): string {
  if (code < 0x80) return string.char(code);
  if (code < 0x800) return string.char(0xc0 + math.floor(code / 64), 0x80 + (code % 64));
  if (code < 0x10000) {
    return string.char(0xe0 + math.floor(code / 4096), 0x80 + (math.floor(code / 64) % 64), 0x80 + (code % 64));
  }
  return string.char(
    0xf0 + math.floor(code / 262144),
    0x80 + (math.floor(code / 4096) % 64),
    0x80 + (math.floor(code / 64) % 64),
    0x80 + (code % 64),
  );
}


class JsonDecoder {
  private pos = 1;

  constructor(private readonly text: string) {}

  fail(message: string, at?: number): never {
    throw string.format("json: %s at byte %d", message, at ?? this.pos);
  }

  /** Skips JSON whitespace; returns the next byte (undefined at the end). */
  skipSpace(): number | undefined {
    const [start] = string.find(this.text, "[^ \t\r\n]", this.pos);
    if (start === undefined) {
      this.pos = this.text.length + 1;
      return undefined;
    }
    this.pos = start;
    return string.byte(this.text, start);
  }

  decodeDocument(): unknown {
    const value = this.decodeValue(0);
    if (this.skipSpace() !== undefined) this.fail("unexpected trailing text");
    return value;
  }

  decodeValue(depth: number): unknown {
    const byte = this.skipSpace();
    if (byte === undefined) return this.fail("unexpected end of input");
    if (byte === BYTE_QUOTE) return this.decodeString();
    if (byte === BYTE_OPEN_BRACE) return this.decodeObject(depth + 1);
    if (byte === BYTE_OPEN_BRACKET) return this.decodeArray(depth + 1);
    if (this.matchLiteral("true")) return true;
    if (this.matchLiteral("false")) return false;
    if (this.matchLiteral("null")) return JSON_NULL;
    return this.decodeNumber();
  }

  matchLiteral(word: string): boolean {
    if (string.sub(this.text, this.pos, this.pos + word.length - 1) !== word) return false;
    this.pos += word.length;
    return true;
  }

  decodeNumber(): number {
    // RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    const start = this.pos;
    let [, intEnd] = string.find(this.text, "^-?0", start);
    if (intEnd === undefined) [, intEnd] = string.find(this.text, "^-?[1-9][0-9]*", start);
    if (intEnd === undefined) return this.fail("unexpected character", start);
    let end = intEnd;
    if (string.sub(this.text, end + 1, end + 1) === ".") {
      const [, fracEnd] = string.find(this.text, "^[0-9]+", end + 2);
      if (fracEnd === undefined) return this.fail("digit expected after '.'", end + 2);
      end = fracEnd;
    }
    const exponent = string.sub(this.text, end + 1, end + 1);
    let exponentStart: number | undefined;
    if (exponent === "e" || exponent === "E") {
      const [, expEnd] = string.find(this.text, "^[+-]?[0-9]+", end + 2);
      if (expEnd === undefined) return this.fail("digit expected in exponent", end + 2);
      exponentStart = end + 2;
      end = expEnd;
    }
    const next = string.sub(this.text, end + 1, end + 1);
    if (next !== "" && string.find(next, "^[%w_.+-]")[0] !== undefined) {
      return this.fail("malformed number", end + 1);
    }
    let value = tonumber(string.sub(this.text, start, end));
    if (value === undefined && exponentStart !== undefined) {
      // LuaJIT's tonumber gives nil (not inf/0) for exponents with very many digits: clamp the exponent, which
      // keeps the result (±inf or ±0) for any mantissa of sane length.
      const exponentValue = tonumber(string.sub(this.text, exponentStart, end)) ?? 0;
      const clamped = exponentValue > 0 ? "99999" : "-99999";
      value = tonumber(string.sub(this.text, start, exponentStart - 1) + clamped);
    }
    if (value === undefined) return this.fail("malformed number", start);
    this.pos = end + 1;
    return value;
  }

  /** Reads 4 hex digits at `at`; returns the code unit. */
  readHex4(at: number): number {
    const digits = string.sub(this.text, at, at + 3);
    if (string.find(digits, "^%x%x%x%x$")[0] === undefined) return this.fail("bad \\u escape", at);
    return tonumber(digits, 16) as number;
  }

  decodeString(): string {
    const parts: string[] = [];
    let pos = this.pos + 1; // after the opening quote
    for (;;) {
      const [special] = string.find(this.text, STRING_STOP_PATTERN, pos);
      if (special === undefined) return this.fail("unterminated string", this.pos);
      if (special > pos) parts.push(string.sub(this.text, pos, special - 1));
      const byte = string.byte(this.text, special);
      if (byte === BYTE_QUOTE) {
        this.pos = special + 1;
        return table.concat(parts);
      }
      if (byte !== BYTE_BACKSLASH) return this.fail("control character in string", special);
      const kind = string.sub(this.text, special + 1, special + 1);
      const simple = SIMPLE_UNESCAPES[kind];
      if (simple !== undefined) {
        parts.push(simple);
        pos = special + 2;
      } else if (kind === "u") {
        let code = this.readHex4(special + 2);
        pos = special + 6;
        if (code >= 0xd800 && code <= 0xdbff && string.sub(this.text, pos, pos + 1) === "\\u") {
          const low = this.readHex4(pos + 2);
          if (low >= 0xdc00 && low <= 0xdfff) {
            code = 0x10000 + (code - 0xd800) * 1024 + (low - 0xdc00);
            pos += 6;
          }
        }
        parts.push(codePointToUtf8(code));
      } else {
        return this.fail("bad escape", special);
      }
    }
  }

  decodeArray(depth: number): unknown[] {
    if (depth > MAX_DEPTH) this.fail("nesting deeper than " + MAX_DEPTH + " levels");
    const result = jsonArray<unknown>([]);
    this.pos++; // [
    if (this.skipSpace() === BYTE_CLOSE_BRACKET) {
      this.pos++;
      return result;
    }
    let count = 0;
    for (;;) {
      count++;
      // Indexed set keeps JSON_NULL in place (a nil would leave a hole in the Lua array).
      (result as unknown as LuaTable<number, unknown>).set(count, this.decodeValue(depth));
      const byte = this.skipSpace();
      if (byte === BYTE_COMMA) {
        this.pos++;
      } else if (byte === BYTE_CLOSE_BRACKET) {
        this.pos++;
        return result;
      } else {
        return this.fail(byte === undefined ? "unterminated array" : "',' or ']' expected");
      }
    }
  }

  decodeObject(depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) this.fail("nesting deeper than " + MAX_DEPTH + " levels");
    const result = jsonObject<Record<string, unknown>>({});
    this.pos++; // {
    if (this.skipSpace() === BYTE_CLOSE_BRACE) {
      this.pos++;
      return result;
    }
    for (;;) {
      const keyByte = this.skipSpace();
      if (keyByte !== BYTE_QUOTE) return this.fail(keyByte === undefined ? "unterminated object" : "string key expected");
      const key = this.decodeString();
      if (this.skipSpace() !== BYTE_COLON) return this.fail("':' expected");
      this.pos++;
      const value = this.decodeValue(depth);
      // null members are dropped (Lua cannot hold nil); a later duplicate key wins, as in JavaScript.
      (result as unknown as LuaTable<string, unknown>).set(key, value === JSON_NULL ? undefined : value);
      const byte = this.skipSpace();
      if (byte === BYTE_COMMA) {
        this.pos++;
      } else if (byte === BYTE_CLOSE_BRACE) {
        this.pos++;
        return result;
      } else {
        return this.fail(byte === undefined ? "unterminated object" : "',' or '}' expected");
      }
    }
  }
}

/**
 * Decodes JSON text. Arrays and objects come back tagged (see jsonArray/jsonObject) so they re-encode the same;
 * null is JSON_NULL in arrays and at top level, and absent in objects. Throws "json: <msg> at byte N".
 */
export function decodeJson(text: string): unknown {
  if (typeof text !== "string") throw "json: expected a string to decode, got " + type(text);
  return new JsonDecoder(text).decodeDocument();
}
