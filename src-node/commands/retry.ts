/**
 * `retry JOB_ID`: render again only the tasks that failed or were cancelled.
 *
 * 1. The server's rescheduleJobs on exactly those tasks, when it has it (hqueue.md §2 lists it as [R]: a fault means
 *    the server lacks it). The tasks run again inside the same job.
 * 2. Otherwise a NEW job with exactly those tasks, each with the command it had (read from the server: `command` is a
 *    job-spec key, hqueue.md §3, not a documented getJobs attribute; a server that does not return it gets a clear
 *    `not_supported` naming the frames to submit again, and nothing is sent).
 * A transport failure during the reschedule is never followed by a resubmission: the tasks may have been rescheduled,
 * and rendering them twice is worse than asking the artist to look.
 */
import type { JobSpec, RetryResult } from "../../types/request";
import { HelperError } from "../errors";
import { jobPageUrl } from "../hqueue/address";
import type { HQueueClient } from "../hqueue/client";
import { type Command, currentUser, jobIdArgument, makeClient, OUTPUT_OPTIONS, SERVER_OPTIONS, serverError } from "./common";
import { childIdsOf, isFailedStatus, isFault, notSupported, num, readJob } from "./job-lookup";
import { conditionsOf, framesOfTasks, type RetryTask, retrySpec, retryTaskFromServer } from "./retry-plan";
import { finishedNames } from "./status";
import { newjobError } from "./send-job";

/** Spec keys asked of the server for a resubmission (hqueue.md §3); the server may leave any of them out. */
const TASK_SPEC_KEYS = ["id", "name", "command", "conditions", "tags", "cpus", "triesLeft", "priority", "environment"];

type Found = { id: number; name: string; status: string };

async function failedTasks(client: HQueueClient, id: number, job: Record<string, unknown>, isFailed: (s: string) => boolean): Promise<{ failed: Found[]; total: number }> {
  const children = childIdsOf(job);
  if (children.length === 0) {
    const self = { id, name: String(job.name ?? ""), status: String(job.status ?? "") };
    return { failed: isFailed(self.status) ? [self] : [], total: 1 };
  }
  const infos = await client.getJobs(children, ["id", "name", "status"]);
  const all = children.map((c, i) => ({ id: c, name: String(infos[i]?.name ?? ""), status: String(infos[i]?.status ?? "") }));
  return { failed: all.filter((t) => isFailed(t.status)), total: children.length };
}

async function resubmit(client: HQueueClient, job: Record<string, unknown>, id: number, found: Found[], user: string, frames: string): Promise<{ newJobId: number; spec: JobSpec }> {
  const again = `submit the comp again with --frames ${frames || "<the failed tasks' frames>"}`;
  let raws: Record<string, unknown>[];
  try {
    raws = await client.getJobs(found.map((t) => t.id), TASK_SPEC_KEYS);
  } catch (e) {
    if (isFault(e)) throw notSupported(client, "getJobs", e, "reading the tasks' commands", again);
    throw serverError(e, client, `reading the commands of job ${id}'s failed tasks`);
  }
  const tasks: RetryTask[] = found.map((t, i) => retryTaskFromServer(raws[i] ?? {}, t.id, t.name, t.status));
  const blind = tasks.filter((t) => t.command === undefined);
  if (blind.length > 0) {
    throw new HelperError(
      "not_supported",
      `The HQueue server at ${client.address.baseUrl} has no rescheduleJobs and does not report the command of task(s) ${blind.map((t) => t.id).join(", ")}, so they cannot be submitted again exactly. Nothing was submitted.`,
      { hint: again },
    );
  }
  const priority = num(job.priority, NaN);
  const spec = retrySpec(
    { id, name: String(job.name ?? `job ${id}`), priority: Number.isInteger(priority) ? priority : undefined, conditions: conditionsOf(job.conditions) },
    tasks,
    user,
    frames,
  );
  let ids: number[];
  try {
    ids = await client.newjob(spec);
  } catch (e) {
    throw newjobError(e, client);
  }
  return { newJobId: ids[0], spec };
}

export const retryCommand: Command = {
  name: "retry",
  summary: "render again only the failed and cancelled tasks of a job (reschedules them, or submits a job of just those)",
  usage: "hqueue-helper retry JOB_ID [--server HOST[:PORT]] [--json]",
  examples: ["hqueue-helper retry 1234 --server hq:5000", "hqueue-helper retry 1234 --json | jq .method     # \"rescheduled\" or \"resubmitted\""],
  options: { ...SERVER_OPTIONS, ...OUTPUT_OPTIONS },
  async run(ctx) {
    const id = jobIdArgument(ctx);
    const client = makeClient(ctx);
    let names;
    try {
      names = await finishedNames(client);
    } catch (e) {
      throw serverError(e, client, "reading the status names");
    }
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
      // No rescheduleJobs on this server: a new job of exactly those tasks.
      const { newJobId } = await resubmit(client, job, id, found, currentUser(ctx.env), frames);
      const url = jobPageUrl(client.address, newJobId);
      const result: RetryResult = { ...base, method: "resubmitted", newJobId, url };
      ctx.out.result(result, [
        `This server cannot reschedule tasks, so a new job was submitted: job ${newJobId} renders the ${what} that failed in job ${id}.`,
        `  ${url}`,
      ].join("\n"));
      return 0;
    }
    const warnings: string[] = [];
    try {
      const after = await client.getJobs(ids, ["id", "status"]);
      const still = ids.filter((_, i) => isFailedStatus(String(after[i]?.status ?? ""), names));
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
