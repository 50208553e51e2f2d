/**
 * The one way a command sends `newjob` (submit, and retry when it submits a new job): with the phase file of a
 * background run kept (src-node/phase-file.ts, README "Background runs"). `sending` is on disk (fsynced) before a byte
 * of newjob can leave, so a helper killed from there on may have created a job and its caller must say so; unable to
 * record it, nothing is sent. `answered <id>` follows the server's answer. A lost answer is never re-sent.
 */
import type { JobSpec } from "../../types/request";
import { HelperError } from "../errors";
import { type HQueueClient, HQueueError } from "../hqueue/client";
import type { PhaseFile } from "../phase-file";
import { serverError } from "./common";

/** A newjob whose answer was lost may still have created the job: say so, never resend it. */
export function newjobError(e: unknown, client: HQueueClient): HelperError {
  if (e instanceof HQueueError) {
    // A fault or a client error status is the server's answer: no job. Anything lost after the request
    // reached the server (timeout, reset, 5xx from a proxy, garbage) leaves the outcome unknown.
    const answered = e.kind === "fault" || e.kind === "bad_request" || (e.kind === "http" && (e.httpStatus ?? 500) < 500);
    if (!answered && e.sent) {
      return new HelperError(
        "submit_unconfirmed",
        `The job was sent to ${client.address.baseUrl} but the server's answer was lost (${e.kind}: ${e.message}). The job may or may not have been created.`,
        { hint: `open ${client.address.baseUrl}/ and look for the job before submitting again, so that it does not render twice` },
      );
    }
  }
  return serverError(e, client, "creating the job");
}

/** Sends one job spec; returns the new job's id. Errors are HelperErrors that say whether the job may exist. */
export async function sendNewjob(client: HQueueClient, spec: JobSpec, phase: PhaseFile | undefined): Promise<number> {
  const beforeSend = phase
    ? () => {
        try {
          phase.append("sending");
        } catch (e) {
          throw new HelperError("internal", `Cannot record in ${phase.path} that the job is being sent (${(e as Error).message}). Nothing was submitted.`, {
            hint: "check that the temporary folder is writable and not full, then try again",
          });
        }
      }
    : undefined;
  let ids: number[];
  try {
    ids = await client.newjob(spec, { beforeSend });
  } catch (e) {
    // beforeSend's own refusal arrives here as it was thrown (nothing was sent).
    if (e instanceof HelperError) throw e;
    throw newjobError(e, client);
  }
  const jobId = ids[0];
  try {
    phase?.append(`answered ${jobId}`);
  } catch {
    // Only a hint for a caller that loses the answer; the answer itself follows on stdout and in the response file.
  }
  return jobId;
}
