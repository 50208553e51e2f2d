/**
 * The dialog's settings as plain data: defaults, validation of stored (possibly old, foreign or corrupt) values,
 * and layering (built-in defaults < studio defaults < the comp's last-used settings).
 * Pure: no Fusion calls, so the same rules apply to comp data, studio data and named presets.
 */
import type { Platform, SharedRoot } from "../types/request";

export type FrameChoice = "render" | "global" | "custom";
export type AssignMode = "any" | "clients" | "groups";

/** Everything the submit dialog lets the artist choose. Stored as-is (a Lua table) in comp data and presets. */
export interface Settings {
  /** `host`, `host:port` or a URL. */
  server: string;
  /** "" = the comp's name without `.comp`. */
  jobName: string;
  description: string;
  /** 0..10 */
  priority: number;
  frameChoice: FrameChoice;
  /** The custom frame set text, kept even while another choice is active. */
  customFrames: string;
  /** 0 = every frame in one task. */
  framesPerTask: number;
  assignMode: AssignMode;
  assignNames: string[];
  platforms: Platform[];
  sameOsOnly: boolean;
  renderNodeVersion: string;
  renderNodePaths: Partial<Record<Platform, string>>;
  sharedRoots: SharedRoot[];
  /** 0 = the server's default. */
  tries: number;
  /** 0 = the whole machine. */
  cpus: number;
  logDir: string;
  emailTo: string;
  emailReasons: string[];
  environment: Record<string, string>;
  // No `paused`: submitting paused is a choice for one submission, so it is never stored (a stored "paused" that
  // the artist does not see would silently pause every later job). It travels next to the settings (buildRequest).
}

export type SettingsKey = keyof Settings;

export const ALL_PLATFORMS: Platform[] = ["linux", "macosx", "windows"];
export const PLATFORM_LABELS: Record<Platform, string> = { linux: "Linux", macosx: "macOS", windows: "Windows" };
/** Fusion Render Node major versions offered in the dialog (LF offers 9, 16–21). */
export const RENDER_NODE_VERSIONS = ["21", "20", "19", "18", "17", "16", "9"];

/**
 * Built-in defaults. Client OSes default to the submitting machine's OS only (the old script's "Auto"): a comp
 * path needs no mapping then, so the dialog works out of the box; a mixed farm adds its OSes and shared roots
 * once, as studio defaults.
 */
export function defaultSettings(platform?: Platform, server?: string): Settings {
  return {
    // $HQUEUE_SERVER, as the helper's command line reads it, when the studio sets it for everyone.
    server: server !== undefined && server !== "" ? server : "localhost:5000",
    jobName: "",
    description: "",
    priority: 5,
    frameChoice: "render",
    customFrames: "",
    framesPerTask: 10,
    assignMode: "any",
    assignNames: [],
    platforms: platform !== undefined ? [platform] : ["linux", "macosx", "windows"],
    sameOsOnly: false,
    renderNodeVersion: "19",
    renderNodePaths: {},
    sharedRoots: [],
    tries: 0,
    cpus: 0,
    logDir: "",
    emailTo: "",
    emailReasons: [],
    environment: {},
  };
}

/** Settings that belong to one comp and are never promoted to studio defaults. */
export const COMP_ONLY_KEYS: SettingsKey[] = ["jobName", "description"];

export function copySettings(source: Settings): Settings {
  const paths: Partial<Record<Platform, string>> = {};
  for (const platform of ALL_PLATFORMS) {
    const path = source.renderNodePaths[platform];
    if (path !== undefined) paths[platform] = path;
  }
  const environment: Record<string, string> = {};
  for (const name of sortedKeys(source.environment)) environment[name] = source.environment[name];
  return {
    ...source,
    assignNames: [...source.assignNames],
    platforms: [...source.platforms],
    renderNodePaths: paths,
    sharedRoots: source.sharedRoots.map((root) => copyRoot(root)),
    emailReasons: [...source.emailReasons],
    environment,
  };
}

function copyRoot(root: SharedRoot): SharedRoot {
  const copy: SharedRoot = {};
  for (const platform of ALL_PLATFORMS) {
    const path = root[platform];
    if (path !== undefined && path !== "") copy[platform] = path;
  }
  return copy;
}

