/**
 * The submit dialog's status area as ONE state (DialogStatus) and ONE function that renders it (renderStatus).
 * The dialog's parts only record facts here (StatusModel's setters) and ask DialogCore to render: what a label shows
 * is decided in renderStatus alone, so it no longer depends on which part wrote last.
 *
 * Pure (no UI calls): compiled into the comp script and tested as a module under LuaJIT
 * (test/lua/status-view-lua.test.ts). Styles are names here; DialogCore maps them to style sheets.
 *
 * The setters say when a fact goes stale (a newer answer about the same thing replaces it); renderStatus says which
 * fact wins where. Each sentence is shown once in the whole status area: on the first label, in STATUS_LABELS order,
 * that has it (next to its field before the lists and the status line).
 */
import type { ErrorBody, PreflightCheck } from "../../types/request";
import { FIELDS } from "../../src-node/portable/fields";
import { type Findings, messageLineFor, routeChecks } from "./check-routing";

export type StatusStyle = "plain" | "ok" | "note" | "error";

export interface Message {
  text: string;
  style: StatusStyle;
}

export type StatusLabel =
  | "Notice"
  | "ServerStatus"
  | "FramesSummary"
  | "FrameRanges"
  | "EnvironmentStatus"
  | "AssignStatus"
  | "RootsStatus"
  | "Checks"
  | "Status";

/** Every label of the status area, in the order a repeated sentence is kept (the first one keeps it). */
export const STATUS_LABELS: readonly StatusLabel[] = [
  "Notice",
  "ServerStatus",
  "FramesSummary",
  "FrameRanges",
  "EnvironmentStatus",
  "AssignStatus",
  "RootsStatus",
  "Checks",
  "Status",
];

/**
 * The label a field's own error shows on, by widget id (readFields' `errors`): a scalar row's `shownAt` (the field
 * table), the structured fields' lines here; an id not listed goes to Status.
 */
export const FIELD_ERROR_LABEL: { [widgetId: string]: StatusLabel } = (() => {
  const labels: { [widgetId: string]: StatusLabel } = { AssignNames: "AssignStatus", Platforms: "RootsStatus", Environment: "EnvironmentStatus" };
  for (const row of FIELDS) if (row.widget !== undefined && row.shownAt !== undefined) labels[row.widget.id] = row.shownAt;
  return labels;
})();

/** The order field errors are listed in (Lua's pairs order is not fixed); ids not listed follow, sorted. */
export const FIELD_ERROR_ORDER: readonly string[] = ["Server", "CustomFrames", "AssignNames", "Platforms", "Environment"];

/** The checks the dialog words itself (the farm's OSes, shown with its client-OS proposal). */
const SKIPPED_CHECK_CODES: readonly string[] = ["farm_oses"];

/** The dialog's own pre-flight (src-lua/preflight.ts): what stops the submission, and its checks. */
export interface LocalChecks {
  blockers: readonly string[];
  checks: readonly PreflightCheck[];
}

export interface DialogStatus {
  /** Sentences about the stored data (Notice line). */
  notices: string[];
  /** The presets panel's answer to the last preset action: shown instead of the notices until they are shown again. */
  presetMessage: Message | undefined;
  /** The fields' own problems as last read, by widget id (readFields' `errors`). */
  fieldErrors: { [widgetId: string]: string };
  /** The server in the field when the fields were last read or Test was clicked (trimmed). */
  server: string;
  /** The last Test answer and the server it is about: shown only while that server is in the field. */
  test: { server: string; message: Message } | undefined;
  /** "N frames in M tasks" (the local estimate, then the plan's answer) or why the frames cannot be counted. */
  frames: Message | undefined;
  /** The comp's frame ranges, as the FrameRanges line words them. */
  frameRanges: string;
  /** Why the last plan failed, and the label its field routes it to (failureLabel). */
  planFailure: { label: StatusLabel; text: string } | undefined;
  /** Pre-flight findings, routed by check-routing.ts: the dialog's own, the helper's (a plan's or a refusal's), the OS note. */
  findings: { local: LocalChecks; helper: Findings | undefined; rootsNote: string | undefined };
  /** The answer to Fetch from Server (the names listed, or why not). */
  fetchMessage: Message | undefined;
  /** What the running helper command is doing ("Checking the request…", "Stopping the helper…", "Still busy: …"). */
  activity: Message | undefined;
  /** Why node or the helper cannot run, once a plan or Submit needed them. */
  toolsProblem: string | undefined;
  /** The status line's answer to the last action (Submit's outcome, Create Folders, "fix the problems"). */
  outcome: Message | undefined;
}

export function emptyStatus(this: void, notices: readonly string[], frameRanges: string): DialogStatus {
  return {
    notices: [...notices],
    presetMessage: undefined,
    fieldErrors: {},
    server: "",
    test: undefined,
    frames: undefined,
    frameRanges,
    planFailure: undefined,
    findings: { local: { blockers: [], checks: [] }, helper: undefined, rootsNote: undefined },
    fetchMessage: undefined,
    activity: undefined,
    toolsProblem: undefined,
    outcome: undefined,
  };
}

