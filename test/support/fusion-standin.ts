/**
 * Runs a comp script under the LuaJIT Fusion stand-in (test/support/fusion-standin.lua) and returns its transcript.
 *
 * Protocol summary (full text: the header of fusion-standin.lua and the shared protocol note):
 * - the stand-in provides fu/fusion/app, comp/composition, bmd, FuPLATFORM_*, TIME_UNDEFINED, Target, Hotkeys, dump
 *   with only the members declared in types/fusion.d.ts; methods assert colon calls, bmd functions dot calls;
 * - `actions` are consumed in order while the script is inside disp:RunLoop(); when the queue is empty the stand-in
 *   closes the target window, and aborts the run if the loop still does not exit;
 * - print()/dump() go to `console` (and stderr); io.popen/os.execute/bmd.executebg are recorded in `executed`
 *   (and only run when exec is "real"); bmd.executebg runs its line in the background and does not wait (fusion.md
 *   §11), returning nothing a script may rely on;
 * - timers fire only in `timers` actions (and, with `idleTimers`, when the queue is empty), with real time passing
 *   between rounds, so background processes the script follows make progress;
 * - every handler call is timed (wall clock, nested RunLoops excluded): `slowestHandler` / `handlerMs`.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const repoRoot = path.resolve(__dirname, "../..");
export const standinScript = path.join(repoRoot, "test/support/fusion-standin.lua");

/** A value as it travels through JSON. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One scripted user action (consumed inside disp:RunLoop()). `window` picks a window by ID (default: the most recently shown visible one). */
export type StandinAction =
  /**
   * Sets a property and fires what Qt emits for a user edit (TextChanged, ValueChanged, CurrentIndexChanged, CheckBox Clicked)
   * when it changed. `silent`: fires nothing (a harness that only writes values).
   */
  | { do: "set"; id: string; prop: string; value: string | number | boolean; window?: string; silent?: boolean }
  /** Fires Clicked (CheckBox: toggles Checked first). Disabled or hidden items ignore it (recorded in `ignored`). */
  | { do: "click"; id: string; window?: string }
  /** Fires the window's Close event (title-bar X), then hides the window. */
  | { do: "close"; window?: string }
  /**
   * Fires Timeout of every started timer per round until none is active or maxTicks rounds (default 50). Real time
   * passes between rounds: sleepMs, else the shortest active Interval capped at 20 ms.
   */
  | { do: "timers"; maxTicks?: number; sleepMs?: number }
  /** Tree: fires ItemClicked with ev.item = top-level row `row` (0-based). */
  | { do: "select"; id: string; row: number; column?: number; window?: string }
  | { do: "sleep"; ms: number }
  /** Runs the `Execute{cmd=[[...]]}` bound to `key` by app:AddConfig Hotkeys for the window's TargetID (obj = the window). */
  | { do: "hotkey"; key: string; window?: string }
  /** Fires an arbitrary event (e.g. ReturnPressed) on an item; on the window ID it fires Close without hiding. */
  | { do: "event"; id: string; event: string; window?: string }
  /** Records every visible window with its element tree as it is now (Transcript.snapshots): the docs' pictures. */
  | { do: "snapshot"; name: string };

export interface StandinCompConfig {
  /** .comp file (Lua table text) providing ranges, step, tools, savers, CustomData. Omit for an empty comp. */
  file?: string;
  /** COMPS_FileName; "" = never saved. Default: absolute path of `file` ("" without a file). */
  fileName?: string;
  /** COMPB_Modified (default false). */
  modified?: boolean;
  /** Attribute overrides, e.g. { COMPN_RenderStart: 5 }. */
  attrs?: Record<string, JsonValue>;
  /** Initial comp custom data (default: the .comp's top-level CustomData). */
  data?: Record<string, JsonValue>;
  /** Comp path maps for comp:MapPath (names case-insensitive, e.g. "Renders:"). `Comp:` is always the comp's folder. */
  pathMaps?: Record<string, string>;
  /** Names of selected tools (for GetToolList(true, ...)). */
  selected?: string[];
  /** comp:Save() records the call and returns false. */
  saveFails?: boolean;
  /** comp:SetData also sets COMPB_Modified (undocumented in Fusion: lets tests cover both behaviours). */
  setDataMarksModified?: boolean;
  /** Attributes left out of comp:GetAttrs() (e.g. COMPB_Modified, COMPI_RenderStep). */
  omitAttrs?: string[];
  /** GetToolList order: by name (default) or reversed (Fusion documents no order). */
  toolListOrder?: "name" | "reverse";
  /** GetToolList(selected, regId) ignores regId and returns every tool. */
  toolListIgnoresRegId?: boolean;
  /**
   * Where a Saver's file name shows: "both" (default: `saver.Clip[fu.TIME_UNDEFINED]` and TOOLST_Clip_Name as a table),
   * "input" (Clip input only), "attrs" (TOOLST_Clip_Name table only), "attrsString" (TOOLST_Clip_Name string only).
   */
  saverClip?: "both" | "input" | "attrs" | "attrsString";
  /** false: comp:MapPath does not expand `Comp:` (the DL pitfall of fusion.md §1). Default true. */
  mapPathExpandsComp?: boolean;
}

