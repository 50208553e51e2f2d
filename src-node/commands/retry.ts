/**
 * `retry JOB_ID`: render again only the tasks that failed or were cancelled.
 *
 * 1. The server's rescheduleJobs on exactly those tasks, when it has it (hqueue.md §2 lists it as [R]). The tasks run
 *    again inside the same job.
 * 2. When rescheduleJobs answers a fault (the server lacks it, or refused part of it: how real servers behave is
 *    unverified), the tasks' statuses are read again and only the tasks STILL failed or cancelled go into a NEW job,
 *    each with the command and settings it had. Those are read from the server (job-spec keys, hqueue.md §3, mostly
 *    not documented getJobs attributes): unless the server reports every one of them for every task, the answer is
 *    `not_supported`, naming the missing keys and the frames to submit again, and nothing is sent. A job already
 *    submitted by an earlier retry (same name) is not submitted again without --again.
 * A transport failure during the reschedule is never followed by a resubmission: the tasks may have been rescheduled,
 * and rendering them twice is worse than asking the artist to look.
 */
import type { RetryResult } from "../../types/request";
import { HelperError } from "../errors";
import { jobPageUrl } from "../hqueue/address";
import type { HQueueClient } from "../hqueue/client";
import type { PhaseFile } from "../phase-file";
import { type Command, currentUser, jobIdArgument, makeClient, OUTPUT_OPTIONS, SERVER_OPTIONS, serverError } from "./common";
import { childIdsOf, isFailedStatus, isFault, num, readJob } from "./job-lookup";
import { conditionsOf, framesOfTasks, parentExtras, RETRY_TASK_KEYS, type RetryTask, readRetryTask, retryJobName, retrySpec } from "./retry-plan";
import { type FinishedNames, readFinishedNames } from "./status";
import { sendNewjob } from "./send-newjob";

/** Settings of the old job copied into a resubmission when the server reports them (not documented attributes). */
const PARENT_EXTRA_KEYS = ["description", "emailTo", "emailReasons"];
/** Root jobs read per getJobs when looking for an earlier retry. */
const NAME_BATCH = 1000;

export const UNVERIFIED_RESCHEDULE =
  "How a real HQueue server's rescheduleJobs behaves (and what a fault from it means) is unverified: after the fault the tasks' statuses were read again, and only tasks still failed or cancelled were submitted again.";

type Found = { id: number; name: string; status: string };

async function failedTasks(client: HQueueClient, id: number, job: Record<string, unknown>, isFailed: (s: string) => boolean): Promise<{ failed: Found[]; total: number }> {
  const children = childIdsOf(job);
  if (children.length === 0) {
    const self = { id, name: String(job.name ?? ""), status: String(job.status ?? "") };
    return { failed: isFailed(self.status) ? [self] : [], total: 1 };
  }
  const infos = await client.getJobsById(children, ["id", "name", "status"]);
  const all = children.map((c) => ({ id: c, name: String(infos.get(c)?.name ?? ""), status: String(infos.get(c)?.status ?? "") }));
  return { failed: all.filter((t) => isFailed(t.status)), total: children.length };
}

/** Root jobs named as a retry of this job would be; undefined when the server cannot list root jobs. */
async function earlierRetries(client: HQueueClient, name: string): Promise<number[] | undefined> {
  const unfinished = await client.rootJobIds("unfinished");
  const finished = await client.rootJobIds("finished");
  if (unfinished === undefined || finished === undefined) return undefined;
  const ids = [...new Set([...unfinished, ...finished])];
  const named: number[] = [];
  for (let i = 0; i < ids.length; i += NAME_BATCH) {
    for (const [jobId, info] of await client.getJobsById(ids.slice(i, i + NAME_BATCH), ["id", "name"])) if (info.name === name) named.push(jobId);
  }
  return named.sort((a, b) => a - b);
}

/** Refuses (without --again) when a job submitted by an earlier retry of this job exists, or cannot be looked for. */
async function checkNotRetriedBefore(client: HQueueClient, id: number, name: string, again: string): Promise<void> {
  let earlier: number[] | undefined;
  try {
    earlier = await earlierRetries(client, name);
  } catch (e) {
    throw serverError(e, client, `looking for an earlier retry of job ${id}`);
  }
  if (earlier === undefined) {
    throw new HelperError("not_supported", `The HQueue server at ${client.address.baseUrl} does not list root jobs, so it cannot be checked whether job ${id} was already retried (its failed tasks would render twice). Nothing was submitted.`, {
      hint: `look for a job named "${name}" on ${client.address.baseUrl}/; if there is none, run the retry again with --again`,
    });
  }
  if (earlier.length > 0) {
    throw new HelperError("usage", `Job ${id} was already retried: job ${earlier.join(", ")} ("${name}") renders its failed tasks. Nothing was submitted.`, {
      hint: `follow it with: hqueue-helper status ${earlier[earlier.length - 1]}; to submit them once more anyway: ${again}`,
    });
  }
}

