/**
 * Writing the stored settings (the comp's table and the studio defaults), by the rules in store.ts's header: an
 * action writes only the keys it concerns, never over data this version cannot read unless the artist agreed, and
 * preset entries it could not read are carried over unchanged. Reading and classifying the stored data is store.ts.
 */
import type { Host } from "./host";
import { type Settings, copySettings, settingsToStored, studioSettingsToStored, withoutCompOnly } from "./settings";
import {
  COMP_WHERE,
  type CompStore,
  DATA_KEY,
  LAST_NOT_TABLE,
  type PresetEntry,
  SCHEMA,
  STUDIO_FACT_KEYS,
  type StoredState,
  type StudioStore,
  asTable,
  classifyStored,
  parentProblem,
} from "./store";


type Setter = (name: string, value: unknown) => void;

/**
 * Writes `values` (key → value; undefined clears the key) into the table at DATA_KEY: the whole table when nothing
 * is stored, else key by key, adding the schema when only hand-set machine keys were there. Never called for an
 * unreadable table unless `replace` (the artist agreed): then the whole table is written afresh.
 */
function writeKeys(set: Setter, state: StoredState, values: [string, unknown][], replace: boolean): StoredState {
  if (state.kind === "current") {
    for (const [key, value] of values) set(DATA_KEY + "." + key, value);
    if (!state.hasSchema) set(DATA_KEY + ".schema", SCHEMA);
    return { kind: "current", hasSchema: true };
  }
  if (state.kind === "unreadable" && !replace) return state;
  const table = new LuaTable<string, unknown>();
  table.set("schema", SCHEMA);
  for (const [key, value] of values) table.set(key, value);
  set(DATA_KEY, table);
  return { kind: "current", hasSchema: true };
}

function compSetter(host: Host): Setter {
  return (name, value) => host.setCompData(name, value);
}

/**
 * A comp table read as absent may have been written since (the recent jobs list, recent-jobs.ts, writes its own
 * key): read again before writing, so that a whole-table write never replaces what another action stored.
 */
function freshCompState(host: Host, state: StoredState): StoredState {
  if (state.kind !== "absent") return state;
  const [ok, raw] = pcall(() => host.getCompData(DATA_KEY));
  return ok ? classifyStored(raw, COMP_WHERE) : state;
}

/**
 * Reads the comp's table under DATA_KEY for one key of its own (the recent jobs list): the key's stored value, and
 * the state the table is in (with the sentence saying why it is unreadable, parent problems included).
 */
export function readCompKey(host: Host, key: string): { state: StoredState; value: unknown } {
  const [ok, raw] = pcall(() => host.getCompData(DATA_KEY));
  if (!ok) return { state: { kind: "unreadable", reason: "The data stored in this comp could not be read: " + tostring(raw) }, value: undefined };
  const parent = parentProblem((name) => host.getCompData(name), raw, COMP_WHERE);
  if (parent !== undefined) return { state: { kind: "unreadable", reason: parent }, value: undefined };
  const state = classifyStored(raw, COMP_WHERE);
  const table = state.kind === "current" ? asTable(raw) : undefined;
  return { state, value: table !== undefined ? table.get(key) : undefined };
}

/** Writes one key of the comp's table (whole table when none is stored); never over an unreadable one. */
export function writeCompKey(host: Host, state: StoredState, key: string, value: unknown): StoredState {
  return writeKeys(compSetter(host), state, [[key, value]], false);
}

/**
 * Submit: remembers the settings as the comp's `last`, and only that. Returns why it did not (stored data this
 * version cannot read is left alone), or undefined when written.
 */
export function rememberLast(host: Host, store: CompStore, last: Settings): string | undefined {
  if (store.state.kind === "unreadable") {
    return store.state.reason + " This version leaves them as they are, so the settings of this submission are not remembered in the comp.";
  }
  if (store.lastKind === "unreadable") {
    return LAST_NOT_TABLE + "; this version leaves them as they are, so the settings of this submission are not remembered in the comp.";
  }
  store.state = writeKeys(compSetter(host), freshCompState(host, store.state), [["last", settingsToStored(last)]], false);
  store.lastKind = "table";
  store.last = copySettings(last);
  return undefined;
}

