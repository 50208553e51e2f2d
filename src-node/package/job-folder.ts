/**
 * The job folder on disk (thin fs binding over core/job-package.ts): read the saved comp once, write the snapshot,
 * the per-OS copies and the manifest before `newjob`, record the job id after, and take the folder away again when
 * the submit failed for sure. A folder whose job may exist (answer lost) is never removed.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import * as nodePath from "node:path";
import type { Platform, PlanResult, SubmitRequest } from "../../types/request";
import { CompFileError } from "../core/lua-table-parser";
import {
  buildManifest,
  compCopies,
  copyPathsByOs,
  JOB_ROOT_WORDS,
  jobFolderLayout,
  runnerFiles,
  type JobFolderLayout,
  type Manifest,
  type ManifestState,
  type RunnerFiles,
} from "../core/job-package";
import { HelperError } from "../errors";

/** Everything the job folder will hold, computed before anything is written or sent. */
export interface PreparedPackage {
  layout: JobFolderLayout;
  /** Per OS: the copy that OS's clients open, in that OS's spelling (goes into the task commands). */
  copyPaths: Partial<Record<Platform, string>>;
  snapshot: Buffer;
  copies: Partial<Record<Platform, Buffer>>;
  /** The task runners (text per OS, and their paths as each OS runs them). */
  runners: RunnerFiles;
  warnings: string[];
}

/** Six hex digits: two submissions of one comp in the same second still get different folders. */
export function shortRandom(): string {
  return randomBytes(3).toString("hex");
}

/** Reads the saved comp (the file the farm renders) and computes the folder's content. Throws HelperError. */
export function preparePackage(request: SubmitRequest, stamp: string, random: string): PreparedPackage {
  const { comp } = request;
  let snapshot: Buffer;
  try {
    snapshot = readFileSync(comp.path);
  } catch (e) {
    throw new HelperError("bad_comp", `Cannot read the saved comp "${comp.path}" to put it in the job folder: ${(e as Error).message}. Nothing was submitted.`, {
      field: "comp.path",
      hint: "save the comp, and submit from the machine that saved it",
    });
  }
  const layout = jobFolderLayout(request, stamp, random);
  const copyPaths = copyPathsByOs(request, layout);
  let copies;
  try {
    copies = compCopies(request, snapshot);
  } catch (e) {
    if (e instanceof CompFileError) throw new HelperError("bad_comp", e.message, { field: "comp.path", hint: "open the comp in Fusion and save it again" });
    throw e;
  }
  const runners = runnerFiles(request, layout, copyPaths, stamp);
  return { layout, copyPaths, snapshot, copies: copies.copies, runners, warnings: copies.warnings };
}

function writeDurable(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, "w");
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A job folder that exists on disk. */
export class JobFolder {
  private constructor(
    readonly path: string,
    private manifest: Manifest,
  ) {}

  /**
   * Creates the folder and writes every file. Any failure (read-only share, no space, the folder exists) removes
   * what was written and fails naming the folder, before anything is sent.
   */
  static create(prepared: PreparedPackage, request: SubmitRequest, plan: PlanResult, now = new Date()): JobFolder {
    const { layout } = prepared;
    const folder = layout.folder;
    const manifest = buildManifest(request, plan, layout, prepared.copyPaths, now.toISOString(), prepared.runners.paths);
    let created = false;
    try {
      mkdirSync(nodePath.dirname(folder), { recursive: true });
      mkdirSync(folder);
      created = true;
      writeDurable(nodePath.join(folder, layout.snapshotName), prepared.snapshot);
      for (const [p, bytes] of Object.entries(prepared.copies) as [Platform, Buffer][]) {
        writeDurable(nodePath.join(folder, layout.copyNames[p]!), bytes);
      }
      for (const [p, text] of Object.entries(prepared.runners.scripts) as [Platform, string][]) {
        const file = nodePath.join(folder, layout.runnerNames[p]!);
        writeDurable(file, text);
        if (p !== "windows") chmodSync(file, 0o755);
      }
      const job = new JobFolder(folder, manifest);
      job.writeManifest();
      return job;
    } catch (e) {
      if (created) rmSync(folder, { recursive: true, force: true });
      if (e instanceof HelperError) throw e;
      const err = e as NodeJS.ErrnoException;
      const why = err.code === "EROFS" || err.code === "EACCES" || err.code === "EPERM" ? "it is not writable" : err.code === "ENOSPC" ? "the disk is full" : err.message;
      throw new HelperError("bad_request", `Cannot write the job folder ${folder}: ${why}. Nothing was submitted.`, {
        field: "job.jobRoot",
        hint: `set ${JOB_ROOT_WORDS} to a folder on writable shared storage, or free space there`,
      });
    }
  }

  get state(): ManifestState {
    return this.manifest.state;
  }

  /** Writes the manifest atomically (a reader never sees half a file). */
  private writeManifest(): void {
    const target = nodePath.join(this.path, "manifest.json");
    const tmp = `${target}.tmp`;
    writeDurable(tmp, JSON.stringify(this.manifest, null, 2) + "\n");
    renameSync(tmp, target);
  }

  /** Records a state (and the job id once known). Best effort after newjob: the job exists whatever happens here. */
  setState(state: ManifestState, jobId?: number): string | undefined {
    this.manifest = { ...this.manifest, state, ...(jobId !== undefined ? { jobId } : {}) };
    try {
      this.writeManifest();
      return undefined;
    } catch (e) {
      return `The job folder's manifest (${this.path}) could not be updated: ${(e as Error).message}.`;
    }
  }

  /** The submit failed for sure: remove the folder; when that fails, mark it so nobody takes it for a job. */
  discard(): void {
    try {
      rmSync(this.path, { recursive: true, force: true });
    } catch {
      try {
        this.setState("not submitted");
        writeFileSync(nodePath.join(this.path, "NOT SUBMITTED.txt"), "This job was not submitted; the folder can be deleted.\n");
      } catch {
        /* nothing more can be done; the submit error says what happened */
      }
    }
  }
}

/** Reads a job folder's manifest (verify, resubmit). */
export function readManifest(folder: string): Manifest {
  const file = nodePath.join(folder, "manifest.json");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new HelperError("bad_request", `${folder} is not a job folder: ${code === "ENOENT" ? "it has no manifest.json" : (e as Error).message}.`, {
      hint: "give the job folder the helper created at submit (…/hqueue/<comp>_<date>_<id>)",
    });
  }
  let doc: Manifest;
  try {
    doc = JSON.parse(text) as Manifest;
  } catch (e) {
    throw new HelperError("bad_request", `The manifest ${file} is damaged: ${(e as Error).message}.`);
  }
  if (doc?.kind !== "kartalink.hqueue.job" || doc.version !== 1) throw new HelperError("bad_request", `${file} is not a KartaLink job manifest.`);
  return doc;
}