export function sortedKeys(record: object): string[] {
  const keys: string[] = [];
  for (const key in record) keys.push(key);
  keys.sort();
  return keys;
}

/* ------------------------------------------------------------------------------------------------
 * Reading stored values. Stored data may come from an older or newer script, from a hand edit of the
 * .comp, or be damaged: every field is checked on its own, a bad field falls back to the base value and
 * is reported by name, and nothing here throws.
 * --------------------------------------------------------------------------------------------- */

export interface ReadResult {
  settings: Settings;
  /** Fields that were present but unusable ("priority", "sharedRoots"...). */
  badFields: string[];
}

function isInteger(value: unknown): value is number {
  return typeof value === "number" && value === value && math.floor(value) === value && value > -1e15 && value < 1e15;
}

/** A Lua sequence stored by SetData comes back as a table with keys 1..n; anything else is not a list. */
function asList(value: unknown): unknown[] | undefined {
  if (typeof value !== "object" || value === undefined) return undefined;
  const table = value as LuaTable<AnyNotNil, unknown>;
  let count = 0;
  for (const [key] of pairs(table)) {
    if (typeof key !== "number") return undefined;
    count++;
  }
  const list: unknown[] = [];
  for (let i = 1; i <= count; i++) {
    const item = table.get(i);
    if (item === undefined) return undefined;
    list.push(item);
  }
  return list;
}

function asRecord(value: unknown): LuaTable<AnyNotNil, unknown> | undefined {
  if (typeof value !== "object" || value === undefined) return undefined;
  return value as LuaTable<AnyNotNil, unknown>;
}

function asStringList(value: unknown): string[] | undefined {
  const list = asList(value);
  if (list === undefined) return undefined;
  const strings: string[] = [];
  for (const item of list) {
    if (typeof item !== "string") return undefined;
    strings.push(item);
  }
  return strings;
}

function isPlatform(value: unknown): value is Platform {
  return value === "linux" || value === "macosx" || value === "windows";
}

function asPlatformPaths(value: unknown): Partial<Record<Platform, string>> | undefined {
  const table = asRecord(value);
  if (table === undefined) return undefined;
  const paths: Partial<Record<Platform, string>> = {};
  for (const [key, path] of pairs(table)) {
    if (!isPlatform(key) || typeof path !== "string") return undefined;
    if (path !== "") paths[key] = path;
  }
  return paths;
}

/**
 * Overlay the usable fields of `stored` onto `base`. `stored` is whatever GetData returned (any Lua value).
 * `undefined` (nothing stored) is not an error; a non-table is reported as the field "(whole value)".
 */
