/**
 * The words an artist sees for a request path: what the helper's messages say instead of "job.priority" or
 * "farm.sharedRoots[2].linux". Scalar rows are named by their label in the field table (fields.ts); the structured
 * fields and the comp's members by the words below. The request path itself stays the machine-readable
 * `error.field` (the dialog routes errors by it; pipeline tools read it); the CLI shows it on a line of its own.
 *
 * PORTABLE MODULE: compiled into both runtimes, like fields.ts (no RegExp, JSON, Date, Number.*, Lua globals; strings
 * walked with charCodeAt). Tested on Node (test/core/field-words.test.ts) and under LuaJIT
 * (test/lua/field-words-lua.test.ts). Never throws: a path it does not know is returned as it is.
 */
import type { Platform } from "../../types/request";
import { FIELDS, STRUCTURED_LABELS, choiceIndex, choiceRow, wholeText } from "./fields";
import { PLATFORM_LABELS } from "./platforms";

/** What a message knows beyond the path, to say it the way the dialog shows it. */
export interface FieldWordsContext {
  /** farm.assign.mode of the request: "groups" names farm.assign.names "Client groups". */
  assignMode?: string;
  /** The name of the Saver or Loader a comp.savers[i] / comp.loaders[i] path is about, when it is known. */
  toolName?: string;
}

/** Words of paths that are not scalar rows of the table (and are not lists or per-OS members, handled below). */
const PATH_WORDS: Readonly<Record<string, string>> = {
  request: "The request",
  kind: "The request's kind",
  version: "The request's version",
  timeoutSeconds: "The time limit for each call to the server",
  maxBodyBytes: "The largest part of a job sent at once",
  comp: "The comp's details",
  "comp.path": "The comp's file path",
  "comp.platform": "The comp's OS",
  "comp.renderStart": "The start of the comp's render range",
  "comp.renderEnd": "The end of the comp's render range",
  "comp.globalStart": "The start of the comp's global range",
  "comp.globalEnd": "The end of the comp's global range",
  "comp.step": "The comp's frame step",
  "comp.modified": "Whether the comp has unsaved changes",
  "comp.savedFileOnly": "Whether only the saved comp file is used",
  "comp.savers": "The comp's Savers",
  "comp.loaders": "The comp's Loaders",
  job: "The job's options",
  "job.frames": "Frames",
  "job.submittedBy": "The submitting user's name",
  "job.inPlace": "Render in place",
  farm: "The farm options",
  "farm.assign": "Clients",
  "farm.renderNode": "Render Node",
};

/** Words of a Saver's or Loader's members ("The output path of Saver Out1"). */
const TOOL_MEMBER_WORDS: Readonly<Record<string, string>> = {
  name: "The name",
  enabled: "The on/off state (pass-through)",
  path: "The file path",
  rawPath: "The file name as written in the comp",
  outputFormat: "The output format",
  frames: "The frame range",
  "frames.first": "The first frame",
  "frames.last": "The last frame",
};

/** The per-OS table's row captions in the dialog (src-lua/dialog/main-layout.ts); messages use the same words. */
export const RENDER_NODE_PATH_CAPTION = "Render Node";
export function sharedRootCaption(this: void, row: number): string {
  return "Shared root " + wholeText(row);
}

/** A cell of the dialog's per-OS table: its row caption and its column (the OS): "Shared root 3 (Linux)". */
export function perOsCellWords(this: void, rowCaption: string, osKey: string): string {
  return rowCaption + " (" + osWords(osKey) + ")";
}

