/**
 * The portable quoting modules (quote-sh, quote-cmd) compiled by TypeScriptToLua and run by real LuaJIT must
 * give byte-for-byte the results Node gives: the comp script relies on them for io.popen.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ts from "typescript";
import * as tstl from "typescript-to-lua";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cmdForSlashC, cmdJoin, cmdProgramUnsafeReason, cmdTaskLine, cmdTaskLineUnsafeReason, cmdUnsafeReason, quoteCmdArg } from "../../src-node/core/quote-cmd";
import { quoteSh, shJoin } from "../../src-node/core/quote-sh";
import { prng } from "../support/prng";

const repoRoot = path.resolve(__dirname, "../..");
const LUAJIT = "/usr/bin/luajit";

/** mulberry32: a small seeded PRNG, so every run tests the same strings. */

const UNICODE = ["é", "ß", "中", "😀", "\u00a0", "\u2028", "\ufeff", "e\u0301", "ÿ", "\u0085", "\u3000", "\u{10ffff}"];
const PIECES = ["\\\\srv\\share\\", "C:\\", "%PATH%", "%%", "Program Files (x86)", "'\\''", "^%", "a b"];

function randomStrings(seed: number, count: number): string[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const length = Math.floor(random() * 14);
    let s = "";
    for (let k = 0; k < length; k++) {
      const r = random();
      if (r < 0.6) s += String.fromCharCode(random() < 0.02 ? 0 : 1 + Math.floor(random() * 127));
      else if (r < 0.8) s += pick(UNICODE);
      else s += pick(PIECES);
    }
    out.push(s);
  }
  return out;
}

type Fn = "quoteSh" | "shJoin" | "quoteCmdArg" | "cmdJoin" | "cmdUnsafeReason" | "cmdProgramUnsafeReason" | "cmdForSlashC" | "cmdTaskLine" | "cmdTaskLineUnsafeReason";

interface Vector {
  fn: Fn;
  args: string[];
}

function nodeResult(vector: Vector): string {
  const [first] = vector.args;
  try {
    let value: string | undefined;
    switch (vector.fn) {
      case "quoteSh": value = quoteSh(first); break;
      case "shJoin": value = shJoin(vector.args); break;
      case "quoteCmdArg": value = quoteCmdArg(first); break;
      case "cmdJoin": value = cmdJoin(vector.args); break;
      case "cmdUnsafeReason": value = cmdUnsafeReason(first); break;
      case "cmdProgramUnsafeReason": value = cmdProgramUnsafeReason(first); break;
      case "cmdForSlashC": value = cmdForSlashC(first); break;
      case "cmdTaskLine": value = cmdTaskLine(vector.args); break;
      case "cmdTaskLineUnsafeReason": value = cmdTaskLineUnsafeReason(first); break;
    }
    return value === undefined ? "none" : `ok ${Buffer.from(value, "utf8").toString("hex")}`;
  } catch (e) {
    return `err ${Buffer.from((e as Error).message, "utf8").toString("hex")}`;
  }
}

function buildVectors(): Vector[] {
  const singles: string[] = [""];
  for (let code = 0; code < 128; code++) singles.push(String.fromCharCode(code), `a${String.fromCharCode(code)}b\\`);
  singles.push(...UNICODE, ...PIECES, "C:\\dir\\", "a%b%c", "%", "\\\\srv\\s\\x!y", "=ls", "if", "x=1");
  const strings = [...singles, ...randomStrings(0x10a, 600)];
  const vectors: Vector[] = [];
  const single: Fn[] = ["quoteSh", "quoteCmdArg", "cmdUnsafeReason", "cmdProgramUnsafeReason", "cmdForSlashC", "cmdTaskLineUnsafeReason"];
  for (const s of strings) for (const fn of single) vectors.push({ fn, args: [s] });
  for (let i = 0; i + 4 <= strings.length; i += 4) {
    const group = strings.slice(i, i + 4);
    vectors.push({ fn: "shJoin", args: group }, { fn: "cmdJoin", args: group }, { fn: "cmdTaskLine", args: group });
    vectors.push({ fn: "cmdTaskLine", args: ["C:\\Program Files (x86)\\é\\x.exe", ...group.map((s) => s.replace(/[!"%\0-\x1f\x7f]/g, "_"))] });
    vectors.push({ fn: "cmdJoin", args: ["C:\\Program Files (x86)\\é\\x.exe", ...group.map((s) => s.replace(/[!"\0-\x1f\x7f]/g, "_"))] });
  }
  vectors.push({ fn: "shJoin", args: ["FOO=bar", "if"] }, { fn: "shJoin", args: ["if"] });
  return vectors;
}

function encode(vector: Vector): string {
  return `${vector.fn} ${vector.args.map((a) => Buffer.from(a, "utf8").toString("hex")).join(",")}`;
}

describe("portable quoting under LuaJIT", () => {
  let dir = "";
  let bundle = "";

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "quote-lua-"));
    bundle = path.join(dir, "quote.lua");
    const result = tstl.transpileProject(path.join(repoRoot, "test/lua/tsconfig.quote.json"), {
      luaBundle: bundle,
      outDir: dir,
    });
    const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
    const text = ts.formatDiagnostics(errors, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => repoRoot,
      getNewLine: () => "\n",
    });
    // tstl writes output even when it reports errors: fail on any error, not on a missing file.
    if (errors.length > 0 || result.emitSkipped) throw new Error(`tstl failed:\n${text}`);
  }, 60_000);

  afterAll(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it("the bundle uses no JS-only globals", () => {
    // Code lines only: the modules' doc comments name these on purpose.
    const code = readFileSync(bundle, "utf8")
      .split("\n")
      .filter((line) => !line.trimStart().startsWith("--"))
      .join("\n");
    expect(code).toContain("quoteCmdArg");
    for (const global of ["RegExp", "JSON", "Date", "lastIndexOf"]) expect(code).not.toMatch(new RegExp(`\\b${global}\\b`));
  });

  it("gives Node's results for every vector (hostile ASCII, NUL, control characters, unicode)", () => {
    const vectors = buildVectors();
    expect(vectors.length).toBeGreaterThan(2000);
    const run = spawnSync(LUAJIT, [bundle], { input: vectors.map(encode).join("\n") + "\n", maxBuffer: 64 * 1024 * 1024 });
    expect(run.error).toBeUndefined();
    expect(run.stderr.toString()).toBe("");
    expect(run.status).toBe(0);
    const luaLines = run.stdout.toString("utf8").split("\n");
    expect(luaLines.pop()).toBe("");
    expect(luaLines).toHaveLength(vectors.length);
    const mismatches = vectors
      .map((vector, i) => ({ vector, node: nodeResult(vector), lua: luaLines[i] }))
      .filter((r) => r.node !== r.lua);
    expect(mismatches.slice(0, 5)).toEqual([]);
    // The vectors exercise every kind of outcome.
    const kinds = new Set(vectors.map((v, i) => `${v.fn}:${luaLines[i].split(" ")[0]}`));
    for (const kind of ["quoteSh:ok", "quoteSh:err", "quoteCmdArg:ok", "quoteCmdArg:err", "cmdJoin:ok", "cmdJoin:err", "cmdUnsafeReason:none", "cmdUnsafeReason:ok", "shJoin:ok"]) {
      expect(kinds).toContain(kind);
    }
  });
});
