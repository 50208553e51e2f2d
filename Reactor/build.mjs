#!/usr/bin/env node
// `npm run build`: compile both halves and assemble the installable Reactor atom tree.
//
//   src-lua  --tstl-->    dist/build/HQueue Render.lua        (one self-contained LuaJIT comp script)
//   src-node --esbuild--> dist/build/hqueue-helper.js         (one .js, runs on plain node, no node_modules)
//   test/support stand-ins, the demo, docs:images --esbuild--> dist/dev/ (developer tools, never packaged)
//   dist/Reactor/Atoms/<id>/...                               (the atom: .atom + every file its Deploy lists)
//
// The atom's Version and Date come from package.json and the build (SOURCE_DATE_EPOCH when set, for reproducible
// builds), and its Deploy list is generated from the files actually copied, so the two cannot drift apart.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
// The Node.js runtime atom (`npm run build:runtime`): Reactor installs it with this one (Dependencies).
import { RUNTIME_ATOM_ID } from "./build-runtime.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
export const ATOM_ID = "com.AndrewHazelden.KartaLink.HQueueRender";
const SCRIPT_DEPLOY = "Scripts/Comp/KartaLink/HQueue Render.lua";
const HELPER_DEPLOY = "Bin/KartaLink/HQueueRender/hqueue-helper.js";
const DOCS_DEPLOY = "Docs/Kartaverse/KartaLink/HQueue Render";

function fail(message) {
  console.error(`build: ${message}`);
  process.exit(1);
}

function step(label, fn) {
  const started = Date.now();
  fn();
  if (!process.env.BUILD_QUIET) console.log(`build: ${label} (${Date.now() - started} ms)`);
}

/** tstl writes its output even when it reports errors, so the exit status is what counts. */
function compileLua() {
  const out = join(root, "dist/build/HQueue Render.lua");
  rmSync(out, { force: true });
  const tstl = join(root, "node_modules/typescript-to-lua/dist/tstl.js");
  const run = spawnSync(process.execPath, [tstl, "-p", join(root, "src-lua/tsconfig.json")], { encoding: "utf8" });
  if (run.status !== 0) fail(`TypeScriptToLua failed (exit ${run.status}):\n${run.stdout}${run.stderr}`);
  if (!existsSync(out)) fail(`TypeScriptToLua reported success but wrote no ${relative(root, out)}`);
  const lua = readFileSync(out, "utf8");
  // JSON/Date/RegExp type-check under lib ESNext but crash in Lua: refuse to ship a script that uses them.
  for (const banned of ["JSON:", "JSON.", "__TS__New(Date", "__TS__New(RegExp", "console:"]) {
    if (lua.includes(banned)) fail(`the comp script uses ${banned.replace(/[:.(]$/, "")}, which does not exist in Fusion's Lua`);
  }
}

function bundleNode(entry, outfile, { executable = false } = {}) {
  const entryPath = join(root, entry);
  if (!existsSync(entryPath)) return false;
  buildSync({
    entryPoints: [entryPath],
    outfile: join(root, outfile),
    bundle: true,
    platform: "node",
    target: "node18",
    format: "cjs",
    banner: { js: "#!/usr/bin/env node" },
    legalComments: "inline",
    logLevel: "error",
  });
  if (executable) chmodSync(join(root, outfile), 0o755);
  return true;
}

function listFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out;
}

function luaString(s) {
  // A Lua long string cannot hold "]]": fall back to a quoted string with escapes.
  if (!s.includes("]]") && !s.startsWith("\n")) return `[[${s}]]`;
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

export function atomText({ version, date, deploy, description }) {
  const lines = [
    "Atom {",
    `\tName = "KartaLink | HQueue Render",`,
    `\tCategory = "Kartaverse/KartaLink/Scripts",`,
    `\tAuthor = "Andrew Hazelden / KartaLink",`,
    `\tVersion = ${version},`,
    `\tDate = { ${date.join(", ")} },`,
    `\tDescription = ${luaString(description)},`,
    "\tDeploy = {",
    ...deploy.map((file) => `\t\t${JSON.stringify(file)},`),
    "\t},",
    "\tDependencies = {",
    `\t\t${JSON.stringify(RUNTIME_ATOM_ID)},`,
    "\t},",
    "}",
    "",
  ];
  return lines.join("\n");
}

function assembleAtom() {
  const atomDir = join(root, "dist/Reactor/Atoms", ATOM_ID);
  // Only this atom: the runtime atom next to it is built by its own, slower command.
  rmSync(atomDir, { recursive: true, force: true });
  const place = (from, to) => {
    const dest = join(atomDir, to);
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(from, dest);
  };
  place(join(root, "dist/build/HQueue Render.lua"), SCRIPT_DEPLOY);
  place(join(root, "dist/build/hqueue-helper.js"), HELPER_DEPLOY);
  const docsSrc = join(root, "Reactor/Docs");
  for (const file of listFiles(docsSrc)) place(file, `${DOCS_DEPLOY}/${relative(docsSrc, file).split(sep).join("/")}`);

  const deploy = listFiles(atomDir).map((f) => relative(atomDir, f).split(sep).join("/"));
  const [major, minor] = String(pkg.version).split(".").map(Number);
  const epoch = process.env.SOURCE_DATE_EPOCH ? Number(process.env.SOURCE_DATE_EPOCH) * 1000 : Date.now();
  const d = new Date(epoch);
  const description = readFileSync(join(root, "Reactor/description.html"), "utf8").trim();
  writeFileSync(
    join(atomDir, `${ATOM_ID}.atom`),
    atomText({
      // Reactor compares Version as a float; "6.0" must stay visible as 6.0, not 6.
      version: `${major}.${minor}`,
      date: [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()],
      deploy,
      description,
    }),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  mkdirSync(join(root, "dist/build"), { recursive: true });
  mkdirSync(join(root, "dist/dev"), { recursive: true });
  step("comp script  → dist/build/HQueue Render.lua", compileLua);
  step("helper       → dist/build/hqueue-helper.js", () => {
    if (!bundleNode("src-node/cli.ts", "dist/build/hqueue-helper.js", { executable: true })) fail("src-node/cli.ts is missing");
  });
  step("stand-ins    → dist/dev/", () => {
    bundleNode("test/support/hqueue-standin.ts", "dist/dev/hqueue-standin.js");
    bundleNode("test/support/render-node-standin.ts", "dist/dev/render-node/FusionRenderNode", { executable: true });
    bundleNode("test/demo/demo.ts", "dist/dev/demo.js");
    bundleNode("test/bench/bench.ts", "dist/dev/bench.js");
    bundleNode("test/tools/docs-images/main.ts", "dist/dev/docs-images.js");
  });
  step(`atom         → dist/Reactor/Atoms/${ATOM_ID}/`, assembleAtom);
}
