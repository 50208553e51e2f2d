/**
 * What a job folder's job failed to write (pure): each expected file of the manifest, spelled for the OS that
 * checks (mapped through the manifest's shared roots), checked with a `stat` the caller gives.
 */
import type { Platform } from "../../types/request";
import type { Manifest } from "./job-package";
import { frameFileName } from "./savers";
import { mapPath } from "./path-map";

export type FileState = "ok" | "missing" | "empty";

export interface SaverCheck {
  saver: string;
  /** The file pattern as the checking OS spells it. */
  path: string;
  movie: boolean;
  expected: number;
  /** Missing or empty files, in frame order (a movie: one entry, frame null). */
  problems: { frame: number | null; file: string; state: Exclude<FileState, "ok"> }[];
}

export interface VerifyReport {
  savers: SaverCheck[];
  /** Every frame that some Saver did not write (a missing movie: all frames), ascending. */
  missingFrames: number[];
  frameCount: number;
}

/** A submitter-side path as `here` spells it (unchanged on the submitting OS). Throws when no root maps it. */
export function localPath(manifest: Manifest, path: string, here: Platform): string {
  const from = manifest.mapping.from;
  if (from === here) return path;
  const mapped = mapPath(path, from, here, manifest.mapping.roots);
  if (!mapped.ok) throw new Error(`${mapped.error} ${mapped.hint}`);
  return mapped.path;
}

export function verifyJob(manifest: Manifest, here: Platform, stat: (file: string) => FileState): VerifyReport {
  const frames = [...new Set(manifest.plan.tasks.flatMap((t) => t.frames))].sort((a, b) => a - b);
  const missing = new Set<number>();
  const savers: SaverCheck[] = manifest.outputs.map((o) => {
    const path = localPath(manifest, o.path, here);
    const check: SaverCheck = { saver: o.saver, path, movie: o.movie, expected: o.movie ? 1 : frames.length, problems: [] };
    if (o.movie) {
      const state = stat(path);
      if (state !== "ok") {
        check.problems.push({ frame: null, file: path, state });
        for (const f of frames) missing.add(f);
      }
      return check;
    }
    for (const frame of frames) {
      const file = frameFileName(path, frame);
      const state = stat(file);
      if (state !== "ok") {
        check.problems.push({ frame, file, state });
        missing.add(frame);
      }
    }
    return check;
  });
  return { savers, missingFrames: [...missing].sort((a, b) => a - b), frameCount: frames.length };
}
