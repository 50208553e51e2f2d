/**
 * Finding `node` and `hqueue-helper.js` (running the helper: helper-session.ts).
 * Pure decisions (search order, command line) are separate from the Host calls that carry them out.
 */
import type { ErrorBody } from "../types/request";
import type { Host, OsName } from "./host";
import {
  installRootOf,
  reactorDeployPath,
  RUNTIME_ATOM_NAME,
  runtimeNodeCandidates,
  runtimeNotExecutableError,
  SCRIPT_DEPLOY_DIR,
  sourceAfterSkipped,
} from "./node-runtime";
import { dirnameOf, joinPath, trimText } from "./text";

export const HELPER_FILE = "hqueue-helper.js";
/** Where the atom deploys the helper, relative to the install root (Reactor:Deploy or a Fusion user folder). */
export const HELPER_DEPLOY_PATH = "Bin/KartaLink/HQueueRender/hqueue-helper.js";
/** Where the atom deploys this script, relative to the same root. */
export { SCRIPT_DEPLOY_DIR };

export const NODE_ENV = "KARTALINK_NODE";
/** `field` of failures that come from launching the helper rather than from the request. */
export const LAUNCH_FIELD = "(launch)";
export const HELPER_ENV = "KARTALINK_HQUEUE_HELPER";

export interface Found {
  ok: true;
  path: string;
  /** Where it came from, for the dialog ("KARTALINK_NODE", "PATH", ...). */
  source: string;
}

export interface NotFound {
  ok: false;
  error: ErrorBody;
}

export type Lookup = Found | NotFound;

/** Usual Node.js install locations per OS (nodejs.org installers, Homebrew, distro packages, Volta). */
export function usualNodeLocations(os: OsName, getenv: (name: string) => string | undefined): string[] {
  const home = getenv("HOME");
  if (os === "Windows") {
    const list: string[] = [];
    const programFiles = getenv("ProgramFiles") ?? "C:\\Program Files";
    list.push(programFiles + "\\nodejs\\node.exe");
    if (programFiles !== "C:\\Program Files") list.push("C:\\Program Files\\nodejs\\node.exe");
    const localAppData = getenv("LOCALAPPDATA");
    if (localAppData !== undefined) {
      list.push(localAppData + "\\Programs\\nodejs\\node.exe");
      list.push(localAppData + "\\Volta\\bin\\node.exe");
    }
    const userProfile = getenv("USERPROFILE");
    if (userProfile !== undefined) list.push(userProfile + "\\scoop\\apps\\nodejs-lts\\current\\node.exe");
    const programData = getenv("ChocolateyInstall");
    if (programData !== undefined) list.push(programData + "\\bin\\node.exe");
    return list;
  }
  const list = os === "Mac" ? ["/opt/homebrew/bin/node", "/usr/local/bin/node"] : ["/usr/bin/node", "/usr/local/bin/node", "/snap/bin/node"];
  if (home !== undefined) list.push(home + "/.volta/bin/node");
  return list;
}

export function nodeMissingError(tried: string[]): ErrorBody {
  return {
    code: "internal",
    message: "Node.js was not found on this computer. HQueue Render needs Node.js 18 or newer to talk to the HQueue server.",
    hint:
      "Reinstall \"KartaLink | HQueue Render\" with Reactor: Reactor also installs \"" + RUNTIME_ATOM_NAME + "\", which brings " +
      "Node.js with it (or install that atom on its own from Reactor's Bin category). Without Reactor, install Node.js 18 or " +
      "newer (the LTS installer from https://nodejs.org). If Node.js is already installed somewhere else, enter the full " +
      "path of the node program in the Node.js field of this dialog, or set the environment variable " + NODE_ENV + ". " +
      "Looked in: " + tried.join(", "),
  };
}

/**
 * node in the folders of the PATH variable, checked file by file: what `command -v node` / `where node` find, without
 * starting a process (the dialog must never wait on one, issue 8). Windows entries may be quoted and are separated
 * by `;`, POSIX ones by `:`; empty entries are skipped.
 */
export function nodeOnPath(os: OsName, pathVariable: string | undefined, fileExists: (path: string) => boolean): string | undefined {
  if (pathVariable === undefined || pathVariable === "") return undefined;
  const windows = os === "Windows";
  for (const raw of pathVariable.split(windows ? ";" : ":")) {
    let dir = trimText(raw);
    if (windows && dir.length >= 2 && dir.startsWith("\"") && dir.endsWith("\"")) dir = dir.substring(1, dir.length - 1);
    if (dir === "") continue;
    const candidate = joinPath(windows ? "windows" : "linux", dir, windows ? "node.exe" : "node");
    if (fileExists(candidate)) return candidate;
  }
  return undefined;
}

