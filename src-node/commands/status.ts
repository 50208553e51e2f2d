import type { JobState, StatusResult } from "../../types/request";
import { intOption } from "../args";
import { jobPageUrl } from "../hqueue/address";
import type { HQueueClient } from "../hqueue/client";
import { HQueueError } from "../hqueue/hqueue-error";
import { type Command, type CommandContext, jobIdArgument, makeClient, OUTPUT_OPTIONS, SERVER_OPTIONS, serverError } from "./common";
import { childIdsOf, num, readJob } from "./job-lookup";

/** Used when a server does not answer the status-name calls (names from the HQueue docs). */
const DEFAULT_SUCCEEDED = ["succeeded"];
// Not "abandoned": HQueue puts an abandoned job back to running when its client comes back (hqueue.md §7).
const DEFAULT_FAILED = ["failed", "cancelled"];

function state(raw: Record<string, unknown>, fallbackId: number): JobState {
  const progress = Math.min(1, Math.max(0, num(raw.progress, 0)));
  return { id: num(raw.id, fallbackId), name: String(raw.name ?? ""), status: String(raw.status ?? "unknown"), progress };
}

export interface FinishedNames {
  succeeded: string[];
  failed: string[];
}

export async function finishedNames(client: HQueueClient): Promise<FinishedNames> {
  let names: Awaited<ReturnType<HQueueClient["statusNames"]>> = {};
  try {
    names = await client.statusNames();
  } catch (e) {
    // The lists are optional conveniences: a server that answers them oddly still has job statuses.
    if (e instanceof HQueueError && (e.kind === "unreachable" || e.kind === "timeout")) throw e;
  }
  return {
    succeeded: names.succeeded ?? DEFAULT_SUCCEEDED,
    // Cancelled jobs are over too; a server's failed list may or may not include them.
    failed: [...new Set([...(names.failed ?? []), ...DEFAULT_FAILED])],
  };
}

/** finishedNames for a command: a server that cannot be read is the command's error, saying what it was reading. */
export async function readFinishedNames(client: HQueueClient): Promise<FinishedNames> {
  try {
    return await finishedNames(client);
  } catch (e) {
    throw serverError(e, client, "reading the status names");
  }
}

/**
 * Job status in a constant number of calls whatever the task count: the parent with its child ids,
 * then all children in ONE getJobs with only the attributes shown (never one call per child).
 */
export async function jobStatus(client: HQueueClient, id: number, names: FinishedNames): Promise<StatusResult> {
  const parent = await readJob(client, id, ["id", "name", "status", "progress", "children"]);
  const childIds = childIdsOf(parent);
  let tasks: JobState[] = [];
  if (childIds.length > 0) {
    try {
      const children = await client.getJobsById(childIds, ["id", "name", "status", "progress"]);
      tasks = childIds.map((c) => state(children.get(c) ?? {}, c));
    } catch (e) {
      throw serverError(e, client, `reading the tasks of job ${id}`);
    }
  }
  const job = state(parent, id);
  const counts: Record<string, number> = {};
  for (const t of tasks) counts[t.status] = (counts[t.status] ?? 0) + 1;
  if (tasks.length > 0 && job.progress === 0) {
    // Some servers leave a container's own progress at 0: derive it from the tasks.
    job.progress = tasks.reduce((sum, t) => sum + (names.succeeded.includes(t.status) ? 1 : t.progress), 0) / tasks.length;
  }
  const succeeded = names.succeeded.includes(job.status);
  const finished = succeeded || names.failed.includes(job.status);
  return { ok: true, command: "status", job, tasks, taskCount: tasks.length, counts, finished, succeeded, url: jobPageUrl(client.address, id) };
}

export function describeStatus(s: StatusResult): string {
  const pct = (p: number) => `${Math.round(p * 100)}%`.padStart(4);
  const lines = [`Job ${s.job.id} ${s.job.name}: ${s.job.status} ${pct(s.job.progress)}`, `  ${s.url}`];
  const counts = Object.entries(s.counts).map(([k, v]) => `${v} ${k}`).join(", ");
  if (counts) lines.push(`  tasks: ${counts}`);
  for (const t of s.tasks.slice(0, 50)) lines.push(`  ${String(t.id).padStart(7)}  ${t.name.padEnd(28)} ${t.status.padEnd(20)} ${pct(t.progress)}`);
  if (s.taskCount > Math.min(50, s.tasks.length)) lines.push(`  … and ${s.taskCount - Math.min(50, s.tasks.length)} more task(s)`);
  return lines.join("\n");
}

/** Keeps the first `max` tasks (a monitor that shows 500 rows need not decode 100,000); counts stay whole. */
export function limitTasks(status: StatusResult, max: number | undefined): StatusResult {
  if (max === undefined || status.tasks.length <= max) return status;
  return { ...status, tasks: status.tasks.slice(0, max) };
}

export const statusCommand: Command = {
  name: "status",
  summary: "show a job's status and the progress of each task",
  usage: "hqueue-helper status JOB_ID [--max-tasks N] [--server HOST[:PORT]] [--json]",
  options: {
    "max-tasks": { value: true, meta: "N", help: "list only the first N tasks (the counts still cover every task)" },
    ...SERVER_OPTIONS,
    ...OUTPUT_OPTIONS,
  },
  async run(ctx: CommandContext) {
    const id = jobIdArgument(ctx);
    const client = makeClient(ctx);
    const names = await readFinishedNames(client);
    const status = limitTasks(await jobStatus(client, id, names), intOption(ctx.args, "max-tasks", 0, 10_000_000));
    ctx.out.result(status, describeStatus(status));
    return 0;
  },
};
