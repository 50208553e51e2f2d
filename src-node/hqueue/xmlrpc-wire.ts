/**
 * XML-RPC on the wire, written for size: a `methodCall` serialiser and a `methodResponse` parser.
 *
 * Why not the `xmlrpc` package: it builds every call as an xmlbuilder DOM and parses every answer with sax, one
 * character at a time. Measured on a 100,000-task `newjob` (128 MB of XML) it took ~20 s and 2 GB; a 10,000-task
 * `getJobs` answer (1.3 MB) took ~1 s to parse. Here a call is written straight into ~1 MB Buffer chunks and an
 * answer is parsed with indexOf over the text (see `npm run bench` for the figures).
 *
 * Serialiser (what the package wrote, made safe):
 * - null/undefined → `<nil/>`; struct members that are undefined are left out (as JSON does);
 * - booleans → `<boolean>1|0</boolean>`; safe integers → `<int>`; other finite numbers → `<double>`;
 *   NaN/±Infinity are refused;
 * - strings → `<string>` with `&`, `<`, `>` escaped and `\r` written as `&#13;` (a raw CR would reach the server
 *   as LF); characters XML 1.0 cannot carry (NUL, most C0 controls, U+FFFE/U+FFFF, lone surrogates) are refused;
 * - Date → `<dateTime.iso8601>` (local time, `YYYYMMDDTHH:MM:SS`, as the package wrote); Buffer → `<base64>`;
 * - arrays → `<array>`; other objects → `<struct>` of their own enumerable keys (`__proto__` included).
 * A refused value throws {@link WireValueError} naming where it is (`params[0].children[3].command`).
 *
 * Parser (accepts what the package accepted from a well-formed answer, and gives the same values):
 * `<int>`/`<i4>` → number; `<i8>` → its decimal string (precision kept); `<boolean>`; `<double>`; `<string>` and a
 * bare `<value>text</value>` → string (CR kept, as the package kept it); `<nil/>` → null; `<base64>` → Buffer;
 * `<dateTime.iso8601>` → {@link WireDateTime} (the text as sent); `<array>`, `<struct>`; tag names in any case; XML
 * declaration, comments, processing instructions and CDATA; the five XML entities and character references. A
 * document type declaration, an unknown entity, a misnested or unknown tag, or text where none belongs throws
 * {@link WireParseError}.
 */

/** A value the serialiser cannot write. Nothing was sent. */
export class WireValueError extends Error {
  constructor(
    /** Where the value is, e.g. `params[0].children[3].command`. */
    readonly where: string,
    /** What is wrong with it, e.g. `contains the character U+0000 at position 4, which XML-RPC cannot carry`. */
    readonly problem: string,
  ) {
    super(`${where} ${problem}`);
    this.name = "WireValueError";
  }
}

/** An answer that is not a well-formed XML-RPC methodResponse. */
export class WireParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireParseError";
  }
}

/** A `dateTime.iso8601` value exactly as it was on the wire (HQueue sends the server's naive time). */
export class WireDateTime {
  constructor(readonly text: string) {}
}

/* ------------------------------------------------------------------------------------------------
 * Serialiser
 * --------------------------------------------------------------------------------------------- */

const CHUNK_CHARS = 1 << 20;

/** Characters XML 1.0 cannot carry, even as character references. */
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** A fast first look (one character class): only strings it matches get the exact test above. */
const MAYBE_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const NEEDS_ESCAPE = /[&<>\r]/;
const ESCAPES = /[&<>\r]/g;
const ESCAPED: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;" };

