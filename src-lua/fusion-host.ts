/**
 * The thin binding to Fusion's globals (fu, comp, bmd) and to Lua's io/os: every Fusion or process call of the
 * comp script outside the UI code is here, and everything it returns is plain data (see host.ts).
 */
import type { Platform } from "../types/request";
import type { CompSnapshot, Host, OsName, SaverSnapshot } from "./host";
import { basenameOf, dirnameOf } from "./text";
import { type WinApi, loadWinApi } from "./win-api";
import { chooseWindowsTemp, isAscii, narrowLaunchProblem } from "./wide-text";

/**
 * A global that may be absent, read as a bare name (so through the script's own environment, which a host may set
 * with setfenv, not necessarily _G); a host with a strict global table errors on unknown names, hence the pcall.
 */
function readGlobal(read: () => unknown): unknown {
  const [ok, value] = pcall(read);
  return ok ? value : undefined;
}

/**
 * Fusion's FuPLATFORM_* globals (fusion.md §1, the usual idiom), else LuaJIT's `require("ffi").os` (fusion.md §1,
 * IS), else the directory separator in `package.config` (fusion.md §5, DL), which only tells Windows from the rest.
 */
export function detectOs(): OsName {
  if (readGlobal(() => FuPLATFORM_WINDOWS)) return "Windows";
  if (readGlobal(() => FuPLATFORM_MAC)) return "Mac";
  if (readGlobal(() => FuPLATFORM_LINUX)) return "Linux";
  const [ffiLoaded, ffi] = pcall(require, "ffi");
  const ffiOs = ffiLoaded && typeof ffi === "object" ? (ffi as { os?: unknown }).os : undefined;
  if (ffiOs === "Windows") return "Windows";
  if (ffiOs === "OSX") return "Mac";
  if (typeof ffiOs === "string" && ffiOs !== "") return "Linux";
  // `package` is a reserved word in TS: read Lua's standard package table through _G.
  const lua = readGlobal(() => (_G as unknown as LuaTable<string, unknown>).get("package"));
  const config = typeof lua === "object" && lua !== undefined ? (lua as { config?: unknown }).config : undefined;
  if (typeof config === "string" && config.substring(0, 1) === "\\") return "Windows";
  return "Linux";
}

/**
 * The CPU this LuaJIT was built for: LuaJIT's `require("ffi").arch` ("x64", "arm64", ...; LuaJIT FFI docs,
 * https://luajit.org/ext_ffi_api.html#ffi_arch). Fusion on Apple Silicon runs natively as arm64, or as x64 under Rosetta.
 */
export function detectCpuArch(): string | undefined {
  const [ffiLoaded, ffi] = pcall(require, "ffi");
  const arch = ffiLoaded && typeof ffi === "object" ? (ffi as { arch?: unknown }).arch : undefined;
  return typeof arch === "string" && arch !== "" ? arch : undefined;
}

/** The part of LuaJIT's FFI used here (https://luajit.org/ext_ffi_api.html: ffi.cdef, ffi.C). */
interface LuajitFfi {
  cdef(this: void, declarations: string): void;
  C: { access(this: void, path: string, mode: number): number };
}

/** POSIX `X_OK` (execute permission): 1 in both glibc's and macOS's <unistd.h>. */
const X_OK = 1;
let accessDeclared = false;

/**
 * Whether this process may run `path`: POSIX `access(path, X_OK)` from the C library through LuaJIT's FFI (fusion.md
 * §1: `require "ffi"` is used by Fusion scripts), a system call that starts no process, so the UI thread never waits
 * on one. Undefined on Windows (no execute bit: every .exe may run) and when the FFI or the call is unavailable, so a
 * host that cannot tell changes nothing. Unverified in a real Fusion: that ffi.C resolves libc's `access` there
 * (it is in every POSIX libc, and LuaJIT's default C namespace holds the C library).
 */