/**
 * The label a failed plan's error goes to, by the request field it names or its code (the fix is next to that
 * field). The helper's launch failures (the comp script's own "(launch)" field) are routed to Status by the caller.
 */
export function failureLabel(this: void, error: Pick<ErrorBody, "field" | "code">): StatusLabel {
  // Some refusals are about a kind of problem whatever field they name: the server, the frames, the shared roots.
  if (error.code === "bad_frames") return "FramesSummary";
  if (error.code === "unreachable" || error.code === "timeout") return "ServerStatus";
  if (error.code === "path_unmapped" || error.code === "unsafe_path") return "RootsStatus";
  return messageLineFor(error.field ?? "");
}

/** The facts, and the rules for when each goes stale. The dialog's parts change the status only through these. */
export class StatusModel {
  readonly state: DialogStatus;

  constructor(notices: readonly string[], frameRanges: string) {
    this.state = emptyStatus(notices, frameRanges);
  }

  /**
   * A plan starts from freshly read fields: the previous plan's failure and the answers to earlier actions are over.
   * A Test answer stays only while its server is in the field. `estimate`: the local frames summary (undefined
   * while the frames field has an error, which is shown instead). The findings stay until the plan answers.
   */
  planStarted(server: string, errors: { [widgetId: string]: string }, frameRanges: string, estimate: Message | undefined): void {
    const state = this.state;
    this.readServer(server);
    state.fieldErrors = { ...errors };
    state.frameRanges = frameRanges;
    state.frames = estimate;
    state.planFailure = undefined;
    state.toolsProblem = undefined;
    state.fetchMessage = undefined;
    state.outcome = undefined;
  }

  /** The fields were read again outside a plan (e.g. before saving a preset): their errors are these now. */
  setFieldErrors(errors: { [widgetId: string]: string }): void {
    this.state.fieldErrors = { ...errors };
  }

  /** The frames fields changed: the new estimate replaces the frames field's error and a plan's refusal of the old frames. */
  framesEstimated(estimate: Message): void {
    const state = this.state;
    state.frames = estimate;
    delete state.fieldErrors.CustomFrames;
    if (state.planFailure?.label === "FramesSummary") state.planFailure = undefined;
  }

  /** The plan's own count (the authority: it knows what the estimate cannot, e.g. a movie Saver is one task). */
  planCounted(frames: Message): void {
    this.state.frames = frames;
  }

  planFailed(label: StatusLabel, text: string): void {
    this.state.planFailure = { label, text };
  }

  setFindings(local: LocalChecks, helper: Findings | undefined, rootsNote: string | undefined): void {
    this.state.findings = { local, helper, rootsNote };
  }

  /**
   * Test answered about `server` (what the field held when clicked): newer than a plan's word about the server and
   * than the field's error read before.
   */
  testAnswered(server: string, message: Message): void {
    const state = this.state;
    this.readServer(server);
    state.test = { server, message };
    delete state.fieldErrors.Server;
    if (state.planFailure?.label === "ServerStatus") state.planFailure = undefined;
  }

  fetchAnswered(message: Message): void {
    this.state.fetchMessage = message;
  }

  /** A name was added to the names field: what was said about the old names (error, refusal, Fetch answer) is over. */
  assignEdited(): void {
    const state = this.state;
    state.fetchMessage = undefined;
    delete state.fieldErrors.AssignNames;
    if (state.planFailure?.label === "AssignStatus") state.planFailure = undefined;
  }

  /** A helper command runs (or one was refused because another runs): the previous action's outcome is over. */
  setActivity(message: Message): void {
    this.state.activity = message;
    this.state.outcome = undefined;
  }

  activityEnded(): void {
    this.state.activity = undefined;
  }

  showToolsProblem(text: string): void {
    this.state.toolsProblem = text;
  }

  setOutcome(message: Message): void {
    this.state.outcome = message;
  }

  /** The presets panel's answer replaces the notices in the Notice line. */
  setPresetMessage(message: Message): void {
    this.state.presetMessage = message;
  }

  /** The notices are shown again (one was added): they replace the presets panel's last answer. */
  showNotices(): void {
    this.state.presetMessage = undefined;
  }

  private readServer(server: string): void {
    const state = this.state;
    state.server = server;
    // A Test answer about another server never comes back, even if that server is typed again.
    if (state.test !== undefined && state.test.server !== server) state.test = undefined;
  }
}

const SEVERITY: Record<StatusStyle, number> = { plain: 0, ok: 1, note: 2, error: 3 };

export function fieldErrorIds(this: void, errors: { [widgetId: string]: string }): string[] {
  const others: string[] = [];
  for (const id in errors) if (!FIELD_ERROR_ORDER.includes(id)) others.push(id);
  others.sort();
  return [...FIELD_ERROR_ORDER.filter((id) => errors[id] !== undefined), ...others];
}

