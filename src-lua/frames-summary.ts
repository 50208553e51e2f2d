/**
 * The dialog's live "N frames in M tasks", computed here with the helper's own portable frame-set and chunking
 * modules (src-node/portable), so typing in the frames field never starts a process. The helper's `plan` stays
 * the authority at Submit: it also knows what this cannot (e.g. a movie Saver renders as one task).
 */
import { chunkFrames } from "../src-node/portable/chunks";
import { type FramesResult, parseFrameSet, rangeFrames } from "../src-node/portable/frames";
import type { CompSnapshot } from "./host";
import type { Settings } from "./settings";

export type FramesSummary = { ok: true; frameCount: number; taskCount: number } | { ok: false; error: string };

/** The same frames the helper resolves for the request (src-node/core/job-spec.ts resolveFrames), and their tasks. */
export function summarizeFrames(settings: Pick<Settings, "frameChoice" | "customFrames" | "framesPerTask">, comp: CompSnapshot): FramesSummary {
  const choice = settings.frameChoice;
  const result: FramesResult =
    choice === "render"
      ? rangeFrames(comp.renderStart, comp.renderEnd, comp.step)
      : choice === "global"
        ? rangeFrames(comp.globalStart, comp.globalEnd, comp.step)
        : parseFrameSet(settings.customFrames);
  if (!result.ok) {
    return { ok: false, error: (choice === "custom" ? "The frame set" : "The comp's " + choice + " range") + " is not valid: " + result.error };
  }
  if (result.frames.length === 0) return { ok: false, error: "The frame set is empty: there is nothing to render." };
  const [chunked, tasks] = pcall(() => chunkFrames(result.frames, settings.framesPerTask));
  if (!chunked || typeof tasks !== "object") return { ok: false, error: "Frames per task must be a whole number of 0 or more." };
  return { ok: true, frameCount: result.frames.length, taskCount: tasks.length };
}