export interface StandinConfig {
  /** Comp script to run (relative to the repo root or absolute). */
  script: string;
  platform?: "Linux" | "Mac" | "Windows";
  /** fu:GetVersion(); FUSIONS_Version "a.b.c". Default [19, 1, 4]. */
  fusionVersion?: [number, number, number];
  /** fu:GetVersion().App (default "Fusion"). */
  fusionApp?: string;
  /** The comp; `null` = no composition (comp and fu.CurrentComp are nil). */
  comp?: StandinCompConfig | null;
  /** Initial fu:GetData() tree. */
  fuData?: Record<string, JsonValue>;
  /** fu:GetPrefs values by dotted name, e.g. { "Global.Paths.Map.Reactor:": "/opt/Reactor/" } (global path maps live there). */
  prefs?: Record<string, JsonValue>;
  /** os.getenv overrides; false = unset; others fall through to the real environment. */
  env?: Record<string, string | false>;
  actions?: StandinAction[];
  /** "real" (default): io.popen/os.execute run; "record": only recorded, io.popen returns nil, os.execute 256. */
  exec?: "real" | "record";
  /** false: fu.UIManager is nil (as in Resolve Free 19.1+). */
  uiManager?: boolean;
  /** Programmatic property writes also fire TextChanged/ValueChanged/CurrentIndexChanged, as Qt does (default false). */
  uiProgrammaticEvents?: boolean;
  /** Windows other scripts already opened: ui:FindWindow(id) returns a dummy for them. */
  existingWindows?: string[];
  /** Initial bmd.getclipboard() text. */
  clipboard?: string;
  /**
   * false: no FuPLATFORM_* globals; the platform shows only through package.config's separator and
   * require("ffi").os (both set from `platform`). Default true.
   */
  platformGlobals?: boolean;
  /**
   * How the script is loaded, which decides what `debug.getinfo(1).source` says: "file" (loadfile, "@<path>", default),
   * "namedString" (loadstring with the path as chunk name, "<path>"), "anonymousString" (loadstring, the code itself).
   */
  scriptLoad?: "file" | "namedString" | "anonymousString";
  /** false: require("ffi") fails. */
  ffi?: boolean;
  /** require("ffi").arch, e.g. "arm64" (default: the real LuaJIT's). */
  cpuArch?: string;
  /** "none": every handler gets an empty event table (no who, sender, Value, ...). Default "full". */
  uiEventFields?: "full" | "none";
  /** Which documented timer form is fired: win.On.<ID>.Timeout, disp.On.Timeout, or both (default). */
  uiTimerEvents?: "both" | "window" | "dispatcher";
  /** false: VGroup/HGroup/Stack with an ID are not in win:GetItems() (only widgets are). Default true. */
  uiGroupItems?: boolean;
  /** false: adding items to an empty ComboBox leaves CurrentIndex at -1 (nothing selected). Default true. */
  uiComboAutoSelect?: boolean;
  /**
   * true: when the action queue is empty and a timer is active, timers run (as a `timers` action, at most
   * idleMaxTicks rounds, default 50) before the window is closed: the artist waits before closing. Default false.
   */
  idleTimers?: boolean;
  idleMaxTicks?: number;
}

export interface TranscriptItem {
  type: string;
  ID: string;
  Enabled: boolean;
  Visible: boolean;
  /** ComboBox entries. */
  items?: string[];
  /** Tree rows (cells by column) and header. */
  rows?: string[][];
  header?: string[];
  /** Tree: how often Clear() was called (to tell updates in place from rebuilds). */
  clears?: number;
  [prop: string]: JsonValue | undefined;
}

