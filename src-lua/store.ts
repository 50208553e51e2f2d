/**
 * Where settings live:
 * - the comp: `comp:SetData("KartaLink.HQueueRender", {schema=1, last=Settings, presets={{name, settings}...},
 *   jobs={{id, server, submitted, jobFolder, name, url}...}})` (jobs: recent-jobs.ts);
 * - the studio (this Fusion's prefs): `fu:SetData("KartaLink.HQueueRender", {schema=1, defaults=Settings,
 *   nodePath=..., helperPath=...})`.
 * Layering: built-in defaults < studio defaults < the comp's last-used settings.
 *
 * Rules for writing (stored data may come from a newer version, a hand edit or damage):
 * - An action writes only the keys it concerns, by dotted name (`SetData("KartaLink.HQueueRender.last", t)`:
 *   "dots represent a subtable", fusion.md §4): Submit writes `last` (comp) and the studio facts it remembers;
 *   preset actions write `presets`; Make Studio Default writes `defaults`. Everything else stays as stored.
 * - A stored value this version cannot read as a whole (not a table, unknown or newer schema) is never written
 *   over by Submit; an explicit preset action asks first (the dialog does, see `replaceable`).
 * - Preset entries that could not be read are carried over unchanged when the presets list is rewritten, and a
 *   preset the artist did not change is written back exactly as it was stored. A stored `presets` value that is
 *   not a plain list (string keys, holes, not a table) is not reshaped silently: preset actions ask first.
 * - A stored `last` that is not a table, or a `KartaLink` parent that is not a table, counts as unreadable too.
 * This file reads and classifies the stored data; store-write.ts writes it.
 */
import type { Host } from "./host";
import { platformOf } from "./fusion-host";
import type { Platform } from "../types/request";
import { type Settings, defaultSettings, readSettings, withoutCompOnly } from "./settings";
import { formatInt } from "./text";

export const DATA_KEY = "KartaLink.HQueueRender";
/** The vendor table DATA_KEY lives in. */
const DATA_PARENT_KEY = "KartaLink";
export const SCHEMA = 1;

export interface NamedPreset {
  name: string;
  settings: Settings;
  /** The entry as stored (a table): written back as it is, renamed if need be, until the artist saves over it. */
  stored?: LuaTable<AnyNotNil, unknown>;
  /** The settings were saved over in this dialog: `stored.settings` is replaced when written. */
  changed?: boolean;
}

/** One item of the stored presets list: a preset this version reads, or an entry it keeps without reading. */
export type PresetEntry = { kind: "preset"; preset: NamedPreset } | { kind: "kept"; value: unknown };

/**
 * What this version may do with a stored table: "absent" (nothing stored: the whole table may be written),
 * "current" (schema 1, or only the hand-set machine keys: written key by key), "unreadable" (left alone).
 */
export type StoredState =
  | { kind: "absent" }
  | { kind: "current"; hasSchema: boolean }
  | { kind: "unreadable"; reason: string };

export interface CompStore {
  /** The comp's last-submitted settings, already layered over the studio defaults; undefined when none stored. */
  last: Settings | undefined;
  /** The stored presets list in order, unreadable entries included. */
  entries: PresetEntry[];
  /** Sentences for the artist about data that could not be used. */
  notices: string[];
  state: StoredState;
  /** The stored `last`: absent, a table, or something else (then Submit does not write over it). */
  lastKind: "absent" | "table" | "unreadable";
  /**
   * Why the stored `presets` cannot be rewritten as it is (it is not a plain 1..n list): preset writes then replace
   * it only when the artist agrees. Undefined when it is a list or absent.
   */
  presetsProblem: string | undefined;
}

export interface StudioStore {
  /** Studio defaults layered over the built-in defaults. */
  defaults: Settings;
  nodePath: string;
  helperPath: string;
  notices: string[];
  state: StoredState;
  /** The stored `defaults` subtable: absent, a table, or something else (then Submit does not write into it). */
  defaultsKind: "absent" | "table" | "unreadable";
}

export const COMP_WHERE = "HQueue Render settings stored in this comp";
export const LAST_NOT_TABLE = "The settings last submitted with this comp are not in a form this version understands";
const STUDIO_WHERE = "studio defaults (Fusion preferences)";
const COMP_KEPT = "This version leaves them as they are: Submit does not remember settings in this comp, and saving a preset asks before replacing them.";
const STUDIO_KEPT =
  "This version leaves them as they are: Submit does not remember the server and paths on this computer, and Make Studio Default asks before replacing them.";

/** Keys that may be set by hand (`fu:SetData("KartaLink.HQueueRender.nodePath", ...)`) without a schema. */
const MACHINE_KEYS = ["nodePath", "helperPath"];
/** The studio facts Submit remembers (the next comp on this machine starts from them). */
export const STUDIO_FACT_KEYS = ["server", "platforms", "renderNodeVersion", "renderNodePaths", "sharedRoots"] as const;