/** "Priority", "Shared root 3 (Linux)", "Environment variable FOO", …; the path itself when it is unknown. */
export function requestFieldWords(path: string, context?: FieldWordsContext): string {
  // Paths like "farm.sharedRoots[0] key": the message is about a key (an OS name) of that object.
  if (endsWith(path, " key")) return requestFieldWords(path.substring(0, path.length - 4), context);
  for (const row of FIELDS) if (row.request === path) return row.label;
  const direct = PATH_WORDS[path];
  if (typeof direct === "string") return direct;

  // An environment variable's name is any text (the message may be that the name is not valid): kept verbatim.
  const envPrefix = "job.environment.";
  if (startsWith(path, envPrefix)) return "Environment variable " + path.substring(envPrefix.length);
  if (path === "job.environment") return STRUCTURED_LABELS.environment;

  if (path === "job.emailReasons" || isListItem(path, "job.emailReasons")) return STRUCTURED_LABELS.emailReasons;
  if (path === "farm.platforms" || isListItem(path, "farm.platforms")) return STRUCTURED_LABELS.platforms;
  if (path === "farm.assign.names" || isListItem(path, "farm.assign.names")) {
    if (context === undefined || context.assignMode !== "groups") return STRUCTURED_LABELS.assignNames;
    const mode = choiceRow("assignMode");
    return mode.choiceLabels[choiceIndex(mode, "groups")];
  }

  const pathsPrefix = "farm.renderNode.paths";
  if (path === pathsPrefix) return STRUCTURED_LABELS.renderNodePaths;
  if (startsWith(path, pathsPrefix + ".")) return perOsCellWords(RENDER_NODE_PATH_CAPTION, path.substring(pathsPrefix.length + 1));

  const roots = "farm.sharedRoots";
  if (path === roots) return STRUCTURED_LABELS.sharedRoots;
  if (startsWith(path, roots + "[")) {
    const item = listIndex(path, roots.length);
    if (item !== undefined) {
      const words = sharedRootCaption(item.index + 1);
      if (item.rest === "") return words;
      if (item.rest.charCodeAt(0) === 46) return perOsCellWords(words, item.rest.substring(1));
    }
  }

  const tool = toolWords(path, "comp.savers", "Saver", context) ?? toolWords(path, "comp.loaders", "Loader", context);
  return tool !== undefined ? tool : path;
}

/**
 * The dialog does not send its empty shared-root rows, so request item i may come from a later dialog row: a message
 * about `farm.sharedRoots[i]…` is said again with the row the artist sees (`rows[i]`, 1-based). Unchanged when the
 * rows agree, or when the message does not start with the request's words for `field` (requestFieldWords).
 */
export function sharedRootMessageForRows(this: void, message: string, field: string, rows: readonly number[]): string {
  const roots = "farm.sharedRoots";
  if (!startsWith(field, roots + "[")) return message;
  const item = listIndex(field, roots.length);
  if (item === undefined || item.index >= rows.length) return message;
  const row = rows[item.index];
  if (row === item.index + 1) return message;
  const said = requestFieldWords(field);
  if (!startsWith(message, said)) return message;
  return requestFieldWords(roots + "[" + wholeText(row - 1) + "]" + item.rest) + message.substring(said.length);
}

/** "Saver Out1" / "The output path of Saver Out1" for comp.savers[i] paths (the name from the context, else "number i+1"). */
function toolWords(path: string, list: string, kind: string, context: FieldWordsContext | undefined): string | undefined {
  if (!startsWith(path, list + "[")) return undefined;
  const item = listIndex(path, list.length);
  if (item === undefined) return undefined;
  const name = context !== undefined && context.toolName !== undefined && context.toolName !== "" ? context.toolName : "number " + wholeText(item.index + 1);
  const tool = kind + " " + name;
  if (item.rest === "") return tool;
  if (item.rest.charCodeAt(0) !== 46) return undefined;
  const member = TOOL_MEMBER_WORDS[item.rest.substring(1)];
  if (typeof member !== "string") return undefined;
  // A Saver's file path is where it writes.
  return (item.rest === ".path" && kind === "Saver" ? "The output path" : member) + " of " + tool;
}

/** "[3]" right after `start` in `path`: the index and what follows the "]"; undefined when there is no such index. */
function listIndex(path: string, start: number): { index: number; rest: string } | undefined {
  if (path.charCodeAt(start) !== 91) return undefined; // [
  let index = 0;
  let i = start + 1;
  while (i < path.length && i - start <= 9) {
    const code = path.charCodeAt(i);
    if (code === 93) return i === start + 1 ? undefined : { index, rest: path.substring(i + 1) }; // ]
    if (code < 48 || code > 57) return undefined;
    index = index * 10 + (code - 48);
    i++;
  }
  return undefined;
}

function isListItem(path: string, list: string): boolean {
  if (!startsWith(path, list + "[")) return false;
  const item = listIndex(path, list.length);
  return item !== undefined && item.rest === "";
}

/** "Linux" for "linux"; an unknown OS key is shown as it was written. */
function osWords(key: string): string {
  const label = key === "linux" || key === "macosx" || key === "windows" ? PLATFORM_LABELS[key as Platform] : undefined;
  return label !== undefined ? label : key;
}

function startsWith(text: string, prefix: string): boolean {
  return text.length >= prefix.length && text.substring(0, prefix.length) === prefix;
}

function endsWith(text: string, suffix: string): boolean {
  return text.length >= suffix.length && text.substring(text.length - suffix.length) === suffix;
}
