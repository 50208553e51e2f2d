/**
 * One helper command run in the BACKGROUND (contract: /work/brief/contract-8.md, summarised in README): the comp
 * script launches `node hqueue-helper.js <command> ... --json --response-file R` without waiting, then polls
 * (from a ui:Timer, never blocking Fusion's UI thread) three files:
 * - R, the answer (the helper writes it atomically; an older or foreign writer may not, so R that does not decode
 *   yet is read again later);
 * - P = R + ".phase", the helper's progress: `started <pid>`, `sending` (just before newjob), `answered <id>`;
 * - X = R + ".exited", written by the launching shell after the helper process ended, however it ended: the only
 *   way to know the helper is gone without waiting on it;
 * - O = R + ".output", what the helper printed (shown when it gave no answer: e.g. an old Node.js's SyntaxError).
 * Pure decisions (command lines, phase parsing, what an ended run means) are separate from the Host calls.
 */
import type { ErrorBody, Failure, HelperCommand, HelperResponse, SubmitRequest } from "../types/request";
import { cmdJoin, cmdProgramUnsafeReason, cmdUnsafeReason, quoteCmdArg } from "../src-node/core/quote-cmd";
import { quoteSh, shJoin } from "../src-node/core/quote-sh";
import { LAUNCH_FIELD } from "./helper";
import type { Host, OsName } from "./host";
import { decodeJson, encodeJson } from "./json";
import { joinPath, lastLines, trimText } from "./text";

/** `field` of the failure a run ends with when the artist stopped it. */
export const STOPPED_FIELD = "(stopped)";
/** The helper's own default per-call timeout (src-node/commands/common.ts DEFAULT_TIMEOUT_SECONDS). */
export const HELPER_DEFAULT_TIMEOUT = 10;
/** No `started` line by then (and no exit seen): the launch did not work. Node may take seconds on a cold start. */
export const START_LIMIT_SECONDS = 20;
/** After a stop was asked for: how long to wait for the helper to be gone before deciding without it. */
export const STOP_GRACE_SECONDS = 5;
/** After a complete answer: how long to wait for the exit marker (the helper exits right after writing it). */
export const ANSWER_EXIT_WAIT_SECONDS = 2;

export interface HelperTools {
  node: string;
  helper: string;
}

export interface HelperCall {
  command: HelperCommand;
  /** Written to a temp file and passed as --request. */
  request?: SubmitRequest;
  /** Positional arguments after the command (job id). */
  positionals?: string[];
  /** Extra options, e.g. ["--server", "hq:5000"]. */
  options?: string[];
}

export function failure(code: ErrorBody["code"], message: string, hint?: string, field?: string): Failure {
  const error: ErrorBody = { code, message };
  if (hint !== undefined) error.hint = hint;
  if (field !== undefined) error.field = field;
  return { ok: false, error };
}

export function isResponse(value: unknown): value is HelperResponse {
  if (typeof value !== "object" || value === undefined) return false;
  const ok = (value as { ok?: unknown }).ok;
  if (ok === true) return typeof (value as { command?: unknown }).command === "string";
  if (ok !== false) return false;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== "object" || error === undefined) return false;
  return typeof (error as { message?: unknown }).message === "string" && typeof (error as { code?: unknown }).code === "string";
}

/** The response in `text`, or undefined when it is empty, incomplete or not a response. */
export function decodeResponse(text: string | undefined): HelperResponse | undefined {
  if (text === undefined || trimText(text) === "") return undefined;
  const [decoded, value] = pcall(() => decodeJson(text));
  return decoded && isResponse(value) ? value : undefined;
}

/* ------------------------------------------------------------------------------------------------
 * Phase file
 * --------------------------------------------------------------------------------------------- */

export interface Phase {
  /** From `started <pid>`: digits only (it goes into a kill command line). */
  pid?: string;
  /** `sending` or `answered`: newjob may have reached the server. */
  sending: boolean;
  /** From `answered <jobId>`. */
  jobId?: number;
  /** Not from the file: the helper was started and was not seen to end after it was told to stop. */
  mayStillSend?: boolean;
}