function codePoint(text: string): string {
  return "U+" + (text.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The package's format: local time, no separators in the date, colons in the time. */
function isoDateTime(date: Date): string {
  return `${String(date.getFullYear()).padStart(4, "0")}${two(date.getMonth() + 1)}${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/**
 * The complete `methodCall` document as Buffer chunks (send them in order; the Content-Length is the sum of
 * their lengths). Throws {@link WireValueError} before anything could be sent.
 */
export function serializeMethodCall(method: string, params: readonly unknown[]): Buffer[] {
  const chunks: Buffer[] = [];
  let pending = "";
  // Where the value being written is: built only when a value is refused.
  const path: (string | number)[] = [];
  const where = (): string =>
    path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`)).join("");
  const refuse = (problem: string): never => {
    throw new WireValueError(where(), problem);
  };
  const text = (value: string): string => {
    const bad = MAYBE_ILLEGAL.test(value) ? XML_ILLEGAL.exec(value) : null;
    if (bad) refuse(`contains the character ${codePoint(bad[0])} at position ${bad.index}, which XML-RPC cannot carry`);
    return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPES, (c) => ESCAPED[c]) : value;
  };
  const write = (value: unknown): void => {
    if (pending.length >= CHUNK_CHARS) {
      chunks.push(Buffer.from(pending, "utf8"));
      pending = "";
    }
    switch (typeof value) {
      case "string":
        pending += `<value><string>${text(value)}</string></value>`;
        return;
      case "number":
        if (!Number.isFinite(value)) refuse(`is ${value}, which XML-RPC cannot carry`);
        pending += Number.isSafeInteger(value) ? `<value><int>${value === 0 ? 0 : value}</int></value>` : `<value><double>${value}</double></value>`;
        return;
      case "boolean":
        pending += value ? "<value><boolean>1</boolean></value>" : "<value><boolean>0</boolean></value>";
        return;
      case "undefined":
        pending += "<value><nil/></value>";
        return;
      case "object":
        if (value === null) {
          pending += "<value><nil/></value>";
        } else if (value instanceof Date) {
          if (Number.isNaN(value.getTime())) refuse("is an invalid date");
          pending += `<value><dateTime.iso8601>${isoDateTime(value)}</dateTime.iso8601></value>`;
        } else if (Buffer.isBuffer(value)) {
          pending += `<value><base64>${value.toString("base64")}</base64></value>`;
        } else if (Array.isArray(value)) {
          pending += "<value><array><data>";
          for (let i = 0; i < value.length; i++) {
            path.push(i);
            write(value[i]);
            path.pop();
          }
          pending += "</data></array></value>";
        } else {
          pending += "<value><struct>";
          const struct = value as Record<string, unknown>;
          for (const key of Object.keys(struct)) {
            const member = struct[key];
            if (member === undefined) continue;
            path.push(key);
            if (XML_ILLEGAL.test(key)) refuse("is a member name with a character XML-RPC cannot carry");
            pending += `<member><name>${text(key)}</name>`;
            write(member);
            pending += "</member>";
            path.pop();
          }
          pending += "</struct></value>";
        }
        return;
      default:
        refuse(`is a ${typeof value}, which XML-RPC cannot carry`);
    }
  };

  path.push("methodName");
  pending += `<?xml version="1.0"?>\n<methodCall><methodName>${text(method)}</methodName><params>`;
  path.pop();
  for (let i = 0; i < params.length; i++) {
    path.push("params", i);
    pending += "<param>";
    write(params[i]);
    pending += "</param>";
    path.length = 0;
  }
  pending += "</params></methodCall>\n";
  chunks.push(Buffer.from(pending, "utf8"));
  return chunks;
}

/* ------------------------------------------------------------------------------------------------
 * Parser
 * --------------------------------------------------------------------------------------------- */

export type MethodResponse =
  | { kind: "result"; value: unknown }
  | { kind: "fault"; faultCode: number; faultString: string };

interface Tag {
  /** Lower-case name. */
  name: string;
  /** `<x/>` */
  selfClosing: boolean;
  closing: boolean;
}

const ENTITY: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const INT = /^\s*[+-]?\d+\s*$/;
const I8 = /^-?\d+$/;
const DOUBLE = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const NAME_END = /[\s/>]/g;

/** Strict, non-validating reader of the small XML subset XML-RPC uses. */
class Reader {
  pos = 0;

  constructor(readonly xml: string) {}

  fail(message: string): never {
    const before = this.xml.slice(0, this.pos);
    const line = before.split("\n").length;
    throw new WireParseError(`${message} (line ${line}, column ${this.pos - before.lastIndexOf("\n")})`);
  }

  /** Skips whitespace, comments and processing instructions, up to the next tag or the end. */
  skipMisc(): void {
    for (;;) {
      const lt = this.xml.indexOf("<", this.pos);
      const gap = lt < 0 ? this.xml.slice(this.pos) : this.xml.slice(this.pos, lt);
      if (gap.trim() !== "") this.fail(`unexpected text "${gap.trim().slice(0, 40)}"`);
      if (lt < 0) {
        this.pos = this.xml.length;
        return;
      }
      this.pos = lt;
      if (this.skipCommentOrPI(lt)) continue;
      if (this.xml.startsWith("<!DOCTYPE", lt) || this.xml.startsWith("<!doctype", lt)) {
        this.fail("a document type declaration is not allowed in XML-RPC");
      }
      return;
    }
  }

