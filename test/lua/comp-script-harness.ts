/**
 * Drives the comp script (built from src-lua) in the LuaJIT Fusion stand-in with a fake helper that records what
 * it was asked (argv + request document) and answers canned JSON. Used by test/lua/comp-script*.test.ts.
 *
 * Speed: the fake helper runs under LuaJIT by default (test/lua/fake-helper.lua, KARTALINK_NODE = luajit): the comp
 * script launches it exactly as it launches node, and it starts in milliseconds instead of node's ~100 ms per call.
 * `fakeRuntime: "node"` uses the JavaScript fake helper under the real node instead.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import type { SubmitRequest } from "../../types/request";
import {
  type StandinAction,
  type StandinCompConfig,
  type StandinConfig,
  type Transcript,
  type TranscriptItem,
  type TranscriptWindow,
  repoRoot,
  runFusionStandin,
} from "../support/fusion-standin";

export const MAIN = "KartaLinkHQueueRender";
export const MONITOR = "KartaLinkHQueueMonitor";
export const MESSAGE = "KartaLinkHQueueMessage";
export const FAKE_HELPER = path.join(repoRoot, "test/support/fake-helper.js");
export const FAKE_HELPER_LUA = path.join(repoRoot, "test/lua/fake-helper.lua");
const FAKE_DEFAULTS = (createRequire(__filename)(FAKE_HELPER) as { DEFAULTS: Record<string, unknown> }).DEFAULTS;

let luajitPath: string | undefined;
/** Absolute path of luajit (the fake helper's runtime). */
export function luajit(): string {
  if (luajitPath === undefined) {
    const found = spawnSync("sh", ["-c", "command -v luajit"], { encoding: "utf8" }).stdout.trim();
    if (found === "") throw new Error("luajit is not on PATH");
    luajitPath = found;
  }
  return luajitPath;
}

export type FakeRuntime = "luajit" | "node";
export const COMPS = path.join(repoRoot, "test/comps");

let builtScript: string | undefined;

/** Every source the bundle can depend on, hashed: the cache key of a build. */
function sourceHash(): string {
  const hash = createHash("sha256");
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (fs.statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|json)$/.test(name)) hash.update(full).update(fs.readFileSync(full));
    }
  };
  for (const dir of ["src-lua", "types", "src-node/core", "src-node/portable"]) walk(path.join(repoRoot, dir));
  return hash.digest("hex").slice(0, 16);
}

/**
 * Builds src-lua into a temp folder of its own (not dist/: other test files and builds may be rewriting it) and
 * returns the bundle's path. The build is cached by a hash of the sources, so the test files (separate workers)
 * share one build. tstl writes output even on errors, so errors fail here.
 */
export function buildCompScript(): string {
  if (builtScript !== undefined && fs.existsSync(builtScript)) return builtScript;
  const cacheDir = path.join(os.tmpdir(), `kartalink-comp-script-${sourceHash()}`);
  const cached = path.join(cacheDir, "HQueue Render.lua");
  if (fs.existsSync(cached)) {
    builtScript = cached;
    return cached;
  }
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "kartalink-comp-script-build-"));
  const bundle = path.join(outDir, "HQueue Render.lua");
  // Loaded only on a cache miss: importing TypeScript and TypeScriptToLua costs seconds per test file.
  const load = createRequire(__filename);
  const { transpileProject } = load("typescript-to-lua") as typeof import("typescript-to-lua");
  const ts = load("typescript") as typeof import("typescript");
  const result = transpileProject(path.join(repoRoot, "src-lua/tsconfig.json"), { luaBundle: bundle } as never);
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const text = errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("\n");
    throw new Error(`TypeScriptToLua failed for src-lua:\n${text}`);
  }
  if (!fs.existsSync(bundle)) throw new Error(`TypeScriptToLua wrote no ${bundle}`);
  try {
    fs.renameSync(outDir, cacheDir); // atomic: a concurrent worker either wins or finds it done
    builtScript = cached;
  } catch {
    if (fs.existsSync(cached)) {
      fs.rmSync(outDir, { recursive: true, force: true });
      builtScript = cached;
    } else {
      builtScript = bundle;
    }
  }
  return builtScript;
}

const runDirs: string[] = [];