async function resubmit(
  client: HQueueClient, job: Record<string, unknown>, id: number, found: Found[], user: string, frames: string, phase: PhaseFile | undefined,
): Promise<number> {
  const again = `submit the comp again with --frames ${frames || "<the failed tasks' frames>"}`;
  let raws: Map<number, Record<string, unknown>>;
  let extras: Record<string, unknown> = {};
  try {
    raws = await client.getJobsById(found.map((t) => t.id), ["id", "name", ...RETRY_TASK_KEYS]);
  } catch (e) {
    if (isFault(e)) throw notSupportedKeys(client, `it refused getJobs with the tasks' settings (${e.faultString ?? e.message})`, again);
    throw serverError(e, client, `reading the settings of job ${id}'s failed tasks`);
  }
  try {
    extras = await client.getJob(id, PARENT_EXTRA_KEYS);
  } catch (e) {
    // Only conveniences (description, e-mail): a server that refuses to report them still gets the job.
    if (!isFault(e)) throw serverError(e, client, `reading the settings of job ${id}`);
  }
  const tasks: RetryTask[] = [];
  const missing = new Map<string, number[]>();
  for (const t of found) {
    const read = readRetryTask(raws.get(t.id) ?? {}, t.id, t.name, t.status);
    tasks.push(read.task);
    for (const key of read.missing) missing.set(key, [...(missing.get(key) ?? []), t.id]);
  }
  const parentConditions = "conditions" in job ? (job.conditions === null ? [] : conditionsOf(job.conditions)) : undefined;
  if (parentConditions === undefined) missing.set(`conditions of job ${id}`, [id]);
  if (missing.size > 0) {
    const keys = [...missing].map(([key, ids]) => `${key} (task(s) ${ids.join(", ")})`).join("; ");
    throw notSupportedKeys(client, `it does not report every setting the tasks were submitted with: ${keys}`, again);
  }
  const priority = num(job.priority, NaN);
  const parent = {
    id, name: String(job.name ?? `job ${id}`), priority: Number.isInteger(priority) ? priority : undefined, conditions: parentConditions, ...parentExtras(extras),
  };
  return (await sendNewjob(client, retrySpec(parent, tasks, user, frames), phase)).jobId;
}

function notSupportedKeys(client: HQueueClient, why: string, again: string): HelperError {
  return new HelperError(
    "not_supported",
    `The HQueue server at ${client.address.baseUrl} could not reschedule the tasks, and they cannot be submitted again exactly: ${why}. Nothing was submitted.`,
    { hint: again },
  );
}

/** After rescheduleJobs answered a fault: the tasks still failed or cancelled go into a new job. */
async function afterRescheduleFault(
  client: HQueueClient, ctx: Parameters<Command["run"]>[0], id: number, job: Record<string, unknown>, found: Found[], names: FinishedNames, fault: string,
): Promise<{ result: RetryResult; human: string }> {
  let now: Map<number, Record<string, unknown>>;
  try {
    now = await client.getJobsById(found.map((t) => t.id), ["id", "status"]);
  } catch (e) {
    const err = serverError(e, client, `reading the tasks of job ${id} again after rescheduleJobs answered a fault`);
    throw new HelperError(err.code, `${err.message} Nothing was submitted.`, { hint: `check with: hqueue-helper status ${id} before retrying again` });
  }
  const still = found.filter((t) => isFailedStatus(String(now.get(t.id)?.status ?? ""), names));
  const moved = found.filter((t) => !still.includes(t));
  const warnings = [UNVERIFIED_RESCHEDULE];
  if (moved.length > 0) {
    warnings.push(`rescheduleJobs answered a fault (${fault}), yet task(s) ${moved.map((t) => t.id).join(", ")} are no longer failed or cancelled: the server rescheduled them, so they were not submitted again.`);
  }
  const frames = framesOfTasks(still.map((t) => t.name));
  const base = { ok: true as const, command: "retry" as const, jobId: id, tasks: still, frames, warnings };
  const lines = (head: string, url: string) => [head, `  ${url}`, ...warnings.map((w) => `warning: ${w}`)].join("\n");
  if (still.length === 0) {
    const result: RetryResult = { ...base, tasks: moved, frames: framesOfTasks(moved.map((t) => t.name)), method: "rescheduled", url: jobPageUrl(client.address, id) };
    return { result, human: lines(`The tasks of job ${id} render again in the same job (the server rescheduled them, though it answered a fault).`, result.url) };
  }
  const name = retryJobName({ id, name: String(job.name ?? `job ${id}`) });
  if (!ctx.args.flags.has("again")) await checkNotRetriedBefore(client, id, name, `hqueue-helper retry ${id} --again`);
  const newJobId = await resubmit(client, job, id, still, currentUser(ctx.env), frames, ctx.out.phase);
  const url = jobPageUrl(client.address, newJobId);
  const what = `${still.length} task(s)${frames ? ` (frames ${frames})` : ""}`;
  const result: RetryResult = { ...base, method: "resubmitted", newJobId, url };
  return { result, human: lines(`This server cannot reschedule tasks, so a new job was submitted: job ${newJobId} renders the ${what} that failed in job ${id}.`, url) };
}