/** A program named by an environment variable: found, an error naming the variable, or undefined when unset. */
function lookupEnv(host: Host, name: string, what: string): Lookup | undefined {
  const value = host.getenv(name);
  if (value === undefined) return undefined;
  if (host.fileExists(value)) return { ok: true, path: value, source: name };
  return {
    ok: false,
    error: {
      code: "internal",
      message: "The environment variable " + name + " names " + value + ", but there is no file there.",
      hint: "Point " + name + " at " + what + ", or remove the variable.",
    },
  };
}

/**
 * The artist's explicit choices first (env KARTALINK_NODE, the Node.js field), then the Node.js Runtime atom
 * (node-runtime.ts: next to this script's install root, then Reactor:Deploy), then a system Node.js: PATH and the
 * usual install locations. A runtime node the host knows is not executable (macOS/Linux, the atom's install script
 * declined) is skipped for the next candidate, and the `source` shown in the Node.js field says so, with the fix.
 */
export function findNode(host: Host, savedPath: string): Lookup {
  const fromEnv = lookupEnv(host, NODE_ENV, "the node program (Node.js 18 or newer)");
  if (fromEnv !== undefined) return fromEnv;
  const saved = trimText(savedPath);
  if (saved !== "") {
    if (host.fileExists(saved)) return { ok: true, path: saved, source: "the Node.js field" };
    return {
      ok: false,
      error: {
        code: "internal",
        message: "The Node.js path " + saved + " (set in this dialog) does not exist.",
        hint: "Correct the Node.js path, or clear it to let HQueue Render look for Node.js itself.",
      },
    };
  }
  const runtime = runtimeNodeCandidates(host.scriptPath(), host.os, host.cpuArch, (path) => host.mapGlobalPath(path));
  const skipped: string[] = [];
  for (const candidate of runtime) {
    if (!host.fileExists(candidate)) continue;
    // Only a definite "no" skips it: a host that cannot tell (Windows, no FFI) keeps the runtime first.
    if (host.isExecutable?.(candidate) === false) {
      skipped.push(candidate);
      continue;
    }
    return { ok: true, path: candidate, source: sourceAfterSkipped(RUNTIME_ATOM_NAME, skipped) };
  }
  const onPath = nodeOnPath(host.os, host.getenv("PATH"), (path) => host.fileExists(path));
  if (onPath !== undefined) return { ok: true, path: onPath, source: sourceAfterSkipped("PATH", skipped) };
  const usual = usualNodeLocations(host.os, (name) => host.getenv(name));
  for (const candidate of usual) {
    if (host.fileExists(candidate)) return { ok: true, path: candidate, source: sourceAfterSkipped("usual location", skipped) };
  }
  const tried = [...runtime, "PATH", ...usual];
  return { ok: false, error: skipped.length > 0 ? runtimeNotExecutableError(skipped, tried) : nodeMissingError(tried) };
}

/**
 * Helper locations in search order: next to the script's install root
 * (`<root>/Scripts/Comp/KartaLink/HQueue Render.lua` → `<root>/Bin/KartaLink/HQueueRender/hqueue-helper.js`, which covers
 * a Reactor install and a hand copy into a Fusion user folder), the script's own folder (a development build),
 * then Reactor's deploy folder through the `Reactor:` path map.
 */
export function helperCandidates(scriptPath: string | undefined, os: OsName, mapGlobalPath: (path: string) => string): string[] {
  const list: string[] = [];
  const platform = os === "Windows" ? "windows" : "linux";
  const root = installRootOf(scriptPath);
  if (root !== undefined) list.push(joinPath(platform, root, HELPER_DEPLOY_PATH));
  if (scriptPath !== undefined && scriptPath !== "") list.push(joinPath(platform, dirnameOf(scriptPath), HELPER_FILE));
  const reactor = reactorDeployPath(mapGlobalPath, HELPER_DEPLOY_PATH);
  if (reactor !== undefined) list.push(reactor);
  return list;
}

export function findHelper(host: Host, savedPath: string): Lookup {
  const fromEnv = lookupEnv(host, HELPER_ENV, "hqueue-helper.js");
  if (fromEnv !== undefined) return fromEnv;
  const saved = trimText(savedPath);
  if (saved !== "") {
    if (host.fileExists(saved)) return { ok: true, path: saved, source: "saved setting" };
  }
  const candidates = helperCandidates(host.scriptPath(), host.os, (path) => host.mapGlobalPath(path));
  for (const candidate of candidates) {
    if (host.fileExists(candidate)) return { ok: true, path: candidate, source: "install folder" };
  }
  return {
    ok: false,
    error: {
      code: "internal",
      message: "The HQueue Render helper (" + HELPER_FILE + ") was not found next to this script.",
      hint:
        "Reinstall \"KartaLink | HQueue Render\" with Reactor (or copy its Bin folder next to its Scripts folder), " +
        "or set the environment variable " + HELPER_ENV + " to the full path of " + HELPER_FILE + ". Looked in: " +
        (candidates.length > 0 ? candidates.join(", ") : "(no candidate: the script's own path is unknown)"),
    },
  };
}

// Running the helper (in the background, polled from a timer): helper-session.ts.
