/**
 * The portable frames/chunks modules compiled by TypeScriptToLua and run by real LuaJIT give byte-for-byte the
 * results Node gives (the comp script's live "N frames in M tasks" uses them; the helper's plan is the authority).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ts from "typescript";
import * as tstl from "typescript-to-lua";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prng } from "../support/prng";
import { runFramesVector, toHex } from "./frames-vectors";

const repoRoot = path.resolve(__dirname, "../..");

const FRAME_SETS = [
  "", " ", "1", "-5", "0", "-0", "1-10", "1..10", "1 - 10", "1 -10", "-5 -3", "-10--1", "-10..-1", "-3-3", "1-100x2", "1-100:2",
  "1-100 x 2", "1,5,10-20", "1,,2,", "10-1", "1-", "1-x2", "1-10x0", "1-10x-2", "1.5", "1x2", "a", "1-10a", "5,1,5,2", "1-10,5-15",
  "1,5,6,7", "1-1000000", "1-1000001", "1-600000,600001-1200000", "99999999999999999999", "1-9007199254740993", "1-10x99999999999999999999",
  "1\t2\n3", "1;2", "１", "é", "1-5,3", "0-1000000x1000", "-1000000-0", "1-3x1,2-8x3",
];

function randomSets(seed: number, count: number): string[] {
  const random = prng(seed);
  const pieces = ["1", "5", "10", "-", "-", "..", "x", ":", ",", " ", "2", "100", "0", "-3", ".", "a"];
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    let s = "";
    const length = 1 + Math.floor(random() * 8);
    for (let k = 0; k < length; k++) s += pieces[Math.floor(random() * pieces.length)];
    out.push(s);
  }
  return out;
}

function vectors(): string[] {
  const sets = [...FRAME_SETS, ...randomSets(0x8f, 400)];
  const out: string[] = [];
  for (const set of sets) {
    out.push(`parse ${toHex(set)}`);
    // Chunking a million single-frame tasks proves nothing more than a thousand: only small sets are chunked.
    const parsed = runFramesVector(`parse ${toHex(set)}`).split(" ");
    if (parsed[0] === "ok" && Number(parsed[1]) > 5000) continue;
    for (const perTask of [0, 1, 3, 10]) out.push(`chunk ${perTask} ${toHex(set)}`);
  }
  out.push(`chunk -1 ${toHex("1-10")}`, `chunk 1.5 ${toHex("1-10")}`);
  for (const [s, e, step] of [[1, 10, 1], [1, 10, 4], [10, 1, 1], [0, 0, 1], [-5, 5, 2], [1, 10, 0], [1.5, 10, 1], [1, 2000000, 1], [1, 1e15, 1e9], [1, 10, 1.5]]) {
    out.push(`range ${s} ${e} ${step}`);
  }
  return out;
}

describe("portable frames and chunks under LuaJIT", () => {
  let dir = "";
  let bundle = "";

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "frames-lua-"));
    bundle = path.join(dir, "frames.lua");
    const result = tstl.transpileProject(path.join(repoRoot, "test/lua/tsconfig.frames.json"), { luaBundle: bundle, outDir: dir });
    const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0 || result.emitSkipped) {
      throw new Error(`tstl failed:\n${ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => repoRoot, getNewLine: () => "\n" })}`);
    }
  }, 60_000);

  afterAll(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it("the bundle uses no JS-only globals", () => {
    const code = readFileSync(bundle, "utf8")
      .split("\n")
      .filter((line) => !line.trimStart().startsWith("--"))
      .join("\n");
    expect(code).toContain("parseFrameSet");
    for (const global of ["RegExp", "JSON", "Date"]) expect(code).not.toMatch(new RegExp(`\\b${global}\\b`));
  });

  it("gives Node's results for every vector (valid, invalid, huge, random)", () => {
    const list = vectors();
    const run = spawnSync("luajit", [bundle], { input: list.join("\n") + "\n", maxBuffer: 64 * 1024 * 1024 });
    expect(run.error).toBeUndefined();
    expect(run.stderr.toString()).toBe("");
    expect(run.status).toBe(0);
    const luaLines = run.stdout.toString("utf8").split("\n");
    expect(luaLines.pop()).toBe("");
    expect(luaLines).toHaveLength(list.length);
    const mismatches = list.map((vector, i) => ({ vector, node: runFramesVector(vector), lua: luaLines[i] })).filter((r) => r.node !== r.lua);
    expect(mismatches.slice(0, 5)).toEqual([]);
    // Every kind of outcome is exercised.
    const kinds = new Set(list.map((v, i) => `${v.split(" ")[0]}:${luaLines[i].split(" ")[0]}`));
    for (const kind of ["parse:ok", "parse:err", "chunk:ok", "chunk:err", "range:ok", "range:err"]) expect(kinds).toContain(kind);
    // Spot checks that the vectors say what they should (so a shared bug cannot hide behind equality).
    expect(runFramesVector(`parse ${toHex("1-10x4")}`)).toBe("ok 3 1-9x4");
    expect(runFramesVector(`chunk 3 ${toHex("1-10")}`)).toBe("ok 4 1-3;4-6;7-9;10 3,3,3,1");
    expect(runFramesVector("range 1 1000000000000000 1000000000")).toBe("ok 1000000 1-999999000000001x1000000000");
  });
});