/** `{schema=1, ...}` → current; nothing → absent; anything else → unreadable, with the sentence saying why. */
export function classifyStored(raw: unknown, where: string): StoredState {
  if (raw === undefined) return { kind: "absent" };
  if (typeof raw !== "object") {
    return { kind: "unreadable", reason: "The " + where + " are not in a form this version understands (a " + type(raw) + " instead of a table)." };
  }
  const table = raw as LuaTable<AnyNotNil, unknown>;
  const schema = table.get("schema");
  if (schema === SCHEMA) return { kind: "current", hasSchema: true };
  if (schema === undefined) {
    let onlyMachineKeys = true;
    for (const [key] of pairs(table)) if (typeof key !== "string" || !MACHINE_KEYS.includes(key)) onlyMachineKeys = false;
    if (onlyMachineKeys) return { kind: "current", hasSchema: false };
  }
  const which = typeof schema === "number" ? "schema " + formatInt(schema) : "no schema number";
  const newer = typeof schema === "number" && schema > SCHEMA;
  return {
    kind: "unreadable",
    reason:
      "The " + where + " have " + which + (newer ? ", written by a newer version of HQueue Render" : "") +
      "; this version reads schema " + formatInt(SCHEMA) + ".",
  };
}

function describeBad(where: string, labels: string[], until: string): string {
  return "Some " + where + " could not be read (" + labels.join(", ") + "); defaults are used for them. " + until;
}

export function asTable(value: unknown): LuaTable<AnyNotNil, unknown> | undefined {
  return typeof value === "object" && value !== undefined ? (value as LuaTable<AnyNotNil, unknown>) : undefined;
}

export function parseStudioData(raw: unknown, platform?: Platform, envServer?: string): StudioStore {
  const notices: string[] = [];
  const builtIn = defaultSettings(platform, envServer);
  // The machine's Node.js and helper paths are plain strings: use them whatever else is stored.
  const rawTable = asTable(raw);
  const nodePath = rawTable?.get("nodePath");
  const helperPath = rawTable?.get("helperPath");
  const state = classifyStored(raw, STUDIO_WHERE);
  const store: StudioStore = {
    defaults: builtIn,
    nodePath: typeof nodePath === "string" ? nodePath : "",
    helperPath: typeof helperPath === "string" ? helperPath : "",
    notices,
    state,
    defaultsKind: "absent",
  };
  if (state.kind === "unreadable") {
    notices.push(state.reason + " Defaults are used. " + STUDIO_KEPT);
    return store;
  }
  if (rawTable === undefined) return store;
  const storedDefaults = rawTable.get("defaults");
  store.defaultsKind = storedDefaults === undefined ? "absent" : typeof storedDefaults === "object" ? "table" : "unreadable";
  const read = readSettings(storedDefaults, builtIn);
  if (read.badLabels.length > 0) {
    notices.push(
      describeBad(
        "studio defaults",
        read.badLabels,
        "The stored data is left as it is until you make a preset the studio default (Submit updates only the server, client OSes, Render Node and shared roots" +
          (store.defaultsKind === "unreadable" ? ", and not even those while the stored defaults are not a table" : "") +
          ").",
      ),
    );
  }
  store.defaults = withoutCompOnly(read.settings, builtIn);
  return store;
}

/** Why a stored presets value is not a plain list (keys exactly 1..n), or undefined when it is one. */
function presetsListProblem(stored: unknown): string | undefined {
  const table = asTable(stored);
  if (table === undefined) return "The presets stored in this comp are not a list (a " + type(stored) + " instead of a table).";
  // Keys exactly 1..n: every key a whole number from 1, and the largest equal to the count (no gaps).
  let count = 0;
  let largest = 0;
  for (const [key] of pairs(table)) {
    if (typeof key === "string") return "The presets stored in this comp are not a plain list (some are stored under names).";
    if (typeof key !== "number" || key !== math.floor(key) || key < 1) return "The presets stored in this comp are not a plain list.";
    count++;
    largest = math.max(largest, key);
  }
  return largest === count ? undefined : "The presets stored in this comp are not a plain list (the list has gaps).";
}

/**
 * A stored presets value → its entries in order. A list gives one entry per item; any other table gives its values
 * (numeric keys in order, then the others by name), anything else one kept entry: nothing stored is dropped.
 */
