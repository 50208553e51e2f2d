/**
 * The field table: one row per scalar option of a submission (server, job name, priority, frames per task, …).
 * A row says everything about its field once: its default, its limits, the words the artist sees (label, tooltip,
 * hint), the helper's command-line flag and its --help text, the dialog widget (kind and ID), where the value is
 * stored and whether it is a basic or an advanced option. Both runtimes read it:
 *
 * - the helper (Node): request validation limits (src-node/request.ts), the CLI options and how they become
 *   request fields (src-node/commands/request-input.ts, common.ts);
 * - the comp script (LuaJIT): settings defaults, reading/validating stored settings and the names used in their
 *   messages (src-lua/settings.ts, store.ts); the dialog's widgets, captions, combo entries and change events
 *   (src-lua/dialog/field-widgets.ts, main-layout.ts, main-dialog.ts), writing settings into the fields and reading
 *   them back as a loop over the rows (field-binding.ts), and the checks before Submit (`required`,
 *   src-lua/field-checks.ts).
 *
 * Structured fields (client names, client OSes, Render Node paths, shared roots, e-mail reasons, environment) stay
 * hand-written where they are used; only their labels live here ({@link STRUCTURED_LABELS}). The words a message uses
 * for any request path (a row's label, "Shared root 3 (Linux)", …) are in field-words.ts.
 *
 * PORTABLE MODULE: also compiled by TypeScriptToLua into the LuaJIT comp script. Keep to the subset that behaves
 * the same in both runtimes: no RegExp, JSON or Date, no Number.* helpers, no Lua globals; walk strings with
 * charCodeAt; only whole numbers (well inside ±1e15) are turned into text. Its only import is field-values.ts (the
 * checks and text for row values), re-exported here so that users import one module.
 */

export {
  choicesText,
  clampInt,
  cliHelp,
  formatProblem,
  intProblem,
  isRenderNodeVersion,
  isWholeNumber,
  parseWholeNumber,
  rangeText,
  wholeText,
} from "./field-values";

/** Where a value is kept between submissions. */
export type Stored =
  /** In the comp only (it describes this comp): never part of the studio defaults. */
  | "comp"
  /** In the comp, and may be a studio default (presets, "Make Studio Default"). */
  | "studio"
  /** Never stored: a choice for one submission (e.g. submit paused), or a command-line-only option. */
  | "never";

export type Section = "basic" | "advanced";

export type WidgetKind = "LineEdit" | "SpinBox" | "ComboBox" | "CheckBox";

/**
 * The dialog's status lines a field's messages can appear on (src-lua/dialog/main-layout.ts), each under the fields
 * it serves; Status is the line above Submit.
 */
export type MessageLine = "ServerStatus" | "FramesSummary" | "AssignStatus" | "RootsStatus" | "EnvironmentStatus" | "Status";

export interface Widget {
  kind: WidgetKind;
  /** The UI Manager element ID in the submit dialog. */
  id: string;
}

export interface CliFlag {
  /** The option name without `--`. */
  flag: string;
  /** Placeholder of the value in --help; absent for a flag that takes no value. */
  meta?: string;
  /** What the option does, after the label in --help ("Priority: higher runs first; …"). */
  help: string;
  /** What happens without the option, when it is not the row's default ("the comp's name"). */
  whenAbsent?: string;
  /** The flag sets the opposite of the field (`--no-progress` → progress false). */
  inverted?: boolean;
  /** Which option list holds it: the request options of plan/submit (default) or the server options every command has. */
  group?: "request" | "server";
}

interface RowBase {
  /** The key in the comp script's Settings (and, for never-stored fields, the name of the request member). */
  key: string;
  /** The words the artist sees: the dialog caption and the name used in every message about this field. */
  label: string;
  /** One sentence shown as the widget's tooltip. */
  tooltip: string;
  /** Grey text inside an empty text field. */
  placeholder?: string;
  /** A short note shown next to the widget ("0 = all frames in one task"). */
  hint?: string;
  /**
   * The dialog refuses Submit while the field is empty (and `when` holds): `message` is shown next to the field and
   * in the Cannot Submit window (src-lua/field-checks.ts).
   */
  required?: { message: string; when?: { key: string; value: string } };
  /**
   * Where the value travels in the request document (types/request.ts). The helper's errors carry this path as their
   * `field`; their message names the field by `label` (field-words.ts).
   */
  request: string;
  cli?: CliFlag;
  widget?: Widget;
  /**
   * Where the dialog shows messages about the field (its own check, the helper's refusal naming it): the status line
   * under it. Status (above Submit) when absent.
   */
  shownAt?: MessageLine;
  stored: Stored;
  section: Section;
}

