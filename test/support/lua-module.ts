// Transpiles ONE src-lua module on its own (no bundle, lualib inlined) for tests and the bench that drive it
// from plain Lua scripts under LuaJIT. Uses the tstl command line (not its API) so it also works from the
// esbuild-bundled bench without bundling TypeScript.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";

const repoRoot = resolve(__dirname, "../..");

/**
 * Returns the path of the written `.lua` file; throws with tstl's diagnostics when it fails. `rootDir` (default
 * src-lua): the folder module names are relative to; the repo root for a module that imports types/ (its imports
 * are then required as `src-lua.json`, `types.request`…, from `outDir`).
 */
export function transpileLuaModule(source: string, outDir: string, rootDir = "src-lua"): string {
  mkdirSync(outDir, { recursive: true });
  const tsconfig = join(outDir, "tsconfig.json");
  writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        target: "ESNext",
        lib: ["ESNext"],
        module: "ESNext",
        moduleResolution: "bundler",
        strict: true,
        skipLibCheck: true,
        types: ["lua-types/jit", "@typescript-to-lua/language-extensions"],
        typeRoots: [join(repoRoot, "node_modules")],
        rootDir: join(repoRoot, rootDir),
        outDir,
      },
      files: [join(repoRoot, source)],
      tstl: { luaTarget: "JIT", luaLibImport: "inline", noImplicitSelf: true, noHeader: true },
    }),
  );
  // tstl writes output even when it reports errors: its exit status is what counts.
  const run = spawnSync(process.execPath, [join(repoRoot, "node_modules/typescript-to-lua/dist/tstl.js"), "-p", tsconfig], { encoding: "utf8" });
  const module = join(outDir, relative(rootDir, source).replace(/\.ts$/, ".lua"));
  if (run.status !== 0 || !existsSync(module)) throw new Error(`tstl failed on ${source} (exit ${run.status}):\n${run.stdout}${run.stderr}`);
  return module;
}

/**
 * Transpiles `entry` and every module it imports (src-lua modules and the portable modules under src-node) into ONE
 * Lua file, with the comp script's tstl settings. Running the file (`dofile`) returns the entry module's exports.
 * Returns the path of the written file; throws with tstl's diagnostics when it fails.
 */
export function transpileLuaBundle(entry: string, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const bundle = join(outDir, basename(entry).replace(/\.ts$/, ".bundle.lua"));
  const tsconfig = join(outDir, "tsconfig.bundle.json");
  writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        target: "ESNext",
        lib: ["ESNext"],
        module: "ESNext",
        moduleResolution: "bundler",
        strict: true,
        skipLibCheck: true,
        types: ["lua-types/jit", "@typescript-to-lua/language-extensions"],
        typeRoots: [join(repoRoot, "node_modules")],
        rootDir: repoRoot,
        outDir,
      },
      files: [join(repoRoot, entry), join(repoRoot, "types/fusion.d.ts")],
      tstl: {
        luaTarget: "JIT",
        luaLibImport: "require-minimal",
        luaBundle: bundle,
        luaBundleEntry: join(repoRoot, entry),
        noImplicitSelf: true,
        noHeader: true,
      },
    }),
  );
  const run = spawnSync(process.execPath, [join(repoRoot, "node_modules/typescript-to-lua/dist/tstl.js"), "-p", tsconfig], { encoding: "utf8" });
  if (run.status !== 0 || !existsSync(bundle)) throw new Error(`tstl failed on ${entry} (exit ${run.status}):\n${run.stdout}${run.stderr}`);
  return bundle;
}

/**
 * Runs `body` under LuaJIT with `M` = what `bundle` returns and `out(...)` writing its arguments (tostring'd,
 * space-separated) as one line; returns the lines. Throws with LuaJIT's stderr when the script fails.
 */
export function runWithBundle(bundle: string, workDir: string, body: string): string[] {
  const script = join(workDir, `run-${process.hrtime.bigint()}.lua`);
  writeFileSync(
    script,
    `local M = dofile(${JSON.stringify(bundle)})\n` +
      `local function out(...) local t = {...}; for i = 1, select("#", ...) do t[i] = tostring(t[i]) end; io.write(table.concat(t, " "), "\\n") end\n` +
      body,
  );
  const run = spawnSync("luajit", [script], { encoding: "utf8" });
  if (run.status !== 0 || run.stderr !== "") throw new Error(`luajit failed (exit ${run.status}): ${run.stderr}`);
  const lines = run.stdout.split("\n");
  if (lines.pop() !== "") throw new Error("the Lua output does not end with a newline");
  return lines;
}
