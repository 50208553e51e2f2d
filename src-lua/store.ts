/**
 * Where settings live:
 * - the comp: `comp:SetData("KartaLink.HQueueRender", {schema=1, last=Settings, presets={{name, settings}...}})`,
 *   written only when the artist submits or changes presets;
 * - the studio (this Fusion's prefs): `fu:SetData("KartaLink.HQueueRender", {schema=1, defaults=Settings,
 *   nodePath=...})`.
 * Layering: built-in defaults < studio defaults < the comp's last-used settings.
 * Unreadable data (not a table, unknown schema, bad fields) never stops the dialog: the usable part is used,
 * the artist is told, and the stored value is left alone until they save over it.
 */
import type { Host } from "./host";
import { platformOf } from "./fusion-host";
import type { Platform } from "../types/request";
import { type Settings, copySettings, defaultSettings, readSettings, withoutCompOnly } from "./settings";
import { formatInt } from "./text";

export const DATA_KEY = "KartaLink.HQueueRender";
export const SCHEMA = 1;

export interface NamedPreset {
  name: string;
  settings: Settings;
}

export interface CompStore {
  /** The comp's last-submitted settings, already layered over the studio defaults; undefined when none stored. */
  last: Settings | undefined;
  presets: NamedPreset[];
  /** Sentences for the artist about data that could not be used. */
  notices: string[];
}

export interface StudioStore {
  /** Studio defaults layered over the built-in defaults. */
  defaults: Settings;
  nodePath: string;
  helperPath: string;
  notices: string[];
}

const UNTIL_COMP = "until you submit or save a preset";
const UNTIL_STUDIO = "until you submit or make a preset the studio default";

function describeBad(where: string, badFields: string[], until: string): string {
  return (
    "Some " + where + " could not be read (" + badFields.join(", ") + "); defaults are used for them. " +
    "The stored data is left as it is " + until + "."
  );
}

/** Keys that may be set by hand (`fu:SetData("KartaLink.HQueueRender.nodePath", ...)`) without a schema. */
const MACHINE_KEYS = ["nodePath", "helperPath"];

/** `{schema=1, ...}` → the table; anything else → a notice. */
function checkSchema(raw: unknown, where: string, notices: string[], until: string): LuaTable<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== "object") {
    notices.push("The " + where + " are not in a form this version understands (a " + type(raw) + " instead of a table); defaults are used. The stored value is left as it is " + until + ".");
    return undefined;
  }
  const table = raw as LuaTable<string, unknown>;
  const schema = table.get("schema");
  let onlyMachineKeys = schema === undefined;
  for (const [key] of pairs(table)) if (typeof key !== "string" || !MACHINE_KEYS.includes(key)) onlyMachineKeys = false;
  if (onlyMachineKeys) return undefined;
  if (schema !== SCHEMA) {
    const which = typeof schema === "number" ? "schema " + formatInt(schema) : "no schema number";
    const newer = typeof schema === "number" && schema > SCHEMA;
    notices.push(
      "The " + where + " have " + which + (newer ? ", written by a newer version of HQueue Render" : "") +
        "; this version reads schema " + formatInt(SCHEMA) + " and uses defaults. " +
        "The stored value is left as it is " + until + ".",
    );
    return undefined;
  }
  return table;
}

export function parseStudioData(raw: unknown, platform?: Platform): StudioStore {
  const notices: string[] = [];
  const builtIn = defaultSettings(platform);
  // The machine's Node.js and helper paths are plain strings: use them whatever else is stored.
  const rawTable = typeof raw === "object" && raw !== undefined ? (raw as LuaTable<string, unknown>) : undefined;
  const nodePath = rawTable?.get("nodePath");
  const helperPath = rawTable?.get("helperPath");
  const table = checkSchema(raw, "studio defaults (Fusion preferences)", notices, UNTIL_STUDIO);
  if (table === undefined) {
    return {
      defaults: builtIn,
      nodePath: typeof nodePath === "string" ? nodePath : "",
      helperPath: typeof helperPath === "string" ? helperPath : "",
      notices,
    };
  }
  const read = readSettings(table.get("defaults"), builtIn);
  if (read.badFields.length > 0) notices.push(describeBad("studio defaults", read.badFields, UNTIL_STUDIO));
  return {
    defaults: withoutCompOnly(read.settings, builtIn),
    nodePath: typeof nodePath === "string" ? nodePath : "",
    helperPath: typeof helperPath === "string" ? helperPath : "",
    notices,
  };
}