export interface IntRow extends RowBase {
  kind: "int";
  default: number;
  /** What the artist may choose (dialog, stored settings). */
  min: number;
  max: number;
  /**
   * The smallest value a request (and so the command line) may carry. Equal to `min` unless `min` means "not set",
   * which a request says by leaving the member out (tries: 0 in the dialog = the server's default).
   */
  requestMin: number;
  /** A value that means "leave it to HQueue": the request omits the member for it. */
  none?: { value: number; means: string };
}

export interface TextRow extends RowBase {
  kind: "text";
  default: string;
  /** Longest value the helper accepts, in UTF-16 code units (the comp script's strings are bytes: not checked there). */
  maxLength: number;
  multiline?: boolean;
  /** Values the dialog offers in a list (the field still takes other values that pass `format`). */
  offered?: readonly string[];
  /** A required shape, checked on both sides. */
  format?: "renderNodeVersion";
}

export interface ChoiceRow extends RowBase {
  kind: "choice";
  default: string;
  choices: readonly string[];
  /** What the dialog shows for each choice, in the same order. */
  choiceLabels: readonly string[];
}

export interface BoolRow extends RowBase {
  kind: "bool";
  default: boolean;
}

export type FieldRow = IntRow | TextRow | ChoiceRow | BoolRow;

/**
 * Fusion Render Node major versions the dialog offers, newest first: the ones whose default install paths follow
 * Blackmagic's pattern (fusion.md §6; the previous script offered 9, 16–21; 20 and 21 are unconfirmed by BMD).
 */
export const RENDER_NODE_VERSIONS: readonly string[] = ["21", "20", "19", "18", "17", "16", "9"];

