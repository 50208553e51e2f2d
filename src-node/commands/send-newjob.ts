/**
 * The one way a command sends a job (submit, and retry when it submits a new job): send-job.ts's sendJob, with the
 * phase file of a background run kept (src-node/phase-file.ts, README "Background runs"). `sending` is on disk
 * (fsynced) before a byte of the first newjob can leave, so a helper killed from there on may have created a job and
 * its caller must say so; unable to record it, nothing is sent. `answered <id>` follows once the job exists.
 */
import type { JobSpec } from "../../types/request";
import { HelperError } from "../errors";
import { DEFAULT_MAX_BODY } from "../hqueue/batches";
import type { HQueueClient } from "../hqueue/client";
import type { PhaseFile } from "../phase-file";
import { type SentJob, sendJob } from "./send-job";

export interface SendOptions {
  /** Bytes per newjob call (default: DEFAULT_MAX_BODY). */
  maxBody?: number;
  /** Leave the job paused (submit --paused). */
  paused?: boolean;
  /** Right after the job exists, before `answered` is recorded and before any further part is sent. */
  onCreated?: (jobId: number) => void;
}

/** Sends `spec`; errors are HelperErrors that say whether the job may exist (send-job.ts). */
export function sendNewjob(client: HQueueClient, spec: JobSpec, phase: PhaseFile | undefined, options: SendOptions = {}): Promise<SentJob> {
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
  return sendJob(client, spec, {
    maxBody: options.maxBody ?? DEFAULT_MAX_BODY,
    paused: options.paused === true,
    beforeSend,
    onCreated: (id) => {
      options.onCreated?.(id);
      try {
        phase?.append(`answered ${id}`);
      } catch {
        // Only a hint for a caller that loses the answer; the answer itself follows on stdout and in the response file.
      }
    },
  });
}