function isDigits(text: string): boolean {
  if (text === "" || text.length > 12) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** Reads the phase lines; unknown lines and malformed values are ignored (contract). */
export function parsePhase(text: string | undefined): Phase {
  const phase: Phase = { sending: false };
  if (text === undefined) return phase;
  for (const raw of text.split("\n")) {
    const line = trimText(raw);
    const space = line.indexOf(" ");
    const word = space >= 0 ? line.substring(0, space) : line;
    const rest = space >= 0 ? trimText(line.substring(space + 1)) : "";
    if (word === "started" && isDigits(rest)) phase.pid = rest;
    else if (word === "sending") phase.sending = true;
    else if (word === "answered") {
      phase.sending = true;
      if (isDigits(rest)) phase.jobId = tonumber(rest);
    }
  }
  return phase;
}

/* ------------------------------------------------------------------------------------------------
 * Command lines
 * --------------------------------------------------------------------------------------------- */

export type CommandLine = { ok: true; line: string } | { ok: false; error: ErrorBody };

function unsafeLaunch(arg: string, reason: string): CommandLine {
  return {
    ok: false,
    error: {
      code: "unsafe_path",
      message: "Cannot start the helper with \"" + arg + "\": " + reason + ".",
      field: LAUNCH_FIELD,
      hint: "Move Node.js, the helper or the temporary folder (TEMP) to a path without that character.",
    },
  };
}

/**
 * The line that starts the helper without waiting for it, and writes `exitMarker` once it ended.
 * - Windows (for bmd.executebg, or os.execute as a fallback): `cmd.exe /d /s /c "<helper> <NUL >O 2>&1 & echo exited>X"`.
 *   With /s cmd.exe removes exactly the first and last quote, so the line means the same whether the launcher hands
 *   it to CreateProcess as is or runs it through another `cmd.exe /c` (whose quote rule leaves a line that does
 *   not start with a quote alone): bmd.executebg's quoting is not documented (fusion.md §10).
 * - macOS/Linux (for os.execute, i.e. `sh -c`): `( <helper>; echo exited > X ) </dev/null >O 2>&1 &`.
 */
export function backgroundCommandLine(os: OsName, argv: string[], exitMarker: string, output: string): CommandLine {
  if (os === "Windows") {
    for (let i = 0; i < argv.length; i++) {
      const reason = i === 0 ? cmdProgramUnsafeReason(argv[i]) : cmdUnsafeReason(argv[i]);
      if (reason !== undefined) return unsafeLaunch(argv[i], reason);
    }
    for (const file of [exitMarker, output]) {
      const reason = cmdUnsafeReason(file);
      if (reason !== undefined) return unsafeLaunch(file, reason);
    }
    return {
      ok: true,
      line: 'cmd.exe /d /s /c "' + cmdJoin(argv) + " <NUL >" + quoteCmdArg(output) + " 2>&1 & echo exited>" + quoteCmdArg(exitMarker) + '"',
    };
  }
  return { ok: true, line: "( " + shJoin(argv) + "; echo exited > " + quoteSh(exitMarker) + " ) </dev/null >" + quoteSh(output) + " 2>&1 &" };
}

/** The line that stops process `pid` (digits only), itself launched in the background. */
export function stopCommandLine(os: OsName, pid: string): string | undefined {
  if (!isDigits(pid)) return undefined;
  if (os === "Windows") return 'cmd.exe /d /s /c "taskkill /PID ' + pid + ' /T /F >NUL 2>&1"';
  return "kill " + pid + " >/dev/null 2>&1 &";
}

/** `http://host:port` for a server as typed in the dialog ("hq:5000" or a URL). */
export function serverBaseUrl(server: string): string {
  let text = trimText(server);
  while (text.endsWith("/")) text = text.substring(0, text.length - 1);
  const lower = text.toLowerCase();
  return lower.startsWith("http://") || lower.startsWith("https://") ? text : "http://" + text;
}

/** The helper's timeout for this call: --timeout, else the request's timeoutSeconds, else the helper's default. */
export function helperTimeoutOf(call: HelperCall): number {
  const options = call.options ?? [];
  for (let i = 0; i + 1 < options.length; i++) {
    if (options[i] === "--timeout") {
      const value = tonumber(options[i + 1]);
      if (value !== undefined && value > 0) return value;
    }
  }
  const fromRequest = call.request?.timeoutSeconds;
  return fromRequest !== undefined && fromRequest > 0 ? fromRequest : HELPER_DEFAULT_TIMEOUT;
}

/**
 * How long a run may take before the artist is told and the helper is stopped: Node's start-up, then a few server
 * calls (submit pings, may ask for the shared roots, then sends newjob), each bounded by the helper's timeout.
 */
export function timeLimitFor(call: HelperCall): number {
  return 10 + 3 * helperTimeoutOf(call);
}

/* ------------------------------------------------------------------------------------------------
 * What an ended run means
 * --------------------------------------------------------------------------------------------- */

export type EndReason = "exited" | "limit" | "stopped" | "notStarted";

/** The failure for a run that ended without a complete answer (contract-8: unconfirmed means unconfirmed). */
export function endWithoutAnswer(
  command: HelperCommand,
  phase: Phase,
  reason: EndReason,
  context: { node: string; server?: string; limitSeconds: number; output?: string },
): Failure {
  const server = context.server !== undefined && trimText(context.server) !== "" ? serverBaseUrl(context.server) : undefined;
  if (command === "submit" && (phase.sending || phase.mayStillSend === true)) {
    const why = !phase.sending
      ? "The helper was told to stop but could not be seen to end: it may still send the job."
      : reason === "limit"
        ? "The helper sent the job to the server but got no answer within " + string.format("%d", context.limitSeconds) + " s, and was stopped."
        : reason === "stopped"
          ? "You stopped the helper after it had sent the job to the server."
          : "The helper stopped after it had sent the job to the server, before it could report the answer.";
    const job = phase.jobId !== undefined ? " The server created job " + string.format("%d", phase.jobId) + "." : " The job may or may not have been created.";
    const look =
      server === undefined
        ? "Look for the job on the HQueue web page before submitting again, so that it does not render twice."
        : phase.jobId !== undefined
          ? "Check it at " + server + "/jobs/view/" + string.format("%d", phase.jobId) + " before submitting again, so that it does not render twice."
          : "Open " + server + "/ and look for the job before submitting again, so that it does not render twice.";
    return failure("submit_unconfirmed", why + job, look);
  }
  const nothing = command === "submit" ? " It had not sent the job, so nothing was submitted; it is safe to submit again." : "";
  const printed = context.output !== undefined ? trimText(lastLines(context.output, 8)) : "";
  const said = printed !== "" ? " It printed: " + printed : "";
  const oldNode = printed.includes("SyntaxError") || printed.includes("Unexpected token");
  const nodeHint = oldNode
    ? "This looks like an old Node.js: HQueue Render needs Node.js 18 or newer (https://nodejs.org). Node.js used: " + context.node + "."
    : "Check that " + context.node + " is Node.js 18 or newer (https://nodejs.org) and that the HQueue Render installation is complete.";
  if (reason === "stopped") return failure("internal", "Stopped." + nothing, undefined, STOPPED_FIELD);
  if (reason === "notStarted" || (reason === "exited" && phase.pid === undefined)) {
    return failure(
      "internal",
      reason === "notStarted"
        ? "The helper did not start (no sign of it after " + string.format("%d", math.min(START_LIMIT_SECONDS, context.limitSeconds)) + " s)." + nothing
        : "The helper did not answer." + nothing + said,
      nodeHint,
      LAUNCH_FIELD,
    );
  }
  if (reason === "limit") {
    return failure(
      "timeout",
      "The helper did not finish within " + string.format("%d", context.limitSeconds) + " s and was stopped." + nothing,
      server !== undefined ? "Check that the HQueue server at " + server + " is running and reachable from this computer." : undefined,
    );
  }
  return failure("internal", "The helper did not answer: it stopped before it was done." + nothing + said, oldNode ? nodeHint : "Run it again; if this keeps happening, check the Node.js installation.");
}

/* ------------------------------------------------------------------------------------------------
 * A run
 * --------------------------------------------------------------------------------------------- */

export type RunState = "running" | "stopping" | "done";

/** One background run of the helper. Never throws; poll() never waits. */
export class HelperSession {
  readonly responsePath: string;
  readonly phasePath: string;
  readonly exitPath: string;
  readonly outputPath: string;
  readonly requestPath: string;
  readonly limitSeconds: number;
  private startedAt = 0;
  private stopAt: number | undefined;
  private stopReason: EndReason = "stopped";
  private result: HelperResponse | undefined;
  private answer: HelperResponse | undefined;
  private answerAt = 0;
  private stopSent = false;

  constructor(private readonly host: Host, private readonly tools: HelperTools, readonly call: HelperCall, private readonly server?: string) {
    const base = joinPath(host.os === "Windows" ? "windows" : "linux", host.tempDir(), "kartalink-hqueue-" + host.uniqueToken());
    this.responsePath = base + "-response.json";
    this.phasePath = this.responsePath + ".phase";
    this.exitPath = this.responsePath + ".exited";
    this.outputPath = this.responsePath + ".output";
    this.requestPath = base + "-request.json";
    this.limitSeconds = timeLimitFor(call);
  }

  get state(): RunState {
    return this.result !== undefined ? "done" : this.stopAt !== undefined ? "stopping" : "running";
  }

  /** Seconds since launch. */
  elapsed(): number {
    return this.host.now() - this.startedAt;
  }

  /** Launches the helper; returns the failure when it could not even be launched (then the run is done). */
  launch(): HelperResponse | undefined {
    this.startedAt = this.host.now();
    const call = this.call;
    const argv: string[] = [this.tools.node, this.tools.helper, call.command];
    for (const positional of call.positionals ?? []) argv.push(positional);
    if (call.request !== undefined) {
      const [encoded, text] = pcall(() => encodeJson(call.request));
      if (!encoded || typeof text !== "string") return this.finish(failure("internal", "Could not write the request: " + tostring(text)));
      if (!this.host.writeFile(this.requestPath, text)) {
        return this.finish(failure("internal", "Could not write the request file " + this.requestPath + ".", "Check that the temporary folder exists and is writable."));
      }
      argv.push("--request", this.requestPath);
    }
    for (const option of call.options ?? []) argv.push(option);
    argv.push("--json", "--response-file", this.responsePath);
    const line = backgroundCommandLine(this.host.os, argv, this.exitPath, this.outputPath);
    if (!line.ok) return this.finish({ ok: false, error: line.error });
    const problem = this.host.launchBackground(line.line);
    if (problem !== undefined) {
      return this.finish(failure("internal", "The helper could not be started: " + problem, "Check the Node.js path in this dialog.", LAUNCH_FIELD));
    }
    // A launcher that waited after all (bmd.executebg's behaviour is not documented) may leave the answer ready.
    return this.poll();
  }

  /** The answer once the run is over, else undefined. Cheap: a few file checks. */
  poll(): HelperResponse | undefined {
    if (this.result !== undefined) return this.result;
    const host = this.host;
    const exited = host.fileExists(this.exitPath);
    if (this.answer === undefined && (exited || host.fileExists(this.responsePath))) {
      this.answer = decodeResponse(host.readFile(this.responsePath));
      if (this.answer !== undefined) this.answerAt = host.now();
    }
    // A complete answer is the answer; the exit marker follows it at once (waited for a moment, so that no
    // file is left behind in the temporary folder).
    if (this.answer !== undefined && (exited || host.now() - this.answerAt >= ANSWER_EXIT_WAIT_SECONDS)) return this.finish(this.answer);
    if (this.answer !== undefined) return undefined;
    if (exited) return this.finish(this.endFailure(this.stopAt !== undefined ? this.stopReason : "exited"));
    const now = host.now();
    if (this.stopAt !== undefined) {
      // Not seen to end: a started submit may still send the job, so it is reported as not confirmed.
      if (now - this.stopAt >= STOP_GRACE_SECONDS) return this.finish(this.endFailure(this.stopReason, true));
      if (!this.stopSent) this.sendStop();
      return undefined;
    }
    // No sign of life (checked before the time limit, which may be shorter): the launch did not work.
    const startLimit = math.min(START_LIMIT_SECONDS, this.limitSeconds);
    if (now - this.startedAt >= startLimit && parsePhase(host.readFile(this.phasePath)).pid === undefined) {
      return this.finish(this.endFailure("notStarted"));
    }
    if (now - this.startedAt >= this.limitSeconds) this.stop("limit");
    return undefined;
  }

  /** Asks the helper to stop (the artist's Stop, or the time limit); the run ends when it is gone or after a grace. */
  stop(reason: "stopped" | "limit" = "stopped"): void {
    if (this.result !== undefined || this.stopAt !== undefined) return;
    this.stopAt = this.host.now();
    this.stopReason = reason;
    this.sendStop();
  }

  private sendStop(): void {
    const pid = parsePhase(this.host.readFile(this.phasePath)).pid;
    if (pid === undefined) return; // not started (yet): tried again on the next poll
    const line = stopCommandLine(this.host.os, pid);
    if (line === undefined) return;
    this.stopSent = true;
    this.host.launchBackground(line);
  }

  private endFailure(reason: EndReason, mayStillRun = false): Failure {
    const phase = parsePhase(this.host.readFile(this.phasePath));
    if (mayStillRun && phase.pid !== undefined) phase.mayStillSend = true;
    return endWithoutAnswer(this.call.command, phase, reason, {
      node: this.tools.node,
      server: this.server,
      limitSeconds: this.limitSeconds,
      output: this.host.readFile(this.outputPath),
    });
  }

  private finish(response: HelperResponse): HelperResponse {
    this.result = response;
    const host = this.host;
    for (const path of [this.responsePath, this.responsePath + ".tmp", this.phasePath, this.exitPath, this.outputPath]) host.removeFile(path);
    if (this.call.request !== undefined) host.removeFile(this.requestPath);
    return response;
  }
}

/**
 * Runs a session to its end in short sleeps: only for a UI Manager whose timers have never been seen to fire (so
 * nothing else would ever poll). Fusion waits, as it did before background runs, but never past the time limit.
 */
export function runToEnd(host: Host, session: HelperSession): HelperResponse {
  let answer = session.poll();
  while (answer === undefined) {
    host.sleep(0.05);
    answer = session.poll();
  }
  return answer;
}
