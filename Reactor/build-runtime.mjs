#!/usr/bin/env node
// `npm run build:runtime`: the "KartaLink | Node.js Runtime" Reactor atom, so artists need not install Node.js.
//
//   Reactor/node-runtime.json (the one pinned Node.js version, one npm package per OS, each with its sha512)
//     --npm pack--> <cache>/<package>-<version>.tgz        (cached between builds, outside git and dist/)
//     --verify---> the registry's dist.integrity == the pinned integrity == sha512 of the cached file
//     --extract--> dist/Reactor/Atoms/com.AndrewHazelden.KartaLink.NodeRuntime/
//                    <id>.atom
//                    Bin/KartaLink/NodeRuntime/LICENSE            (Node.js licence, every OS)
//                    Linux/Bin/KartaLink/NodeRuntime/node
//                    Windows/Bin/KartaLink/NodeRuntime/node.exe
//                    Mac/Bin/KartaLink/NodeRuntime/arm64/node    (Apple Silicon)
//                    Mac/Bin/KartaLink/NodeRuntime/x64/node      (Intel, and Fusion running under Rosetta)
//
// Per-OS files live under Windows/ Mac/ Linux/ and are listed in the matching Deploy section, as Reactor's own
// ffmpeg atom does; Reactor installs them without the prefix, into Reactor:Deploy/Bin/KartaLink/NodeRuntime/.
// Reactor downloads files without their executable bit, so the InstallScript restores it on macOS and Linux.
//
// The cache is $KARTALINK_NODE_CACHE, else $XDG_CACHE_HOME/kartalink-node-runtime, else
// ~/.cache/kartalink-node-runtime (%LOCALAPPDATA%\kartalink-node-runtime on Windows).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { extractFromTgz } from "./tar.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const RUNTIME_ATOM_ID = "com.AndrewHazelden.KartaLink.NodeRuntime";
export const RUNTIME_DIR = "Bin/KartaLink/NodeRuntime";
const LICENSE_DEPLOY = `${RUNTIME_DIR}/LICENSE`;

/** Where each target's binary goes: Reactor's Deploy section and the path Reactor installs it to. */
export const TARGETS = {
  "linux-x64": { section: "Linux", member: "package/bin/node", deploy: `${RUNTIME_DIR}/node` },
  "win-x64": { section: "Windows", member: "package/bin/node.exe", deploy: `${RUNTIME_DIR}/node.exe` },
  "darwin-arm64": { section: "Mac", member: "package/bin/node", deploy: `${RUNTIME_DIR}/arm64/node` },
  "darwin-x64": { section: "Mac", member: "package/bin/node", deploy: `${RUNTIME_DIR}/x64/node` },
};

export function readPins() {
  const pins = JSON.parse(readFileSync(join(root, "Reactor/node-runtime.json"), "utf8"));
  if (!/^\d+\.\d+\.\d+$/.test(pins.version)) throw new Error(`node-runtime.json: version "${pins.version}" is not an exact x.y.z version`);
  for (const key of Object.keys(TARGETS)) {
    if (!pins.targets?.[key]?.package) throw new Error(`node-runtime.json: no package for ${key}`);
  }
  return pins;
}

export function cacheDir(env = process.env) {
  if (env.KARTALINK_NODE_CACHE) return env.KARTALINK_NODE_CACHE;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "kartalink-node-runtime");
  if (process.platform === "win32" && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, "kartalink-node-runtime");
  return join(homedir(), ".cache", "kartalink-node-runtime");
}

export function sha512Integrity(data) {
  return `sha512-${createHash("sha512").update(data).digest("base64")}`;
}

/** npm itself, whether or not we were started by `npm run` (npm_execpath is npm's own cli.js then). */
function npm(args) {
  const execPath = process.env.npm_execpath;
  const run = execPath && /\.[cm]?js$/.test(execPath)
    ? spawnSync(process.execPath, [execPath, ...args], { encoding: "utf8" })
    : spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", args, { encoding: "utf8", shell: process.platform === "win32" });
  return run;
}

