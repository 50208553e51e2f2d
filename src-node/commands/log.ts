import type { LogResult, TaskLog } from "../../types/request";
import { intOption } from "../args";
import { HelperError } from "../errors";
import type { HQueueClient } from "../hqueue/client";
import { type Command, jobIdArgument, makeClient, OUTPUT_OPTIONS, SERVER_OPTIONS, serverError } from "./common";
import { childIdsOf, isFailedStatus, jobOutput, readJob } from "./job-lookup";
import { type FinishedNames, finishedNames } from "./status";

/** Lines of each failed task's output shown for a parent job when --tail is not given: the reason is at the end. */
const FAILED_TAIL_DEFAULT = 40;
/** Other tasks whose output a parent's log shows without --all (each costs one call). */
const OTHER_TASKS_DEFAULT = 20;

function header(t: TaskLog): string {
  return `===== task ${t.id} ${t.name} (${t.status})${t.truncated ? " — last lines" : ""} =====`;
}

async function taskLog(client: HQueueClient, info: Record<string, unknown>, id: number, names: FinishedNames, tail: number | undefined): Promise<TaskLog> {
  const status = String(info.status ?? "");
  const cut = await jobOutput(client, id, tail);
  return { id, name: String(info.name ?? ""), status, failed: isFailedStatus(status, names), output: cut.text, truncated: cut.truncated };
}

export const logCommand: Command = {
  name: "log",
  summary: "print a job's output; for a parent job, each failed task's output tail first",
  usage: "hqueue-helper log JOB_ID [--task TASK_ID] [--tail N] [--all] [--server HOST[:PORT]] [--json]",
  examples: [
    "hqueue-helper log 1234 --server hq:5000              # the failed tasks' last 40 lines first",
    "hqueue-helper log 1234 --task 1240 --tail 100        # one task's last 100 lines",
  ],
  options: {
    task: { value: true, meta: "TASK_ID", help: "only this task of the job (its whole output, or --tail lines)" },
    tail: { value: true, meta: "N", help: `only the last N lines of each output (failed tasks of a parent: ${FAILED_TAIL_DEFAULT} unless given)` },
    all: { help: `every task's output (without it a parent's log shows the failed tasks and the first ${OTHER_TASKS_DEFAULT} others)` },
    ...SERVER_OPTIONS,
    ...OUTPUT_OPTIONS,
  },
  async run(ctx) {
    const id = jobIdArgument(ctx);
    const tail = intOption(ctx.args, "tail", 1, 10_000_000);
    const taskText = ctx.args.values.get("task")?.[0];
    const task = taskText === undefined ? undefined : Number(taskText);
    if (task !== undefined && !(Number.isInteger(task) && task >= 0)) throw new HelperError("usage", `--task must be a task's job id (got "${taskText}")`);
    const client = makeClient(ctx);
    const job = await readJob(client, id, ["id", "name", "status", "children"]);
    const children = childIdsOf(job);
    let result: LogResult;
    try {
      const names = await finishedNames(client);
      if (task !== undefined) {
        if (!children.includes(task)) {
          throw new HelperError("not_found", `Job ${id} has no task ${task}.`, { hint: `its tasks are listed by: hqueue-helper status ${id}` });
        }
        const info = (await client.getJobsById([task], ["id", "name", "status"])).get(task) ?? {};
        const one = await taskLog(client, info, task, names, tail);
        result = { ok: true, command: "log", jobId: id, output: `${header(one)}\n${one.output}`, tasks: [one], failedTaskIds: one.failed ? [task] : [] };
      } else if (children.length === 0) {
        const cut = await jobOutput(client, id, tail);
        result = { ok: true, command: "log", jobId: id, output: cut.text };
      } else {
        result = await parentLog(client, id, job, children, names, tail, ctx.args.flags.has("all"));
      }
    } catch (e) {
      throw serverError(e, client, `reading the output of job ${id}`);
    }
    ctx.out.result(result, result.output);
    return 0;
  },
};

/** A parent: the failed tasks' output first (where the reason is), then the parent's own, then the other tasks. */
async function parentLog(
  client: HQueueClient, id: number, job: Record<string, unknown>, children: number[], names: FinishedNames,
  tail: number | undefined, all: boolean,
): Promise<LogResult> {
  const infos = await client.getJobsById(children, ["id", "name", "status"]);
  const failedIds = children.filter((c) => isFailedStatus(String(infos.get(c)?.status ?? ""), names));
  const others = children.filter((c) => !failedIds.includes(c));
  const shownOthers = all ? others : others.slice(0, OTHER_TASKS_DEFAULT);
  const tasks: TaskLog[] = [];
  for (const c of failedIds) tasks.push(await taskLog(client, infos.get(c) ?? {}, c, names, tail ?? FAILED_TAIL_DEFAULT));
  const own = String(await client.getJobOutput(id));
  for (const c of shownOthers) tasks.push(await taskLog(client, infos.get(c) ?? {}, c, names, tail));
  const parts: string[] = [];
  const title = `Job ${id} ${String(job.name ?? "")} (${String(job.status ?? "")}): ${children.length} task(s)`;
  parts.push(failedIds.length > 0 ? `${title}, ${failedIds.length} failed or cancelled: ${failedIds.join(", ")}` : title);
  for (const t of tasks.filter((t) => t.failed)) parts.push(header(t), t.output.replace(/\n$/, ""));
  if (own.trim() !== "") parts.push(`===== job ${id} =====`, own.replace(/\n$/, ""));
  for (const t of tasks.filter((t) => !t.failed)) parts.push(header(t), t.output.replace(/\n$/, ""));
  if (shownOthers.length < others.length) {
    parts.push(`… ${others.length - shownOthers.length} more task(s) not shown: hqueue-helper log ${id} --all, or --task TASK_ID for one`);
  }
  return { ok: true, command: "log", jobId: id, output: `${parts.join("\n")}\n`, tasks, failedTaskIds: failedIds };
}
