/**
 * `priority JOB_ID N`: reprioritizeJobs, which the docs only name in their overview (hqueue.md §2, [R]). A server
 * without it answers a fault: then the command says the priority cannot be changed from here (no fallback).
 */
import type { PriorityResult } from "../../types/request";
import { HelperError } from "../errors";
import { jobPageUrl } from "../hqueue/address";
import { type Command, jobIdArgument, makeClient, OUTPUT_OPTIONS, SERVER_OPTIONS, serverError } from "./common";
import { isFault, notSupported, num, readJob } from "./job-lookup";

export const priorityCommand: Command = {
  name: "priority",
  summary: "change a job's priority (0 lowest, 10 highest) where the server supports it",
  usage: "hqueue-helper priority JOB_ID N [--server HOST[:PORT]] [--json]",
  examples: ["hqueue-helper priority 1234 8 --server hq:5000"],
  options: { ...SERVER_OPTIONS, ...OUTPUT_OPTIONS },
  async run(ctx) {
    const id = jobIdArgument(ctx, 1, "hqueue-helper priority 1234 8");
    const priorityText = ctx.args.positionals[1];
    if (priorityText === undefined) throw new HelperError("usage", "a priority is needed after the job id", { hint: "e.g. hqueue-helper priority 1234 8" });
    const priority = Number(priorityText);
    // The same range as submit --priority (the UIs offer 0-10; "0 is the lowest").
    if (priorityText.trim() === "" || !Number.isInteger(priority) || priority < 0 || priority > 10) {
      throw new HelperError("usage", `the priority must be a whole number from 0 to 10 (got "${priorityText}")`);
    }
    const client = makeClient(ctx);
    const before = await readJob(client, id, ["id", "priority"]);
    const previous = num(before.priority, NaN);
    try {
      await client.reprioritizeJobs([id], priority);
    } catch (e) {
      // The job exists (read above), so a fault here is the server refusing the call itself.
      if (isFault(e)) {
        throw notSupported(client, "reprioritizeJobs", e, "changing a job's priority", `change it on the job's web page (${jobPageUrl(client.address, id)}), or submit with --priority`);
      }
      throw serverError(e, client, `changing the priority of job ${id}`);
    }
    const after = num((await readJob(client, id, ["id", "priority"])).priority, NaN);
    const warnings: string[] = [];
    if (Number.isFinite(after) && after !== priority) warnings.push(`The server accepted the call but still reports priority ${after}.`);
    const result: PriorityResult = { ok: true, command: "priority", jobId: id, priority, warnings };
    if (Number.isFinite(previous)) result.previous = previous;
    const from = Number.isFinite(previous) ? ` (was ${previous})` : "";
    ctx.out.result(result, [`Job ${id} and its tasks now have priority ${priority}${from}.`, ...warnings.map((w) => `warning: ${w}`)].join("\n"));
    return 0;
  },
};
