/**
 * src-lua/json.ts under real LuaJIT: the module is transpiled on its own (tstl, luaLibImport inline) into a temp
 * folder, then driven by the Lua scripts in test/lua/fixtures. Decoding + re-encoding is cross-checked against
 * Node's JSON on hand-written cases, a few hundred seeded random documents and single-byte mutations of them.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { transpileLuaModule } from "../support/lua-module";

const repoRoot = path.resolve(__dirname, "../..");
const fixtures = path.join(__dirname, "fixtures");
let workDir = "";
let jsonModule = "";

/** Transpiles src-lua/json.ts alone into `outDir`; returns the path of the Lua module. */
function transpileJsonModule(outDir: string): string {
  return transpileLuaModule("src-lua/json.ts", path.join(outDir, "lua"));
}

function runLua(args: string[], input?: Buffer): string {
  const result = spawnSync("luajit", args, { cwd: repoRoot, input, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`luajit ${args.join(" ")} failed: ${result.stderr.toString()}`);
  return result.stdout.toString("utf8");
}

type RoundTrip = { ok: true; json: string } | { ok: false; error: string };

/** Decodes + re-encodes each document under LuaJIT. */
function luaRoundTrip(docs: string[]): RoundTrip[] {
  for (const doc of docs) if (doc.includes("\0")) throw new Error("documents must not contain NUL");
  const inputPath = path.join(workDir, `docs-${process.hrtime.bigint()}.bin`);
  fs.writeFileSync(inputPath, Buffer.from(docs.join("\0"), "utf8"));
  const out = runLua([path.join(fixtures, "json-roundtrip.lua"), jsonModule, inputPath]).split("\0");
  expect(out).toHaveLength(docs.length);
  return out.map((line) =>
    line.startsWith("OK:") ? { ok: true, json: line.slice(3) } : { ok: false, error: line.replace(/^ERR:/, "") },
  );
}

/**
 * What a parsed JSON value looks like after a trip through the Lua decoder and encoder: null members of objects are
 * dropped (Lua has no nil values) and numbers that overflow to ±Infinity come back as null.
 */
function withoutNullMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullMembers);
  if (value !== null && typeof value === "object") {
    const result: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) if (member !== null) result[key] = withoutNullMembers(member);
    return result;
  }
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  return value;
}

/** Deterministic PRNG (mulberry32) so that a failing random document can be reproduced. */
function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPECIAL_CHARS = ["\u0000", "\u0001", "\u001f", "\u007f", "\u2028", "\ufeff", '"', "\\", "/", "\n", "\t", "中", "é", "😀", "✊"];

function randomString(rand: () => number): string {
  const length = Math.floor(rand() * 12);
  let s = "";
  for (let i = 0; i < length; i++) {
    const pick = rand();
    if (pick < 0.45) s += String.fromCharCode(0x20 + Math.floor(rand() * 95));
    else if (pick < 0.75) s += SPECIAL_CHARS[Math.floor(rand() * SPECIAL_CHARS.length)];
    else if (pick < 0.85) s += String.fromCodePoint(0x80 + Math.floor(rand() * 0xd700)); // BMP below surrogates
    else if (pick < 0.95) s += String.fromCodePoint(0x10000 + Math.floor(rand() * 0xfffff)); // astral: pairs
    else s += String.fromCharCode(0xd800 + Math.floor(rand() * 0x800)); // a lone surrogate
  }
  return s;
}

function randomNumber(rand: () => number): number {
  const pick = rand();
  if (pick < 0.3) return Math.floor((rand() - 0.5) * 2 * 2 ** 53); // integers up to ±2^53
  if (pick < 0.5) return Math.floor((rand() - 0.5) * 2000);
  if (pick < 0.8) return (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
  const edge = [0, -0, 0.1, 1e21, 1e300, -1e-300, 5e-324, 1.7976931348623157e308, 2 ** 53 + 2, 123.456];
  return edge[Math.floor(rand() * edge.length)];
}

function randomValue(rand: () => number, depth: number): unknown {
  const pick = rand();
  if (depth > 5 || pick < 0.35) {
    const scalar = rand();
    if (scalar < 0.35) return randomString(rand);
    if (scalar < 0.7) return randomNumber(rand);
    if (scalar < 0.8) return true;
    if (scalar < 0.9) return false;
    return null;
  }
  const size = rand() < 0.15 ? 0 : Math.floor(rand() * 6);
  if (pick < 0.65) return Array.from({ length: size }, () => randomValue(rand, depth + 1));
  const obj: Record<string, unknown> = {};
  for (let i = 0; i < size; i++) obj[randomString(rand)] = randomValue(rand, depth + 1);
  return obj;
}

/** JSON text with every non-ASCII character written as \uXXXX (like Python's ensure_ascii). */
function asciiOnly(text: string): string {
  return text.replace(/[\u0080-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "json-lua-"));
  jsonModule = transpileJsonModule(workDir);
});

afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe("json.ts under LuaJIT: encoding Lua values", () => {
  it("tags, sequences, numbers, escapes and errors encode as specified", () => {
    const lines = runLua([path.join(fixtures, "json-encode-cases.lua"), jsonModule]).trimEnd().split("\n");
    const byCase = new Map(lines.map((line) => line.split("\t") as [string, string]));
    const expected: Record<string, string> = {
      "empty untagged table": "[]",
      "jsonArray empty": "[]",
      "jsonObject empty": "{}",
      sequence: "[1,2,3]",
      sparse: '{"1":1,"3":3}',
      "mixed keys": '{"1":1,"2":2,"x":"y"}',
      "sorted keys": '{"10":4,"9":5,"B":3,"a":2,"b":1}',
      "jsonObject with sequence": '{"1":"a","2":"b"}',
      "null in array": "[1,null,3]",
      "nil top level": "null",
      "JSON_NULL top level": "null",
      integers: "[0,-0,1,-1,9007199254740992,-9007199254740992,9007199254740994,1e+21,123456789]",
      "non-finite": "[null,null,null]",
      escapes: '"q\\" b\\\\ nl\\n cr\\r tab\\t bs\\b ff\\f nul\\u0000 soh\\u0001 us\\u001f del\\u007f slash/"',
      "utf8 passthrough": '"é 中 😀 \u2028"',
      "lone surrogate (WTF-8)": '"\\ud800"',
      booleans: "[true,false]",
      "float key": '{"1.5":"x"}',
      "deep 100": '893 bytes, {"next":{',
      "deep 101": "ERR:json: nesting deeper than 100 levels (cycle?)",
      cycle: "ERR:json: nesting deeper than 100 levels (cycle?)",
      function: "ERR:json: cannot encode a value of type function",
      "boolean key": "ERR:json: cannot encode a key of type boolean",
    };
    for (const [name, text] of Object.entries(expected)) expect(byCase.get(name), name).toBe(text);
    // Floats: the shortest text that reads back to the same double.
    expect(JSON.parse(byCase.get("floats") ?? "")).toEqual([0.1, 1 / 3, -2.5, 1e-7, 5e-324, 1.7976931348623157e308, 100.25]);
    expect(byCase.get("floats")).toContain("0.1,0.3333333333333333,-2.5,");
  });
});

