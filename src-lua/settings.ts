/**
 * The dialog's settings as plain data: defaults, validation of stored (possibly old, foreign or corrupt) values,
 * and layering (built-in defaults < studio defaults < the comp's last-used settings).
 * Pure: no Fusion calls, so the same rules apply to comp data, studio data and named presets.
 * The scalar fields' defaults, limits, labels and storage come from the field table (src-node/portable/fields.ts,
 * shared with the helper); the structured fields (lists and records) are handled here.
 */
import {
  FIELDS,
  type FieldRow,
  RENDER_NODE_VERSIONS as OFFERED_VERSIONS,
  fieldLabel,
  formatProblem,
  intProblem,
  isChoice,
  isWholeNumber,
  wholeText,
} from "../src-node/portable/fields";
import { ALL_PLATFORMS, PLATFORM_LABELS } from "../src-node/portable/platforms";
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
  /** Folder under which job folders are made ("" = the helper's default, <comp folder>/hqueue). */
  jobRoot: string;
  emailTo: string;
  emailReasons: string[];
  environment: Record<string, string>;
  // No `paused`: submitting paused is a choice for one submission, so it is never stored (a stored "paused" that
  // the artist does not see would silently pause every later job). It travels next to the settings (buildRequest).
}

export type SettingsKey = keyof Settings;

// The OS families and their labels: one portable definition for both runtimes.
export { ALL_PLATFORMS, PLATFORM_LABELS };
/** Fusion Render Node major versions offered in the dialog: the field table's list, which the helper uses too. */
export const RENDER_NODE_VERSIONS: string[] = [...OFFERED_VERSIONS];

/** The scalar fields kept in Settings (the table's rows that are stored at all). */
const STORED_ROWS: FieldRow[] = FIELDS.filter((row) => row.stored !== "never");

/** Settings as a record, for the table-driven loops (keys are the rows' keys). */
function asFieldRecord(settings: Settings | Partial<Settings>): Record<string, unknown> {
  return settings as unknown as Record<string, unknown>;
}

/**
 * Built-in defaults. Client OSes default to the submitting machine's OS only (the old script's "Auto"): a comp
 * path needs no mapping then, so the dialog works out of the box; a mixed farm adds its OSes and shared roots
 * once, as studio defaults.
 */
export function defaultSettings(platform?: Platform, server?: string): Settings {
  const settings: Settings = {
    // The scalar fields are overwritten from the field table just below.
    server: "",
    jobName: "",
    description: "",
    priority: 0,
    frameChoice: "render",
    customFrames: "",
    framesPerTask: 0,
    assignMode: "any",
    assignNames: [],
    platforms: platform !== undefined ? [platform] : ["linux", "macosx", "windows"],
    sameOsOnly: false,
    renderNodeVersion: "",
    renderNodePaths: {},
    sharedRoots: [],
    tries: 0,
    cpus: 0,
    logDir: "",
    jobRoot: "",
    emailTo: "",
    emailReasons: [],
    environment: {},
  };
  const record = asFieldRecord(settings);
  for (const row of STORED_ROWS) record[row.key] = row.default;
  // $HQUEUE_SERVER, as the helper's command line reads it, when the studio sets it for everyone.
  if (server !== undefined && server !== "") settings.server = server;
  return settings;
}

/** Settings that belong to one comp and are never promoted to studio defaults (the table's "comp" rows). */
export const COMP_ONLY_KEYS: SettingsKey[] = STORED_ROWS.filter((row) => row.stored === "comp").map((row) => row.key as SettingsKey);

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
  /** Keys of the fields that were present but unusable ("priority", "sharedRoots"...). */
  badFields: string[];
  /** The same fields as the artist knows them ("Priority", "Shared roots"...), for messages. */
  badLabels: string[];
}

/**
 * A stored value of a scalar field as the field's value, or undefined when it is unusable: the row's type and
 * limits, the same ones the helper applies to a request. An older script stored the Render Node version as a
 * number: it is read as its text.
 */
export function storedFieldValue(row: FieldRow, value: unknown): string | number | boolean | undefined {
  switch (row.kind) {
    case "int":
      return intProblem(row, value) === undefined ? (value as number) : undefined;
    case "bool":
      return typeof value === "boolean" ? value : undefined;
    case "choice":
      return isChoice(row, value) ? value : undefined;
    case "text": {
      const text = typeof value === "string" ? value : row.format === "renderNodeVersion" && isWholeNumber(value) ? wholeText(value) : undefined;
      if (text === undefined || formatProblem(row, text) !== undefined) return undefined;
      return text;
    }
  }
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
  if (stored === undefined) return { settings, badFields, badLabels: [] };
  const table = asRecord(stored);
  if (table === undefined) return { settings, badFields: ["(whole value)"], badLabels: ["(whole value)"] };
  const raw = (key: string): unknown => table.get(key);
  const bad = (key: string): void => {
    badFields.push(key);
  };

  // The scalar fields, row by row. A `paused` stored by an earlier version is ignored on purpose (see Settings):
  // its row is never stored.
  const record = asFieldRecord(settings);
  for (const row of STORED_ROWS) {
    const value = raw(row.key);
    if (value === undefined) continue;
    const parsed = storedFieldValue(row, value);
    if (parsed !== undefined) record[row.key] = parsed;
    else bad(row.key);
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
  return { settings, badFields, badLabels: badFields.map((key) => fieldLabel(key)) };
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
  const record = asFieldRecord(settings);
  const builtInRecord = asFieldRecord(builtIn);
  for (const row of STORED_ROWS) {
    if (row.section === "advanced" && record[row.key] !== builtInRecord[row.key]) return true;
  }
  return (
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
  const record = asFieldRecord(result);
  const kept = asFieldRecord(keep);
  for (const key of COMP_ONLY_KEYS) record[key] = kept[key];
  return result;
}
