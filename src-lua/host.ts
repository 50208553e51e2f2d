/**
 * What the comp script needs from Fusion and the OS, as plain data and plain functions.
 * fusion-host.ts implements it with the real globals; everything else in src-lua only sees this interface.
 */
import type { Platform } from "../types/request";

/** Fusion's own platform names (FuPLATFORM_WINDOWS / FuPLATFORM_MAC / FuPLATFORM_LINUX). */
export type OsName = "Windows" | "Mac" | "Linux";

export interface SaverSnapshot {
  name: string;
  /** False when pass-through (TOOLB_PassThrough). */
  enabled: boolean;
  /** The Clip filename as written in the Saver (may start with `Comp:` or another path map); "" when none. */
  rawPath: string;
  /** `rawPath` resolved with comp:MapPath; "" when none. */
  path: string;
}

/** A Loader tool (its clip's file name, read like a Saver's). */
export interface LoaderSnapshot {
  name: string;
  /** False when pass-through (TOOLB_PassThrough): it reads nothing and is not checked. */
  enabled: boolean;
  /** The Clip filename as written in the Loader; "" when none. */
  rawPath: string;
  /** `rawPath` resolved with comp:MapPath; "" when none. */
  path: string;
}

export interface CompSnapshot {
  /** COMPS_FileName; "" when never saved. */
  fileName: string;
  /** COMPS_Name, e.g. "shot010.comp". */
  name: string;
  modified: boolean;
  renderStart: number;
  renderEnd: number;
  globalStart: number;
  globalEnd: number;
  step: number;
  /** Sorted by name (Fusion does not document the order of GetToolList). */
  savers: SaverSnapshot[];
  /** Sorted by name; absent when not read (a snapshot made without them: the helper then reads the comp file). */
  loaders?: LoaderSnapshot[];
  /** COMPN_CurrentTime, COMPB_HiQ, COMPB_Proxy (shown to the artist; render nodes use the comp file's settings). */
  currentTime?: number;
  hiQ?: boolean;
  proxy?: boolean;
  /** comp:GetPrefs("Comp.FrameFormat"): Width, Height, Rate, each undefined when unknown. */
  format?: { width?: number; height?: number; rate?: number };
}

export interface Host {
  os: OsName;
  platform: Platform;
  /** The CPU Fusion's LuaJIT runs on (LuaJIT's ffi.arch: "x64", "arm64", ...); undefined when unknown. */
  cpuArch?: string;
  getenv(name: string): string | undefined;

  readComp(): CompSnapshot;
  /** The comp's custom data under `key` (any Lua value, or undefined). Dotted keys are subtables (fusion.md §4). */
  getCompData(key: string): unknown;
  /** comp:SetData; `undefined` clears the key. */
  setCompData(key: string, value: unknown): void;
  /** comp:Save(path); true on success. */
  saveComp(path: string): boolean;

  /** fu:GetData / fu:SetData: studio (Fusion.prefs) data. Dotted keys are subtables; `undefined` clears the key. */
  getStudioData(key: string): unknown;
  setStudioData(key: string, value: unknown): void;
  /** Writes the studio data to Fusion.prefs now (after a group of setStudioData). */
  flushStudioData(): void;

  /** fu:MapPath: global path maps only. */
  mapGlobalPath(path: string): string;
  fileExists(path: string): boolean;
  /**
   * Whether this process may run the file at `path` (POSIX access(path, X_OK)), decided without starting a process;
   * undefined when this computer cannot tell (Windows, where every .exe may run; no LuaJIT FFI). Optional: a host
   * without it is taken as "cannot tell".
   */
  isExecutable?(path: string): boolean | undefined;
  dirExists(path: string): boolean;
  createDir(path: string): boolean;
  readFile(path: string): string | undefined;
  writeFile(path: string, text: string): boolean;
  removeFile(path: string): void;
  /** Folder for temporary files, without a trailing separator. */
  tempDir(): string;
  /** A name no other call in this process returns (for temp files). */
  uniqueToken(): string;
  /**
   * Runs a command line through the OS shell (io.popen) and returns everything it printed,
   * or undefined when it could not be started.
   */
  runCommand(commandLine: string): string | undefined;
  /**
   * Starts a command line without waiting for it (helper-session.ts builds the line for this OS). Returns undefined
   * when launched, or why it could not be. Whether the program then really runs shows only in the files it writes.
   */
  launchBackground(commandLine: string): string | undefined;
  /** Wall-clock seconds (os.time: whole seconds are enough for time limits). */
  now(): number;
  /** Sleeps (bmd.wait): only for a UI Manager whose timers never fire. */
  sleep(seconds: number): void;
  openUrl(url: string): void;
  /** Path of this script file (from debug.getinfo), or undefined. */
  scriptPath(): string | undefined;
  log(message: string): void;
}