export const FIELDS: readonly FieldRow[] = [
  {
    key: "server", kind: "text", label: "Server", default: "localhost:5000", maxLength: 2048,
    tooltip: "The HQueue server as host, host:port or http://host:port, e.g. hq-server:5000",
    placeholder: "host:port, e.g. hq-server:5000", required: { message: "Enter the HQueue server, e.g. hq-server:5000." },
    request: "server", shownAt: "ServerStatus", stored: "studio", section: "basic", widget: { kind: "LineEdit", id: "Server" },
    cli: { flag: "server", meta: "HOST[:PORT]", help: "the HQueue server", whenAbsent: "$HQUEUE_SERVER, then localhost:5000", group: "server" },
  },
  {
    key: "jobName", kind: "text", label: "Job name", default: "", maxLength: 256,
    tooltip: "The job's name in HQueue; empty = the comp's name",
    request: "job.name", stored: "comp", section: "basic", widget: { kind: "LineEdit", id: "JobName" },
    cli: { flag: "name", meta: "TEXT", help: "the job's name in HQueue", whenAbsent: "the comp's name" },
  },
  {
    key: "priority", kind: "int", label: "Priority", default: 5, min: 0, max: 10, requestMin: 0,
    tooltip: "0 (lowest) to 10 (highest)",
    request: "job.priority", stored: "studio", section: "basic", widget: { kind: "SpinBox", id: "Priority" },
    cli: { flag: "priority", meta: "0-10", help: "higher runs first" },
  },
  {
    key: "description", kind: "text", label: "Description", default: "", maxLength: 65536, multiline: true,
    tooltip: "Optional text shown with the job in HQueue", placeholder: "Optional",
    request: "job.description", stored: "comp", section: "basic", widget: { kind: "LineEdit", id: "Description" },
    cli: { flag: "description", meta: "TEXT", help: "optional text shown with the job", whenAbsent: "none" },
  },
  {
    key: "frameChoice", kind: "choice", label: "Frames", default: "render",
    choices: ["render", "global", "custom"], choiceLabels: ["Render range", "Global range", "Custom frame set"],
    tooltip: "Which frames to render: the comp's render range, its global range, or a custom frame set",
    request: "job.frames.kind", shownAt: "FramesSummary", stored: "studio", section: "basic", widget: { kind: "ComboBox", id: "FrameSource" },
    cli: { flag: "frames", meta: "SET", help: "render, global, or a frame set like 1-100x2,120" },
  },
  {
    key: "customFrames", kind: "text", label: "Custom frames", default: "", maxLength: 10000,
    tooltip: "The frames to render when Frames is a custom frame set",
    placeholder: "Custom frames, e.g. 1-100, 1-100x2, 1,5,10-20",
    required: { message: "Type the frames to render, e.g. 1-100 or 1,5,10-20.", when: { key: "frameChoice", value: "custom" } },
    request: "job.frames.set", shownAt: "FramesSummary", stored: "studio", section: "basic", widget: { kind: "LineEdit", id: "CustomFrames" },
    // On the command line a frame set is a value of --frames (the Frames row).
  },
  {
    key: "framesPerTask", kind: "int", label: "Frames per task", default: 10, min: 0, max: 1000000, requestMin: 0,
    tooltip: "Frames each machine renders per task; 0 = all frames in one task", hint: "0 = all frames in one task",
    request: "job.framesPerTask", shownAt: "FramesSummary", stored: "studio", section: "basic", widget: { kind: "SpinBox", id: "FramesPerTask" },
    cli: { flag: "per-task", meta: "N", help: "0 = all frames in one task" },
  },
  {
    key: "assignMode", kind: "choice", label: "Clients", default: "any",
    choices: ["any", "clients", "groups"], choiceLabels: ["Any client", "Listed clients", "Client groups"],
    tooltip: "Which clients may render the job",
    request: "farm.assign.mode", shownAt: "AssignStatus", stored: "studio", section: "basic", widget: { kind: "ComboBox", id: "AssignMode" },
    // On the command line the mode follows from --clients or --groups (hand-written: they carry the names).
  },
  {
    key: "sameOsOnly", kind: "bool", label: "Only this computer's OS", default: false,
    tooltip: "Only clients of the OS of the computer that submits",
    request: "farm.sameOsOnly", shownAt: "RootsStatus", stored: "studio", section: "basic", widget: { kind: "CheckBox", id: "SameOsOnly" },
    cli: { flag: "same-os", help: "only clients of the submitting OS" },
  },
  {
    key: "renderNodeVersion", kind: "text", label: "Render Node version", default: "19", maxLength: 16,
    offered: RENDER_NODE_VERSIONS, format: "renderNodeVersion",
    tooltip: "Fusion Render Node version, for the default install paths", hint: "used for the default install paths",
    request: "farm.renderNode.version", stored: "studio", section: "basic", widget: { kind: "ComboBox", id: "RenderNodeVersion" },
    cli: { flag: "render-node-version", meta: "N", help: "Fusion Render Node version for the default install paths" },
  },
  {
    key: "tries", kind: "int", label: "Tries per task", default: 0, min: 0, max: 100, requestMin: 1,
    none: { value: 0, means: "the server's default" },
    tooltip: "How often HQueue tries a failed task; 0 = the server's default", hint: "0 = server default",
    request: "job.tries", stored: "studio", section: "advanced", widget: { kind: "SpinBox", id: "Tries" },
    cli: { flag: "tries", meta: "N", help: "how often HQueue tries a failed task", whenAbsent: "the server's setting" },
  },
  {
    key: "cpus", kind: "int", label: "CPUs per task", default: 0, min: 0, max: 256, requestMin: 0,
    none: { value: 0, means: "the whole machine" },
    tooltip: "CPUs each task occupies; 0 = the whole machine (one task per client)", hint: "0 = the whole machine",
    request: "job.cpus", stored: "studio", section: "advanced", widget: { kind: "SpinBox", id: "Cpus" },
    cli: { flag: "cpus", meta: "N", help: "CPUs each task occupies" },
  },
  {
    key: "logDir", kind: "text", label: "Log folder", default: "", maxLength: 4096,
    tooltip: "Folder on shared storage for one Fusion log per task (optional)",
    placeholder: "Folder on shared storage for one Fusion log per task (optional)",
    request: "job.logDir", shownAt: "RootsStatus", stored: "studio", section: "advanced", widget: { kind: "LineEdit", id: "LogDir" },
    cli: { flag: "log-dir", meta: "DIR", help: "folder (on shared storage) for one Fusion log per task", whenAbsent: "no logs" },
  },
  {
    key: "jobRoot", kind: "text", label: "Job folders in", default: "", maxLength: 4096,
    tooltip: "Folder under which submit makes each job's folder (comp snapshot, per-OS copies, runners); empty = the comp's folder/hqueue",
    placeholder: "Empty = hqueue next to the comp",
    request: "job.jobRoot", stored: "studio", section: "advanced", widget: { kind: "LineEdit", id: "JobRoot" },
    cli: { flag: "job-root", meta: "DIR", help: "where submit creates the job folder", whenAbsent: "<comp folder>/hqueue" },
  },
  {
    key: "emailTo", kind: "text", label: "E-mail to", default: "", maxLength: 4096,
    tooltip: "Who gets an e-mail about the job", placeholder: "Addresses, comma-separated (optional)",
    request: "job.emailTo", stored: "studio", section: "advanced", widget: { kind: "LineEdit", id: "EmailTo" },
    cli: { flag: "email", meta: "ADDRESSES", help: "e-mail recipients, comma-separated", whenAbsent: "no e-mail" },
  },
  {
    key: "paused", kind: "bool", label: "Submit the job paused", default: false,
    tooltip: "The job waits in HQueue until someone resumes it",
    // A choice for one submission: a stored "paused" the artist does not see would pause every later job.
    request: "job.paused", stored: "never", section: "advanced", widget: { kind: "CheckBox", id: "Paused" },
    cli: { flag: "paused", help: "the job waits until someone resumes it" },
  },
  {
    key: "progress", kind: "bool", label: "Report progress", default: true,
    tooltip: "Wrap each render so that HQueue shows its progress (macOS and Linux clients)",
    request: "job.progress", stored: "never", section: "advanced",
    cli: { flag: "no-progress", help: "do not wrap the render to report progress", inverted: true },
  },
];

