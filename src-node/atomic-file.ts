/**
 * Writes a file whole or not at all: to FILE.tmp, then renamed over FILE, so a reader that finds FILE finds a
 * complete document (the response file of a background run, README "Background runs").
 *
 * On Windows an antivirus or indexer that has just opened FILE.tmp (or an old FILE) makes the rename fail for a moment
 * with EPERM or EBUSY: the rename is tried again a few times before giving up.
 *
 * Imported by node-guard.ts, which must run on Node.js versions too old for the rest of the helper: no optional
 * chaining, no `??`, no newer APIs.
 */
import { renameSync, unlinkSync, writeFileSync } from "node:fs";

/** Renames tried at most (with 25, 50, 100, 200 ms between them: well under a second in all). */
const RENAME_ATTEMPTS = 5;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isTransient(e: unknown): boolean {
  const code = e !== null && typeof e === "object" ? (e as { code?: unknown }).code : undefined;
  return code === "EPERM" || code === "EBUSY";
}

/** Throws when the file cannot be written (the .tmp file is then removed). */
export function writeFileAtomic(path: string, text: string): void {
  const temporary = path + ".tmp";
  writeFileSync(temporary, text, "utf8");
  for (let attempt = 1; ; attempt++) {
    try {
      renameSync(temporary, path);
      return;
    } catch (e) {
      if (attempt < RENAME_ATTEMPTS && isTransient(e)) {
        sleepSync(25 * Math.pow(2, attempt - 1));
        continue;
      }
      try {
        unlinkSync(temporary);
      } catch (ignored) {
        // Already gone, or not removable: the rename's error is the one to report.
      }
      throw e;
    }
  }
}
