// src-node/hqueue/xmlrpc-wire.ts, the helper's own XML-RPC serialiser and parser, checked against two oracles:
// Python's xmlrpc.client (what the HQueue server runs) parses every call it writes to the exact values, and the
// `xmlrpc` package's sax-based deserializer (what the helper used before) gives the same values for every answer
// Python writes. Malformed answers must fail with a WireParseError, never anything else, and never "succeed" with a
// value the package would not have produced.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseMethodResponse, serializeMethodCall, WireDateTime, WireParseError, WireValueError } from "../../src-node/hqueue/xmlrpc-wire";

const python = ["/usr/bin/python3", "python3"].find((p) => spawnSync(p, ["-c", "import xmlrpc.client"]).status === 0);
const needsPython = python ? it : it.skip;

/** Runs Python code with `data` (bytes) on stdin; returns stdout. */
function py(code: string, data: Buffer | string): string {
  const run = spawnSync(python as string, ["-c", code], { input: data, maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`python failed: ${run.stderr.toString()}`);
  return run.stdout.toString("utf8");
}

/** What Python's server gets: `xmlrpc.client.loads(body)`, as JSON (bytes → {"b64": …}, DateTime → {"dt": …}). */
const PY_LOADS = `
import sys, json, xmlrpc.client, base64, datetime
def j(v):
    if isinstance(v, bytes): return {"b64": base64.b64encode(v).decode()}
    if isinstance(v, datetime.datetime): return {"dt": v.strftime("%Y%m%dT%H:%M:%S")}
    if isinstance(v, list): return [j(x) for x in v]
    if isinstance(v, dict): return {k: j(x) for k, x in v.items()}
    if isinstance(v, float): return {"float": repr(v)}
    return v
params, method = xmlrpc.client.loads(sys.stdin.buffer.read(), use_builtin_types=True)
sys.stdout.write(json.dumps({"method": method, "params": j(list(params))}))
`;

/** Python's `dumps((value,), methodresponse=True)` for each JSON value on stdin (one per line). */
const PY_DUMPS = `
import sys, json, xmlrpc.client
out = []
for line in sys.stdin.read().split(chr(10)):
    out.append(xmlrpc.client.dumps((json.loads(line),), methodresponse=True, allow_none=True))
sys.stdout.write("\\0".join(out))
`;

const requireHere = createRequire(__filename);
type PackageDeserializer = { deserializeMethodResponse(stream: Readable, cb: (error: Error | null, value?: unknown) => void): void };
const PackageDeserializer = requireHere("xmlrpc/lib/deserializer") as new () => PackageDeserializer;

function packageParse(xml: string): Promise<{ ok: true; value: unknown } | { ok: false; fault?: { code: unknown; text: unknown } }> {
  return new Promise((resolve) => {
    let done = false;
    new PackageDeserializer().deserializeMethodResponse(Readable.from([Buffer.from(xml, "utf8")]), (error, value) => {
      if (done) return;
      done = true;
      if (!error) resolve({ ok: true, value });
      else {
        const fault = error as Error & { faultCode?: unknown; faultString?: unknown };
        resolve({ ok: false, fault: fault.faultCode !== undefined ? { code: fault.faultCode, text: fault.faultString } : undefined });
      }
    });
  });
}

function body(method: string, params: unknown[]): Buffer {
  return Buffer.concat(serializeMethodCall(method, params));
}

/** A deterministic pseudo-random generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AWKWARD = ["", " ", "a && b < c > d", "]]>", "]]]]>>", "\r\n", "\r", "\t\n", "é中😀", "'\"", "&amp;", "<![CDATA[x]]>", "&#13;", "\u0085\u2028", "x".repeat(300)];

function randomValue(next: () => number, depth = 0): unknown {
  const r = next();
  if (depth > 3 || r < 0.35) {
    const kind = Math.floor(next() * 6);
    if (kind === 0) return AWKWARD[Math.floor(next() * AWKWARD.length)] + String(Math.floor(next() * 100));
    if (kind === 1) return Math.floor((next() - 0.5) * 2 ** 31);
    if (kind === 2) return [0.5, -1.25, 1e-7, 3.14159, -2.5e300, 100.0001][Math.floor(next() * 6)];
    if (kind === 3) return next() < 0.5;
    if (kind === 4) return null;
    return "";
  }
  if (r < 0.6) return Array.from({ length: Math.floor(next() * 5) }, () => randomValue(next, depth + 1));
  const struct: Record<string, unknown> = {};
  const n = Math.floor(next() * 5);
  for (let i = 0; i < n; i++) struct[`${AWKWARD[Math.floor(next() * 6)]}k${i}`] = randomValue(next, depth + 1);
  return struct;
}

describe("serializeMethodCall: what Python's server reads", () => {
  needsPython("awkward strings, numbers, nil, booleans, nesting, dates and binary arrive exactly", () => {
    const spec = {
      name: "a && b < c > d ]]> e ]]> f\r\ng 'h' \"i\" é 中 😀\ttab",
      command: { linux: "{ x; } 3>&1 | (read s; exit \"${s:-1}\"); <![CDATA[ &amp; &#13;", windows: "\"C:\\x\" ^& %PATH% !x!" },
      priority: 5,
      big: 2 ** 53 - 1,
      negative: -2147483648,
      zero: -0,
      ratio: 0.1,
      tiny: 1e-7,
      huge: 1.5e300,
      unsafeInteger: 2 ** 60,
      yes: true,
      no: false,
      nothing: null,
      skipped: undefined,
      empty: "",
      emptyList: [],
      emptyStruct: {},
      list: [1, "two", [3, [4]], { five: 5 }, null, undefined],
      when: new Date(2024, 0, 2, 3, 4, 5),
      bytes: Buffer.from([0, 1, 2, 250, 255]),
    };
    const parsed = JSON.parse(py(PY_LOADS, body("newjob", [spec, null]))) as { method: string; params: unknown[] };
    expect(parsed.method).toBe("newjob");
    expect(parsed.params).toEqual([
      {
        name: spec.name,
        command: spec.command,
        priority: 5,
        big: 2 ** 53 - 1,
        negative: -2147483648,
        zero: 0,
        ratio: { float: "0.1" },
        tiny: { float: "1e-07" },
        huge: { float: "1.5e+300" },
        unsafeInteger: { float: "1.152921504606847e+18" },
        yes: true,
        no: false,
        nothing: null,
        empty: "",
        emptyList: [],
        emptyStruct: {},
        list: [1, "two", [3, [4]], { five: 5 }, null, null],
        when: { dt: "20240102T03:04:05" },
        bytes: { b64: Buffer.from([0, 1, 2, 250, 255]).toString("base64") },
      },
      null,
    ]);
  });

  needsPython("a member named __proto__ is sent as a member", () => {
    const struct = JSON.parse('{"__proto__": "x", "OCIO": "y"}') as Record<string, unknown>;
    const parsed = JSON.parse(py(PY_LOADS, body("m", [struct]))) as { params: unknown[] };
    expect(parsed.params).toEqual([{ __proto__: "x", OCIO: "y" }].map(() => JSON.parse('{"__proto__": "x", "OCIO": "y"}')));
  });

  needsPython("300 random documents round-trip through Python exactly", () => {
    const next = random(20240601);
    const docs = Array.from({ length: 300 }, () => randomValue(next));
    // One call carrying them all as params; Python gives floats as repr, so compare after the same mapping.
    const parsed = JSON.parse(py(PY_LOADS, body("check", docs))) as { params: unknown[] };
    const asPython = (v: unknown): unknown => {
      if (typeof v === "number" && !Number.isSafeInteger(v)) return { float: pythonRepr(v) };
      if (Array.isArray(v)) return v.map(asPython);
      if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asPython(x)]));
      return v;
    };
    expect(parsed.params).toEqual(docs.map(asPython));
  });

  it("writes a Content-Length-ready list of chunks for big calls", () => {
    const children = Array.from({ length: 20_000 }, (_, i) => ({ name: `Frames ${i + 1}`, command: `render -start ${i + 1} && echo > x`, priority: 5 }));
    const chunks = serializeMethodCall("newjob", [{ name: "big", children }]);
    expect(chunks.length).toBeGreaterThan(1);
    const text = Buffer.concat(chunks).toString("utf8");
    expect(text.startsWith('<?xml version="1.0"?>\n<methodCall><methodName>newjob</methodName>')).toBe(true);
    expect(text.split("<name>name</name>").length - 1).toBe(20_001);
    expect(text).toContain("render -start 20000 &amp;&amp; echo &gt; x");
  });

  it("refuses what XML-RPC cannot carry, naming where it is", () => {
    const cases: [unknown[], string, RegExp][] = [
      [[{ children: [{ name: "ok" }, { command: "a\u0000b" }] }], "params[0].children[1].command", /U\+0000 at position 1/],
      [[{ name: "bell\u0007" }], "params[0].name", /U\+0007/],
      [["lone \ud800 surrogate"], "params[0]", /U\+D800/],
      [["\uffff"], "params[0]", /U\+FFFF/],
      [[{ a: Number.NaN }], "params[0].a", /NaN/],
      [[[1, Number.POSITIVE_INFINITY]], "params[0][1]", /Infinity/],
      [[() => 1], "params[0]", /function/],
      [[{ x: Symbol("s") }], "params[0].x", /symbol/],
      [[10n], "params[0]", /bigint/],
      [[{ "bad\u0001key": 1 }], "params[0].bad\u0001key", /member name/],
      [[new Date(Number.NaN)], "params[0]", /invalid date/],
    ];
    for (const [params, where, problem] of cases) {
      let error: unknown;
      try {
        serializeMethodCall("newjob", params);
      } catch (e) {
        error = e;
      }
      expect(error, where).toBeInstanceOf(WireValueError);
      expect((error as WireValueError).where).toBe(where);
      expect((error as WireValueError).problem).toMatch(problem);
    }
    expect(() => serializeMethodCall("bad\u0000method", [])).toThrow(WireValueError);
  });
});

/** Python's repr() of a float, for the numbers randomValue makes. */
function pythonRepr(n: number): string {
  const text = String(n);
  if (/e/.test(text)) {
    const [mantissa, exponent] = text.split("e");
    const sign = exponent.startsWith("-") ? "-" : "+";
    const digits = exponent.replace(/^[+-]/, "").padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  return text.includes(".") ? text : `${text}.0`;
}

describe("parseMethodResponse: the same values as the package's deserializer", () => {
  needsPython("for 300 random answers written by Python", async () => {
    const next = random(77);
    const values = Array.from({ length: 300 }, () => randomValue(next));
    const answers = py(PY_DUMPS, values.map((v) => JSON.stringify(v)).join("\n")).split("\0");
    expect(answers).toHaveLength(values.length);
    for (const [i, xml] of answers.entries()) {
      const mine = parseMethodResponse(xml);
      const theirs = await packageParse(xml);
      expect(theirs.ok).toBe(true);
      expect(mine).toEqual({ kind: "result", value: theirs.ok ? theirs.value : undefined });
      expect(mine).toEqual({ kind: "result", value: values[i] });
    }
  });

  needsPython("faults as Python's dispatcher writes them", () => {
    const xml = py(
      "import sys, xmlrpc.client\nsys.stdout.write(xmlrpc.client.dumps(xmlrpc.client.Fault(1, \"<class 'Job.DoesNotExist'>:Job matching query does not exist. & more\")))",
      "",
    );
    expect(parseMethodResponse(xml)).toEqual({ kind: "fault", faultCode: 1, faultString: "<class 'Job.DoesNotExist'>:Job matching query does not exist. & more" });
  });

  it("reads every value form the package reads", () => {
    const wrap = (value: string) => `<?xml version='1.0'?><methodResponse><params><param>${value}</param></params></methodResponse>`;
    const cases: [string, unknown][] = [
      ["<value>bare text</value>", "bare text"],
      ["<value/>", ""],
      ["<value></value>", ""],
      ["<value>  </value>", "  "],
      ["<value><string/></value>", ""],
      ["<value><i4> 42 </i4></value>", 42],
      ["<value><int>-7</int></value>", -7],
      ["<value><i8>9007199254740993</i8></value>", "9007199254740993"],
      ["<value><boolean>1</boolean></value>", true],
      ["<value><double>-1.5e3</double></value>", -1500],
      ["<value><nil/></value>", null],
      ["<value><base64>AAH/</base64></value>", Buffer.from([0, 1, 255])],
      ["<value><dateTime.iso8601>20240102T03:04:05</dateTime.iso8601></value>", new WireDateTime("20240102T03:04:05")],
      ["<VALUE><STRING>upper</STRING></VALUE>", "upper"],
      ["<value><string>a &lt;&gt;&amp;&quot;&apos; &#65;&#x42; &#x1F600;</string></value>", "a <>&\"' AB 😀"],
      ["<value><string><![CDATA[<raw> & ]]]]><![CDATA[>]]></string></value>", "<raw> & ]]>"],
      ["<value><string>cr\r\nkept</string></value>", "cr\r\nkept"],
      ["<!-- c --><value><!-- c --><struct><!-- c --><member><name>a</name><value><int>1</int></value></member></struct></value>", { a: 1 }],
      ["<value><struct><member><name>__proto__</name><value>x</value></member></struct></value>", JSON.parse('{"__proto__":"x"}')],
      ["<value><struct><member><name>a</name><value>1</value></member><member><name>a</name><value>2</value></member></struct></value>", { a: "2" }],
      ["<value><array><data/></array></value>", []],
      ["\n<value>\n<array>\n<data>\n<value><int>1</int></value>\n<value>two</value>\n</data>\n</array>\n</value>\n", [1, "two"]],
    ];
    for (const [value, expected] of cases) expect(parseMethodResponse(wrap(value)), value).toEqual({ kind: "result", value: expected });
  });

  it("refuses what is not a well-formed XML-RPC answer", () => {
    const wrap = (value: string) => `<?xml version='1.0'?><methodResponse><params><param>${value}</param></params></methodResponse>`;
    const bad = [
      "",
      "   ",
      "Hello, world",
      "<html><body>Server Error</body></html>",
      "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><methodResponse/>",
      "<methodResponse><params></params></methodResponse>",
      "<methodResponse><params><param><value>1</value></param><param><value>2</value></param></params></methodResponse>",
      wrap("<value><int>1</int></value>").slice(0, -20),
      wrap("<value><int>x</int></value>"),
      wrap("<value><int>12abc</int></value>"),
      wrap("<value><boolean>yes</boolean></value>"),
      wrap("<value><double>inf</double></value>"),
      wrap("<value><i8>1.5</i8></value>"),
      wrap("<value><bogus>1</bogus></value>"),
      wrap("<value><string>a &nbsp; b</string></value>"),
      wrap("<value><string>a & b</string></value>"),
      wrap("<value><string>a<b>c</b></string></value>"),
      wrap("<value><int>1</int>junk</value>"),
      wrap("<value><struct><member><value>1</value></member></struct></value>"),
      wrap("<value><array><value>1</value></array></value>"),
      wrap("<value><string>x</int></value>"),
      wrap("<value><string>x</string></value>") + "trailing",
      "<methodResponse><fault><value><string>no struct</string></value></fault></methodResponse>",
      "<methodResponse><fault><value><struct><member><name>faultString</name><value>x</value></member></struct></value></fault></methodResponse>",
    ];
    for (const xml of bad) expect(() => parseMethodResponse(xml), JSON.stringify(xml)).toThrow(WireParseError);
  });

  it("damaged answers: a WireParseError, or exactly the package's value", async () => {
    const next = random(5);
    const base = [
      "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n<value><struct>\n<member>\n<name>id</name>\n<value><int>12</int></value>\n</member>\n<member>\n<name>name</name>\n<value><string>Frames 1-5 &amp; more</string></value>\n</member>\n<member>\n<name>progress</name>\n<value><double>0.25</double></value>\n</member>\n</struct></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n",
      "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>1</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>&lt;class 'x'&gt;:y</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n",
    ];
    const alphabet = "<>/&;#x0123456789abcdefghijklmnopqrstuvwxyz \n\"'=[]!?-";
    let accepted = 0;
    for (let i = 0; i < 1500; i++) {
      const source = base[i % base.length];
      let xml = source;
      const edits = 1 + Math.floor(next() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * xml.length);
        const what = next();
        if (what < 0.3) xml = xml.slice(0, at);
        else if (what < 0.6) xml = xml.slice(0, at) + xml.slice(at + 1 + Math.floor(next() * 5));
        else xml = xml.slice(0, at) + alphabet[Math.floor(next() * alphabet.length)] + xml.slice(at);
      }
      let mine: ReturnType<typeof parseMethodResponse> | undefined;
      try {
        mine = parseMethodResponse(xml);
      } catch (error) {
        expect(error, JSON.stringify(xml)).toBeInstanceOf(WireParseError);
        continue;
      }
      accepted++;
      const theirs = await packageParse(xml);
      if (mine.kind === "result") {
        expect(theirs, JSON.stringify(xml)).toEqual({ ok: true, value: mine.value });
      } else {
        expect(theirs.ok, JSON.stringify(xml)).toBe(false);
        // The package leaves a missing faultString undefined; the client reads it as "" either way.
        const fault = theirs.ok ? undefined : theirs.fault;
        expect(fault && { code: fault.code, text: fault.text ?? "" }, JSON.stringify(xml)).toEqual({ code: mine.faultCode, text: mine.faultString });
      }
    }
    expect(accepted).toBeGreaterThan(0); // some damage (inside text) leaves a valid answer
  });
});
