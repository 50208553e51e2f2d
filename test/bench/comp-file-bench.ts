/**
 * `npm run bench`, section "compfile": peak memory of `plan COMP` on the largest .comp the helper accepts
 * (src-node/input-file.ts COMP_FILE_LIMIT_BYTES, 256 MB), against the same run on a small comp of the same shape.
 *
 * The comp is mostly animation (BezierSpline tools with 200 keyframes each), the kind of content that makes real
 * comps big, with a Saver every 50 tools. Before the reader kept only what it uses, a 200 MB comp took 3.9 GB.
 * Target: what the big comp adds to the helper's memory (its peak minus the 1 MB comp's) below 3 times the file's
 * size. One run per size (the big one takes about a minute).
 */
import { closeSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { PlanResult } from "../../types/request";
import { COMP_FILE_LIMIT_BYTES } from "../../src-node/input-file";
import type { Row } from "./bench";
import { jsonOf, type ProcessRun, scratchDir } from "./measure";

/** Writes a keyframe-heavy comp of just under `bytes` bytes; returns the number of Savers in it. */
export function writeAnimatedComp(file: string, bytes: number): number {
  const fd = openSync(file, "w");
  let size = 0;
  let savers = 0;
  const write = (text: string): void => {
    size += writeSync(fd, text);
  };
  try {
    write('Composition {\n\tCurrentTime = 1,\n\tRenderRange = { 1, 100 },\n\tGlobalRange = { 1, 200 },\n\tVersion = "Fusion Studio 19.1.4 build 6",\n\tTools = ordered() {\n');
    const closing = "\t},\n}\n";
    for (let i = 1; ; i++) {
      let tool: string;
      if (i % 50 === 0) {
        tool = `\t\tSaver${i} = Saver {\n\t\t\tInputs = {\n\t\t\t\tClip = Input { Value = Clip { Filename = "/mnt/hq/render/s${i}/s${i}.0000.exr", FormatID = "OpenEXRFormat", }, },\n\t\t\t},\n\t\t\tViewInfo = OperatorInfo { Pos = { ${i}, 1 } },\n\t\t},\n`;
      } else {
        let keys = "";
        for (let k = 0; k < 200; k++) {
          keys += `\t\t\t\t[${k}] = { ${(k * 0.37).toFixed(4)}, RH = { ${k + 0.33}, ${(k * 0.1).toFixed(3)} }, LH = { ${k - 0.33}, ${(k * 0.2).toFixed(3)} }, Flags = { Linear = true } },\n`;
        }
        tool = `\t\tBezierSpline${i} = BezierSpline {\n\t\t\tSplineColor = { Red = 225, Green = 0, Blue = 0 },\n\t\t\tNameSet = true,\n\t\t\tKeyFrames = {\n${keys}\t\t\t}\n\t\t},\n`;
      }
      if (size + Buffer.byteLength(tool) + closing.length > bytes) break;
      write(tool);
      if (i % 50 === 0) savers++;
    }
    write(closing);
  } finally {
    closeSync(fd);
  }
  return savers;
}

export async function benchCompFileMemory(options: {
  quick: boolean;
  log: (text: string) => void;
  helper: (argv: string[], options: { nodePeakMemory?: boolean; timeoutMs?: number }) => Promise<ProcessRun>;
}): Promise<{ rows: Row[]; problems: string[] }> {
  const rows: Row[] = [];
  const problems: string[] = [];
  // --quick: an eighth of the limit (a smoke run, not the figure).
  const bigBytes = options.quick ? COMP_FILE_LIMIT_BYTES / 8 : COMP_FILE_LIMIT_BYTES;
  const big = join(scratchDir(), "animated-big.comp");
  const small = join(scratchDir(), "animated-small.comp");
  try {
    options.log(`comp file: writing a ${Math.round(bigBytes / 1024 / 1024)} MB animated comp`);
    const bigSavers = writeAnimatedComp(big, bigBytes);
    writeAnimatedComp(small, 1024 * 1024);
    const measure = async (file: string): Promise<ProcessRun> => {
      const run = await options.helper(["plan", file, "--frames", "1-10", "--json"], { nodePeakMemory: true, timeoutMs: 900_000 });
      const plan = jsonOf<PlanResult>(run, `plan ${file}`);
      if (!plan.ok) problems.push(`comp file: plan of ${file} failed: ${run.stdout.slice(0, 300)}`);
      else if (plan.spec.children?.length !== 1) problems.push(`comp file: unexpected plan of ${file}`);
      return run;
    };
    options.log("comp file: plan of the 1 MB comp (reference)");
    const reference = await measure(small);
    options.log(`comp file: plan of the ${Math.round(bigBytes / 1024 / 1024)} MB comp (about a minute)`);
    const measured = await measure(big);
    const fileMB = statSync(big).size / 1024 / 1024;
    const peak = measured.peakMB ?? NaN;
    rows.push({
      section: "comp file",
      id: "comp-file-largest-memory",
      label: `plan of the largest accepted comp (${fileMB.toFixed(0)} MB): peak memory`,
      unit: "MB",
      median: peak,
      runs: [peak],
      reference: { label: "same, 1 MB comp", median: reference.peakMB ?? NaN, runs: [reference.peakMB ?? NaN] },
      ratio: reference.peakMB ? peak / reference.peakMB : undefined,
      target: { text: `peak − reference < 3× the file (${(3 * fileMB).toFixed(0)} MB)`, met: peak - (reference.peakMB ?? 0) < 3 * fileMB },
      note: `the big comp adds ${((peak - (reference.peakMB ?? 0)) / fileMB).toFixed(2)}× the file's size; read in ${(measured.ms / 1000).toFixed(1)} s (1 MB: ${(reference.ms / 1000).toFixed(2)} s); ${bigSavers} Savers`,
    });
  } catch (e) {
    problems.push(`comp file: ${(e as Error).message}`);
  } finally {
    rmSync(big, { force: true });
    rmSync(small, { force: true });
  }
  return { rows, problems };
}
