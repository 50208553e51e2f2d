/**
 * Where the "KartaLink | Node.js Runtime" atom puts node (Reactor/build-runtime.mjs builds it), and where an install
 * of this script puts its files: pure path decisions, no Host calls.
 *
 * The runtime atom deploys `Bin/KartaLink/NodeRuntime/node.exe` (Windows), `.../node` (Linux) and, on macOS, both
 * `.../arm64/node` (Apple Silicon) and `.../x64/node` (Intel): Reactor's Deploy sections are per OS, not per CPU, so
 * the comp script chooses by the CPU its own LuaJIT was built for (ffi.arch). Fusion running natively on Apple
 * Silicon gets the native node; an Intel Mac, or Fusion under Rosetta (where Rosetta is present by definition), gets
 * the x64 one.
 */
import type { ErrorBody } from "../types/request";
import { shJoin } from "../src-node/core/quote-sh";
import type { OsName } from "./host";
import { dirnameOf, joinPath } from "./text";

/** The runtime atom's name in Reactor (for messages) and its install folder relative to Reactor:Deploy. */
export const RUNTIME_ATOM_NAME = "KartaLink | Node.js Runtime";
export const RUNTIME_DEPLOY_DIR = "Bin/KartaLink/NodeRuntime";
/** Where the atom deploys this script, relative to its install root (Reactor:Deploy or a Fusion user folder). */
export const SCRIPT_DEPLOY_DIR = "Scripts/Comp/KartaLink";

/** The runtime's node for this OS and CPU, relative to the install root, best first. */
export function runtimeNodeFiles(os: OsName, cpuArch: string | undefined): string[] {
  if (os === "Windows") return [RUNTIME_DEPLOY_DIR + "/node.exe"];
  if (os === "Linux") return [RUNTIME_DEPLOY_DIR + "/node"];
  const arm = RUNTIME_DEPLOY_DIR + "/arm64/node";
  const intel = RUNTIME_DEPLOY_DIR + "/x64/node";
  return cpuArch === "arm64" ? [arm, intel] : [intel, arm];
}

/**
 * The install root of this script when it sits where the atom deploys it (`<root>/Scripts/Comp/KartaLink/HQueue
 * Render.lua`: a Reactor install, or a hand copy into a Fusion user folder), else undefined.
 */
export function installRootOf(scriptPath: string | undefined): string | undefined {
  if (scriptPath === undefined || scriptPath === "") return undefined;
  const scriptDir = dirnameOf(scriptPath);
  const normalized = scriptDir.split("\\").join("/");
  if (!normalized.endsWith("/" + SCRIPT_DEPLOY_DIR)) return undefined;
  return scriptDir.substring(0, scriptDir.length - SCRIPT_DEPLOY_DIR.length - 1);
}

/**
 * `deployPath` inside Reactor's deploy folder through the `Reactor:` path map (fu:MapPath), or undefined when the
 * map is unknown (Reactor not installed: the path comes back unmapped) or the lookup fails.
 */
export function reactorDeployPath(mapGlobalPath: (path: string) => string, deployPath: string): string | undefined {
  const [ok, mapped] = pcall(() => mapGlobalPath("Reactor:Deploy/" + deployPath));
  if (!ok || typeof mapped !== "string" || mapped === "" || mapped.startsWith("Reactor:")) return undefined;
  return mapped;
}

/** Absolute candidates for `deployPath` (relative to an install root): this script's install root, then Reactor's. */
export function installedCandidates(
  scriptPath: string | undefined,
  os: OsName,
  mapGlobalPath: (path: string) => string,
  deployPath: string,
): string[] {
  const list: string[] = [];
  const root = installRootOf(scriptPath);
  if (root !== undefined) list.push(joinPath(os === "Windows" ? "windows" : "linux", root, deployPath));
  const reactor = reactorDeployPath(mapGlobalPath, deployPath);
  if (reactor !== undefined && !list.includes(reactor)) list.push(reactor);
  return list;
}

/** Every place the runtime atom's node may be, best first. */
export function runtimeNodeCandidates(
  scriptPath: string | undefined,
  os: OsName,
  cpuArch: string | undefined,
  mapGlobalPath: (path: string) => string,
): string[] {
  const list: string[] = [];
  for (const file of runtimeNodeFiles(os, cpuArch)) {
    for (const candidate of installedCandidates(scriptPath, os, mapGlobalPath, file)) {
      if (!list.includes(candidate)) list.push(candidate);
    }
  }
  return list;
}

/**
 * On macOS and Linux the runtime's node becomes executable only in the atom's InstallScript (a chmod), which Reactor
 * runs after the artist confirms it: declined, node is there but cannot run ("Permission denied"). Such a node is
 * skipped for the next candidate, and these words say why, with the fix.
 */
function notExecutableWords(skipped: readonly string[]): string {
  return (
    "the " + RUNTIME_ATOM_NAME + "'s node (" + skipped.join(", ") + ") was skipped because it is not executable: Reactor " +
    "makes it so only when you confirm the atom's install script. To use it, reinstall the atom in Reactor and confirm, " +
    "or run in a Terminal: " + shJoin(["chmod", "+x", ...skipped])
  );
}

/** `source` of a node found after skipping the runtime's (shown in the Node.js field and its tooltip). */
export function sourceAfterSkipped(source: string, skipped: readonly string[]): string {
  return skipped.length === 0 ? source : source + "; " + notExecutableWords(skipped);
}

/** The runtime's node is there but not executable, and no other Node.js was found. */
export function runtimeNotExecutableError(skipped: readonly string[], tried: readonly string[]): ErrorBody {
  return {
    code: "internal",
    message: "The Node.js that " + RUNTIME_ATOM_NAME + " installed cannot run, and no other Node.js was found on this computer.",
    hint: "Node.js 18 or newer is needed: " + notExecutableWords(skipped) + ". Or install Node.js from https://nodejs.org. Looked in: " + tried.join(", "),
  };
}