/** The stored form of one entry: a kept entry as it was, an unchanged preset as stored (under its current name). */
function entryValue(entry: PresetEntry): unknown {
  if (entry.kind === "kept") return entry.value;
  const preset = entry.preset;
  const value = new LuaTable<AnyNotNil, unknown>();
  if (preset.stored !== undefined) for (const [key, item] of pairs(preset.stored)) value.set(key, item);
  value.set("name", preset.name);
  if (preset.stored === undefined || preset.changed === true) value.set("settings", settingsToStored(preset.settings));
  return value;
}

/**
 * Save as Preset, Rename, Delete: writes the comp's `presets` list (and only that). With an unreadable stored table,
 * or stored presets that are not a plain list, it writes only when `replace` (the artist agreed to replace them:
 * the list then holds the presets this version shows); returns whether it wrote.
 */
export function writePresets(host: Host, store: CompStore, replace: boolean): boolean {
  if (store.state.kind === "unreadable" && !replace) return false;
  if (store.presetsProblem !== undefined) {
    if (!replace) return false;
    store.entries = store.entries.filter((entry) => entry.kind === "preset");
    store.presetsProblem = undefined;
  }
  const list = store.entries.map((entry) => entryValue(entry));
  store.state = writeKeys(compSetter(host), freshCompState(host, store.state), [["presets", list]], replace);
  return true;
}

function studioSetter(host: Host): Setter {
  return (name, value) => host.setStudioData(name, value);
}

/**
 * Submit: remembers the studio facts (server, client OSes, Render Node, shared roots) and the Node.js path on this
 * computer, writing only those keys. Returns why it did not, or undefined.
 */
export function rememberStudioFacts(host: Host, studio: StudioStore, used: Settings, nodePath: string): string | undefined {
  if (studio.state.kind === "unreadable") {
    return studio.state.reason + " This version leaves them as they are, so the server and paths of this submission are not remembered on this computer.";
  }
  const source = copySettings(used);
  const facts = new LuaTable<string, unknown>();
  for (const key of STUDIO_FACT_KEYS) facts.set(key, source[key]);
  const values: [string, unknown][] = [];
  let problem: string | undefined;
  if (studio.defaultsKind === "table") {
    for (const key of STUDIO_FACT_KEYS) values.push(["defaults." + key, facts.get(key)]);
  } else if (studio.defaultsKind === "absent") {
    values.push(["defaults", facts]);
  } else {
    problem = "The stored studio defaults are not a table; this version leaves them as they are, so the server and paths of this submission are not remembered on this computer.";
  }
  if (nodePath !== studio.nodePath) values.push(["nodePath", nodePath !== "" ? nodePath : undefined]);
  if (values.length === 0) return problem;
  const set = studioSetter(host);
  studio.state = writeKeys(set, studio.state, values, false);
  host.flushStudioData();
  if (problem === undefined) {
    studio.defaultsKind = "table";
    const next = copySettings(studio.defaults);
    next.server = source.server;
    next.platforms = source.platforms;
    next.renderNodeVersion = source.renderNodeVersion;
    next.renderNodePaths = source.renderNodePaths;
    next.sharedRoots = source.sharedRoots;
    studio.defaults = next;
  }
  studio.nodePath = nodePath;
  return problem;
}

/**
 * Make Studio Default: writes the studio `defaults` (and only that). With an unreadable stored table it writes
 * only when `replace` (the artist agreed; the hand-set machine paths are kept); returns whether it wrote.
 */
export function writeStudioDefaults(host: Host, studio: StudioStore, settings: Settings, replace: boolean): boolean {
  if (studio.state.kind === "unreadable" && !replace) return false;
  const values: [string, unknown][] = [["defaults", studioSettingsToStored(settings)]];
  if (studio.state.kind === "unreadable") {
    if (studio.nodePath !== "") values.push(["nodePath", studio.nodePath]);
    if (studio.helperPath !== "") values.push(["helperPath", studio.helperPath]);
  }
  studio.state = writeKeys(studioSetter(host), studio.state, values, replace);
  host.flushStudioData();
  studio.defaultsKind = "table";
  studio.defaults = withoutCompOnly(settings, studio.defaults);
  return true;
}
