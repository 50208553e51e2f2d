/**
 * This comp's recent jobs, kept in the comp's data (`KartaLink.HQueueRender.jobs`, schema 1 like the presets) so that
 * the Jobs view can follow them after the dialog, the monitor or Fusion was closed. Newest first, at most
 * MAX_RECENT_JOBS readable entries. A job is recorded only once the server accepted it (the helper's answer).
 *
 * Store rules (store.ts): the list is written by its own dotted key, never over a stored table this version cannot
 * read; entries this version cannot read are carried over unchanged (and do not count towards the bound); a stored
 * `jobs` value that is not a plain list is left as it is (nothing is recorded) instead of being reshaped.
 */
import type { SubmitResult } from "../types/request";
import type { Host } from "./host";
import type { StoredState } from "./store";
import { readCompKey, writeCompKey } from "./store-write";
import { formatInt } from "./text";

export const RECENT_JOBS_KEY = "jobs";
export const MAX_RECENT_JOBS = 20;

export interface RecentJob {
  id: number;
  server: string;
  /** os.time() when the server accepted it. */
  submitted?: number;
  /** The job folder (render package), when the helper reported one. */
  jobFolder?: string;
  name?: string;
  url?: string;
}

/** A stored entry: a job this version reads, or a value carried over as it is. */
type Entry = { kind: "job"; job: RecentJob; stored: unknown } | { kind: "kept"; value: unknown };

export interface RecentJobs {
  jobs: RecentJob[];
  /** Sentences for the artist about stored data that could not be used. */
  notices: string[];
}

const NOT_A_LIST = "The list of recent jobs stored in this comp is not in a form this version understands; it is left as it is, so new jobs are not added to it.";

function asTable(value: unknown): LuaTable<AnyNotNil, unknown> | undefined {
  return typeof value === "object" && value !== undefined ? (value as LuaTable<AnyNotNil, unknown>) : undefined;
}

function optionalString(table: LuaTable<AnyNotNil, unknown>, key: string): string | undefined {
  const value = table.get(key);
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** One stored entry → a job, or undefined when it is not one this version reads. */
export function readJobEntry(value: unknown): RecentJob | undefined {
  const table = asTable(value);
  if (table === undefined) return undefined;
  const id = table.get("id");
  const server = table.get("server");
  if (typeof id !== "number" || id !== math.floor(id) || id < 0 || typeof server !== "string" || server === "") return undefined;
  const job: RecentJob = { id, server };
  const submitted = table.get("submitted");
  if (typeof submitted === "number") job.submitted = submitted;
  job.jobFolder = optionalString(table, "jobFolder");
  job.name = optionalString(table, "name");
  job.url = optionalString(table, "url");
  return job;
}

/** The stored list's items in order, or undefined when the value is not a plain 1..n list. */
function listItems(value: unknown): unknown[] | undefined {
  const table = asTable(value);
  if (table === undefined) return undefined;
  let count = 0;
  let largest = 0;
  for (const [key] of pairs(table)) {
    if (typeof key !== "number" || key !== math.floor(key) || key < 1) return undefined;
    count++;
    largest = math.max(largest, key);
  }
  if (largest !== count) return undefined;
  const items: unknown[] = [];
  for (let i = 1; i <= count; i++) items.push(table.get(i));
  return items;
}

function entriesOf(value: unknown): Entry[] | undefined {
  if (value === undefined) return [];
  const items = listItems(value);
  if (items === undefined) return undefined;
  return items.map((item): Entry => {
    const job = readJobEntry(item);
    return job !== undefined ? { kind: "job", job, stored: item } : { kind: "kept", value: item };
  });
}

export function readRecentJobs(host: Host): RecentJobs {
  const { state, value } = readCompKey(host, RECENT_JOBS_KEY);
  if (state.kind === "unreadable") return { jobs: [], notices: [state.reason + " Recent jobs are not shown."] };
  const entries = entriesOf(value);
  if (entries === undefined) return { jobs: [], notices: [NOT_A_LIST] };
  const jobs: RecentJob[] = [];
  let kept = 0;
  for (const entry of entries) {
    if (entry.kind === "job") jobs.push(entry.job);
    else kept++;
  }
  const notices =
    kept === 1
      ? ["1 stored job entry could not be read and is not shown; it is kept as it is."]
      : kept > 1
        ? [formatInt(kept) + " stored job entries could not be read and are not shown; they are kept as they are."]
        : [];
  return { jobs, notices };
}

function storedForm(job: RecentJob): LuaTable<string, unknown> {
  const table = new LuaTable<string, unknown>();
  table.set("id", job.id);
  table.set("server", job.server);
  if (job.submitted !== undefined) table.set("submitted", job.submitted);
  if (job.jobFolder !== undefined) table.set("jobFolder", job.jobFolder);
  if (job.name !== undefined) table.set("name", job.name);
  if (job.url !== undefined) table.set("url", job.url);
  return table;
}

/**
 * The list with `job` first: an older entry for the same job (same id and server) is dropped, readable entries beyond
 * MAX_RECENT_JOBS (the oldest) too; entries this version cannot read stay where they were.
 */
export function withJob(entries: Entry[], job: RecentJob): unknown[] {
  const out: unknown[] = [storedForm(job)];
  let readable = 1;
  for (const entry of entries) {
    if (entry.kind === "kept") {
      out.push(entry.value);
      continue;
    }
    if (entry.job.id === job.id && entry.job.server === job.server) continue;
    if (readable >= MAX_RECENT_JOBS) continue;
    readable++;
    out.push(entry.stored);
  }
  return out;
}

/** Adds a job the server accepted. Returns why it was not recorded (stored data left alone), or undefined. */
export function recordJob(host: Host, job: RecentJob): string | undefined {
  const { state, value } = readCompKey(host, RECENT_JOBS_KEY);
  if (state.kind === "unreadable") return state.reason + " This version leaves them as they are, so job " + formatInt(job.id) + " is not added to this comp's recent jobs.";
  const entries = entriesOf(value);
  if (entries === undefined) return NOT_A_LIST;
  const [ok, problem] = pcall(() => writeCompKey(host, state as StoredState, RECENT_JOBS_KEY, withJob(entries, job)));
  return ok ? undefined : "Job " + formatInt(job.id) + " could not be added to this comp's recent jobs: " + tostring(problem);
}

/** After a confirmed Submit (main dialog): records the job; returns the sentences for the monitor (none when recorded). */
export function recordSubmittedJob(host: Host, server: string, result: SubmitResult, name: string): string[] {
  const problem = recordJob(host, { id: result.jobId, server, submitted: host.now(), jobFolder: result.jobFolder, name: name !== "" ? name : undefined, url: result.url });
  return problem !== undefined ? [problem] : [];
}