export function executableByAccess(osName: OsName, path: string): boolean | undefined {
  if (osName === "Windows") return undefined;
  const [loaded, ffiModule] = pcall(require, "ffi");
  if (!loaded || typeof ffiModule !== "object") return undefined;
  const ffi = ffiModule as LuajitFfi;
  if (!accessDeclared) {
    // A second declaration in the same Lua state (another script's) is refused by LuaJIT: the first one serves.
    pcall(() => ffi.cdef("int access(const char *path, int amode);"));
    accessDeclared = true;
  }
  const [called, result] = pcall(() => ffi.C.access(path, X_OK));
  if (!called || typeof result !== "number") return undefined;
  return result === 0;
}

export function platformOf(os: OsName): Platform {
  return os === "Windows" ? "windows" : os === "Mac" ? "macosx" : "linux";
}

/** A number as a frame: Fusion may report 10 as 10.0000001 (or a stand-in as a float): nearest integer. */
function frameOr(value: unknown, fallback: number): number {
  if (typeof value !== "number" || value !== value || value === math.huge || value === -math.huge) return fallback;
  return math.floor(value + 0.5);
}

/** `obj:GetAttrs()` as a table, never throwing. */
function attrsOf<T extends object>(read: () => T | undefined): Partial<T> {
  const [ok, value] = pcall(read);
  return ok && typeof value === "object" && value !== undefined ? (value as Partial<T>) : {};
}

/** The time key of non-animated inputs: `fu.TIME_UNDEFINED`, or the bare global (both fusion.md §1, R19). */
function timeUndefined(): number | undefined {
  const [ok, value] = pcall(() => fu.TIME_UNDEFINED);
  if (ok && typeof value === "number") return value;
  const bare = readGlobal(() => TIME_UNDEFINED);
  return typeof bare === "number" ? bare : undefined;
}