/** The registry's tarball for `spec` in the cache, downloaded with `npm pack` when absent. Returns its path. */
function cachedTarball(pkg, version, pinned, cache) {
  const file = join(cache, `${pkg}-${version}.tgz`);
  if (existsSync(file)) return file;
  mkdirSync(cache, { recursive: true });
  const spec = `${pkg}@${version}`;
  const view = npm(["view", spec, "dist.integrity"]);
  const registryIntegrity = (view.stdout ?? "").trim();
  if (view.status !== 0 || registryIntegrity === "") {
    throw new Error(
      `cannot ask the npm registry about ${spec} (npm view exit ${view.status}): ${(view.stderr || view.error?.message || "").trim()}\n` +
        `The Node.js runtime atom downloads the official Node.js binaries once from the npm registry and caches them in ${cache}; ` +
        "connect to the registry (or copy the cache from another machine) and run npm run build:runtime again.",
    );
  }
  if (registryIntegrity !== pinned) {
    throw new Error(
      `the registry's integrity for ${spec} is ${registryIntegrity}, but Reactor/node-runtime.json pins ${pinned || "(nothing)"}. ` +
        "After changing the version, paste the registry's value there; if the version did not change, do not trust this download.",
    );
  }
  const scratch = mkdtempSync(join(cache, "download-"));
  try {
    const pack = npm(["pack", spec, "--pack-destination", scratch, "--cache", join(scratch, "npm-cache"), "--silent"]);
    const tgz = readdirSync(scratch).find((name) => name.endsWith(".tgz"));
    if (pack.status !== 0 || tgz === undefined) {
      throw new Error(`npm pack ${spec} failed (exit ${pack.status}): ${(pack.stderr || pack.error?.message || "").trim()}`);
    }
    const data = readFileSync(join(scratch, tgz));
    const actual = sha512Integrity(data);
    if (actual !== pinned) throw new Error(`the download of ${spec} has integrity ${actual}, not the pinned ${pinned}: refusing it`);
    renameSync(join(scratch, tgz), file);
    return file;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function luaLongString(text) {
  if (text.includes("]]")) throw new Error("an atom string may not contain ]]");
  return `[[${text}]]`;
}

/** The InstallScript for macOS and Linux: chmod 755 on each shipped binary (Reactor's download drops the bit). */
function chmodScript(deployPaths) {
  return [
    "",
    "local function shQuote(s) return \"'\" .. string.gsub(s, \"'\", \"'\\\\''\") .. \"'\" end",
    ...deployPaths.map(
      (p) => `os.execute("chmod 755 " .. shQuote(app:MapPath("Reactor:/Deploy/${p}")))`,
    ),
    "",
  ].join("\n");
}

/** Reactor compares Version as a float: 22.23.2 → 22.2302 (monotonic while minor and patch stay below 100). */
export function atomVersion(version) {
  const [major, minor, patch] = version.split(".").map(Number);
  return (major + minor / 100 + patch / 10000).toFixed(4);
}

export function runtimeAtomText({ version, date, common, sections }) {
  const description = [
    `<p>Node.js ${version} (LTS) for KartaLink | HQueue Render and other KartaLink scripts, so that artists do not have to install Node.js.</p>`,
    `<p>The official Node.js binaries: Windows x64, macOS Apple Silicon and Intel, Linux x64. They are installed to Reactor:/Deploy/${RUNTIME_DIR}/.</p>`,
    "<p>Node.js is licensed under the MIT licence; its licence text, with the licences of the libraries it includes, is installed next to it as LICENSE.</p>",
  ].join("\n");
  const list = (items, indent) => items.map((p) => `${indent}${JSON.stringify(p)},`);
  const section = (name) => [`\t\t${name} = {`, ...list(sections[name], "\t\t\t"), "\t\t},"];
  const unixBinaries = (name) => sections[name].filter((p) => p.endsWith("/node"));
  return [
    "Atom {",
    `\tName = "KartaLink | Node.js Runtime",`,
    `\tCategory = "Bin",`,
    `\tAuthor = "Andrew Hazelden / KartaLink (Node.js by the OpenJS Foundation)",`,
    `\tVersion = ${atomVersion(version)},`,
    `\tDate = { ${date.join(", ")} },`,
    `\tDescription = ${luaLongString(description)},`,
    "\tDeploy = {",
    ...list(common, "\t\t"),
    ...section("Windows"),
    ...section("Mac"),
    ...section("Linux"),
    "\t},",
    "\tDependencies = {",
    "\t},",
    "\tInstallScript = {",
    `\t\tMac = { ${luaLongString(chmodScript(unixBinaries("Mac")))} },`,
    `\t\tLinux = { ${luaLongString(chmodScript(unixBinaries("Linux")))} },`,
    "\t},",
    "}",
    "",
  ].join("\n");
}

/** Builds the atom into `<atomsDir>/<id>/` (default dist/Reactor/Atoms; the tests build into a folder of their own). */
export function buildRuntimeAtom({ env = process.env, log = console.log, atomsDir = join(root, "dist/Reactor/Atoms"), pins = readPins() } = {}) {
  const cache = cacheDir(env);
  const atomDir = join(atomsDir, RUNTIME_ATOM_ID);
  rmSync(atomDir, { recursive: true, force: true });
  const sections = { Windows: [], Mac: [], Linux: [] };
  let license;
  for (const [key, target] of Object.entries(TARGETS)) {
    const { package: pkg, integrity } = pins.targets[key];
    const started = Date.now();
    const file = cachedTarball(pkg, pins.version, integrity, cache);
    const data = readFileSync(file);
    // The cache is outside our control: check it every time, not only after a download.
    const actual = sha512Integrity(data);
    if (actual !== integrity) {
      throw new Error(`the cached ${file} has integrity ${actual}, not the pinned ${integrity}: delete it and build again`);
    }
    const files = extractFromTgz(data, [target.member, "package/LICENSE", "package/package.json"]);
    const binary = files.get(target.member);
    if (!binary) throw new Error(`${pkg}@${pins.version} has no ${target.member}`);
    const meta = JSON.parse(files.get("package/package.json")?.data.toString("utf8") ?? "{}");
    if (meta.version !== pins.version) throw new Error(`${pkg} says it is version ${meta.version}, not ${pins.version}`);
    const lic = files.get("package/LICENSE")?.data;
    if (lic) {
      if (license && !license.equals(lic)) throw new Error(`${pkg}@${pins.version} ships a different LICENSE from the other packages`);
      license = lic;
    }
    const dest = join(atomDir, target.section, target.deploy);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, binary.data);
    if (target.section !== "Windows") chmodSync(dest, 0o755);
    sections[target.section].push(target.deploy);
    log(`build:runtime: ${key.padEnd(12)} ${pkg}@${pins.version} → ${target.section}/${target.deploy} (${Math.round(binary.data.length / 1e6)} MB, ${Date.now() - started} ms)`);
  }
  if (!license) throw new Error("no package shipped Node.js's LICENSE");
  mkdirSync(join(atomDir, RUNTIME_DIR), { recursive: true });
  writeFileSync(join(atomDir, LICENSE_DEPLOY), license);
  const epoch = env.SOURCE_DATE_EPOCH ? Number(env.SOURCE_DATE_EPOCH) * 1000 : Date.now();
  const d = new Date(epoch);
  const text = runtimeAtomText({
    version: pins.version,
    date: [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()],
    common: [LICENSE_DEPLOY],
    sections,
  });
  writeFileSync(join(atomDir, `${RUNTIME_ATOM_ID}.atom`), text);
  return { atomDir, version: pins.version, cache };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const started = Date.now();
    const { atomDir, version, cache } = buildRuntimeAtom();
    const size = (dir) => readdirSync(dir).reduce((sum, name) => {
      const full = join(dir, name);
      return sum + (statSync(full).isDirectory() ? size(full) : statSync(full).size);
    }, 0);
    const total = size(atomDir);
    console.log(`build:runtime: Node.js ${version} atom → ${atomDir} (${Math.round(total / 1e6)} MB, ${Date.now() - started} ms; cache ${cache})`);
  } catch (e) {
    console.error(`build:runtime: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