/** Removes the folders of this file's runs (call from afterAll; tests read them until then). */
export function removeRunDirs(): void {
  for (const dir of runDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface FakeCall {
  command: string;
  argv: string[];
  positionals: string[];
  options: Record<string, string | true>;
  request?: SubmitRequest;
}

export interface RunOptions {
  /** The comp (default: test/comps/lua-basic.comp saved at <dir>/shots/basic.comp). */
  comp?: StandinCompConfig | null;
  platform?: "Linux" | "Mac" | "Windows";
  actions?: StandinAction[];
  /** Canned answers per helper command (one, or a list used in order). */
  responses?: Record<string, unknown>;
  env?: Record<string, string | false>;
  fuData?: StandinConfig["fuData"];
  prefs?: StandinConfig["prefs"];
  exec?: "real" | "record";
  /** Where the fake helper goes: "env" (KARTALINK_HQUEUE_HELPER, default) or "none" (not installed). */
  helper?: "env" | "none";
  /** Script to run (default: KARTALINK_COMP_SCRIPT when set, e.g. to check that tests fail on an older build; else the fresh build). */
  script?: string;
  existingWindows?: string[];
  uiProgrammaticEvents?: boolean;
  /** Extra fake-helper config (e.g. skipResponseFile, stdout). */
  fakeConfig?: Record<string, unknown>;
  /** false: fu.UIManager is nil. */
  uiManager?: boolean;
  /** The fake helper's runtime (KARTALINK_NODE): luajit (default, fast) or the real node. */
  fakeRuntime?: FakeRuntime;
  /** Timers run while the dialog waits with nothing left to do (default true; see StandinConfig.idleTimers). */
  idleTimers?: boolean;
  /** Stand-in variant switches (a different but faithful Fusion): merged into the stand-in config. */
  standin?: Partial<StandinConfig>;
}

export interface Run {
  dir: string;
  transcript: Transcript;
  calls: FakeCall[];
  /** The last window with this ID. */
  window(id: string): TranscriptWindow;
  hasWindow(id: string): boolean;
  item(windowId: string, itemId: string): TranscriptItem;
  /** Text of a label/line edit/text edit, whitespace collapsed (labels are wrapped). */
  text(windowId: string, itemId: string): string;
  callsOf(command: string): FakeCall[];
}

export function collapse(text: unknown): string {
  return String(text ?? "").replace(/\s+/g, " ").trim();
}

/** Writes the fake helper wrapper that KARTALINK_HQUEUE_HELPER (or an install layout) points at. */
export function callLog(dir: string): string {
  return path.join(dir, "calls.jsonl");
}

/** A Lua literal for a string, number, boolean, list or record (the Lua fake helper's config). */
function luaLiteral(value: unknown): string {
  if (typeof value === "string") {
    let out = '"';
    for (const ch of value) {
      const code = ch.codePointAt(0)!;
      if (ch === '"' || ch === "\\") out += "\\" + ch;
      else if (code < 32 || code === 127) out += "\\" + String(code).padStart(3, "0");
      else out += ch;
    }
    return out + '"';
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null || value === undefined) return "nil";
  if (Array.isArray(value)) return `{ ${value.map(luaLiteral).join(", ")} }`;
  const entries = Object.entries(value as Record<string, unknown>).map(([key, v]) => `[${luaLiteral(key)}] = ${luaLiteral(v)}`);
  return `{ ${entries.join(", ")} }`;
}

/**
 * Writes the fake helper that KARTALINK_HQUEUE_HELPER (or an install layout) points at: a LuaJIT wrapper by default,
 * a node one for `runtime: "node"`. `responses[command]` is one answer or a list used in order (the last repeats).
 */
export function writeFakeHelper(
  file: string,
  log: string,
  responses: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  runtime: FakeRuntime = "luajit",
): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (runtime === "node") {
    const config = { log, responses, ...extra };
    fs.writeFileSync(file, `require(${JSON.stringify(FAKE_HELPER)}).main(${JSON.stringify(config)});\n`);
    return;
  }
  const texts: Record<string, string[]> = {};
  for (const [command, answer] of Object.entries(responses)) {
    texts[command] = (Array.isArray(answer) ? answer : [answer]).map((one) => JSON.stringify(one));
  }
  const defaults: Record<string, string> = {};
  for (const [command, answer] of Object.entries(FAKE_DEFAULTS)) defaults[command] = JSON.stringify(answer);
  const config = { log, responses: texts, defaults, ...extra };
  fs.writeFileSync(file, `dofile(${luaLiteral(FAKE_HELPER_LUA)})(${luaLiteral(config)})\n`);
}

/**
 * One run of the comp script. `options` may be a function of the run's fresh temp folder, to lay out files
 * (installs, odd paths) there before the stand-in starts. The fake helper logs to <dir>/calls.jsonl.
 */
export async function runCompScript(optionsOrSetup: RunOptions | ((dir: string) => RunOptions) = {}): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kartalink-dialog-"));
  runDirs.push(dir);
  fs.mkdirSync(path.join(dir, "shots"), { recursive: true });
  const log = path.join(dir, "calls.jsonl");
  const options = typeof optionsOrSetup === "function" ? optionsOrSetup(dir) : optionsOrSetup;
  const script = options.script ?? (process.env.KARTALINK_COMP_SCRIPT || buildCompScript());
  const helperFile = path.join(dir, "helper", "hqueue-helper.js");
  const runtime = options.fakeRuntime ?? "luajit";
  writeFakeHelper(helperFile, log, options.responses ?? {}, options.fakeConfig, runtime);
  const env: Record<string, string | false> = {
    KARTALINK_NODE: runtime === "node" ? process.execPath : luajit(),
    KARTALINK_HQUEUE_HELPER: options.helper === "none" ? false : helperFile,
    TMPDIR: dir,
    TEMP: dir,
    TMP: dir,
    // A developer's own HQUEUE_SERVER must not leak into the dialog's defaults.
    HQUEUE_SERVER: false,
    ...options.env,
  };
  const comp: StandinCompConfig | null =
    options.comp === undefined ? { file: path.join(COMPS, "lua-basic.comp"), fileName: path.join(dir, "shots", "basic.comp") } : options.comp;
  const config: StandinConfig = {
    script,
    platform: options.platform ?? "Linux",
    comp,
    env,
    actions: options.actions ?? [],
    exec: options.exec ?? "real",
  };
  if (options.fuData !== undefined) config.fuData = options.fuData;
  if (options.prefs !== undefined) config.prefs = options.prefs;
  if (options.existingWindows !== undefined) config.existingWindows = options.existingWindows;
  // Qt emits TextChanged/ValueChanged/CurrentIndexChanged for programmatic writes too: the default here.
  config.uiProgrammaticEvents = options.uiProgrammaticEvents ?? true;
  if (options.uiManager !== undefined) config.uiManager = options.uiManager;
  config.idleTimers = options.idleTimers ?? true;
  Object.assign(config, options.standin ?? {});
  const transcript = await runFusionStandin(config);
  // The stand-in warns about properties and calls real Fusion does not have: none are acceptable.
  if (transcript.warnings.length > 0) throw new Error(`stand-in warnings:\n${transcript.warnings.join("\n")}`);
  const calls: FakeCall[] = fs.existsSync(log)
    ? fs
        .readFileSync(log, "utf8")
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as FakeCall)
    : [];
  const window = (id: string): TranscriptWindow => {
    // Message windows are numbered (KartaLinkHQueueMessage1, 2, ...): MESSAGE finds the last one.
    const found = transcript.windows.filter((w) => w.id === id || (id === MESSAGE && /^KartaLinkHQueueMessage\d+$/.test(w.id)));
    if (found.length === 0) throw new Error(`no window ${id}; windows: ${transcript.windows.map((w) => w.id).join(", ")}; error: ${transcript.error}`);
    return found[found.length - 1];
  };
  const item = (windowId: string, itemId: string): TranscriptItem => {
    const found = window(windowId).items[itemId];
    if (found === undefined) throw new Error(`window ${windowId} has no item ${itemId}`);
    return found;
  };
  return {
    dir,
    transcript,
    calls,
    window,
    hasWindow: (id) => transcript.windows.some((w) => w.id === id || (id === MESSAGE && /^KartaLinkHQueueMessage\d+$/.test(w.id))),
    item,
    text: (windowId, itemId) => {
      const it = item(windowId, itemId);
      return collapse(it.type === "TextEdit" ? it.PlainText : it.Text);
    },
    callsOf: (command) => calls.filter((call) => call.command === command),
  };
}

/** The stand-in writes empty Lua tables as {}: read a stored list either way. */
export function list(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === "object" && Object.keys(value).length === 0) return [];
  throw new Error(`not a list: ${JSON.stringify(value)}`);
}

/** comp or fu data under KartaLink.HQueueRender. */
export function stored(data: unknown): Record<string, unknown> | undefined {
  const root = (data as Record<string, Record<string, unknown>> | null)?.KartaLink;
  return root?.HQueueRender as Record<string, unknown> | undefined;
}

export const set = (id: string, prop: string, value: string | number | boolean, window?: string): StandinAction =>
  window === undefined ? { do: "set", id, prop, value } : { do: "set", id, prop, value, window };
export const click = (id: string, window?: string): StandinAction => (window === undefined ? { do: "click", id } : { do: "click", id, window });
export const timers: StandinAction = { do: "timers" };
export const close = (window?: string): StandinAction => (window === undefined ? { do: "close" } : { do: "close", window });