/** Labels of the structured fields (hand-written elsewhere), by Settings key. */
export const STRUCTURED_LABELS: Readonly<Record<string, string>> = {
  assignNames: "Client names",
  platforms: "Client OSes",
  renderNodePaths: "Render Node paths",
  sharedRoots: "Shared roots",
  emailReasons: "E-mail when",
  environment: "Environment",
};

/** The row of `key`; throws for a key that has none (a programming error, never an artist's). */
export function fieldRow(key: string): FieldRow {
  for (const row of FIELDS) if (row.key === key) return row;
  throw new Error("no field row for " + key);
}

export function intRow(key: string): IntRow {
  const row = fieldRow(key);
  if (row.kind !== "int") throw new Error("field " + key + " is not a whole number");
  return row;
}

export function textRow(key: string): TextRow {
  const row = fieldRow(key);
  if (row.kind !== "text") throw new Error("field " + key + " is not text");
  return row;
}

export function choiceRow(key: string): ChoiceRow {
  const row = fieldRow(key);
  if (row.kind !== "choice") throw new Error("field " + key + " is not a choice");
  return row;
}

/** The words the artist sees for a Settings key (scalar or structured); the key itself only for an unknown one. */
export function fieldLabel(key: string): string {
  for (const row of FIELDS) if (row.key === key) return row.label;
  const label = STRUCTURED_LABELS[key];
  return typeof label === "string" ? label : key;
}

/**
 * The row a helper error is about, from the request path it names ("job.priority", "job.frames.set",
 * "farm.renderNode.version"): the row with the longest request path that is the field or a parent of it.
 */
export function rowForRequestField(field: string): FieldRow | undefined {
  let best: FieldRow | undefined;
  for (const row of FIELDS) {
    const path = row.request;
    if (isRequestPathOrMember(field, path) && (best === undefined || path.length > best.request.length)) best = row;
  }
  return best;
}

/**
 * `field` is the request path `path` or one of its members: `path.x`, `path[0]`, or `path key` (a message about one of
 * its keys). The one rule for matching request paths, on both runtimes.
 */
export function isRequestPathOrMember(this: void, field: string, path: string): boolean {
  if (field === path) return true;
  if (field.length <= path.length || field.substring(0, path.length) !== path) return false;
  const next = field.charCodeAt(path.length);
  return next === 46 || next === 91 || next === 32; // . [ space
}

export function isChoice(row: ChoiceRow, value: unknown): value is string {
  for (const choice of row.choices) if (choice === value) return true;
  return false;
}

/** The 0-based position of `value` among the row's choices (the ComboBox item to select); 0 for an unknown one. */
export function choiceIndex(row: ChoiceRow, value: string): number {
  for (let i = 0; i < row.choices.length; i++) if (row.choices[i] === value) return i;
  return 0;
}

/** The choice at a ComboBox position; the row's default for a position outside the list (nothing selected). */
export function choiceAt(row: ChoiceRow, index: number): string {
  return index >= 0 && index < row.choices.length ? row.choices[Math.floor(index)] : row.default;
}

/** The rows the dialog shows in one section, in table order (the dialog's visual and keyboard order). */
export function widgetRows(section: Section): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const row of FIELDS) if (row.widget !== undefined && row.section === section) rows.push(row);
  return rows;
}