export interface TranscriptWindow {
  id: string;
  title?: string;
  targetId?: string;
  shown: number;
  visible: boolean;
  recalcLayouts: number;
  props: Record<string, JsonValue>;
  items: Record<string, TranscriptItem>;
}

/**
 * One element of a window as the script built it (`ui:VGroup{...}`, `ui:Label{...}`, `ui:HGap(size, weight)`):
 * its UI Manager type, its properties (as they are now for items with an ID, as constructed otherwise; gaps carry
 * `size` and `weight`), combo entries / tree rows for those items, and its children in order.
 */
export interface LayoutNode {
  type: string;
  children: LayoutNode[];
  [prop: string]: JsonValue | LayoutNode[] | undefined;
}

/** The visible windows at one `snapshot` action, stacking order (front last). */
export interface Snapshot {
  name: string;
  windows: { id: string; props: Record<string, JsonValue>; layout: LayoutNode[] }[];
}

export interface Transcript {
  /** Script error (message + traceback), handler error or stand-in abort; null when the run ended normally. */
  error: string | null;
  console: string[];
  windows: TranscriptWindow[];
  compData: Record<string, JsonValue> | null;
  compModified: boolean;
  compFileName: string | null;
  /** One entry per comp:Save(): the path, or null for Save(). */
  compSaves: (string | null)[];
  fuData: Record<string, JsonValue>;
  prefs: Record<string, JsonValue>;
  prefsSaved: number;
  openedUrls: string[];
  /** Every process launch, in order: what a test counts to prove that something started no process. */
  executed: { fn: "io.popen" | "os.execute" | "bmd.executebg"; cmd: string; mode?: string }[];
  ignored: string[];
  /** Stand-in observations: unknown widget properties, ExitLoop outside RunLoop, unbalanced Lock/Undo, ... */
  warnings: string[];
  actionsLeft: number;
  timersStarted: string[];
  configs: { name: string; entries: Record<string, JsonValue>[] }[];
  clipboard?: string;
  snapshots: Snapshot[];
  /**
   * The longest time one event handler kept the UI thread busy (wall clock, ms; time in nested RunLoops, i.e. modal
   * message windows, excluded) and the handler's label, e.g. "win.On.Submit.Clicked"; per label in handlerMs.
   */
  slowestHandler: { ms: number; label: string | null };
  handlerMs: Record<string, number>;
}

export interface StandinRun {
  transcript: Transcript;
  /** The stand-in's stderr (print() echo and diagnostics). */
  stderr: string;
  stdout: string;
  exitCode: number | null;
}

/** Runs the stand-in and returns the transcript plus process output. Rejects when the stand-in itself fails (exit ≠ 0). */
export async function runFusionStandinFull(config: StandinConfig): Promise<StandinRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fusion-standin-"));
  try {
    const transcriptPath = path.join(dir, "transcript.json");
    const configPath = path.join(dir, "config.json");
    // A "Windows" comp script with no TEMP falls back to C:\Windows\Temp, which on this Linux machine would be a file
    // name in the working folder (the repository): give it this run's folder instead.
    const windowsTemp = config.platform === "Windows" && config.env?.TEMP === undefined && config.env?.TMP === undefined;
    const effective = windowsTemp ? { ...config, env: { ...config.env, TEMP: dir } } : config;
    fs.writeFileSync(configPath, JSON.stringify({ ...effective, transcript: transcriptPath }));
    const { exitCode, stdout, stderr } = await new Promise<{ exitCode: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn("luajit", [standinScript, configPath], { cwd: repoRoot });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
        child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
        child.on("error", reject);
        child.on("close", (code) =>
          resolve({ exitCode: code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }),
        );
      },
    );
    if (exitCode !== 0) throw new Error(`fusion stand-in failed (exit ${exitCode}):\n${stderr}`);
    const transcript = JSON.parse(fs.readFileSync(transcriptPath, "utf8")) as Transcript;
    return { transcript, stderr, stdout, exitCode };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the stand-in and returns its transcript. */
export async function runFusionStandin(config: StandinConfig): Promise<Transcript> {
  return (await runFusionStandinFull(config)).transcript;
}
