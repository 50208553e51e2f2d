/**
 * XML-RPC wire format for the HQueue stand-in, written to behave like Python's `xmlrpc.server` /
 * `xmlrpc.client` (which the real HQueue server uses): a small XML parser of our own for `methodCall`, and
 * responses marshalled the way Python's `xmlrpc.client.dumps` writes them.
 *
 * Python facts emulated here:
 * - params: `<int>`/`<i4>`/`<i8>` (also `<i1>`/`<i2>`), `<boolean>`, `<double>`/`<float>`, `<string>`, a bare
 *   `<value>text</value>` (a string), `<nil/>`, `<array>`, `<struct>`, `<dateTime.iso8601>`, `<base64>`; CDATA
 *   sections and character references are text; line endings are normalised (`\r\n` and `\r` → `\n`) as expat does.
 * - responses: one `<value>` per line as Python writes them; strings escape only `&`, `<` and `>` (other characters
 *   are written raw, as Python does); `None` → `<nil/>` (the server runs with allow_none); integers outside
 *   ±(2^31-1) cannot be marshalled (Python raises `OverflowError: int exceeds XML-RPC limits`, which the server turns
 *   into a fault); dates → `YYYYMMDDTHH:MM:SS` (naive, this machine's local time, like Python's `datetime.now()`).
 * - faults: `faultCode` 1 and `faultString` `"<class 'X'>:message"` for any exception, as
 *   `SimpleXMLRPCDispatcher._marshaled_dispatch` does.
 */

/** An exception raised inside a method; becomes a `<fault>`. */
export class PythonFault extends Error {
  constructor(
    readonly faultCode: number,
    readonly faultString: string,
  ) {
    super(faultString);
    this.name = "PythonFault";
  }
}

/** A fault as Python's dispatcher writes an uncaught exception: code 1, `<class 'Type'>:message`. */
export function pythonException(className: string, message: string): PythonFault {
  return new PythonFault(1, `<class '${className}'>:${message}`);
}

/** A Python float: marshalled as `<double>` even when integral (Python writes `1.0`). */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type XmlRpcValue =
  | null
  | boolean
  | number
  | string
  | Date
  | Buffer
  | PyFloat
  | XmlRpcValue[]
  | { [key: string]: XmlRpcValue };

/* ------------------------------------------------------------------------------------------------
 * A minimal XML parser (elements, text, CDATA, comments, processing instructions, entity and
 * character references). Enough for XML-RPC; errors read like expat's.
 * --------------------------------------------------------------------------------------------- */

export interface XmlElement {
  name: string;
  children: (XmlElement | string)[];
}

const XML_ILLEGAL_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;

function expatError(message: string, text: string, index: number): PythonFault {
  const before = text.slice(0, index);
  const line = before.split("\n").length;
  const column = index - (before.lastIndexOf("\n") + 1);
  return pythonException("xml.parsers.expat.ExpatError", `${message}: line ${line}, column ${column}`);
}

function decodeReferences(raw: string, text: string, at: number): string {
  return raw.replace(/&([^;&<]*);|&/g, (match: string, body: string | undefined) => {
    if (body === undefined) throw expatError("not well-formed (invalid token)", text, at);
    switch (body) {
      case "lt": return "<";
      case "gt": return ">";
      case "amp": return "&";
      case "quot": return '"';
      case "apos": return "'";
    }
    const numeric = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(body);
    if (!numeric) throw expatError(`undefined entity &${body};`, text, at);
    const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2], 10);
    const ok = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
    if (!ok) throw expatError("reference to invalid character number", text, at);
    return String.fromCodePoint(code);
  });
}

