/**
 * Sending a job of any size: one `newjob` when it fits in `maxBody` bytes, else the parent with the first batch of
 * tasks, then the other tasks in batches with `newjob(list, parent_id)` (hqueue/batches.ts).
 *
 * While batches are added the job is kept paused (`pauseJobs` on the parent right after it is created, and again
 * after each batch, since tasks created after a pause are not known to be paused), so it can never finish or render
 * a partial job before all its tasks exist; it is resumed after the last batch unless the artist asked for a paused
 * job. A batch the server refused → the parent is cancelled and the artist is told nothing will render. A batch whose
 * answer was lost → unconfirmed, saying what is known (the job id, how many tasks surely exist, that it is paused).
 */
import type { JobSpec } from "../../types/request";
import { HelperError } from "../errors";
import { jobPageUrl } from "../hqueue/address";
import { splitJob } from "../hqueue/batches";
import type { HQueueClient } from "../hqueue/client";
import { HQueueError } from "../hqueue/hqueue-error";
import { serverError } from "./common";

export interface SentJob {
  jobId: number;
  paused: boolean;
  warnings: string[];
  /** Number of newjob calls made (1 for a job that fits in one). */
  calls: number;
}

/** True when the server's answer says no job was created (a fault or an HTTP client error). */
function definitelyRefused(e: unknown): boolean {
  return e instanceof HQueueError && (e.kind === "fault" || e.kind === "bad_request" || (e.kind === "http" && (e.httpStatus ?? 500) < 500));
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** HTTP 400/413 to a newjob: Django answers 400 to a body over DATA_UPLOAD_MAX_MEMORY_SIZE, proxies 413. */
function tooLarge(e: unknown, bodyBytes: number, maxBody: number, client: HQueueClient, what: string): HelperError | undefined {
  if (!(e instanceof HQueueError) || e.kind !== "http" || (e.httpStatus !== 400 && e.httpStatus !== 413)) return undefined;
  // The server's limit is unknown: Django's default when more was sent, else half of what was refused.
  const sentBytes = Math.min(bodyBytes, maxBody);
  const smaller = sentBytes > 2_500_000 ? 2_000_000 : Math.max(16_384, Math.floor(sentBytes / 2 / 1000) * 1000);
  return new HelperError(
    "http",
    `The HQueue server at ${client.address.baseUrl} refused ${what} (HTTP ${e.httpStatus}, ${megabytes(bodyBytes)}): most likely the request is larger than the server accepts ` +
      `(Django-based HQueue servers refuse bodies over 2.5 MB by default).`,
    { hint: `submit again with smaller requests, e.g. --max-body ${smaller} (bytes per call; the job is then sent in several parts)` },
  );
}

/** A newjob whose answer was lost may still have created the job: say so, never resend it. */
export function newjobError(e: unknown, client: HQueueClient, bodyBytes = 0, maxBody = Infinity): HelperError {
  const big = tooLarge(e, bodyBytes, maxBody, client, "the job");
  if (big) return new HelperError(big.code, `${big.message} Nothing was submitted.`, { hint: big.hint });
  if (e instanceof HQueueError && !definitelyRefused(e) && e.sent) {
    // Anything lost after the request reached the server (timeout, reset, 5xx from a proxy, garbage) leaves the outcome unknown.
    return new HelperError(
      "submit_unconfirmed",
      `The job was sent to ${client.address.baseUrl} but the server's answer was lost (${e.kind}: ${e.message}). The job may or may not have been created.`,
      { hint: `open ${client.address.baseUrl}/ and look for the job before submitting again, so that it does not render twice` },
    );
  }
  return serverError(e, client, "creating the job");
}

/** Cancels the parent after a failed batch; returns words saying whether that worked. */
async function cancelParent(client: HQueueClient, jobId: number): Promise<{ cancelled: boolean; words: string }> {
  try {
    await client.cancelJobs([jobId]);
    return { cancelled: true, words: `Job ${jobId} was cancelled, so nothing of it will render.` };
  } catch (e) {
    return {
      cancelled: false,
      words: `Job ${jobId} could not be cancelled (${serverError(e, client, "cancelling the job").message}); it is paused: cancel it in the HQueue web page.`,
    };
  }
}

/**
 * Sends `spec`. `beforeSend` runs right before the first byte of the first newjob can leave (the phase file records
 * "sending"; when it throws, nothing is sent);
 * `onCreated` right after the parent exists (the job id is recorded before the batches go out).
 */
export async function sendJob(
  client: HQueueClient,
  spec: JobSpec,
  opts: { maxBody: number; paused: boolean; beforeSend?: () => void; onCreated?: (jobId: number) => void },
): Promise<SentJob> {
  let batches;
  try {
    batches = splitJob(spec, opts.maxBody);
  } catch (e) {
    throw new HelperError("bad_request", `The job cannot be sent in parts of ${opts.maxBody} bytes: ${(e as Error).message}. Nothing was submitted.`, {
      hint: "raise --max-body",
    });
  }
  const warnings: string[] = [];
  let ids: number[];
  try {
    ids = await client.newjob(batches.first, { beforeSend: opts.beforeSend });
  } catch (e) {
    throw newjobError(e, client, batches.bodyBytes[0], opts.maxBody);
  }
  const jobId = ids[0];
  opts.onCreated?.(jobId);
  const total = spec.children?.length ?? 0;
  let created = batches.first.children?.length ?? 0;

  const pause = async (): Promise<void> => {
    await client.pauseJobs([jobId]);
  };

  if (batches.rest.length === 0) {
    let paused = false;
    if (opts.paused) {
      try {
        await pause();
        paused = true;
      } catch (e) {
        warnings.push(`Job ${jobId} was created but could not be paused (${serverError(e, client, "pausing the job").message}); it may start rendering.`);
      }
    }
    return { jobId, paused, warnings, calls: 1 };
  }

  const parts = batches.rest.length + 1;
  /** Part `batch` (2…parts) failed. */
  const fail = async (why: string, e: unknown, batch: number): Promise<never> => {
    const refused = definitelyRefused(e) || !(e instanceof HQueueError) || !e.sent;
    if (!refused) {
      const lost = e as HQueueError;
      throw new HelperError(
        "submit_unconfirmed",
        `Job ${jobId} was created and is paused, but the answer to part ${batch} of ${parts} was lost (${lost.kind}: ${lost.message}): ` +
          `${created} of its ${total} tasks surely exist, the ${(batches.rest[batch - 2] ?? []).length} of that part may or may not.`,
        { hint: `open ${jobPageUrl(client.address, jobId)} and cancel the job, then submit again; do not resume it (it would render only part of the frames)` },
      );
    }
    const cancel = await cancelParent(client, jobId);
    const big = tooLarge(e, batches.bodyBytes[batch - 1] ?? 0, opts.maxBody, client, `part ${batch} of the job`);
    const reason = big ? big.message : serverError(e, client, why).message;
    throw new HelperError(big ? "http" : e instanceof HQueueError && e.kind === "fault" ? "fault" : "http", `${reason} ${cancel.words} Nothing will render: submit again.`, {
      hint: big?.hint ?? "the HQueue server's log has the details",
    });
  };

  /** A pause that failed: the job may run part of its tasks, so it is cancelled. */
  const pauseFailed = async (e: unknown, when: string): Promise<never> => {
    const cancel = await cancelParent(client, jobId);
    const err = serverError(e, client, `pausing the job ${when}`);
    const reason = err.message;
    if (cancel.cancelled) throw new HelperError(err.code, `${reason} ${cancel.words} Nothing will render: submit again.`);
    throw new HelperError("submit_unconfirmed", `${reason} ${cancel.words} ${created} of its ${total} tasks exist; it may render only those.`, {
      hint: `open ${jobPageUrl(client.address, jobId)} and cancel the job, then submit again`,
    });
  };

  try {
    await pause();
  } catch (e) {
    await pauseFailed(e, "before adding its other tasks");
  }
  for (let b = 0; b < batches.rest.length; b++) {
    const batch = batches.rest[b];
    try {
      await client.newjob(batch, { parentId: jobId });
    } catch (e) {
      await fail(`adding part ${b + 2} of ${parts} of the job`, e, b + 2);
    }
    created += batch.length;
    try {
      await pause();
    } catch (e) {
      await pauseFailed(e, `after adding part ${b + 2} of ${parts}`);
    }
  }
  let paused = true;
  if (!opts.paused) {
    try {
      await client.resumeJobs([jobId]);
      paused = false;
    } catch (e) {
      warnings.push(`Job ${jobId} is complete (${total} tasks) but could not be resumed (${serverError(e, client, "resuming the job").message}): resume it in the HQueue web page.`);
    }
  }
  return { jobId, paused, warnings, calls: parts };
}
