/**
 * What the job commands (log, pause, resume, retry, priority, jobs) share: reading one job by id with a clear
 * `not_found`, its child ids, and the words for a server that lacks an optional call.
 */
import { HelperError } from "../errors";
import type { HQueueClient } from "../hqueue/client";
import { HQueueError } from "../hqueue/hqueue-error";
import { serverError } from "./common";
import type { FinishedNames } from "./status";

export function num(v: unknown, fallback = -1): number {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

/** Child ids of a job struct; tolerates servers that list them as {id: …} structs. */
export function childIdsOf(job: Record<string, unknown>): number[] {
  if (!Array.isArray(job.children)) return [];
  return job.children
    .map((c) => (c !== null && typeof c === "object" ? num((c as Record<string, unknown>).id) : num(c)))
    .filter((c) => Number.isInteger(c) && c >= 0);
}

export function isFault(e: unknown): e is HQueueError {
  return e instanceof HQueueError && e.kind === "fault";
}

/**
 * One job's attributes. A fault (the documented server raises for an unknown id) or an empty answer (a server
 * answering None) is `not_found`; anything else is the transport's error.
 */
export async function readJob(client: HQueueClient, id: number, attribs: readonly string[]): Promise<Record<string, unknown>> {
  let job: Record<string, unknown>;
  try {
    job = await client.getJob(id, attribs);
  } catch (e) {
    if (isFault(e)) {
      throw new HelperError("not_found", `The HQueue server has no job ${id} (${e.faultString ?? e.message}).`, {
        hint: "check the job id on the HQueue web page, or list your jobs with: hqueue-helper jobs",
      });
    }
    throw serverError(e, client, `reading job ${id}`);
  }
  if (Object.keys(job).length === 0) {
    throw new HelperError("not_found", `The HQueue server has no job ${id}.`, {
      hint: "check the job id on the HQueue web page, or list your jobs with: hqueue-helper jobs",
    });
  }
  return job;
}

/** Tasks that ended without succeeding and will not come back by themselves (not "abandoned": hqueue.md §7). */
export function isFailedStatus(status: string, names: FinishedNames): boolean {
  return names.failed.includes(status) && status !== "abandoned";
}

export function isFinishedStatus(status: string, names: FinishedNames): boolean {
  return names.succeeded.includes(status) || names.failed.includes(status);
}

/** The error for an optional call the server answered with a fault, when there is nothing to fall back on. */
export function notSupported(client: HQueueClient, method: string, e: HQueueError, what: string, hint: string): HelperError {
  return new HelperError(
    "not_supported",
    `The HQueue server at ${client.address.baseUrl} does not support ${what}: it refused ${method} (${e.faultString ?? e.message}).`,
    { hint },
  );
}

/** Characters asked per line wanted when only a tail is shown (Fusion's verbose lines are short). */
const CHARS_PER_TAIL_LINE = 400;

/**
 * A job's output, or only its last `lines` lines. For a tail only the end of the log is fetched (getJobOutput's
 * documented max_last_chars), so a long render log is not downloaded whole; when that end holds fewer lines than
 * wanted, or the server refuses the argument, the whole log is read instead, so the tail is always exact.
 */
export async function jobOutput(client: HQueueClient, id: number, lines: number | undefined): Promise<{ text: string; truncated: boolean }> {
  if (lines === undefined) return { text: await client.getJobOutput(id), truncated: false };
  const chars = Math.min(lines * CHARS_PER_TAIL_LINE, 50_000_000);
  let text: string | undefined;
  try {
    text = await client.getJobOutput(id, chars);
  } catch (e) {
    if (!isFault(e)) throw e;
  }
  const body = text === undefined ? "" : text.endsWith("\n") ? text.slice(0, -1) : text;
  // More than `lines` newlines means the last `lines` lines are complete, even if the first one was cut.
  const enough = text !== undefined && (text.length < chars || body.split("\n").length > lines);
  return tailLines(enough ? (text as string) : await client.getJobOutput(id), lines);
}

/** The last `lines` lines of a text (all of it when it has fewer). */
export function tailLines(text: string, lines: number | undefined): { text: string; truncated: boolean } {
  if (lines === undefined) return { text, truncated: false };
  const all = text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n");
  if (all.length <= lines) return { text, truncated: false };
  return { text: `${all.slice(all.length - lines).join("\n")}\n`, truncated: true };
}
