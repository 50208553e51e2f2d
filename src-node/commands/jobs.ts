/**
 * `jobs`: recent root jobs, newest first, by default the current user's.
 *
 * Documented calls only (seeds/002): getUnfinishedRootJobIds + getFinishedRootJobIds give the root jobs; getJobs with
 * documented attributes (name, status, priority, queueTime, overallProgress) describes them; getJobIdsBySatus (the
 * reference's spelling, then getJobIdsByStatus) narrows a --status filter before anything is read.
 *
 * Who submitted a job: `submittedBy` is a job-spec key (hqueue.md §3) but NOT a documented getJobs attribute. It is
 * asked for; a server that faults on it is asked again without it, and a server that leaves it out cannot tell whose a
 * job is. Then an explicit --user is refused (`not_supported`), and the default lists every user's jobs and says so in
 * `notes` (and on screen). Jobs the server reports without a submitter are never counted as the user's.
 * "Newest first" orders by job id (ids grow as jobs are submitted: inferred, not documented).
 */
import type { JobsResult, JobSummary } from "../../types/request";
import { intOption, optionValue } from "../args";
import { HelperError } from "../errors";
import { jobPageUrl } from "../hqueue/address";
import type { HQueueClient } from "../hqueue/client";
import { type Command, currentUser, makeClient, noPositionals, OUTPUT_OPTIONS, SERVER_OPTIONS, serverError } from "./common";
import { isFault, num } from "./job-lookup";

const BATCH = 100;
const LIST_ATTRIBS = ["id", "name", "status", "priority", "queueTime", "progress"];

interface Filters {
  user: string | null;
  statuses: string[] | null;
  name: string | null;
}

function summary(client: HQueueClient, raw: Record<string, unknown>, id: number): JobSummary {
  const job: JobSummary = {
    id,
    name: String(raw.name ?? ""),
    status: String(raw.status ?? "unknown"),
    progress: Math.min(1, Math.max(0, num(raw.progress, 0))),
    url: jobPageUrl(client.address, id),
  };
  const priority = num(raw.priority, NaN);
  if (Number.isFinite(priority)) job.priority = priority;
  if (typeof raw.submittedBy === "string" && raw.submittedBy !== "") job.submittedBy = raw.submittedBy;
  if (typeof raw.queueTime === "string") job.queueTime = raw.queueTime;
  return job;
}

function matches(job: JobSummary, f: Filters): boolean {
  if (f.user !== null && (job.submittedBy ?? "").toLowerCase() !== f.user.toLowerCase()) return false;
  if (f.statuses !== null && !f.statuses.includes(job.status)) return false;
  if (f.name !== null && !job.name.toLowerCase().includes(f.name.toLowerCase())) return false;
  return true;
}

/** getJobs for a batch, with submittedBy when the server accepts it. */
async function readBatch(client: HQueueClient, ids: number[], askUser: boolean): Promise<{ raws: Map<number, Record<string, unknown>>; askUser: boolean }> {
  if (askUser) {
    try {
      return { raws: await client.getJobsById(ids, [...LIST_ATTRIBS, "submittedBy"]), askUser };
    } catch (e) {
      if (!isFault(e)) throw e;
    }
  }
  return { raws: await client.getJobsById(ids, LIST_ATTRIBS), askUser: false };
}

/** overallProgress (documented; costly on the server, so asked only for the jobs listed), else progress. */
async function addProgress(client: HQueueClient, jobs: JobSummary[]): Promise<void> {
  if (jobs.length === 0) return;
  try {
    const raws = await client.getJobsById(jobs.map((j) => j.id), ["id", "overallProgress"]);
    jobs.forEach((job) => {
      const p = num(raws.get(job.id)?.overallProgress, NaN);
      if (Number.isFinite(p)) job.progress = Math.min(1, Math.max(0, p));
    });
  } catch (e) {
    if (!isFault(e)) throw e;
  }
}

function describe(result: JobsResult): string {
  const lines = result.notes.map((n) => `note: ${n}`);
  if (result.jobs.length === 0) {
    lines.push(`No job found${result.user ? ` submitted by ${result.user}` : ""} among the ${result.scanned} most recent root job(s).`);
    return lines.join("\n");
  }
  lines.push(`${"ID".padStart(7)}  ${"STATUS".padEnd(20)} ${"DONE".padStart(4)}  PRI  ${"SUBMITTED".padEnd(19)}  ${"BY".padEnd(12)} NAME`);
  for (const j of result.jobs) {
    const when = (j.queueTime ?? "").replace("T", " ").slice(0, 19);
    lines.push(`${String(j.id).padStart(7)}  ${j.status.padEnd(20)} ${`${Math.round(j.progress * 100)}%`.padStart(4)}  ${String(j.priority ?? "").padStart(3)}  ${when.padEnd(19)}  ${(j.submittedBy ?? "").padEnd(12)} ${j.name}`);
  }
  if (result.more) lines.push(`(older jobs not looked at: --scan N looks further back, --limit N lists more)`);
  return lines.join("\n");
}

