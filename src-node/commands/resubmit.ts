import { existsSync, writeFileSync } from "node:fs";
import * as nodePath from "node:path";
import type { Platform, ResubmitResult, SubmitRequest } from "../../types/request";
import { formatRuns, toRuns } from "../portable/frames";
import { planJob } from "../core/job-spec";
import { HelperError } from "../errors";
import { jobPageUrl } from "../hqueue/address";
import { DEFAULT_MAX_BODY } from "../hqueue/batches";
import { recordJobFolder } from "../package/job-index";
import { optionValue } from "../args";
import { type Command, currentUser, makeClient, OUTPUT_OPTIONS, SERVER_OPTIONS, serverError, submissionStamp } from "./common";
import { sendJob } from "./send-job";
import { jobFolderArgument, verifyFolder } from "./verify";

export const resubmitCommand: Command = {
  name: "resubmit",
  summary: "submit a new job for exactly the frames a job did not write, rendering the same job folder",
  usage: "hqueue-helper resubmit <JOB_FOLDER | JOB_ID> --missing [--paused] [--server HOST[:PORT]] [--max-body BYTES] [--json]",
  options: {
    missing: { help: "render the frames `verify` lists as missing or empty (required)" },
    paused: { help: "submit the new job paused" },
    "max-body": { value: true, meta: "BYTES", help: "most bytes per newjob call (default 2000000)" },
    ...SERVER_OPTIONS,
    ...OUTPUT_OPTIONS,
  },
  async run(ctx) {
    if (!ctx.args.flags.has("missing")) {
      throw new HelperError("usage", "resubmit renders the missing frames only: add --missing", { hint: "hqueue-helper resubmit <job folder> --missing" });
    }
    const { folder, manifest } = jobFolderArgument(ctx);
    const check = verifyFolder(folder, manifest);
    const notes: string[] = [];
    if (check.complete) {
      const result: ResubmitResult = { ok: true, command: "resubmit", jobFolder: folder, frames: [], taskCount: 0, paused: false, warnings: [], notes: ["Nothing is missing: nothing was submitted."] };
      ctx.out.result(result, `Nothing is missing in ${folder}: nothing was submitted.`);
      return 0;
    }
    // The same snapshot: the new job's tasks open the copies already in the job folder.
    for (const [p, name] of Object.entries(manifest.copies) as [Platform, string][]) {
      if (!existsSync(nodePath.join(folder, name))) {
        throw new HelperError("bad_request", `The job folder ${folder} has lost its ${p} copy of the comp (${name}); it cannot render the same comp again.`);
      }
    }
    const set = formatRuns(toRuns(check.missingFrames));
    const original = manifest.request;
    const request: SubmitRequest = {
      ...original,
      job: { ...original.job, name: `${original.job.name} (missing frames)`, frames: { kind: "custom", set }, paused: ctx.args.flags.has("paused") },
    };
    const stamp = submissionStamp();
    const plan = planJob(request, { user: currentUser(ctx.env), stamp, compPathByOs: manifest.mapping.copyPaths, runnerPathByOs: manifest.mapping.runnerPaths });
    const client = makeClient(ctx, request);
    try {
      await client.ping();
    } catch (e) {
      const err = serverError(e, client, "checking the server before resubmitting");
      throw new HelperError(err.code, `${err.message} Nothing was submitted.`, { hint: err.hint });
    }
    const text = optionValue(ctx.args, "max-body");
    const maxBody = text === undefined ? (request.maxBodyBytes ?? DEFAULT_MAX_BODY) : Number(text);
    if (!Number.isInteger(maxBody) || maxBody < 16_384) throw new HelperError("usage", `--max-body must be a whole number of bytes, at least 16384 (got "${text}")`);
    const sent = await sendJob(client, plan.spec, { maxBody, paused: request.job.paused === true });
    const url = jobPageUrl(client.address, sent.jobId);
    const result: ResubmitResult = {
      ok: true,
      command: "resubmit",
      jobFolder: folder,
      jobId: sent.jobId,
      url,
      frames: check.missingFrames,
      taskCount: plan.taskCount,
      paused: sent.paused,
      warnings: [...plan.warnings, ...sent.warnings],
      notes: [...notes, ...plan.notes],
    };
    // The report next to the job's manifest (the manifest itself stays as submitted).
    try {
      writeFileSync(nodePath.join(folder, `resubmit-${sent.jobId}.json`), JSON.stringify({ ...result, at: new Date().toISOString(), frameSet: set }, null, 2) + "\n");
    } catch (e) {
      result.warnings.push(`The resubmit report could not be written to ${folder}: ${(e as Error).message}.`);
    }
    recordJobFolder(ctx.env, { jobId: sent.jobId, server: client.address.baseUrl, folder });
    ctx.out.result(result, [`Resubmitted ${check.missingFrames.length} missing frame(s) (${set}) as job ${sent.jobId}${sent.paused ? " (paused)" : ""}: ${plan.taskCount} task(s).`, `  ${url}`, ...result.warnings.map((w) => `warning: ${w}`)].join("\n"));
    return 0;
  },
};
