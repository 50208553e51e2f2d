/**
 * The missing-output-folder check exists in the dialog (src-lua/preflight.ts) and in the helper's pre-flight
 * (src-node/core/preflight/output-folders.ts, a portable module). Both are compiled by TypeScriptToLua and run under
 * real LuaJIT on the same Savers: the helper's module must work in Lua and say exactly what the dialog says, and both
 * check only paths this computer's OS can check (checkableOn: a Windows path in a comp on Linux is another OS's).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkOutputFolders } from "../../src-node/core/preflight/output-folders";

const repoRoot = resolve(__dirname, "../..");

function compile(outDir: string): void {
  const tsconfig = join(outDir, "tsconfig.json");
  writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        target: "ESNext", lib: ["ESNext"], module: "ESNext", moduleResolution: "bundler", strict: true, skipLibCheck: true,
        types: ["lua-types/jit", "@typescript-to-lua/language-extensions"], typeRoots: [join(repoRoot, "node_modules")],
        rootDir: repoRoot, outDir,
      },
      files: [join(repoRoot, "src-lua/preflight.ts"), join(repoRoot, "src-node/core/preflight/output-folders.ts")],
      tstl: { luaTarget: "JIT", luaLibImport: "inline", noImplicitSelf: true, noHeader: true },
    }),
  );
  const run = spawnSync(process.execPath, [join(repoRoot, "node_modules/typescript-to-lua/dist/tstl.js"), "-p", tsconfig], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`tstl failed (exit ${run.status}):\n${run.stdout}${run.stderr}`);
}

const SAVERS = [
  ["A", true, "/mnt/hq/missing/a.0000.exr"],
  ["B", true, "C:\\out.0000.exr"],
  ["C", false, "/nope/c.0000.exr"],
  ["D", true, "relative/d.0000.exr"],
  ["E", true, "/exists/e.0000.exr"],
  ["F é", true, "D:/Ünïcode folder/f.0000.exr"],
  ["G", true, "\\renders\\g.0000.exr"],
] as const;

/** What the dialog shows on each OS for SAVERS when only /exists exists. */
const EXPECTED: Record<"Linux" | "Windows", string[]> = {
  Linux: ["Saver A: its folder /mnt/hq/missing does not exist on this computer."],
  Windows: [
    "Saver A: its folder /mnt/hq/missing does not exist on this computer.",
    "Saver B: its folder C:\\ does not exist on this computer.",
    "Saver F é: its folder D:/Ünïcode folder does not exist on this computer.",
    "Saver G: its folder \\renders does not exist on this computer.",
  ],
};

describe("missing output folders: dialog and helper, in Lua", () => {
  let outDir = "";
  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), "hq-preflight-lua-"));
    compile(outDir);
  }, 120_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it.each([
    ["Linux", "linux"],
    ["Windows", "windows"],
  ] as const)("%s: the same messages from both modules under LuaJIT, and the same as the helper's on Node", (os, platform) => {
    const luaSavers = SAVERS.map(([name, enabled, path]) => `{ name = ${JSON.stringify(name)}, enabled = ${enabled}, path = ${JSON.stringify(path)}, rawPath = "" }`).join(", ");
    const script = `
      package.path = ${JSON.stringify(outDir + "/?.lua")} .. ";" .. package.path
      local dialog = require("src-lua.preflight")
      local helper = require("src-node.core.preflight.output-folders")
      local savers = { ${luaSavers} }
      local exists = function(p) return p == "/exists" end
      local d = dialog.preflight({ fileName = "/mnt/hq/x.comp", name = "x.comp", savers = savers }, ${JSON.stringify(os)}, exists)
      for _, w in ipairs(d.warnings) do io.write("dialog\\t", w, "\\n") end
      for _, f in ipairs(d.missingFolders) do io.write("missing\\t", f, "\\n") end
      for _, c in ipairs(helper.checkOutputFolders(savers, ${JSON.stringify(platform)}, exists)) do io.write("helper\\t", c.message, "\\n") end
    `;
    const run = spawnSync("luajit", ["-e", script], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split("\n").map((l) => l.split("\t"));
    const dialog = lines.filter(([who]) => who === "dialog").map(([, m]) => m);
    const helperLua = lines.filter(([who]) => who === "helper").map(([, m]) => m);
    const savers = SAVERS.map(([name, enabled, path]) => ({ name, enabled, path }));
    const helperNode = checkOutputFolders(savers, platform, (p) => p === "/exists").map((c) => c.message);
    expect(dialog).toEqual(EXPECTED[os]);
    expect(helperLua).toEqual(dialog);
    // On Linux a Windows path is another OS's: the dialog neither checks nor offers to create it.
    if (platform === "linux") expect(lines.filter(([who]) => who === "missing").map(([, m]) => m)).toEqual(["/mnt/hq/missing"]);
    expect(helperNode).toEqual(dialog);
  });
});
