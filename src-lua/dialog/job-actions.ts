/**
 * What the Jobs view and the monitor can do to a job after Submit: resume it, retry its failed tasks, render its
 * missing frames (`resubmit <job folder> --missing`). Each runs the helper in the background (helper-runner.ts) and
 * says what the helper answered. Actions that submit work ask first. A lost answer after work may have been sent
 * (`submit_unconfirmed`) is "not confirmed", never "failed"; `not_supported` says the server lacks the call.
 */
import type { HelperResponse } from "../../types/request";
import type { HelperTools } from "../helper-session";
import { serverBaseUrl } from "../helper-session";
import { type RecentJob, recordJob } from "../recent-jobs";
import { formatInt, plural } from "../text";
import type { HelperRunner } from "./helper-runner";
import type { AppContext } from "../app";
import { ERROR_STYLE, NOTE_STYLE, OK_STYLE, showMessage } from "./ui";

export interface ActionContext {
  ctx: AppContext;
  runner: HelperRunner;
  tools: HelperTools;
  /** The window's status line. */
  say(this: void, text: string, style: string): void;
  /** After the answer was shown (e.g. to refresh the job's status). */
  after(this: void): void;
}

/** The job's page: as the helper reported it, else the documented `/jobs/view/<id>` of its server. */
export function jobPage(job: RecentJob): string {
  return job.url ?? serverBaseUrl(job.server) + "/jobs/view/" + formatInt(job.id);
}

/** A failed answer in words: unconfirmed is never a failure, a missing server call is said as such. */
export function failureText(what: string, response: HelperResponse): { text: string; style: string } {
  if (response.ok) return { text: "The helper answered " + response.command + " to " + what + ".", style: ERROR_STYLE };
  const hint = response.error.hint !== undefined && response.error.hint !== "" ? " " + response.error.hint : "";
  if (response.error.code === "submit_unconfirmed") return { text: "Not confirmed (" + what + "): " + response.error.message + hint, style: NOTE_STYLE };
  if (response.error.code === "not_supported") return { text: "This server does not support it (" + what + "): " + response.error.message + hint, style: NOTE_STYLE };
  return { text: "Could not " + what + ": " + response.error.message + hint, style: ERROR_STYLE };
}

function confirm(ctx: AppContext, title: string, text: string, yes: { id: string; text: string }): boolean {
  return showMessage(ctx.ui, ctx.disp, title, text, [yes, { id: "KeepAsIs", text: "Cancel" }]) === yes.id;
}

function run(action: ActionContext, job: RecentJob, command: "resume" | "retry" | "resubmit", positionals: string[], options: string[], what: string, onAnswer: (this: void, response: HelperResponse) => void): void {
  const call = { command, positionals, options: ["--server", job.server, ...options] };
  action.runner.run(action.tools, call, what, job.server, (response) => {
    onAnswer(response);
    action.after();
  });
}

/** Records a job the helper created for this comp (a retry's or a resubmit's new job); says when it could not. */
function remember(action: ActionContext, job: RecentJob): string {
  const problem = recordJob(action.ctx.host, job);
  return problem !== undefined ? " " + problem : "";
}

export function resumeJob(action: ActionContext, job: RecentJob): void {
  const idText = formatInt(job.id);
  run(action, job, "resume", [idText], [], "Resuming job " + idText, (response) => {
    if (!response.ok || response.command !== "resume") {
      const failed = failureText("resume job " + idText, response);
      return action.say(failed.text, failed.style);
    }
    if (response.unchanged !== undefined) return action.say("Job " + idText + " was not resumed: " + response.unchanged + " (status: " + response.status + ").", NOTE_STYLE);
    action.say("Job " + idText + " was resumed (status: " + response.status + ")." + warnings(response.warnings), OK_STYLE);
  });
}

function warnings(list: string[]): string {
  return list.length > 0 ? " " + list.join(" ") : "";
}

export function retryJob(action: ActionContext, job: RecentJob): void {
  const idText = formatInt(job.id);
  const ok = confirm(
    action.ctx,
    "Retry Failed Tasks",
    "Render the failed and cancelled tasks of job " + idText + " again?\n\nThe server queues them again where it can; otherwise the helper submits a new job for exactly their frames, with the same settings.",
    { id: "ConfirmRetry", text: "Retry Failed Tasks" },
  );
  if (!ok) return action.say("Nothing was retried.", NOTE_STYLE);
  run(action, job, "retry", [idText], [], "Retrying the failed tasks of job " + idText, (response) => {
    if (!response.ok || response.command !== "retry") {
      const failed = failureText("retry job " + idText, response);
      return action.say(failed.text, failed.style);
    }
    const frames = response.frames !== "" ? " (frames " + response.frames + ")" : "";
    const tasks = plural(response.tasks.length, "task", "tasks");
    if (response.method === "nothing") return action.say("No task of job " + idText + " had failed or was cancelled: nothing was submitted.", NOTE_STYLE);
    if (response.method === "rescheduled") {
      return action.say("The server queued " + tasks + " of job " + idText + " again" + frames + "." + warnings(response.warnings), OK_STYLE);
    }
    const newId = response.newJobId;
    const recorded =
      newId !== undefined ? remember(action, { id: newId, server: job.server, submitted: action.ctx.host.now(), jobFolder: job.jobFolder, name: (job.name ?? "job " + idText) + " (retry)", url: response.url }) : "";
    action.say(
      "The server cannot queue tasks again, so the helper submitted job " + (newId !== undefined ? formatInt(newId) : "?") + " for the " + tasks + frames + " of job " + idText + "." + warnings(response.warnings) + recorded,
      OK_STYLE,
    );
  });
}

export function renderMissing(action: ActionContext, job: RecentJob): void {
  const idText = formatInt(job.id);
  const folder = job.jobFolder;
  if (folder === undefined) {
    return action.say("Job " + idText + " has no job folder (it was submitted without a render package), so its missing frames cannot be found. Submit the comp again instead.", NOTE_STYLE);
  }
  const ok = confirm(
    action.ctx,
    "Render Missing Frames",
    "Check the frames of job " + idText + " and render the missing ones again?\n\nThe helper looks in " + folder + " for frames that are missing or empty and submits a new job for exactly those, rendering the same comp snapshot.",
    { id: "ConfirmRenderMissing", text: "Render Missing Frames" },
  );
  if (!ok) return action.say("Nothing was submitted.", NOTE_STYLE);
  run(action, job, "resubmit", [folder], ["--missing"], "Looking for the missing frames of job " + idText, (response) => {
    if (!response.ok || response.command !== "resubmit") {
      const failed = failureText("render the missing frames of job " + idText, response);
      return action.say(failed.text, failed.style);
    }
    if (response.jobId === undefined) return action.say("Nothing is missing: every frame of job " + idText + " was written. Nothing was submitted.", OK_STYLE);
    const recorded = remember(action, {
      id: response.jobId,
      server: job.server,
      submitted: action.ctx.host.now(),
      jobFolder: response.jobFolder,
      name: (job.name ?? "job " + idText) + " (missing frames)",
      url: response.url,
    });
    action.say(
      "Job " + formatInt(response.jobId) + " renders the " + plural(response.frames.length, "missing frame", "missing frames") + " of job " + idText + " in " + plural(response.taskCount, "task", "tasks") + "." + warnings(response.warnings) + recorded,
      OK_STYLE,
    );
  });
}
