import type { Assign, SubmitResult } from "../../types/request";
import { planJob } from "../core/job-spec";
import { HelperError } from "../errors";
import { jobPageUrl } from "../hqueue/address";
import { type HQueueClient, HQueueError } from "../hqueue/client";
import { type Command, type CommandContext, currentUser, submissionStamp, makeClient, OUTPUT_OPTIONS, SERVER_OPTIONS, serverError } from "./common";
import { describePlan, needsServerRoots, withServerRoots } from "./plan";
import { addFindings, preflight, throwIfRefused } from "./preflight";
import { INPUT_NOTES, loadRequest, REQUEST_OPTIONS } from "./request-input";
import { sendNewjob } from "./send-newjob";

const EVENT_NAME_METHODS = ["getStartedJobEventNames", "getResumedEventNames", "getRescheduledEventNames", "getPriorityChangedEventNames"];

/** E-mail reasons must be names the server knows; servers that cannot tell are trusted. */
async function checkEmailReasons(client: HQueueClient, reasons: readonly string[]): Promise<void> {
  if (reasons.length === 0) return;
  let names: Awaited<ReturnType<HQueueClient["statusNames"]>>;
  try {
    names = await client.statusNames();
  } catch (e) {
    // A server that answers these optional lists oddly cannot tell us the names: trust the request.
    if (e instanceof HQueueError && (e.kind === "unreachable" || e.kind === "timeout")) throw e;
    return;
  }
  if (!names.all) return;
  const known = new Set<string>([...names.all, ...(names.running ?? []), ...(names.failed ?? []), ...(names.succeeded ?? []), ...(names.paused ?? [])]);
  for (const method of EVENT_NAME_METHODS) {
    try {
      const list = await client.call<unknown>(method, []);
      if (Array.isArray(list)) for (const n of list) if (typeof n === "string") known.add(n);
    } catch (e) {
      if (!(e instanceof HQueueError && e.kind === "fault")) throw e;
    }
  }
  const unknown = reasons.filter((r) => !known.has(r));
  if (unknown.length > 0) {
    throw new HelperError("bad_request", `E-mail reason(s) ${unknown.map((r) => `"${r}"`).join(", ")} are not status or event names this HQueue server knows.`, {
      field: "job.emailReasons",
      hint: `use some of: ${[...known].sort().join(", ")}`,
    });
  }
}

/**
 * Named clients or groups must exist on the server: a typo would leave the job waiting for a machine forever
 * (the most common "stuck job" on HQueue). Servers that cannot list them are trusted.
 */
async function checkAssignNames(client: HQueueClient, assign: Assign): Promise<void> {
  if (assign.mode === "any") return;
  let known: string[];
  try {
    known =
      assign.mode === "groups"
        ? (await client.getClientGroups()).map((g) => String(g.name ?? ""))
        : (await client.getClients(["hostname"])).map((c) => String(c.hostname ?? ""));
  } catch (e) {
    if (e instanceof HQueueError && (e.kind === "unreachable" || e.kind === "timeout")) throw e;
    return;
  }
  if (known.length === 0) return;
  const missing = assign.names.filter((n) => !known.includes(n));
  if (missing.length > 0) {
    const what = assign.mode === "groups" ? "client group" : "client";
    throw new HelperError("bad_request", `The HQueue server has no ${what} named ${missing.map((n) => `"${n}"`).join(", ")}; the job would wait for a machine forever.`, {
      field: "farm.assign.names",
      hint: `the server has: ${[...known].sort().slice(0, 50).join(", ")}`,
    });
  }
}

export async function submitRequest(ctx: CommandContext): Promise<{ result: SubmitResult; human: string }> {
  let request = await loadRequest(ctx);
  const client = makeClient(ctx, request);
  const stamp = submissionStamp();
  // Check what can be checked before the server is involved, so a bad request fails fast and offline.
  const early = needsServerRoots(request) ? undefined : planJob(request, { user: currentUser(ctx.env), stamp });

  try {
    await client.ping();
  } catch (e) {
    const err = serverError(e, client, "checking the server before submitting");
    throw new HelperError(err.code, `${err.message} Nothing was submitted.`, { hint: err.hint });
  }
  const notes: string[] = [];
  let plan = early;
  if (plan === undefined) {
    try {
      request = await withServerRoots(ctx, request, notes);
    } catch (e) {
      const err = e instanceof HelperError ? e : serverError(e, client, "asking the server for its shared roots");
      throw new HelperError(err.code, `${err.message} Nothing was submitted.`, { hint: err.hint, field: err.field });
    }
    plan = planJob(request, { user: currentUser(ctx.env), stamp });
  }
  try {
    await checkAssignNames(client, request.farm.assign);
  } catch (e) {
    throw serverError(e, client, "checking the clients and groups");
  }
  // The pre-flight (src-node/core/preflight/): a job no client can take is refused here, before anything is sent.
  const report = await preflight(ctx, request, plan, { client });
  throwIfRefused(report.checks, " Nothing was submitted.");
  addFindings(plan, report.checks);
  try {
    await checkEmailReasons(client, request.job.emailTo ? (request.job.emailReasons ?? []) : []);
  } catch (e) {
    throw serverError(e, client, "checking the e-mail reasons");
  }

  // From here on the job may exist (send-newjob.ts keeps the phase file: `sending`, `answered <id>`).
  const jobId = await sendNewjob(client, plan.spec, ctx.out.phase);
  const url = jobPageUrl(client.address, jobId);
  const warnings = [...plan.warnings];
  let paused = false;
  if (request.job.paused) {
    try {
      await client.pauseJobs([jobId]);
      paused = true;
    } catch (e) {
      warnings.push(`Job ${jobId} was created but could not be paused (${serverError(e, client, "pausing the job").message}); it may start rendering.`);
    }
  }
  const result: SubmitResult = {
    ok: true,
    command: "submit",
    jobId,
    url,
    frameCount: plan.frameCount,
    taskCount: plan.taskCount,
    paused,
    warnings,
    notes: [...notes, ...plan.notes],
    checks: plan.checks,
  };
  const human = [
    `Submitted job ${jobId}${paused ? " (paused)" : ""}: ${plan.frameCount} frame(s) in ${plan.taskCount} task(s).`,
    `  ${url}`,
    ...result.notes.map((n) => `note: ${n}`),
    ...warnings.map((w) => `warning: ${w}`),
  ].join("\n");
  return { result, human };
}

export const submitCommand: Command = {
  name: "submit",
  summary: "send the job to HQueue (one newjob call) and print its id and web page",
  usage: "hqueue-helper submit (--request FILE | COMP_FILE [options]) [--server HOST[:PORT]] [--json]",
  options: { ...REQUEST_OPTIONS, ...SERVER_OPTIONS, ...OUTPUT_OPTIONS },
  notes: INPUT_NOTES,
  async run(ctx) {
    const { result, human } = await submitRequest(ctx);
    ctx.out.result(result, human);
    return 0;
  },
};

export { describePlan };