  /** Skips a comment or processing instruction starting at `lt`; false when there is none there. */
  skipCommentOrPI(lt: number): boolean {
    const [open, close, what] = this.xml.startsWith("<!--", lt)
      ? ["<!--", "-->", "comment"]
      : this.xml.startsWith("<?", lt)
        ? ["<?", "?>", "processing instruction"]
        : ["", "", ""];
    if (open === "") return false;
    const end = this.xml.indexOf(close, lt + open.length);
    if (end < 0) this.fail(`unterminated ${what}`);
    this.pos = end + close.length;
    return true;
  }

  /** Reads the tag at `pos` (which is at `<`). Attributes are skipped. */
  tag(): Tag {
    const start = this.pos;
    if (this.xml.charCodeAt(start) !== 60) this.fail("expected a tag");
    const closing = this.xml.charCodeAt(start + 1) === 47;
    const nameStart = start + (closing ? 2 : 1);
    NAME_END.lastIndex = nameStart;
    const nameEnd = NAME_END.exec(this.xml)?.index ?? -1;
    if (nameEnd < 0 || nameEnd === nameStart) this.fail("malformed tag");
    const gt = this.xml.indexOf(">", nameEnd);
    if (gt < 0) this.fail("unterminated tag");
    const inner = this.xml.slice(nameEnd, gt);
    if (inner.includes("<")) this.fail("malformed tag");
    const selfClosing = !closing && inner.endsWith("/");
    if (closing && inner.trim() !== "") this.fail("malformed closing tag");
    this.pos = gt + 1;
    return { name: this.xml.slice(nameStart, nameEnd).toLowerCase(), selfClosing, closing };
  }

  /** The next tag, after whitespace, comments and PIs. */
  nextTag(): Tag {
    this.skipMisc();
    if (this.pos >= this.xml.length) this.fail("unexpected end of the answer");
    return this.tag();
  }

  open(name: string): Tag {
    const tag = this.nextTag();
    if (tag.closing || tag.name !== name) this.fail(`expected <${name}>, found <${tag.closing ? "/" : ""}${tag.name}>`);
    return tag;
  }

  close(name: string): void {
    const tag = this.nextTag();
    if (!tag.closing || tag.name !== name) this.fail(`expected </${name}>, found <${tag.closing ? "/" : ""}${tag.name}>`);
  }

  /** Character data up to the closing tag `</name>` (entities and CDATA decoded, no child elements). */
  text(name: string): string {
    let out = "";
    for (;;) {
      const lt = this.xml.indexOf("<", this.pos);
      if (lt < 0) this.fail(`unterminated <${name}>`);
      out += this.decode(this.xml.slice(this.pos, lt));
      this.pos = lt;
      if (this.xml.startsWith("<![CDATA[", lt)) {
        const end = this.xml.indexOf("]]>", lt + 9);
        if (end < 0) this.fail("unterminated CDATA section");
        out += this.xml.slice(lt + 9, end);
        this.pos = end + 3;
      } else if (!this.skipCommentOrPI(lt)) {
        const tag = this.tag();
        if (!tag.closing || tag.name !== name) this.fail(`unexpected <${tag.closing ? "/" : ""}${tag.name}> in <${name}>`);
        return out;
      }
    }
  }