/**
 * Every label's text and style from the state. Per label, first non-empty wins where a "‖" separates, "+" shows both:
 * - Notice: the presets panel's answer ‖ the stored-data notices.
 * - ServerStatus: Server field error ‖ plan failure ‖ the Test answer about the server in the field.
 * - FramesSummary: frames field error ‖ plan failure ‖ the frames summary (estimate or plan's count, or its error).
 * - FrameRanges: the comp's ranges. EnvironmentStatus: Environment field error ‖ plan failure.
 * - AssignStatus: (names field error ‖ plan failure) + the Fetch answer + findings routed here (none under a field error).
 * - RootsStatus: (client OS field error ‖ plan failure) + findings routed here (with the OS note; none under a field error).
 * - Checks: the findings routed there.
 * - Status: the running command's activity ‖ (other field errors + tools problem + plan failure + the last action's outcome).
 * A finding repeating a sentence shown as an error is left out; any sentence shown on an earlier label is left out.
 * Style: the most serious part's (error > note > ok > plain); an empty label is plain.
 */
export function renderStatus(this: void, state: DialogStatus): Record<StatusLabel, Message> {
  const parts: Record<StatusLabel, Message[]> = {
    Notice: [],
    ServerStatus: [],
    FramesSummary: [],
    FrameRanges: [],
    EnvironmentStatus: [],
    AssignStatus: [],
    RootsStatus: [],
    Checks: [],
    Status: [],
  };
  const errorsOn: Record<StatusLabel, Message[]> = { Notice: [], ServerStatus: [], FramesSummary: [], FrameRanges: [], EnvironmentStatus: [], AssignStatus: [], RootsStatus: [], Checks: [], Status: [] };
  for (const id of fieldErrorIds(state.fieldErrors)) {
    errorsOn[FIELD_ERROR_LABEL[id] ?? "Status"].push({ text: state.fieldErrors[id], style: "error" });
  }
  const failure = state.planFailure;
  const failureOn = (label: StatusLabel): Message[] => (failure !== undefined && failure.label === label ? [{ text: failure.text, style: "error" }] : []);
  /** The field's error, else the plan's failure (they do not meet: a field error stops the plan). */
  const problem = (label: StatusLabel): Message[] => (errorsOn[label].length > 0 ? errorsOn[label] : failureOn(label));
  const one = (message: Message | undefined): Message[] => (message !== undefined && message.text !== "" ? [message] : []);

  parts.Notice = state.presetMessage !== undefined ? one(state.presetMessage) : state.notices.map((text) => ({ text, style: "note" as StatusStyle }));
  const test = state.test !== undefined && state.test.server === state.server ? state.test.message : undefined;
  parts.ServerStatus = problem("ServerStatus").length > 0 ? problem("ServerStatus") : one(test);
  parts.FramesSummary = problem("FramesSummary").length > 0 ? problem("FramesSummary") : one(state.frames);
  parts.FrameRanges = one({ text: state.frameRanges, style: "plain" });
  parts.EnvironmentStatus = problem("EnvironmentStatus");
  parts.AssignStatus = [...problem("AssignStatus"), ...one(state.fetchMessage)];
  parts.RootsStatus = problem("RootsStatus");
  const statusLine = [...errorsOn.Status, ...one(state.toolsProblem === undefined ? undefined : { text: state.toolsProblem, style: "error" }), ...failureOn("Status"), ...one(state.outcome)];
  parts.Status = state.activity !== undefined ? one(state.activity) : statusLine;

  // The findings, each next to the field it concerns, never repeating a sentence already shown as an error.
  const shownAsError: string[] = [];
  for (const label of STATUS_LABELS) {
    for (const part of parts[label]) {
      if (part.style !== "error") continue;
      shownAsError.push(part.text);
      for (const line of part.text.split("\n")) shownAsError.push(line);
    }
  }
  const findings = state.findings;
  const routed = routeChecks(findings.local, findings.helper, SKIPPED_CHECK_CODES, findings.rootsNote, shownAsError);
  for (const label of ["AssignStatus", "RootsStatus", "Checks"] as const) {
    const lines = routed.lines[label];
    // A field's error wins over a finding on the same label: the request the finding was about cannot be made.
    if (lines.length === 0 || errorsOn[label].length > 0) continue;
    parts[label].push({ text: lines.join("\n"), style: routed.blocking[label] ? "error" : "note" });
  }

  const rendered = {} as Record<StatusLabel, Message>;
  const shown: string[] = [];
  for (const label of STATUS_LABELS) {
    const texts: string[] = [];
    let style: StatusStyle = "plain";
    for (const part of parts[label]) {
      if (part.text === "" || shown.includes(part.text)) continue;
      shown.push(part.text);
      texts.push(part.text);
      if (SEVERITY[part.style] > SEVERITY[style]) style = part.style;
    }
    rendered[label] = { text: texts.join("\n"), style };
  }
  return rendered;
}
