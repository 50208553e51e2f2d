// Builds the product once before any test file runs: the tests exercise the built artefacts
// (the Lua comp script under LuaJIT, the bundled helper under plain node), exactly what ships.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

export default function setup(): void {
  const root = resolve(__dirname, "..");
  const luajit = spawnSync("luajit", ["-v"], { encoding: "utf8" });
  if (luajit.status !== 0) {
    throw new Error("luajit is not installed: the comp script is tested under real LuaJIT. Install it: apt-get install -y luajit (macOS: brew install luajit)");
  }
  if (process.env.SKIP_BUILD === "1") return;
  const build = spawnSync(process.execPath, [resolve(root, "Reactor/build.mjs")], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, BUILD_QUIET: "1" },
  });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}
