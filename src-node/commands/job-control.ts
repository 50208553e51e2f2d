/** `pause` and `resume`: one documented call on the job's subtree (pauseJobs / resumeJobs, hqueue.md §2). */
import type { JobControlResult } from "../../types/request";
import { type Command, jobIdArgument, makeClient, OUTPUT_OPTIONS, SERVER_OPTIONS, serverError } from "./common";
import { isFinishedStatus, readJob } from "./job-lookup";
import { readFinishedNames } from "./status";

export function jobControlCommand(action: "pause" | "resume", summary: string, examples: string[]): Command {
  const verb = action === "pause" ? "Paused" : "Resumed";
  return {
    name: action,
    summary,
    usage: `hqueue-helper ${action} JOB_ID [--server HOST[:PORT]] [--json]`,
    examples,
    options: { ...SERVER_OPTIONS, ...OUTPUT_OPTIONS },
    async run(ctx) {
      const id = jobIdArgument(ctx);
      const client = makeClient(ctx);
      const names = await readFinishedNames(client);
      const before = String((await readJob(client, id, ["id", "status"])).status ?? "");
      if (isFinishedStatus(before, names)) {
        const result: JobControlResult = { ok: true, command: action, jobId: id, status: before, unchanged: `already finished (${before})`, warnings: [] };
        const hint = action === "resume" ? ` To render its failed tasks again: hqueue-helper retry ${id}` : "";
        ctx.out.result(result, `Job ${id} has already finished (${before}); nothing was ${action}d.${hint}`);
        return 0;
      }
      try {
        await (action === "pause" ? client.pauseJobs([id]) : client.resumeJobs([id]));
      } catch (e) {
        throw serverError(e, client, `${action === "pause" ? "pausing" : "resuming"} job ${id}`);
      }
      const after = String((await readJob(client, id, ["id", "status"])).status ?? "");
      const warnings: string[] = [];
      // Whether a parent's own status follows its tasks is not documented: report what the server says.
      if (action === "resume" && after === before && /paus/i.test(after)) warnings.push(`The server still reports job ${id} as "${after}".`);
      const result: JobControlResult = { ok: true, command: action, jobId: id, status: after, warnings };
      ctx.out.result(result, [`${verb} job ${id} and its tasks (status now: ${after}).`, ...warnings.map((w) => `warning: ${w}`)].join("\n"));
      return 0;
    },
  };
}
