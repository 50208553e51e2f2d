/**
 * What the monitor follows and says, without the window: the followed job (just submitted, or reopened from the Jobs
 * view), the overall line, a finished job's outcome and its one console line, the first failed task's output.
 */
import type { LogResult, StatusResult } from "../../types/request";
import type { HelperTools } from "../helper-session";
import type { RecentJob } from "../recent-jobs";
import { formatInt, plural } from "../text";
import { jobPage } from "./job-actions";
import type { Submitted } from "../app";
import { PRODUCT_TITLE } from "./ui";

/** The job a monitor follows: just submitted, or reopened from the Jobs view. */
export interface FollowedJob {
  jobId: number;
  url: string;
  server: string;
  tools: HelperTools;
  /** The first line: what was submitted ("Submitted job 42: 10 frames in 1 task."), or which job this is. */
  headline: string;
  notes: string[];
  /** The job folder (render package): Render Missing Frames is offered once the job finished. */
  jobFolder?: string;
  name?: string;
  /** Print the finish line even when the first status already says finished (a job just submitted). */
  announceFinished: boolean;
}

/** The monitor of a job Submit just sent. */
export function followSubmitted(job: Submitted): FollowedJob {
  const result = job.result;
  const notes: string[] = [];
  for (const note of result.notes) notes.push("Note: " + note);
  for (const warning of result.warnings) notes.push("Warning: " + warning);
  for (const note of job.storeNotes) notes.push("Note: " + note);
  return {
    jobId: result.jobId,
    url: result.url,
    server: job.server,
    tools: job.tools,
    headline:
      "Submitted job " + formatInt(result.jobId) + ": " + plural(result.frameCount, "frame", "frames") + " in " + plural(result.taskCount, "task", "tasks") +
      (result.paused ? " (paused: resume it from the Jobs view or on the HQueue web page)" : "") + ".",
    notes,
    jobFolder: result.jobFolder,
    announceFinished: true,
  };
}

/** The monitor of a job of this comp's recent list (Jobs view). */
export function followRecentJob(job: RecentJob, tools: HelperTools): FollowedJob {
  return {
    jobId: job.id,
    url: jobPage(job),
    server: job.server,
    tools,
    headline: "Job " + formatInt(job.id) + (job.name !== undefined ? " \"" + job.name + "\"" : "") + " on " + job.server + ".",
    notes: [],
    jobFolder: job.jobFolder,
    name: job.name,
    announceFinished: false,
  };
}

export function percent(progress: number): string {
  const clamped = math.max(0, math.min(1, progress));
  return formatInt(math.floor(clamped * 100 + 0.5)) + "%";
}

/** "running, 40%: 3 succeeded, 2 running, 5 waiting for machine". */
export function formatOverall(status: StatusResult): string {
  const counts: string[] = [];
  const names: string[] = [];
  for (const name in status.counts) names.push(name);
  names.sort();
  for (const name of names) counts.push(formatInt(status.counts[name]) + " " + name);
  const head = "Job " + status.job.status + ", " + percent(status.job.progress);
  const taskPart = counts.length > 0 ? " (" + plural(status.taskCount ?? status.tasks.length, "task", "tasks") + ": " + counts.join(", ") + ")" : "";
  const tail = status.finished ? (status.succeeded ? ". Finished: every task succeeded." : ". Finished, not all tasks succeeded.") : "";
  return head + taskPart + tail;
}

/** Tasks that failed or were cancelled, by the status counts. */
export function failedCount(status: StatusResult): number {
  return (status.counts["failed"] ?? 0) + (status.counts["cancelled"] ?? 0);
}

/** The outcome of a finished job in a few words: "every task succeeded" / "failed (2 of 10 tasks failed or cancelled)". */
export function finishOutcome(status: StatusResult): string {
  if (status.succeeded) return "every task succeeded";
  const failed = failedCount(status);
  const total = status.taskCount ?? status.tasks.length;
  return status.job.status + (failed > 0 ? " (" + formatInt(failed) + " of " + plural(total, "task", "tasks") + " failed or cancelled)" : "");
}

/** The one console line for a finished job. */
export function finishLine(jobId: number, status: StatusResult, url: string): string {
  return PRODUCT_TITLE + ": job " + formatInt(jobId) + " finished: " + finishOutcome(status) + ". " + url;
}

/** The first failed task's output from a `log` answer ("" when none), headed by the task's name. */
export function firstFailedOutput(log: LogResult): { heading: string; output: string } | undefined {
  for (const task of log.tasks ?? []) {
    if (task.failed) return { heading: "Output of the first failed task, " + task.name + " (" + task.status + ")" + (task.truncated ? ", last lines" : "") + ":", output: task.output };
  }
  return undefined;
}
