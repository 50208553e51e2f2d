import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Platform, SharedRoot } from "../../types/request";
import { scanCompStrings } from "../../src-node/core/comp-file";
import { getPath, isTable, parseLuaValue, type LuaValue } from "../../src-node/core/lua-table-parser";
import { applyEdits, luaStringLiteral, rewriteComp } from "../../src-node/core/comp-rewrite";
import { isAbsolutePath, mapPath } from "../../src-node/core/path-map";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const fixturesDir = path.resolve(repoRoot, "../shared/fixtures/comps");
const haveFixtures = existsSync(fixturesDir);
const compsDir = path.resolve(repoRoot, "test/comps");

const ROOTS: SharedRoot[] = [
  { linux: "/mnt/hq", macosx: "/Volumes/hq", windows: "\\\\srv\\hq" },
  { linux: "/render", macosx: "/Volumes/render", windows: "R:\\" },
  { linux: "/mnt/cgru", macosx: "/Volumes/cgru", windows: "C:\\cgru" },
  { linux: "/mnt/share", macosx: "/Volumes/share", windows: "\\\\server\\share" },
];

function compFiles(): { name: string; file: string }[] {
  const own = readdirSync(compsDir).filter((f) => f.endsWith(".comp")).map((f) => ({ name: `test/comps/${f}`, file: path.join(compsDir, f) }));
  const shared = haveFixtures
    ? readdirSync(fixturesDir).filter((f) => f.endsWith(".comp")).map((f) => ({ name: `fixtures/${f}`, file: path.join(fixturesDir, f) }))
    : [];
  return [...shared, ...own];
}

if (!haveFixtures) {
  // eslint-disable-next-line no-console
  console.warn("comp-rewrite tests: ../shared/fixtures/comps is absent, so only test/comps is checked (the real Fusion comps are skipped).");
}