export const retryCommand: Command = {
  name: "retry",
  summary: "render again only the failed and cancelled tasks of a job (reschedules them, or submits a job of just those)",
  usage: "hqueue-helper retry JOB_ID [--again] [--server HOST[:PORT]] [--json]",
  examples: ["hqueue-helper retry 1234 --server hq:5000", "hqueue-helper retry 1234 --json | jq .method     # \"rescheduled\" or \"resubmitted\""],
  options: {
    again: { help: "submit a new job of the failed tasks even if an earlier retry of this job already did (servers without rescheduleJobs)" },
    ...SERVER_OPTIONS,
    ...OUTPUT_OPTIONS,
  },
  async run(ctx) {
    const id = jobIdArgument(ctx);
    const client = makeClient(ctx);
    const names = await readFinishedNames(client);
    const job = await readJob(client, id, ["id", "name", "status", "children", "priority", "conditions"]);
    let found: Found[];
    let total: number;
    try {
      ({ failed: found, total } = await failedTasks(client, id, job, (s) => isFailedStatus(s, names)));
    } catch (e) {
      throw serverError(e, client, `reading the tasks of job ${id}`);
    }
    const frames = framesOfTasks(found.map((t) => t.name));
    const base = { ok: true as const, command: "retry" as const, jobId: id, tasks: found, frames, warnings: [] as string[] };
    if (found.length === 0) {
      const result: RetryResult = { ...base, method: "nothing", url: jobPageUrl(client.address, id) };
      ctx.out.result(result, `No task of job ${id} has failed or been cancelled (${total} task(s), job ${String(job.status ?? "")}); nothing to retry.`);
      return 0;
    }
    const ids = found.map((t) => t.id);
    const what = `${found.length} task(s)${frames ? ` (frames ${frames})` : ""}`;
    try {
      await client.rescheduleJobs(ids);
    } catch (e) {
      if (!isFault(e)) {
        const err = serverError(e, client, `rescheduling tasks ${ids.join(", ")} of job ${id}`);
        throw new HelperError(err.code, `${err.message} The tasks may or may not have been rescheduled; nothing else was sent.`, {
          hint: `check with: hqueue-helper status ${id} before retrying again`,
        });
      }
      const { result, human } = await afterRescheduleFault(client, ctx, id, job, found, names, e.faultString ?? e.message);
      ctx.out.result(result, human);
      return 0;
    }
    const warnings: string[] = [];
    try {
      const after = await client.getJobsById(ids, ["id", "status"]);
      const still = ids.filter((t) => isFailedStatus(String(after.get(t)?.status ?? ""), names));
      if (still.length > 0) warnings.push(`The server accepted rescheduleJobs but still reports task(s) ${still.join(", ")} as failed or cancelled.`);
    } catch (e) {
      warnings.push(`Could not check the tasks after rescheduling them (${serverError(e, client, "checking the tasks").message}).`);
    }
    const result: RetryResult = { ...base, warnings, method: "rescheduled", url: jobPageUrl(client.address, id) };
    ctx.out.result(result, [
      `Rescheduled ${what} of job ${id}: they render again in the same job.`,
      `  ${result.url}`,
      ...warnings.map((w) => `warning: ${w}`),
    ].join("\n"));
    return 0;
  },
};