/** Parses a whole XML document and returns its root element. Throws a PythonFault (ExpatError) when malformed. */
export function parseXml(input: string): XmlElement {
  const text = input.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const bad = XML_ILLEGAL_CHAR.exec(text);
  if (bad) throw expatError("not well-formed (invalid token)", text, bad.index);
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  const addText = (value: string, at: number): void => {
    const top = stack[stack.length - 1];
    if (top) top.children.push(value);
    else if (value.trim() !== "") throw expatError(root ? "junk after document element" : "syntax error", text, at);
  };
  while (i < text.length) {
    if (text[i] !== "<") {
      const next = text.indexOf("<", i);
      const end = next < 0 ? text.length : next;
      addText(decodeReferences(text.slice(i, end), text, i), i);
      i = end;
      continue;
    }
    if (text.startsWith("<?", i)) {
      const end = text.indexOf("?>", i);
      if (end < 0) throw expatError("unclosed token", text, i);
      i = end + 2;
    } else if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i);
      if (end < 0) throw expatError("unclosed token", text, i);
      i = end + 3;
    } else if (text.startsWith("<![CDATA[", i)) {
      const end = text.indexOf("]]>", i);
      if (end < 0) throw expatError("unclosed CDATA section", text, i);
      if (stack.length === 0) throw expatError("syntax error", text, i);
      addText(text.slice(i + 9, end), i);
      i = end + 3;
    } else if (text.startsWith("<!", i)) {
      throw expatError("DOCTYPE and other declarations are not supported here", text, i);
    } else if (text.startsWith("</", i)) {
      const match = NAME.exec(text.slice(i + 2));
      const end = text.indexOf(">", i);
      const top = stack.pop();
      if (!match || end < 0 || !top || top.name !== match[0] || text.slice(i + 2 + match[0].length, end).trim() !== "") {
        throw expatError("mismatched tag", text, i);
      }
      i = end + 1;
    } else {
      const match = NAME.exec(text.slice(i + 1));
      if (!match) throw expatError("not well-formed (invalid token)", text, i);
      if (root && stack.length === 0) throw expatError("junk after document element", text, i);
      // Skip attributes (XML-RPC has none), honouring quotes.
      let j = i + 1 + match[0].length;
      let quote = "";
      for (; j < text.length; j++) {
        const c = text[j];
        if (quote) {
          if (c === quote) quote = "";
        } else if (c === '"' || c === "'") quote = c;
        else if (c === ">" || c === "<") break;
      }
      if (j >= text.length || text[j] !== ">") throw expatError("unclosed token", text, i);
      const selfClosing = text[j - 1] === "/";
      const element: XmlElement = { name: match[0], children: [] };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else root = element;
      if (!selfClosing) stack.push(element);
      i = j + 1;
    }
  }
  if (!root) throw expatError("no element found", text, text.length);
  if (stack.length > 0) throw expatError("no element found", text, text.length);
  return root;
}

/* ------------------------------------------------------------------------------------------------
 * methodCall → (method, params)
 * --------------------------------------------------------------------------------------------- */

function elements(element: XmlElement): XmlElement[] {
  return element.children.filter((child): child is XmlElement => typeof child !== "string");
}

function textOf(element: XmlElement): string {
  return element.children.map((child) => (typeof child === "string" ? child : textOf(child))).join("");
}

function responseError(message: string): PythonFault {
  return pythonException("xmlrpc.client.ResponseError", message);
}

/** Python's `DateTime` keeps the digits; we read them as a naive local time. */
export function parseIsoDateTime(text: string): Date {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})/.exec(text.trim());
  if (!match) throw pythonException("ValueError", `time data '${text}' does not match format '%Y%m%dT%H:%M:%S'`);
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return new Date(y, mo - 1, d, h, mi, s);
}

function parseValue(value: XmlElement): XmlRpcValue {
  const typed = elements(value);
  if (typed.length === 0) return textOf(value);
  if (typed.length > 1) throw responseError(`unexpected elements in <value>: ${typed.map((e) => e.name).join(", ")}`);
  const element = typed[0];
  const data = textOf(element);
  switch (element.name) {
    case "int":
    case "i4":
    case "i8":
    case "i1":
    case "i2":
      if (!/^\s*[+-]?\d+\s*$/.test(data)) {
        throw pythonException("ValueError", `invalid literal for int() with base 10: '${data}'`);
      }
      return Number(data.trim());
    case "boolean":
      if (data === "0") return false;
      if (data === "1") return true;
      throw pythonException("TypeError", "bad boolean value");
    case "double":
    case "float": {
      const number = Number(data.trim());
      if (data.trim() === "" || Number.isNaN(number)) {
        throw pythonException("ValueError", `could not convert string to float: '${data}'`);
      }
      return number;
    }
    case "string":
      return data;
    case "nil":
      return null;
    case "dateTime.iso8601":
      return parseIsoDateTime(data);
    case "base64":
      return Buffer.from(data.replace(/\s+/g, ""), "base64");
    case "array": {
      const dataElement = elements(element).find((e) => e.name === "data");
      if (!dataElement) throw responseError("<array> without <data>");
      return elements(dataElement).filter((e) => e.name === "value").map(parseValue);
    }
    case "struct": {
      // Null prototype: a member named "__proto__" is a plain key, as in a Python dict.
      const struct: { [key: string]: XmlRpcValue } = Object.create(null) as { [key: string]: XmlRpcValue };
      for (const member of elements(element)) {
        if (member.name !== "member") continue;
        const name = elements(member).find((e) => e.name === "name");
        const memberValue = elements(member).find((e) => e.name === "value");
        if (!name || !memberValue) throw responseError("<member> without <name> or <value>");
        struct[textOf(name)] = parseValue(memberValue);
      }
      return struct;
    }
    default:
      throw responseError(`unknown XML-RPC type <${element.name}>`);
  }
}