export function readSettings(stored: unknown, base: Settings): ReadResult {
  const settings = copySettings(base);
  const badFields: string[] = [];
  if (stored === undefined) return { settings, badFields };
  const table = asRecord(stored);
  if (table === undefined) return { settings, badFields: ["(whole value)"] };
  const raw = (key: string): unknown => table.get(key);
  const bad = (key: string): void => {
    badFields.push(key);
  };

  const stringField = (key: "server" | "jobName" | "description" | "customFrames" | "logDir" | "emailTo" | "renderNodeVersion"): void => {
    const value = raw(key);
    if (value === undefined) return;
    if (typeof value === "string") settings[key] = value;
    else if (key === "renderNodeVersion" && isInteger(value)) settings[key] = string.format("%d", value);
    else bad(key);
  };
  const intField = (key: "priority" | "framesPerTask" | "tries" | "cpus", min: number, max: number): void => {
    const value = raw(key);
    if (value === undefined) return;
    if (isInteger(value) && value >= min && value <= max) settings[key] = value;
    else bad(key);
  };
  const boolField = (key: "sameOsOnly"): void => {
    const value = raw(key);
    if (value === undefined) return;
    if (typeof value === "boolean") settings[key] = value;
    else bad(key);
  };

  stringField("server");
  stringField("jobName");
  stringField("description");
  stringField("customFrames");
  stringField("logDir");
  stringField("emailTo");
  stringField("renderNodeVersion");
  intField("priority", 0, 10);
  intField("framesPerTask", 0, 1000000);
  intField("tries", 0, 100);
  intField("cpus", 0, 256);
  boolField("sameOsOnly");
  // A `paused` stored by an earlier version is ignored on purpose (see Settings).

  const frameChoice = raw("frameChoice");
  if (frameChoice !== undefined) {
    if (frameChoice === "render" || frameChoice === "global" || frameChoice === "custom") settings.frameChoice = frameChoice;
    else bad("frameChoice");
  }
  const assignMode = raw("assignMode");
  if (assignMode !== undefined) {
    if (assignMode === "any" || assignMode === "clients" || assignMode === "groups") settings.assignMode = assignMode;
    else bad("assignMode");
  }
  const assignNames = raw("assignNames");
  if (assignNames !== undefined) {
    const names = asStringList(assignNames);
    if (names !== undefined) settings.assignNames = names;
    else bad("assignNames");
  }
  const emailReasons = raw("emailReasons");
  if (emailReasons !== undefined) {
    const reasons = asStringList(emailReasons);
    if (reasons !== undefined) settings.emailReasons = reasons;
    else bad("emailReasons");
  }
  const platforms = raw("platforms");
  if (platforms !== undefined) {
    const names = asStringList(platforms);
    const valid = names !== undefined && names.every((name) => isPlatform(name));
    if (valid && names !== undefined) settings.platforms = ALL_PLATFORMS.filter((p) => names.includes(p));
    else bad("platforms");
  }
  const paths = raw("renderNodePaths");
  if (paths !== undefined) {
    const parsed = asPlatformPaths(paths);
    if (parsed !== undefined) settings.renderNodePaths = parsed;
    else bad("renderNodePaths");
  }
  const roots = raw("sharedRoots");
  if (roots !== undefined) {
    const list = asList(roots);
    const parsed: SharedRoot[] = [];
    let valid = list !== undefined;
    for (const item of list ?? []) {
      const root = asPlatformPaths(item);
      if (root === undefined) valid = false;
      else parsed.push(root);
    }
    if (valid) settings.sharedRoots = parsed;
    else bad("sharedRoots");
  }
  const environment = raw("environment");
  if (environment !== undefined) {
    const table = asRecord(environment);
    const parsed: Record<string, string> = {};
    let valid = table !== undefined;
    if (table !== undefined) {
      for (const [name, value] of pairs(table)) {
        if (typeof name === "string" && typeof value === "string") parsed[name] = value;
        else valid = false;
      }
    }
    if (valid) settings.environment = parsed;
    else bad("environment");
  }
  return { settings, badFields };
}

/** A Lua table fit for SetData: plain strings, numbers, booleans and tables, nothing else. */
export function settingsToStored(settings: Settings): Settings {
  return copySettings(settings);
}

/** Settings as studio defaults: without the fields that belong to one comp (job name, description). */
export function studioSettingsToStored(settings: Settings): Partial<Settings> {
  const stored: Partial<Settings> = copySettings(settings);
  for (const key of COMP_ONLY_KEYS) delete stored[key];
  return stored;
}

/** True when an advanced option (tries, CPUs, log folder, e-mail, environment) differs from the built-in default. */
export function advancedDiffers(settings: Settings, builtIn: Settings): boolean {
  return (
    settings.tries !== builtIn.tries ||
    settings.cpus !== builtIn.cpus ||
    settings.logDir !== builtIn.logDir ||
    settings.emailTo !== builtIn.emailTo ||
    settings.emailReasons.join(",") !== builtIn.emailReasons.join(",") ||
    !sameRecord(settings.environment, builtIn.environment)
  );
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keysA = sortedKeys(a);
  const keysB = sortedKeys(b);
  if (keysA.length !== keysB.length) return false;
  for (let i = 0; i < keysA.length; i++) {
    if (keysA[i] !== keysB[i] || a[keysA[i]] !== b[keysB[i]]) return false;
  }
  return true;
}

/** The settings with the comp-specific fields taken from `compSettings` (used when applying studio defaults). */
export function withoutCompOnly(source: Settings, keep: Settings): Settings {
  const result = copySettings(source);
  result.jobName = keep.jobName;
  result.description = keep.description;
  return result;
}