describe("json.ts under LuaJIT: decode → encode", () => {
  it("hand-written documents round-trip to JSON-equal output", () => {
    const docs = [
      "{}",
      "[]",
      '{"a":[],"b":{}}',
      " \t\r\n[ 1 , 2 ] \n",
      '{"b":1,"a":2,"c":{"z":[true,false,null]}}',
      '"\\u00e9\\u4e2d\\ud83d\\ude00"',
      '"\\ud800 lone high, \\udc00 lone low, \\ud83d\\u0041 high+ASCII"',
      '"esc \\" \\\\ \\/ \\b \\f \\n \\r \\t"',
      '"raw DEL \u007f and U+2028 \u2028"',
      "[0,-0,1e3,1E-3,-1.5e+10,0.1,9007199254740993,12345678901234567890,1e-320]",
      "[[[[[[[[[[]]]]]]]]]]",
      "[1e400,-1e999999999,1e-999999999,2.5E+41862273]",
      '{"dup":1,"dup":2}',
      "123",
      "true",
      '"just a string"',
    ];
    const results = luaRoundTrip(docs);
    docs.forEach((doc, i) => {
      const result = results[i];
      expect(result.ok, `${doc} → ${JSON.stringify(result)}`).toBe(true);
      if (result.ok) expect(JSON.parse(result.json), doc).toEqual(withoutNullMembers(JSON.parse(doc)));
    });
    // Documented specifics: null members are dropped, null array elements kept, keys sorted, numbers exact.
    expect(results[4]).toEqual({ ok: true, json: '{"a":2,"b":1,"c":{"z":[true,false,null]}}' });
    expect(results[2]).toEqual({ ok: true, json: '{"a":[],"b":{}}' });
    expect(results[12]).toEqual({ ok: true, json: '{"dup":2}' });
    expect(results[11]).toEqual({ ok: true, json: "[null,null,0,null]" });
  });

  it("top-level null decodes to the sentinel and re-encodes as null", () => {
    expect(luaRoundTrip(["null", " null "])).toEqual([
      { ok: true, json: "null" },
      { ok: true, json: "null" },
    ]);
  });

  it("malformed documents are rejected with 'json: <msg> at byte N'", () => {
    const bad = [
      "",
      " ",
      "[1,]",
      "[1 2]",
      '{"a" 1}',
      '{"a":1,}',
      "{a:1}",
      "{'a':1}",
      "01",
      "1.",
      ".5",
      "+1",
      "1e",
      "-",
      "0x10",
      "NaN",
      "Infinity",
      "nul",
      "tru",
      '"abc',
      '"tab\there"',
      '"bad \\x escape"',
      '"\\u12"',
      '"\\u12G4"',
      "[1] x",
      "[",
      "{",
      '{"a":',
      "]",
      "\ufeff1",
      "[".repeat(101) + "]".repeat(101),
    ];
    // Sanity of the list itself: Node rejects every one of them too (except our stricter depth limit).
    for (const doc of bad.slice(0, -1)) expect(() => JSON.parse(doc), doc).toThrow();
    const results = luaRoundTrip(bad);
    bad.forEach((doc, i) => {
      const result = results[i];
      expect(result.ok, `${JSON.stringify(doc)} was accepted`).toBe(false);
      if (!result.ok) expect(result.error).toMatch(/^json: .+ at byte \d+$/);
    });
    expect(results[2]).toEqual({ ok: false, error: "json: unexpected character at byte 4" });
    expect(results[20]).toEqual({ ok: false, error: "json: control character in string at byte 5" });
  });

  it("300 random documents (3 spellings each) round-trip JSON-equal to Node's parse", () => {
    const rand = makeRandom(20240607);
    const values = Array.from({ length: 300 }, () => randomValue(rand, 0));
    const docs: string[] = [];
    const expected: unknown[] = [];
    for (const value of values) {
      const compact = JSON.stringify(value);
      for (const spelling of [compact, JSON.stringify(value, null, 2), asciiOnly(compact)]) {
        docs.push(spelling);
        expected.push(withoutNullMembers(JSON.parse(spelling)));
      }
    }
    const results = luaRoundTrip(docs);
    let compared = 0;
    results.forEach((result, i) => {
      expect(result.ok, `doc ${i}: ${docs[i]} → ${JSON.stringify(result)}`).toBe(true);
      if (result.ok) {
        expect(JSON.parse(result.json), `doc ${i}: ${docs[i]}`).toEqual(expected[i]);
        compared++;
      }
    });
    expect(compared).toBe(900);
    // The encoder is deterministic: encoding its own output again gives the same text.
    const again = luaRoundTrip(results.map((r) => (r.ok ? r.json : "")));
    again.forEach((result, i) => expect(result, `doc ${i}`).toEqual(results[i]));
  });

  it("single-character mutations: LuaJIT accepts exactly what Node accepts", () => {
    const rand = makeRandom(7);
    const inserts = ["[", "]", "{", "}", ",", ":", '"', "\\", "0", "1", "-", ".", "e", " ", "n", "t", "\u0001"];
    const docs: string[] = [];
    while (docs.length < 400) {
      const text = JSON.stringify(randomValue(rand, 2));
      const at = Math.floor(rand() * (text.length + 1));
      // Mutate only at ASCII positions so the UTF-8 stays valid (Node and Lua then see the same characters).
      if (at < text.length && text.charCodeAt(at) > 0x7f) continue;
      const mutated =
        rand() < 0.5
          ? text.slice(0, at) + text.slice(at + 1)
          : text.slice(0, at) + inserts[Math.floor(rand() * inserts.length)] + text.slice(at);
      if (mutated.length > 0) docs.push(mutated);
    }
    const results = luaRoundTrip(docs);
    let rejected = 0;
    docs.forEach((doc, i) => {
      let nodeValue: unknown;
      let nodeOk = true;
      try {
        nodeValue = JSON.parse(doc);
      } catch {
        nodeOk = false;
      }
      const result = results[i];
      expect(result.ok, `${JSON.stringify(doc)}: node ${nodeOk}, lua ${JSON.stringify(result)}`).toBe(nodeOk);
      if (result.ok && nodeOk) expect(JSON.parse(result.json)).toEqual(withoutNullMembers(nodeValue));
      if (!result.ok) rejected++;
    });
    expect(rejected).toBeGreaterThan(50); // the mutations really produce malformed input
  });
});
