import { statSync } from "node:fs";
import type { VerifyResult } from "../../types/request";
import type { Manifest } from "../core/job-package";
import { type FileState, verifyJob } from "../core/verify";
import { HelperError } from "../errors";
import { readManifest } from "../package/job-folder";
import { findJobFolder } from "../package/job-index";
import { type Command, type CommandContext, currentPlatform, OUTPUT_OPTIONS } from "./common";

/** `<job folder | job id>` → the folder and its manifest. A job id is looked up in this machine's job index. */
export function jobFolderArgument(ctx: CommandContext): { folder: string; manifest: Manifest } {
  const [target, extra] = ctx.args.positionals;
  if (target === undefined) throw new HelperError("usage", "give a job folder or a job id", { hint: "e.g. hqueue-helper verify /mnt/hq/shots/sh010/hqueue/sh010_20261206-051500_a1b2c3" });
  if (extra !== undefined) throw new HelperError("usage", `unexpected argument "${extra}"`);
  let folder = target;
  if (/^\d+$/.test(target)) {
    const found = findJobFolder(ctx.env, Number(target));
    if (found === undefined) {
      throw new HelperError("usage", `job ${target} is not in this machine's list of submitted jobs`, {
        hint: "give its job folder instead (the submit output and the job's manifest.json name it)",
      });
    }
    folder = found;
  }
  return { folder, manifest: readManifest(folder) };
}

function stat(file: string): FileState {
  try {
    const s = statSync(file);
    return s.isFile() && s.size > 0 ? "ok" : "empty";
  } catch {
    return "missing";
  }
}

export function verifyFolder(folder: string, manifest: Manifest): VerifyResult {
  let report;
  try {
    report = verifyJob(manifest, currentPlatform(), stat);
  } catch (e) {
    throw new HelperError("path_unmapped", `The job's outputs cannot be found from this machine: ${(e as Error).message}`);
  }
  return {
    ok: true,
    command: "verify",
    jobFolder: folder,
    ...(manifest.jobId !== undefined ? { jobId: manifest.jobId } : {}),
    complete: report.missingFrames.length === 0,
    frameCount: report.frameCount,
    missingFrames: report.missingFrames,
    savers: report.savers,
  };
}

export function describeVerify(result: VerifyResult): string {
  const lines = [`Job ${result.jobId ?? "(no id)"}: ${result.jobFolder}`];
  for (const s of result.savers) {
    if (s.problems.length === 0) {
      lines.push(`  ${s.saver}: all ${s.expected} file(s) written (${s.path})`);
      continue;
    }
    lines.push(`  ${s.saver}: ${s.problems.length} of ${s.expected} file(s) missing or empty (${s.path})`);
    for (const p of s.problems.slice(0, 50)) lines.push(`    ${p.frame === null ? "movie" : `frame ${p.frame}`}: ${p.state}  ${p.file}`);
    if (s.problems.length > 50) lines.push(`    … and ${s.problems.length - 50} more`);
  }
  lines.push(result.complete ? `Complete: all ${result.frameCount} frame(s) written.` : `Missing frames: ${result.missingFrames.length} of ${result.frameCount} (resubmit --missing renders them).`);
  return lines.join("\n");
}

export const verifyCommand: Command = {
  name: "verify",
  summary: "list the frames a job did not write (missing or empty files), per Saver",
  usage: "hqueue-helper verify <JOB_FOLDER | JOB_ID> [--json]   (exit 0 complete, 1 frames missing)",
  options: { ...OUTPUT_OPTIONS },
  async run(ctx) {
    const { folder, manifest } = jobFolderArgument(ctx);
    const result = verifyFolder(folder, manifest);
    ctx.out.result(result, describeVerify(result));
    return result.complete ? 0 : 1;
  },
};