function presetEntries(stored: unknown, base: Settings, notices: string[]): PresetEntry[] {
  const entries: PresetEntry[] = [];
  const values: unknown[] = [];
  const table = asTable(stored);
  if (table === undefined) values.push(stored);
  else {
    const numbered: [number, unknown][] = [];
    const named: [string, unknown][] = [];
    for (const [key, value] of pairs(table)) {
      if (typeof key === "number") numbered.push([key, value]);
      else named.push([tostring(key), value]);
    }
    numbered.sort((a, b) => a[0] - b[0]);
    named.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [, value] of numbered) values.push(value);
    for (const [, value] of named) values.push(value);
  }
  let kept = 0;
  for (const value of values) {
    const entry = asTable(value);
    const name = entry?.get("name");
    const taken = entries.some((other) => other.kind === "preset" && other.preset.name === name);
    if (entry === undefined || typeof name !== "string" || name === "" || taken) {
      entries.push({ kind: "kept", value });
      kept++;
      continue;
    }
    const read = readSettings(entry.get("settings"), base);
    if (read.badLabels.length > 0) {
      notices.push(describeBad("fields of the preset \"" + name + "\"", read.badLabels, "The stored preset is left as it is until you save over it."));
    }
    entries.push({ kind: "preset", preset: { name, settings: read.settings, stored: entry } });
  }
  if (kept > 0) {
    notices.push(formatInt(kept) + " stored preset(s) could not be read and are not shown; they are kept as they are.");
  }
  return entries;
}

export function parseCompData(raw: unknown, base: Settings): CompStore {
  const notices: string[] = [];
  const state = classifyStored(raw, COMP_WHERE);
  const store: CompStore = { last: undefined, entries: [], notices, state, lastKind: "absent", presetsProblem: undefined };
  if (state.kind === "unreadable") {
    notices.push(state.reason + " Defaults are used. " + COMP_KEPT);
    return store;
  }
  const table = asTable(raw);
  if (table === undefined) return store;
  const storedLast = table.get("last");
  if (storedLast !== undefined && typeof storedLast !== "object") {
    store.lastKind = "unreadable";
    notices.push(LAST_NOT_TABLE + " (a " + type(storedLast) + " instead of a table). Defaults are used. This version leaves them as they are: Submit does not remember settings in this comp.");
  } else if (storedLast !== undefined) {
    store.lastKind = "table";
    const read = readSettings(storedLast, base);
    if (read.badLabels.length > 0) {
      notices.push(describeBad("settings stored in this comp", read.badLabels, "The stored data is left as it is until you submit."));
    }
    store.last = read.settings;
  }
  const storedPresets = table.get("presets");
  if (storedPresets !== undefined) {
    store.presetsProblem = presetsListProblem(storedPresets);
    if (store.presetsProblem !== undefined) {
      notices.push(store.presetsProblem + " The presets this version could read are shown; saving, renaming or deleting a preset asks before replacing them.");
    }
    store.entries = presetEntries(storedPresets, base, notices);
  }
  return store;
}

export function readablePresets(entries: PresetEntry[]): NamedPreset[] {
  const presets: NamedPreset[] = [];
  for (const entry of entries) if (entry.kind === "preset") presets.push(entry.preset);
  return presets;
}

/**
 * Nothing under DATA_KEY, but its parent (`KartaLink`) is stored and is not a table: writing DATA_KEY would replace
 * it (a dotted SetData makes the parent a table), so the data counts as unreadable. Returns the sentence, or undefined.
 */
export function parentProblem(get: (key: string) => unknown, raw: unknown, where: string): string | undefined {
  if (raw !== undefined) return undefined;
  const [ok, parent] = pcall(() => get(DATA_PARENT_KEY));
  if (!ok || parent === undefined || typeof parent === "object") return undefined;
  return "The " + where + " are not in a form this version understands (its " + DATA_PARENT_KEY + " data is a " + type(parent) + " instead of a table).";
}

export function loadStudio(host: Host): StudioStore {
  const [ok, raw] = pcall(() => host.getStudioData(DATA_KEY));
  const platform = platformOf(host.os);
  const envServer = host.getenv("HQUEUE_SERVER");
  if (!ok) {
    const reason = "The studio defaults could not be read: " + tostring(raw);
    return { ...parseStudioData(undefined, platform, envServer), notices: [reason], state: { kind: "unreadable", reason } };
  }
  const parent = parentProblem((key) => host.getStudioData(key), raw, STUDIO_WHERE);
  if (parent !== undefined) {
    return { ...parseStudioData(undefined, platform, envServer), notices: [parent + " Defaults are used. " + STUDIO_KEPT], state: { kind: "unreadable", reason: parent } };
  }
  return parseStudioData(raw, platform, envServer);
}

export function loadComp(host: Host, base: Settings): CompStore {
  const [ok, raw] = pcall(() => host.getCompData(DATA_KEY));
  if (!ok) {
    const reason = "The settings stored in this comp could not be read: " + tostring(raw);
    return { last: undefined, entries: [], notices: [reason], state: { kind: "unreadable", reason }, lastKind: "absent", presetsProblem: undefined };
  }
  const parent = parentProblem((key) => host.getCompData(key), raw, COMP_WHERE);
  if (parent !== undefined) {
    return { last: undefined, entries: [], notices: [parent + " Defaults are used. " + COMP_KEPT], state: { kind: "unreadable", reason: parent }, lastKind: "absent", presetsProblem: undefined };
  }
  return parseCompData(raw, base);
}
