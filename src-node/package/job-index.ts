/**
 * A small local index of the job folders this machine submitted (job id → folder), so that `verify 1234` and
 * `resubmit 1234` work without the folder's path. One JSON line per job, appended; best effort (a read-only home
 * never fails a submit). Other machines give the folder itself. $KARTALINK_HQUEUE_INDEX overrides the file.
 */
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import * as nodePath from "node:path";

export function indexFile(env: NodeJS.ProcessEnv): string {
  return env.KARTALINK_HQUEUE_INDEX || nodePath.join(homedir(), ".kartalink-hqueue", "jobs.jsonl");
}

export function recordJobFolder(env: NodeJS.ProcessEnv, entry: { jobId: number; server: string; folder: string }): void {
  try {
    const file = indexFile(env);
    mkdirSync(nodePath.dirname(file), { recursive: true });
    appendFileSync(file, JSON.stringify({ ...entry, at: new Date().toISOString() }) + "\n");
  } catch {
    /* best effort */
  }
}

/** The newest folder recorded for `jobId` (on `server` when given), or undefined. */
export function findJobFolder(env: NodeJS.ProcessEnv, jobId: number, server?: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(indexFile(env), "utf8");
  } catch {
    return undefined;
  }
  let found: string | undefined;
  for (const line of text.split("\n")) {
    try {
      const e = JSON.parse(line) as { jobId?: unknown; server?: unknown; folder?: unknown };
      if (e.jobId === jobId && typeof e.folder === "string" && (server === undefined || e.server === server)) found = e.folder;
    } catch {
      /* a damaged line: skip */
    }
  }
  return found;
}