/** `saver.Clip[time]` (an input indexed by time), or undefined when the tool has no such input or it fails. */
function clipInputAt(tool: Tool, time: number): string | undefined {
  const [ok, value] = pcall(() => {
    const clip = tool.Clip;
    if (clip === undefined || clip === null) return undefined;
    return clip[time];
  });
  return ok && typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * The Saver's file name as written. fusion.md §2 Savers names three documented ways, tried in turn:
 * `saver.Clip[fu.TIME_UNDEFINED]` (R19), `GetAttrs().TOOLST_Clip_Name` (a string or a table, DL), `saver.Clip[1]` (DL).
 */
function saverRawPath(tool: Tool, attrs: Partial<ToolAttrs>): string {
  const time = timeUndefined();
  if (time !== undefined) {
    const fromInput = clipInputAt(tool, time);
    if (fromInput !== undefined) return fromInput;
  }
  const clipName: unknown = attrs.TOOLST_Clip_Name;
  if (typeof clipName === "string" && clipName !== "") return clipName;
  if (typeof clipName === "object" && clipName !== undefined) {
    const first = (clipName as LuaTable<number, unknown>).get(1);
    if (typeof first === "string" && first !== "") return first;
  }
  return clipInputAt(tool, 1) ?? "";
}

function startsWithCompMap(path: string): boolean {
  return path.substring(0, 5).toLowerCase() === "comp:";
}

/**
 * `Comp:` resolved by hand: the comp's folder (from COMPS_FileName) + the rest. Deadline does the same because
 * `Comp:` does not always expand (fusion.md §1 Pitfall, DL RenderTasks.eyeonscript).
 */
export function expandCompMap(path: string, compFileName: string): string | undefined {
  if (!startsWithCompMap(path) || compFileName === "") return undefined;
  const folder = dirnameOf(compFileName);
  if (folder === "") return undefined;
  const windows = compFileName.includes("\\") && !compFileName.includes("/");
  const separator = windows ? "\\" : "/";
  let rest = path.substring(5);
  while (rest.substring(0, 1) === "/" || rest.substring(0, 1) === "\\") rest = rest.substring(1);
  if (windows) rest = rest.split("/").join("\\");
  const last = folder.substring(folder.length - 1);
  return last === "/" || last === "\\" ? folder + rest : folder + separator + rest;
}

/** comp:MapPath (fusion.md §1), with the hand-made `Comp:` fallback when the map is left in place. */
export function mapSaverPath(c: Composition, rawPath: string, compFileName: string): string {
  const [mapped, result] = pcall(() => c.MapPath(rawPath));
  const path = mapped && typeof result === "string" && result !== "" ? result : rawPath;
  if (!startsWithCompMap(path)) return path;
  const byHand = expandCompMap(path, compFileName);
  if (byHand === undefined) return path;
  // The rest may start with another map (`Comp:` pointing at `Renders:` is unusual, but harmless to expand).
  const [again, expanded] = pcall(() => c.MapPath(byHand));
  return again && typeof expanded === "string" && expanded !== "" ? expanded : byHand;
}

/**
 * GetToolList(false, regId), else every tool; either way only tools whose TOOLS_RegID is `regId` (fusion.md §2:
 * `GetToolList(false, "Saver")`; the same call with "Loader" for Loaders, whose RegID fusion.d.ts ToolAttrs names).
 */
function toolsOfType(c: Composition, regId: "Saver" | "Loader"): { tool: Tool; attrs: Partial<ToolAttrs> }[] {
  const found: { tool: Tool; attrs: Partial<ToolAttrs> }[] = [];
  let filtered = true;
  let [ok, tools] = pcall(() => c.GetToolList(false, regId));
  if (!ok || typeof tools !== "object") {
    filtered = false;
    [ok, tools] = pcall(() => c.GetToolList(false));
  }
  if (!ok || typeof tools !== "object" || tools === undefined) return found;
  for (const [, value] of pairs(tools as unknown as LuaTable<AnyNotNil, unknown>)) {
    // Fusion's tools are userdata (a stand-in may use tables): only plain values are not tools.
    if (value === undefined || typeof value === "string" || typeof value === "number" || typeof value === "boolean") continue;
    const tool = value as Tool;
    const attrs = attrsOf<ToolAttrs>(() => tool.GetAttrs());
    const toolRegId: unknown = attrs.TOOLS_RegID;
    // A list that ignored the filter holds other tools too; without a RegID, trust a filtered list only.
    if (toolRegId === regId || (toolRegId === undefined && filtered)) found.push({ tool, attrs });
  }
  return found;
}

/**
 * The Savers or the Loaders: name, pass-through (TOOLB_PassThrough) and the file name, read the same documented ways
 * for both (the Clip input, TOOLST_Clip_Name; fusion.d.ts Tool.Clip names both tools). A Loader's clip frame range has
 * no documented attribute, so no `frames` are sent: the helper checks the file as written.
 */
function readClipTools(c: Composition, kind: "Saver" | "Loader", compFileName: string): SaverSnapshot[] {
  const tools: SaverSnapshot[] = [];
  for (const { tool, attrs } of toolsOfType(c, kind)) {
    const rawPath = saverRawPath(tool, attrs);
    tools.push({
      name: typeof attrs.TOOLS_Name === "string" && attrs.TOOLS_Name !== "" ? attrs.TOOLS_Name : kind,
      enabled: attrs.TOOLB_PassThrough !== true,
      rawPath,
      path: rawPath !== "" ? mapSaverPath(c, rawPath, compFileName) : "",
    });
  }
  // Fusion documents no order for GetToolList: sort, so the request and the dialog do not depend on it.
  tools.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return tools;
}

/** `comp:GetPrefs("Comp.FrameFormat")` → `{Width, Height, Rate, ...}` (fusion.md §1, AY api/lib.py). */
function readFormat(c: Composition): CompSnapshot["format"] {
  const [ok, value] = pcall(() => c.GetPrefs("Comp.FrameFormat"));
  if (!ok || typeof value !== "object" || value === undefined) return undefined;
  const format = value as { Width?: unknown; Height?: unknown; Rate?: unknown };
  const num = (v: unknown): number | undefined => (typeof v === "number" && v > 0 ? v : undefined);
  return { width: num(format.Width), height: num(format.Height), rate: num(format.Rate) };
}

/**
 * The comp as plain data. Every attribute may be missing (a different Fusion, or a stand-in that implements only
 * part of the dump in fusion.md §2): the whole table first, then the single-key form, then a default
 * (not modified, step 1, render range for the global range).
 */
export function readCompSnapshot(c: Composition): CompSnapshot {
  const all = attrsOf<CompositionAttrs>(() => c.GetAttrs());
  const attr = (name: keyof CompositionAttrs): unknown => {
    const value: unknown = all[name];
    if (value !== undefined) return value;
    const [ok, single] = pcall(() => c.GetAttrs(name));
    return ok ? single : undefined;
  };
  const fileNameValue = attr("COMPS_FileName");
  const fileName = typeof fileNameValue === "string" ? fileNameValue : "";
  const nameValue = attr("COMPS_Name");
  const name = typeof nameValue === "string" && nameValue !== "" ? nameValue : basenameOf(fileName);
  const renderStart = frameOr(attr("COMPN_RenderStart"), frameOr(attr("COMPN_RenderStartTime"), 0));
  const renderEnd = frameOr(attr("COMPN_RenderEnd"), frameOr(attr("COMPN_RenderEndTime"), renderStart));
  const step = frameOr(attr("COMPI_RenderStep"), 1);
  const currentTime = attr("COMPN_CurrentTime");
  const hiQ = attr("COMPB_HiQ");
  const proxy = attr("COMPB_Proxy");
  const snapshot: CompSnapshot = {
    fileName,
    name,
    modified: attr("COMPB_Modified") === true,
    renderStart,
    renderEnd,
    globalStart: frameOr(attr("COMPN_GlobalStart"), renderStart),
    globalEnd: frameOr(attr("COMPN_GlobalEnd"), renderEnd),
    step: step >= 1 ? step : 1,
    savers: readClipTools(c, "Saver", fileName),
    loaders: readClipTools(c, "Loader", fileName),
    currentTime: typeof currentTime === "number" ? currentTime : undefined,
    hiQ: typeof hiQ === "boolean" ? hiQ : undefined,
    proxy: typeof proxy === "boolean" ? proxy : undefined,
  };
  snapshot.format = readFormat(c);
  return snapshot;
}

let tokenCounter = 0;

export function createFusionHost(c: Composition): Host {
  const osName = detectOs();
  // Windows: files and the launch go through the wide-character calls (any user name or TEMP); Lua's io otherwise.
  const win = osName === "Windows" ? loadWinApi() : undefined;
  return {
    os: osName,
    platform: platformOf(osName),
    cpuArch: detectCpuArch(),
    getenv: (name) => {
      const value = os.getenv(name);
      return value === undefined || value === "" ? undefined : value;
    },
    readComp: () => readCompSnapshot(c),
    getCompData: (key) => c.GetData(key),
    // No value (not an explicit nil) clears a key: the documented form (fusion.md §4, R19 Toolbar16).
    setCompData: (key, value) => (value === undefined ? c.SetData(key) : c.SetData(key, value as FusionDataValue)),
    saveComp: (path) => c.Save(path) === true,
    getStudioData: (key) => fu.GetData(key),
    setStudioData: (key, value) => (value === undefined ? fu.SetData(key) : fu.SetData(key, value as FusionDataValue)),
    // SetData on the app is kept in Fusion.prefs; write the file now so a crash does not lose it.
    flushStudioData: () => {
      pcall(() => fu.SavePrefs());
    },
    mapGlobalPath: (path) => fu.MapPath(path),
    fileExists: (path) => win?.fileExists(path) === true || bmd.fileexists(path) === true,
    isExecutable: (path) => executableByAccess(osName, path),
    dirExists: (path) => bmd.direxists(path) === true,
    createDir: (path) => {
      bmd.createdir(path);
      return bmd.direxists(path) === true;
    },
    readFile: (path) => {
      const wide = win?.readFile(path);
      if (wide !== undefined) return wide === false ? undefined : wide;
      const [file] = io.open(path, "rb");
      if (file === undefined) return undefined;
      const text = file.read("*a");
      file.close();
      return typeof text === "string" ? text : undefined;
    },
    writeFile: (path, text) => {
      const wide = win?.writeFile(path, text);
      if (wide !== undefined) return wide;
      const [file] = io.open(path, "wb");
      if (file === undefined) return false;
      const [written] = file.write(text);
      file.close();
      return written !== undefined;
    },
    removeFile: (path) => {
      if (win?.removeFile(path) === true) return;
      os.remove(path);
    },
    tempDir: () => {
      // GetTempPathW: the OS's own answer, in Unicode (os.getenv gives TEMP in the ANSI code page).
      if (osName === "Windows") return chooseWindowsTemp(win?.tempPath(), os.getenv("TEMP"), os.getenv("TMP"));
      const value = os.getenv("TMPDIR");
      return value !== undefined && value !== "" ? stripTrailingSeparator(value) : "/tmp";
    },
    uniqueToken: () => {
      tokenCounter++;
      // tostring({}) is "table: 0x…": an address unique among live objects, so two Fusion processes
      // (or two runs in the same second) do not collide.
      const address = tostring({}).replace("table: ", "").replace("0x", "");
      return string.format("%d-%d-%s", os.time(), tokenCounter, address);
    },
    runCommand: (commandLine) => {
      const [pipe] = io.popen(commandLine, "r");
      if (pipe === undefined) return undefined;
      const output = pipe.read("*a");
      pipe.close();
      return typeof output === "string" ? output : "";
    },
    launchBackground: (commandLine) => launchBackground(osName, commandLine, win),
    now: () => os.time(),
    sleep: (seconds) => {
      pcall(() => bmd.wait(seconds));
    },
    openUrl: (url) => bmd.openurl(url),
    scriptPath: () => scriptPathFromSource(debug.getinfo(1, "S")?.source),
    log: (message) => print(message),
  };
}

/**
 * Windows: CreateProcessW with CREATE_NO_WINDOW through LuaJIT's FFI (fusion.md §5: the proper fix for console
 * flashes, and the only launch that passes a non-ASCII line intact; src-lua/win-api.ts). Without the FFI:
 * `bmd.executebg` (fusion.md §1 table, §5, §11: starts a process without a console window and does not
 * wait; its return value is not documented, so only an error counts as a failure), for an ASCII line only. A Fusion without it gets
 * `os.execute('start "" /B ...')` (fusion.md §5 Backgrounding, IS), which flashes a console window but works.
 * macOS/Linux: `os.execute` of a line that ends in `&` (fusion.md §5 Backgrounding, IS/RP): sh returns at once.
 * Either way a launch that did not really happen shows as a helper that never writes its phase file.
 */
function launchBackground(osName: OsName, commandLine: string, win: WinApi | undefined): string | undefined {
  if (osName === "Windows") {
    if (win !== undefined) {
      const problem = win.launch(commandLine, comSpec());
      if (problem === undefined) return undefined;
      // The narrow launchers below pass only ASCII safely.
      if (!isAscii(commandLine)) return problem;
    }
    const narrow = narrowLaunchProblem(commandLine);
    if (narrow !== undefined) return narrow;
    const [launched] = pcall(() => bmd.executebg(commandLine));
    if (launched) return undefined;
    const [executed, problem] = pcall(() => os.execute('start "" /B ' + commandLine));
    return executed ? undefined : tostring(problem);
  }
  const [executed, problem] = pcall(() => os.execute(commandLine));
  return executed ? undefined : tostring(problem);
}

/** cmd.exe's full path: %ComSpec% when it names an ASCII cmd.exe (it always does on a stock Windows), else System32's. */
function comSpec(): string {
  const value = os.getenv("ComSpec");
  if (value !== undefined && isAscii(value) && value.toLowerCase().endsWith("\\cmd.exe")) return value;
  const root = os.getenv("SystemRoot");
  return (root !== undefined && root !== "" && isAscii(root) ? root : "C:\\Windows") + "\\System32\\cmd.exe";
}

/**
 * `debug.getinfo(1).source` (fusion.md §1, UIX GetScriptDir.lua) is `@<path>` for a script loaded from a file. A host
 * that loads the text with a plain chunk name gets the path without `@`; the script's text or `=name` is no path.
 */
export function scriptPathFromSource(source: unknown): string | undefined {
  if (typeof source !== "string" || source === "") return undefined;
  if (source.substring(0, 1) === "@") return source.length > 1 ? source.substring(1) : undefined;
  if (source.substring(0, 1) === "=" || source.includes("\n")) return undefined;
  const lower = source.toLowerCase();
  return lower.length > 4 && lower.substring(lower.length - 4) === ".lua" ? source : undefined;
}

function stripTrailingSeparator(path: string): string {
  let end = path.length;
  while (end > 1 && (path.substring(end - 1, end) === "/" || path.substring(end - 1, end) === "\\")) end--;
  return path.substring(0, end);
}
