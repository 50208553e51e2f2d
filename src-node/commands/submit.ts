import type { Assign, SubmitResult } from "../../types/request";
import { planJob } from "../core/job-spec";
import { HelperError } from "../errors";
import { jobPageUrl } from "../hqueue/address";
import type { HQueueClient } from "../hqueue/client";
import { HQueueError } from "../hqueue/hqueue-error";
import { DEFAULT_MAX_BODY } from "../hqueue/batches";
import { JobFolder, preparePackage, shortRandom, type PreparedPackage } from "../package/job-folder";
import { MAX_MAX_BODY, MIN_MAX_BODY } from "../request";
import { optionValue } from "../args";
import { sendNewjob } from "./send-newjob";
import { recordJobFolder } from "../package/job-index";
import { type Command, type CommandContext, currentUser, submissionStamp, makeClient, OUTPUT_OPTIONS, SERVER_OPTIONS, serverError } from "./common";
import { describePlan, needsServerRoots, withServerRoots } from "./plan";
import { addFindings, preflight, throwIfRefused } from "./preflight";
import { INPUT_NOTES, loadRequest, REQUEST_OPTIONS } from "./request-input";

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
  const random = shortRandom();
  const maxBody = maxBodyBytes(ctx, request.maxBodyBytes);
  // The job folder's content (snapshot, per-OS copies) decides the task commands: they render the copies.
  const packaged = (r: typeof request): { pkg?: PreparedPackage; plan: ReturnType<typeof planJob> } => {
    if (r.job.inPlace) return { plan: planJob(r, { user: currentUser(ctx.env), stamp }) };
    const pkg = preparePackage(r, stamp, random);
    const plan = planJob(r, { user: currentUser(ctx.env), stamp, compPathByOs: pkg.copyPaths, runnerPathByOs: pkg.runners.paths });
    plan.warnings.push(...pkg.warnings);
    plan.notes.push(...pkg.runners.notes);
    return { pkg, plan };
  };
  // Check what can be checked before the server is involved, so a bad request fails fast and offline.
  const early = needsServerRoots(request) ? undefined : packaged(request);

  try {
    await client.ping();
  } catch (e) {
    const err = serverError(e, client, "checking the server before submitting");
    throw new HelperError(err.code, `${err.message} Nothing was submitted.`, { hint: err.hint });
  }
  const notes: string[] = [];
  let prepared = early;
  if (prepared === undefined) {
    try {
      request = await withServerRoots(ctx, request, notes);
    } catch (e) {
      const err = e instanceof HelperError ? e : serverError(e, client, "asking the server for its shared roots");
      throw new HelperError(err.code, `${err.message} Nothing was submitted.`, { hint: err.hint, field: err.field });
    }
    prepared = packaged(request);
  }
  const { pkg, plan } = prepared;
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

  // The job folder exists (and is complete) before anything is sent; it goes away again when nothing was created.
  const folder = pkg ? JobFolder.create(pkg, request, plan) : undefined;
  let sent;
  let created: number | undefined;
  try {
    folder?.setState("sending");
    // send-newjob.ts keeps the phase file: `sending` before a byte can leave (from there on the job may exist), `answered <id>`.
    sent = await sendNewjob(client, plan.spec, ctx.out.phase, {
      maxBody,
      paused: request.job.paused === true,
      onCreated: (id) => {
        created = id;
        folder?.setState("sending", id);
      },
    });
  } catch (e) {
    // Unconfirmed: tasks may render this folder, keep it. A job that exists but was cancelled (or could not be):
    // keep it, marked. No job at all: take the folder away.
    if (e instanceof HelperError && e.code === "submit_unconfirmed") folder?.setState("unconfirmed");
    else if (created !== undefined) folder?.setState("not submitted");
    else folder?.discard();
    throw e;
  }
  const jobId = sent.jobId;
  const url = jobPageUrl(client.address, jobId);
  const warnings = [...plan.warnings, ...sent.warnings];
  const manifestProblem = folder?.setState("submitted", jobId);
  if (manifestProblem) warnings.push(manifestProblem);
  const paused = sent.paused;
  if (folder) recordJobFolder(ctx.env, { jobId, server: client.address.baseUrl, folder: folder.path });
  if (folder) notes.push(`Job folder: ${folder.path} (the comp snapshot, one copy per client OS, manifest.json).`);
  else notes.push("Rendering the comp where it is (in place): no job folder; editing the comp now changes what later tasks render.");
  if (sent.calls > 1) notes.push(`Sent in ${sent.calls} parts of at most ${maxBody} bytes (--max-body).`);
  const result: SubmitResult = {
    ok: true,
    command: "submit",
    jobId,
    url,
    frameCount: plan.frameCount,
    taskCount: plan.taskCount,
    paused,
    ...(folder ? { jobFolder: folder.path } : {}),
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

/** `--max-body` (bytes per newjob call), else the request's, else 2 MB. */
function maxBodyBytes(ctx: CommandContext, fromRequest: number | undefined): number {
  const text = optionValue(ctx.args, "max-body");
  if (text === undefined) return fromRequest ?? DEFAULT_MAX_BODY;
  const n = Number(text);
  if (!Number.isInteger(n) || n < MIN_MAX_BODY || n > MAX_MAX_BODY) {
    throw new HelperError("usage", `--max-body must be a whole number of bytes from ${MIN_MAX_BODY} to ${MAX_MAX_BODY} (got "${text}")`);
  }
  return n;
}

export const submitCommand: Command = {
  name: "submit",
  summary: "create the job folder (comp snapshot, one comp copy and task runner per client OS, manifest), send the job to HQueue and print its id and web page",
  usage: "hqueue-helper submit (--request FILE | COMP_FILE [options]) [--server HOST[:PORT]] [--json]",
  options: {
    ...REQUEST_OPTIONS,
    ...SERVER_OPTIONS,
    "max-body": { value: true, meta: "BYTES", help: "most bytes per newjob call (default 2000000); bigger jobs are sent in parts" },
    ...OUTPUT_OPTIONS,
  },
  notes: INPUT_NOTES,
  async run(ctx) {
    const { result, human } = await submitRequest(ctx);
    ctx.out.result(result, human);
    return 0;
  },
};

export { describePlan };