  decode(raw: string): string {
    if (!raw.includes("&")) return raw;
    return raw.replace(/&([^;&<\s]*);?/g, (match: string, body: string) => {
      if (!match.endsWith(";")) this.fail(`a bare "&" in text`);
      const named = ENTITY[body];
      if (named !== undefined) return named;
      const numeric = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(body);
      if (!numeric) this.fail(`unknown entity &${body};`);
      const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2], 10);
      if (code > 0x10ffff || code === 0) this.fail(`invalid character reference &${body};`);
      return String.fromCodePoint(code);
    });
  }

  /** A `<value>…</value>` whose opening tag has been read. */
  valueBody(open: Tag): unknown {
    if (open.selfClosing) return "";
    // Bare text up to the first tag is the value itself when no type element follows.
    const start = this.pos;
    const lt = this.xml.indexOf("<", start);
    if (lt < 0) this.fail("unterminated <value>");
    if (this.xml.startsWith("</", lt) || this.xml.startsWith("<![CDATA[", lt) || this.xml.slice(start, lt).trim() !== "") {
      return this.text("value");
    }
    const tag = this.nextTag();
    if (tag.closing) this.fail(`unexpected </${tag.name}> in <value>`);
    const value = this.typed(tag);
    this.close("value");
    return value;
  }

  typed(tag: Tag): unknown {
    const content = (): string => (tag.selfClosing ? "" : this.text(tag.name));
    switch (tag.name) {
      case "string":
        return content();
      case "int":
      case "i4": {
        const data = content();
        if (!INT.test(data)) this.fail(`expected an integer, got "${data.slice(0, 40)}"`);
        return Number(data);
      }
      case "i8": {
        const data = content();
        if (!I8.test(data)) this.fail(`expected an integer (i8), got "${data.slice(0, 40)}"`);
        return data;
      }
      case "boolean": {
        const data = content().trim();
        if (data !== "0" && data !== "1") this.fail(`illegal boolean value "${data.slice(0, 40)}"`);
        return data === "1";
      }
      case "double": {
        const data = content();
        if (!DOUBLE.test(data)) this.fail(`expected a double, got "${data.slice(0, 40)}"`);
        return Number(data);
      }
      case "nil":
        if (!tag.selfClosing && content().trim() !== "") this.fail("text in <nil>");
        return null;
      case "base64":
        return Buffer.from(content(), "base64");
      case "datetime.iso8601":
        return new WireDateTime(content());
      case "array": {
        const items: unknown[] = [];
        if (tag.selfClosing) this.fail("an <array/> without <data>");
        const data = this.open("data");
        if (!data.selfClosing) {
          for (;;) {
            const next = this.nextTag();
            if (next.closing && next.name === "data") break;
            if (next.closing || next.name !== "value") this.fail(`expected <value> in <data>, found <${next.closing ? "/" : ""}${next.name}>`);
            items.push(this.valueBody(next));
          }
        }
        this.close("array");
        return items;
      }
      case "struct": {
        const struct: Record<string, unknown> = {};
        if (tag.selfClosing) return struct;
        for (;;) {
          const next = this.nextTag();
          if (next.closing && next.name === "struct") break;
          if (next.closing || next.name !== "member") this.fail(`expected <member> in <struct>, found <${next.closing ? "/" : ""}${next.name}>`);
          const nameTag = this.open("name");
          const key = nameTag.selfClosing ? "" : this.text("name");
          const valueTag = this.open("value");
          const member = this.valueBody(valueTag);
          this.close("member");
          // defineProperty: a member named __proto__ is data, not the object's prototype.
          Object.defineProperty(struct, key, { value: member, enumerable: true, writable: true, configurable: true });
        }
        return struct;
      }
      default:
        return this.fail(`unknown XML-RPC tag <${tag.name}>`);
    }
  }
}

/** Parses a complete `methodResponse`. Throws {@link WireParseError} when it is not one. */
export function parseMethodResponse(xml: string): MethodResponse {
  const reader = new Reader(xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml);
  if (reader.xml.trim() === "") throw new WireParseError("the answer is empty");
  reader.open("methodresponse");
  const body = reader.nextTag();
  let response: MethodResponse;
  if (!body.closing && body.name === "params") {
    reader.open("param");
    const value = reader.valueBody(reader.open("value"));
    reader.close("param");
    const next = reader.nextTag();
    if (!(next.closing && next.name === "params")) reader.fail("an answer has exactly one <param>");
    response = { kind: "result", value };
  } else if (!body.closing && body.name === "fault") {
    const value = reader.valueBody(reader.open("value"));
    reader.close("fault");
    const fault = value as Record<string, unknown>;
    if (value === null || typeof value !== "object" || Array.isArray(value) || typeof fault.faultCode !== "number") {
      reader.fail("a <fault> must hold a struct with an integer faultCode");
    }
    response = { kind: "fault", faultCode: fault.faultCode as number, faultString: typeof fault.faultString === "string" ? fault.faultString : String(fault.faultString ?? "") };
  } else {
    return reader.fail(`expected <params> or <fault>, found <${body.closing ? "/" : ""}${body.name}>`);
  }
  reader.close("methodresponse");
  reader.skipMisc();
  if (reader.pos < reader.xml.length) reader.fail("text after the end of the answer");
  return response;
}