/** The test's own statement of the rule, written without the rewriter: Comp: expanded, then mapped when under a root. */
function expectedValue(value: string, from: Platform, to: Platform, compPath: string | undefined): string {
  if (/[\x00-\x1f\x7f]/.test(value) || value === "") return value;
  let v = value;
  if (compPath !== undefined && /^comp:/i.test(v)) {
    const sep = from === "windows" ? "\\" : "/";
    const folder = compPath.slice(0, Math.max(compPath.lastIndexOf("/"), from === "windows" ? compPath.lastIndexOf("\\") : -1));
    let rest = v.slice(5);
    rest = from === "windows" ? rest.replace(/\//g, "\\") : rest.replace(/\\/g, "/");
    rest = rest.replace(from === "windows" ? /^\\+/ : /^\/+/, "");
    v = rest === "" ? folder : folder + sep + rest;
  }
  if (!isAbsolutePath(v, from)) return v;
  const binRoots = ROOTS.map((r) => Object.fromEntries(Object.entries(r).map(([k, p]) => [k, Buffer.from(p!, "utf8").toString("latin1")])));
  const m = mapPath(v, from, to, binRoots);
  return m.ok ? m.path : v;
}

interface Diff {
  where: string;
  before: string;
  after: string;
}

/** Walks two value trees in parallel; fails on any difference other than a string value; returns string diffs. */
function compareTrees(a: LuaValue, b: LuaValue, where: string, diffs: Diff[]): void {
  if (typeof a === "string" && typeof b === "string") {
    if (a !== b) diffs.push({ where, before: a, after: b });
    return;
  }
  if (isTable(a) && isTable(b)) {
    expect(b.type, `${where} type`).toBe(a.type);
    expect(b.items.length, `${where} items`).toBe(a.items.length);
    a.items.forEach((item, i) => compareTrees(item, b.items[i], `${where}[${i + 1}]`, diffs));
    expect([...b.fields.keys()], `${where} keys`).toEqual([...a.fields.keys()]);
    for (const [key, value] of a.fields) compareTrees(value, b.fields.get(key)!, `${where}.${String(key)}`, diffs);
    return;
  }
  expect(b, where).toEqual(a);
}

/** The bytes between string literals (comments, numbers, layout) must be identical in both files. */
function expectSameOutsideLiterals(before: Buffer, after: Buffer): void {
  const a = scanCompStrings(before).literals;
  const b = scanCompStrings(after).literals;
  expect(b.length).toBe(a.length);
  let pa = 0;
  let pb = 0;
  for (let i = 0; i < a.length; i++) {
    expect(after.subarray(pb, b[i].start).equals(before.subarray(pa, a[i].start)), `bytes before literal ${i}`).toBe(true);
    pa = a[i].end;
    pb = b[i].end;
  }
  expect(after.subarray(pb).equals(before.subarray(pa))).toBe(true);
}

describe(`comp rewriter on every comp (${haveFixtures ? "real fixtures and test/comps" : "test/comps only: ../shared absent"})`, () => {
  const files = compFiles();
  it("has comps to check", () => expect(files.length).toBeGreaterThanOrEqual(haveFixtures ? 20 : 5));

  describe.each(files)("$name", ({ file }) => {
    const bytes = readFileSync(file);
    it.each(["linux", "macosx", "windows"] as Platform[])("identity mapping (%s → same) leaves every byte as it was", (os) => {
      const result = rewriteComp(bytes, { from: os, to: os, roots: ROOTS });
      expect(result.changes).toEqual([]);
      expect(result.bytes.equals(bytes)).toBe(true);
    });

    it.each([
      ["linux", "windows"],
      ["linux", "macosx"],
      ["windows", "linux"],
      ["windows", "macosx"],
    ] as [Platform, Platform][])("%s → %s: exactly the mapped paths change, nothing else", (from, to) => {
      const compPath = from === "windows" ? "\\\\srv\\hq\\shots\\sh010\\comp.comp" : "/mnt/hq/shots/sh010/comp.comp";
      const result = rewriteComp(bytes, { from, to, roots: ROOTS, compPath });
      const before = parseLuaValue(bytes, { binaryStrings: true });
      const after = parseLuaValue(result.bytes, { binaryStrings: true });
      const diffs: Diff[] = [];
      compareTrees(before, after, "", diffs);
      // Every string value the rule says changes did change, to the value the rule says; no other changed.
      const expected: Diff[] = [];
      for (const lit of scanCompStrings(bytes).literals) {
        if (lit.isKey) continue;
        const want = expectedValue(lit.value, from, to, compPath);
        if (want !== lit.value) expected.push({ where: "", before: lit.value, after: want });
      }
      expect(diffs.map((d) => [d.before, d.after])).toEqual(expected.map((d) => [d.before, d.after]));
      expect(result.changes.map((c) => [c.before, c.after])).toEqual(expected.map((d) => [d.before, d.after]));
      expectSameOutsideLiterals(bytes, result.bytes);
    });
  });
});

describe.skipIf(!haveFixtures)("comp rewriter: what changes in the real fixtures", () => {
  const read = (name: string) => readFileSync(path.join(fixturesDir, name));

  it("Comp: Savers and Loaders of the Altus comp become absolute Windows paths in the original comp's folder", () => {
    const result = rewriteComp(read("fu09.0_altus_denoiser_12_exr_savers_in_group.comp"), {
      from: "linux",
      to: "windows",
      roots: ROOTS,
      compPath: "/mnt/hq/shots/sh010/altus.comp",
    });
    const savers = result.changes.filter((c) => c.saverOutput);
    expect(savers).toHaveLength(12);
    expect(savers.find((c) => c.tool === "B1ReflectionSaver")?.after).toBe("\\\\srv\\hq\\shots\\sh010\\Media\\altus_input\\Reflection_b1.0000.exr");
    expect(result.changes.some((c) => c.toolType === "Loader")).toBe(true);
    // OutputClips (outside Tools) change too; no change is left in submitter spelling.
    expect(result.changes.some((c) => c.tool === undefined && c.where.startsWith("OutputClips"))).toBe(true);
    expect(result.changes.every((c) => c.after.startsWith("\\\\srv\\hq\\shots\\sh010\\Media\\"))).toBe(true);
  });

  it("a Windows drive path under a root becomes the Linux path; paths outside every root are reported", () => {
    const result = rewriteComp(read("fu07.7_cgru_mandelbrot_jpg_saver_winpaths.comp"), { from: "windows", to: "linux", roots: ROOTS });
    expect(result.changes.filter((c) => c.saverOutput).map((c) => c.after)).toEqual(["/mnt/cgru/examples/Fusion/render/img.0001.jpg"]);
    // the Saver's saved settings slots change too (they are paths), but are not its output
    expect(result.changes.filter((c) => c.after.endsWith("img.####.jpg"))).toHaveLength(2);
    const none = rewriteComp(read("fu07.7_cgru_mandelbrot_jpg_saver_winpaths.comp"), { from: "windows", to: "linux", roots: [] });
    expect(none.changes).toEqual([]);
    expect(none.unmapped.filter((u) => u.saverOutput).map((u) => u.tool)).toEqual(["Saver1"]);
  });

  it("non-UTF-8 bytes elsewhere in the file survive a real rewrite", () => {
    const bytes = read("fu09.0_kartavr_imagegrid_fuse_non_utf8.comp");
    const result = rewriteComp(bytes, { from: "linux", to: "windows", roots: ROOTS, compPath: "/mnt/hq/a.comp" });
    expect(result.bytes.equals(bytes)).toBe(true); // it holds no Comp: or rooted path
  });
});

describe("comp rewriter: Lua string forms and bytes", () => {
  const comp = (body: string) =>
    Buffer.from(`Composition {\n\tRenderRange = { 1, 10 },\n\tTools = ordered() {\n${body}\n\t},\n}\n`, "latin1");
  const saver = (name: string, literal: string) => `\t\t${name} = Saver { Inputs = { Clip = Input { Value = Clip { Filename = ${literal}, }, }, }, },`;

  it.each([
    ['"/mnt/hq/a \\"q\\" b.exr"', '/mnt/hq/a "q" b.exr', '"\\\\\\\\srv\\\\hq\\\\a \\"q\\" b.exr"'],
    ["'/mnt/hq/it\\'s.exr'", "/mnt/hq/it's.exr", "'\\\\\\\\srv\\\\hq\\\\it\\'s.exr'"],
    ["[[/mnt/hq/long.exr]]", "/mnt/hq/long.exr", "[[\\\\srv\\hq\\long.exr]]"],
    ["[==[/mnt/hq/x]]y.exr]==]", "/mnt/hq/x]]y.exr", "[==[\\\\srv\\hq\\x]]y.exr]==]"],
    ['"/mnt/hq/\\065.exr"', "/mnt/hq/A.exr", '"\\\\\\\\srv\\\\hq\\\\A.exr"'],
    ['"/mnt/hq/caf\xe9 \xff.exr"', "/mnt/hq/caf\xe9 \xff.exr", '"\\\\\\\\srv\\\\hq\\\\caf\xe9 \xff.exr"'],
  ])("%s is read back as the mapped path", (literal, value, expectedLiteral) => {
    const bytes = comp(saver("S", literal) + "\n\t\t-- \"/mnt/hq/in a comment\" stays\n\t\tN = Note { Inputs = { Comments = Input { Value = 1.50000, }, }, },");
    expect(parseLuaValue(bytes, { binaryStrings: true })).toBeTruthy();
    const result = rewriteComp(bytes, { from: "linux", to: "windows", roots: ROOTS });
    expect(result.changes.map((c) => c.before)).toEqual([value]);
    const text = result.bytes.toString("latin1");
    expect(text).toContain(`Filename = ${expectedLiteral},`);
    expect(text).toContain('-- "/mnt/hq/in a comment" stays');
    expect(text).toContain("Value = 1.50000,");
    const tree = parseLuaValue(result.bytes, { binaryStrings: true });
    const back = getPath(tree, "Tools", "S", "Inputs", "Clip", "Value", "Filename");
    expect(back).toBe(expectedValue(value, "linux", "windows", undefined));
  });

  it("keeps a BOM and trailing NULs, and edits at the right offsets", () => {
    const inner = comp(saver("S", '"/mnt/hq/a.exr"'));
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), inner, Buffer.from([0])]);
    const result = rewriteComp(bytes, { from: "linux", to: "macosx", roots: ROOTS });
    expect(result.bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    expect(result.bytes[result.bytes.length - 1]).toBe(0);
    expect(result.bytes.toString("latin1")).toContain('Filename = "/Volumes/hq/a.exr",');
  });

  it("leaves keys, text with line breaks, relative paths and other path maps alone", () => {
    const body = [
      saver("A", '"Temp:/x/a.exr"'),
      saver("B", '"render/b.exr"'),
      '\t\tC = Fuse.Thing { Inputs = { Script = Input { Value = "/mnt/hq/a\\n/mnt/hq/b", }, ["/mnt/hq/key"] = Input { Value = 1, }, }, },',
    ].join("\n");
    const bytes = comp(body);
    const result = rewriteComp(bytes, { from: "linux", to: "windows", roots: ROOTS, compPath: "/mnt/hq/s/a.comp" });
    expect(result.bytes.equals(bytes)).toBe(true);
  });

  it("reports Savers and other inputs outside every root, by tool", () => {
    const body = [
      saver("Out", '"/local/render/a.exr"'),
      '\t\tIn = Loader { Clips = { Clip { ID = "Clip1", Filename = "/local/plates/p.exr", }, }, },',
      saver("Shared", '"/mnt/hq/ok.exr"'),
    ].join("\n");
    const result = rewriteComp(comp(body), { from: "linux", to: "windows", roots: ROOTS });
    expect(result.unmapped.map((u) => [u.tool, u.toolType, u.saverOutput])).toEqual([
      ["Out", "Saver", true],
      ["In", "Loader", false],
    ]);
    expect(result.changes.map((c) => c.tool)).toEqual(["Shared"]);
  });

  it("luaStringLiteral round-trips every byte in every literal form", () => {
    let all = "";
    for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
    const samples = [all, "a]]b", "]", "\nstarts with a newline", "\r\nx", "ends with ]", "]=]", "9\x01" + "2", "\\\"'"];
    for (const value of samples) {
      for (const style of ['"', "'", "[[", "[=["]) {
        const literal = luaStringLiteral(value, style);
        const parsed = parseLuaValue(Buffer.from(`{ ${literal} }`, "latin1"), { binaryStrings: true });
        expect(isTable(parsed) && parsed.items[0], `${JSON.stringify(value)} as ${style}`).toBe(value);
      }
    }
  });

  it("applyEdits refuses overlapping edits", () => {
    expect(() => applyEdits(Buffer.from("abcdef"), [{ start: 1, end: 3, text: "x" }, { start: 2, end: 4, text: "y" }])).toThrow();
    expect(applyEdits(Buffer.from("abcdef"), [{ start: 4, end: 5, text: "XY" }, { start: 0, end: 1, text: "" }]).toString()).toBe("bcdXYf");
  });
});