export interface MethodCall {
  method: string;
  params: XmlRpcValue[];
}

export function parseMethodCall(body: string): MethodCall {
  const root = parseXml(body);
  if (root.name !== "methodCall") throw responseError(`expected <methodCall>, got <${root.name}>`);
  const nameElement = elements(root).find((e) => e.name === "methodName");
  if (!nameElement) throw responseError("<methodCall> without <methodName>");
  const paramsElement = elements(root).find((e) => e.name === "params");
  const params: XmlRpcValue[] = [];
  for (const param of paramsElement ? elements(paramsElement) : []) {
    if (param.name !== "param") continue;
    const value = elements(param).find((e) => e.name === "value");
    if (!value) throw responseError("<param> without <value>");
    params.push(parseValue(value));
  }
  return { method: textOf(nameElement), params };
}

/* ------------------------------------------------------------------------------------------------
 * Marshalling, like Python's xmlrpc.client.Marshaller
 * --------------------------------------------------------------------------------------------- */

const MAXINT = 2 ** 31 - 1;
const MININT = -(2 ** 31);

function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Python's `repr(float)`: shortest digits; scientific (`1e-05`, `1.5e+16`) below 1e-4 and from 1e16; `1.0`. */
function floatRepr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const [mantissa, exponentText] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    return `${mantissa}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  const text = String(value);
  return text.includes(".") ? text : `${text}.0`;
}

function two(n: number): string {
  return String(n).padStart(2, "0");
}

export function formatIsoDateTime(date: Date): string {
  return (
    `${String(date.getFullYear()).padStart(4, "0")}${two(date.getMonth() + 1)}${two(date.getDate())}` +
    `T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
  );
}

/** Python's `Marshaller.dump`: every value ends with "\n" except `<nil/>` (Python writes none there). */
function marshal(value: XmlRpcValue | undefined, out: string[]): void {
  if (value === null || value === undefined) {
    out.push("<value><nil/></value>");
  } else if (typeof value === "boolean") {
    out.push(`<value><boolean>${value ? 1 : 0}</boolean></value>\n`);
  } else if (typeof value === "number") {
    if (Number.isInteger(value)) {
      if (value > MAXINT || value < MININT) throw pythonException("OverflowError", "int exceeds XML-RPC limits");
      out.push(`<value><int>${value}</int></value>\n`);
    } else {
      out.push(`<value><double>${floatRepr(value)}</double></value>\n`);
    }
  } else if (typeof value === "string") {
    out.push(`<value><string>${escapeText(value)}</string></value>\n`);
  } else if (value instanceof PyFloat) {
    out.push(`<value><double>${floatRepr(value.value)}</double></value>\n`);
  } else if (value instanceof Date) {
    out.push(`<value><dateTime.iso8601>${formatIsoDateTime(value)}</dateTime.iso8601></value>\n`);
  } else if (Buffer.isBuffer(value)) {
    // base64.encodebytes: lines of 76 characters, each ending with a newline.
    const encoded = value.toString("base64").replace(/.{1,76}/g, "$&\n");
    out.push(`<value><base64>\n${encoded}</base64></value>\n`);
  } else if (Array.isArray(value)) {
    out.push("<value><array><data>\n");
    for (const item of value) marshal(item, out);
    out.push("</data></array></value>\n");
  } else {
    out.push("<value><struct>\n");
    for (const [key, member] of Object.entries(value)) {
      out.push("<member>\n", `<name>${escapeText(key)}</name>\n`);
      marshal(member, out);
      out.push("</member>\n");
    }
    out.push("</struct></value>\n");
  }
}

/** A `methodResponse` with one param, byte-for-byte in Python's layout. Throws PythonFault(OverflowError). */
export function serializeResponse(value: XmlRpcValue | undefined): string {
  const out: string[] = ["<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n"];
  marshal(value, out);
  out.push("</param>\n</params>\n</methodResponse>\n");
  return out.join("");
}

export function serializeFault(fault: PythonFault): string {
  const out: string[] = ["<?xml version='1.0'?>\n<methodResponse>\n<fault>\n"];
  marshal({ faultCode: fault.faultCode, faultString: fault.faultString }, out);
  out.push("</fault>\n</methodResponse>\n");
  return out.join("");
}