export function parseCompData(raw: unknown, base: Settings): CompStore {
  const notices: string[] = [];
  const table = checkSchema(raw, "HQueue Render settings stored in this comp", notices, UNTIL_COMP);
  if (table === undefined) return { last: undefined, presets: [], notices };
  let last: Settings | undefined;
  const storedLast = table.get("last");
  if (storedLast !== undefined) {
    const read = readSettings(storedLast, base);
    if (read.badFields.length > 0) notices.push(describeBad("settings stored in this comp", read.badFields, UNTIL_COMP));
    last = read.settings;
  }
  const presets: NamedPreset[] = [];
  const storedPresets = table.get("presets");
  if (storedPresets !== undefined) {
    let badPresets = 0;
    if (typeof storedPresets === "object") {
      const list = storedPresets as LuaTable<number, unknown>;
      for (let i = 1; i <= list.length(); i++) {
        const item = list.get(i);
        const entry = typeof item === "object" ? (item as LuaTable<string, unknown>) : undefined;
        const name = entry?.get("name");
        if (entry === undefined || typeof name !== "string" || name === "") {
          badPresets++;
          continue;
        }
        const read = readSettings(entry.get("settings"), base);
        if (read.badFields.length > 0) notices.push(describeBad("fields of the preset \"" + name + "\"", read.badFields, UNTIL_COMP));
        presets.push({ name, settings: read.settings });
      }
    } else {
      badPresets++;
    }
    if (badPresets > 0) {
      notices.push(formatInt(badPresets) + " stored preset(s) could not be read and are not shown; they are kept until you save presets.");
    }
  }
  return { last, presets, notices };
}

export function loadStudio(host: Host): StudioStore {
  const [ok, raw] = pcall(() => host.getStudioData(DATA_KEY));
  const platform = platformOf(host.os);
  if (!ok) return { ...parseStudioData(undefined, platform), notices: ["The studio defaults could not be read: " + tostring(raw)] };
  return parseStudioData(raw, platform);
}

export function loadComp(host: Host, base: Settings): CompStore {
  const [ok, raw] = pcall(() => host.getCompData(DATA_KEY));
  if (!ok) return { last: undefined, presets: [], notices: ["The settings stored in this comp could not be read: " + tostring(raw)] };
  return parseCompData(raw, base);
}

/** What is written into the comp: the table stored under DATA_KEY. */
export function compDataValue(last: Settings | undefined, presets: NamedPreset[]): object {
  const value: { schema: number; last?: Settings; presets: { name: string; settings: Settings }[] } = {
    schema: SCHEMA,
    presets: presets.map((preset) => ({ name: preset.name, settings: copySettings(preset.settings) })),
  };
  if (last !== undefined) value.last = copySettings(last);
  return value;
}

export function saveComp(host: Host, last: Settings | undefined, presets: NamedPreset[]): void {
  host.setCompData(DATA_KEY, compDataValue(last, presets));
}

export function studioDataValue(studio: { defaults: Settings; nodePath: string; helperPath: string }): object {
  const value: { schema: number; defaults: Settings; nodePath?: string; helperPath?: string } = {
    schema: SCHEMA,
    defaults: copySettings(studio.defaults),
  };
  if (studio.nodePath !== "") value.nodePath = studio.nodePath;
  if (studio.helperPath !== "") value.helperPath = studio.helperPath;
  return value;
}

export function saveStudio(host: Host, studio: { defaults: Settings; nodePath: string; helperPath: string }): void {
  host.setStudioData(DATA_KEY, studioDataValue(studio));
}

/**
 * The studio facts remembered from a submission (server, where Fusion Render Node is, how clients mount
 * storage, which OSes the farm has): the next comp on this machine starts from them.
 */
export function rememberStudioFacts(defaults: Settings, used: Settings): Settings {
  const next = copySettings(defaults);
  const source = copySettings(used);
  next.server = source.server;
  next.platforms = source.platforms;
  next.renderNodeVersion = source.renderNodeVersion;
  next.renderNodePaths = source.renderNodePaths;
  next.sharedRoots = source.sharedRoots;
  return next;
}