export const jobsCommand: Command = {
  name: "jobs",
  summary: "list recent jobs (root jobs, newest first), by default yours, with status and progress",
  usage: "hqueue-helper jobs [--user NAME | --all-users] [--status LIST] [--name TEXT] [--limit N] [--server HOST[:PORT]] [--json]",
  examples: [
    "hqueue-helper jobs --server hq:5000",
    "hqueue-helper jobs --all-users --status failed,cancelled --name sh010",
  ],
  options: {
    user: { value: true, meta: "NAME", help: "jobs submitted by NAME (default: you)" },
    "all-users": { help: "every user's jobs" },
    status: { value: true, meta: "LIST", help: "only these statuses, comma-separated (e.g. running,paused,failed)" },
    name: { value: true, meta: "TEXT", help: "only jobs whose name contains TEXT (any case)" },
    limit: { value: true, meta: "N", help: "list at most N jobs (default 20)" },
    scan: { value: true, meta: "N", help: "look at the N most recent root jobs at most (default 500)" },
    ...SERVER_OPTIONS,
    ...OUTPUT_OPTIONS,
  },
  async run(ctx) {
    noPositionals(ctx);
    const limit = intOption(ctx.args, "limit", 1, 10_000) ?? 20;
    const scan = intOption(ctx.args, "scan", 1, 1_000_000) ?? 500;
    const explicitUser = optionValue(ctx.args, "user");
    const allUsers = ctx.args.flags.has("all-users");
    if (explicitUser !== undefined && allUsers) throw new HelperError("usage", "--user and --all-users cannot be used together");
    if (explicitUser !== undefined && explicitUser.trim() === "") throw new HelperError("usage", "--user needs a user name");
    const statusText = optionValue(ctx.args, "status");
    const statuses = statusText === undefined ? null : statusText.split(",").map((s) => s.trim()).filter(Boolean);
    if (statuses !== null && statuses.length === 0) throw new HelperError("usage", "--status needs one or more status names, e.g. --status failed,cancelled");
    const filters: Filters = { user: allUsers ? null : (explicitUser ?? currentUser(ctx.env)), statuses, name: optionValue(ctx.args, "name") ?? null };
    const notes: string[] = [];
    const client = makeClient(ctx);
    try {
      const [unfinished, finished] = [await client.rootJobIds("unfinished"), await client.rootJobIds("finished")];
      if (unfinished === undefined || finished === undefined) {
        throw new HelperError("not_supported", `The HQueue server at ${client.address.baseUrl} does not list root jobs (getUnfinishedRootJobIds / getFinishedRootJobIds).`, {
          hint: `see the jobs on its web page: ${client.address.baseUrl}/`,
        });
      }
      let ids = [...new Set([...unfinished, ...finished])].sort((a, b) => b - a);
      if (statuses !== null) {
        const withStatus = await client.jobIdsByStatus(statuses);
        if (withStatus === undefined) notes.push("This server has no getJobIdsBySatus: the status filter was applied to each job read.");
        else {
          const wanted = new Set(withStatus);
          ids = ids.filter((id) => wanted.has(id));
        }
      }
      const candidates = ids.slice(0, scan);
      const jobs: JobSummary[] = [];
      let askUser = true;
      let scanned = 0;
      let userKnown: boolean | undefined;
      for (let i = 0; i < candidates.length && jobs.length < limit; i += BATCH) {
        const batch = candidates.slice(i, i + BATCH);
        const read = await readBatch(client, batch, askUser);
        askUser = read.askUser;
        if (userKnown === undefined) {
          userKnown = read.askUser && [...read.raws.values()].some((r) => "submittedBy" in r);
          if (!userKnown && filters.user !== null) {
            if (explicitUser !== undefined) {
              throw new HelperError("not_supported", `The HQueue server at ${client.address.baseUrl} does not report who submitted a job (submittedBy), so jobs cannot be listed by user.`, {
                hint: "use --all-users (with --name to narrow the list)",
              });
            }
            notes.push(`This server does not report who submitted a job (submittedBy), so every user's jobs are listed, not only ${filters.user}'s.`);
            filters.user = null;
          }
        }
        for (let k = 0; k < batch.length && jobs.length < limit; k++) {
          scanned++;
          const job = summary(client, read.raws.get(batch[k]) ?? {}, batch[k]);
          if (matches(job, filters)) jobs.push(job);
        }
      }
      await addProgress(client, jobs);
      const result: JobsResult = { ok: true, command: "jobs", jobs, user: filters.user, scanned, more: scanned < ids.length, notes };
      ctx.out.result(result, describe(result));
      return 0;
    } catch (e) {
      throw serverError(e, client, "listing the jobs");
    }
  },
};
