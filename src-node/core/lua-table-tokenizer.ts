/**
 * Tokenizer for the Lua table-constructor text of Fusion `.comp` files (lua-table-parser.ts builds the value tree from
 * its tokens). The text is read as bytes, so files with invalid UTF-8 (Fusion writes uninitialised bytes in some
 * Prefs) never fail: string values are decoded as UTF-8 where valid, else as Windows-1252.
 *
 * It scans a "binary" string: one char per byte (latin1), so that sticky regexes can do the
 * scanning (fast even before the JIT warms up) and offsets are byte offsets. String values are
 * decoded from their bytes afterwards.
 */

export type Token =
  | { t: "name"; value: string; pos: number }
  /** `end` is the offset just past the literal's closing quote or bracket. */
  | { t: "string"; value: string; pos: number; end: number }
  | { t: "number"; value: number; pos: number }
  | { t: "sym"; value: string; pos: number }
  | { t: "eof"; pos: number };

/** Thrown by the tokenizer/parser; carries a byte offset that becomes a line number. */
export class SyntaxFault extends Error {
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
export function decodeValue(binary: string): string {
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

export class Tokenizer {
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

export function describe(t: Token): string {
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

export function lineOf(src: string, pos: number): number {
  let line = 1;
  for (let i = src.indexOf("\n"); i >= 0 && i < pos; i = src.indexOf("\n", i + 1)) line++;
  return line;
}

/**
 * The text as a binary string (one char per byte), without a UTF-8 BOM and without trailing NULs
 * (11 of the 15 fixtures end with one). A JS string is taken as text and encoded as UTF-8.
 */
export function toBinary(text: string | Uint8Array): string {
  const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
  const binary = bytes.toString("latin1");
  let end = binary.length;
  while (end > 0 && binary.charCodeAt(end - 1) === 0) end--;
  const start = binary.startsWith("\xef\xbb\xbf") ? 3 : 0;
  return start === 0 && end === binary.length ? binary : binary.slice(start, end);
}
