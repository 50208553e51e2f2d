import type { PlanResult, SubmitRequest } from "../../types/request";
import { existsSync } from "node:fs";
import { planJob } from "../core/job-spec";
import { preparePackage } from "../package/job-folder";
import { formatRuns } from "../portable/frames";
import { type Command, type CommandContext, currentUser, submissionStamp, makeClient, OUTPUT_OPTIONS, SERVER_OPTIONS, serverError } from "./common";
import { addFindings, preflight, throwIfRefused } from "./preflight";
import { INPUT_NOTES, loadRequest, REQUEST_OPTIONS } from "./request-input";
import { serverSharedRoots } from "./shared-roots";

/** True when the comp must reach clients of another OS and the request names no shared roots. */
export function needsServerRoots(request: SubmitRequest): boolean {
  const { farm, comp } = request;
  if (farm.sharedRoots.length > 0 || farm.sameOsOnly) return false;
  return farm.platforms.some((p) => p !== comp.platform);
}

/**
 * Fills shared roots from the server when the request has none and needs them. A server that answers without a
 * usable root (or faults: an older server without these methods) leaves the request as it is, and the plan then
 * fails with a clear path_unmapped. A server that does not answer properly (timeout, reset, HTTP error, malformed
 * answer) is reported as what it is: the artist must not be sent to fix their roots when the server failed.
 */
export async function withServerRoots(ctx: CommandContext, request: SubmitRequest, notes: string[]): Promise<SubmitRequest> {
  if (!needsServerRoots(request)) return request;
  const client = makeClient(ctx, request);
  let roots;
  try {
    roots = await serverSharedRoots(client);
  } catch (e) {
    throw serverError(e, client, "asking the server for its shared roots (getNetworkFolders, getHQRoot)");
  }
  if (roots.length === 0) return request;
  notes.push(`Shared roots taken from the HQueue server: ${roots.map((r) => Object.values(r).join(" = ")).join("; ")}.`);
  return { ...request, farm: { ...request.farm, sharedRoots: roots } };
}

/**
 * The plan `submit` would send: with a job folder (the default) the tasks run its runners and the copies are checked
 * the way submit checks them (refusals included), the folder's random part shown as `xxxxxx`. When the comp file
 * cannot be read here (a request from another machine), the plan shows inline commands and says so.
 */
export function planWithJobFolder(request: SubmitRequest, stamp: string, user: string): PlanResult {
  if (request.job.inPlace || !existsSync(request.comp.path)) {
    const plan = planJob(request, { user, stamp });
    if (!request.job.inPlace) plan.notes.push(`The comp file ${request.comp.path} cannot be read here: the job folder (snapshot, per-OS copies, runners) is made at submit.`);
    return plan;
  }
  const pkg = preparePackage(request, stamp, "xxxxxx");
  const plan = planJob(request, { user, stamp, compPathByOs: pkg.copyPaths, runnerPathByOs: pkg.runners.paths });
  plan.warnings.push(...pkg.warnings);
  plan.notes.push(`Submit creates the job folder ${pkg.layout.folder} (xxxxxx: a random part).`, ...pkg.runners.notes);
  return plan;
}

export function describePlan(plan: PlanResult): string {
  const lines = [`${plan.frameCount} frame(s) in ${plan.taskCount} task(s): ${plan.spec.name}`];
  const shown = plan.tasks.slice(0, 20);
  for (const task of shown) lines.push(`  ${task.name.padEnd(28)} ${task.frameCount} frame(s)  [${formatRuns(task.runs)}]`);
  if (plan.tasks.length > shown.length) lines.push(`  … and ${plan.tasks.length - shown.length} more task(s)`);
  for (const note of plan.notes) lines.push(`note: ${note}`);
  for (const warning of plan.warnings) lines.push(`warning: ${warning}`);
  return lines.join("\n");
}

export const planCommand: Command = {
  name: "plan",
  summary: "show the exact job that submit would send, without sending it",
  usage: "hqueue-helper plan (--request FILE | COMP_FILE [options]) [--server HOST[:PORT]] [--json] [--server-roots] [--server-clients]",
  options: {
    ...REQUEST_OPTIONS,
    ...SERVER_OPTIONS,
    "server-roots": { help: "ask the server for shared roots when the request has none (needs the server)" },
    "server-clients": { help: "ask the server for its clients: check that one can take the job, show the OSes they run" },
    spec: { help: "print the full HQueue job spec (human mode)" },
    ...OUTPUT_OPTIONS,
  },
  notes: INPUT_NOTES,
  async run(ctx) {
    let request = await loadRequest(ctx);
    const stamp = submissionStamp();
    const notes: string[] = [];
    if (ctx.args.flags.has("server-roots")) request = await withServerRoots(ctx, request, notes);
    const plan = planWithJobFolder(request, stamp, currentUser(ctx.env));
    plan.notes.unshift(...notes);
    plan.nodeVersion = process.version;
    const serverClients = ctx.args.flags.has("server-clients");
    const report = await preflight(ctx, request, plan, { client: serverClients ? makeClient(ctx, request) : undefined, describeFarm: serverClients });
    throwIfRefused(report.checks);
    addFindings(plan, report.checks);
    if (report.farm) plan.farm = report.farm;
    let human = describePlan(plan);
    if (ctx.args.flags.has("spec")) human += `\n${JSON.stringify(plan.spec, null, 2)}`;
    ctx.out.result(plan, human);
    return 0;
  },
};
