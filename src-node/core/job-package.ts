/**
 * The job folder's content, decided as a pure function of the request and the saved comp's bytes: where the folder
 * goes, one rewritten comp copy per client OS that takes part, the checks that refuse a job which could not render
 * on every OS, and the manifest. package/job-folder.ts writes it to disk.
 *
 * Layout (every name ASCII-safe except the comp's own stem):
 *   <job root>/<comp stem>_<YYYYMMDD-HHMMSS>_<random>/
 *     <comp stem>.snapshot.comp   the comp file exactly as it was on disk at submit
 *     <comp stem>.<os>.comp       the copy clients of <os> render (Comp: absolute, paths in <os>'s spelling)
 *     render-<os>.sh / render-windows.cmd   the task runner per OS (runners.ts): renders, then verifies the frames
 *     manifest.json               request, plan, expected outputs per task, mapping, job id
 */
import type { Platform, PlanResult, SharedRoot, SubmitRequest } from "../../types/request";
import { HelperError } from "../errors";
import { parseCompText } from "./comp-file";
import { rewriteComp, type PathChange, type UnmappedPath } from "./comp-rewrite";
import { rangeFrames } from "../portable/frames";
import { textRow } from "../portable/fields";
import { PLATFORM_LABELS } from "../portable/platforms";
import { dirnameOf, isAbsolutePath, joinPath, mapPath } from "./path-map";
import { defaultRenderNodePath } from "./render-node";
import { runnerFileName, runnerScript, type ExpectedOutput } from "./runners";
import { frameFileName, isMovieSaver, resolveCompRelative } from "./savers";

/** The job-folder field as the dialog shows it, and its option, for hints read in both ('"Job folders in" (--job-root)'). */
export const JOB_ROOT_WORDS = `"${textRow("jobRoot").label}" (--${textRow("jobRoot").cli?.flag ?? "job-root"})`;

/** The OSes whose clients render the job (a copy each). */
export function renderPlatforms(request: SubmitRequest): Platform[] {
  return request.farm.sameOsOnly ? [request.comp.platform] : [...request.farm.platforms];
}

function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return path.slice(cut + 1);
}

/** The comp's file name without `.comp`, with characters no OS accepts in a file name replaced by `_`. */
export function compStem(compPath: string): string {
  const name = baseName(compPath).replace(/\.comp$/i, "");
  // eslint-disable-next-line no-control-regex
  const safe = name.replace(/[<>:"/\\|?*\x00-\x1f]/g, "_").replace(/[. ]+$/, "");
  return safe === "" ? "comp" : safe;
}

/** Where the job folder goes and what its files are called (submitter-side paths). */
export interface JobFolderLayout {
  folder: string;
  snapshotName: string;
  copyNames: Partial<Record<Platform, string>>;
  runnerNames: Partial<Record<Platform, string>>;
  manifestName: string;
}

export const MANIFEST_NAME = "manifest.json";

/** `<job root or comp folder/hqueue>/<comp stem>_<stamp>_<random>`. */
export function jobFolderLayout(request: SubmitRequest, stamp: string, random: string): JobFolderLayout {
  const { comp, job } = request;
  const root = job.jobRoot ?? joinPath(comp.platform, dirnameOf(comp.path, comp.platform), "hqueue");
  const stem = compStem(comp.path);
  const copyNames: Partial<Record<Platform, string>> = {};
  const runnerNames: Partial<Record<Platform, string>> = {};
  for (const p of renderPlatforms(request)) {
    copyNames[p] = `${stem}.${p}.comp`;
    runnerNames[p] = runnerFileName(p);
  }
  return {
    folder: joinPath(comp.platform, root, `${stem}_${stamp}_${random}`),
    snapshotName: `${stem}.snapshot.comp`,
    copyNames,
    runnerNames,
    manifestName: MANIFEST_NAME,
  };
}

/**
 * The path of one of the folder's per-OS files (`names`: the copies or the runners) as each OS's clients open it.
 * Throws when the folder is not under a shared root those clients reach.
 */
export function copyPathsByOs(
  request: SubmitRequest,
  layout: JobFolderLayout,
  names: Partial<Record<Platform, string>> = layout.copyNames,
): Partial<Record<Platform, string>> {
  const { comp, farm } = request;
  const out: Partial<Record<Platform, string>> = {};
  for (const p of renderPlatforms(request)) {
    const local = joinPath(comp.platform, layout.folder, names[p]!);
    const mapped = mapPath(local, comp.platform, p, farm.sharedRoots);
    if (!mapped.ok) {
      throw new HelperError(
        "path_unmapped",
        `${PLATFORM_LABELS[p]} clients take part, but the job folder ${layout.folder} is not under a shared root they can reach: ${mapped.error} Nothing was submitted.`,
        { field: request.job.jobRoot ? "job.jobRoot" : "farm.sharedRoots", hint: `${mapped.hint} Or set ${JOB_ROOT_WORDS} to a folder under a shared root.` },
      );
    }
    out[p] = mapped.path;
  }
  return out;
}

/** Text for the artist: binary (UTF-8 byte) strings from the rewriter back to text. */
function text(binary: string): string {
  return Buffer.from(binary, "latin1").toString("utf8");
}

export interface CompCopies {
  copies: Partial<Record<Platform, Buffer>>;
  changes: Partial<Record<Platform, PathChange[]>>;
  warnings: string[];
}

/**
 * One copy of the saved comp per OS that renders. Refuses (path_unmapped, naming each Saver) when an enabled
 * Saver writes outside every shared root while clients of another OS take part; warns, naming each tool, for
 * Loaders and other inputs outside every root (the file may still exist on those clients).
 */
export function compCopies(request: SubmitRequest, savedBytes: Uint8Array): CompCopies {
  const { comp, farm } = request;
  const disabled = new Set(parseCompText(savedBytes, `The comp "${comp.path}"`).savers.filter((s) => !s.enabled).map((s) => s.name));
  const copies: Partial<Record<Platform, Buffer>> = {};
  const changes: Partial<Record<Platform, PathChange[]>> = {};
  const refused = new Map<string, string[]>();
  const inputs = new Map<string, { value: string; oses: string[] }>();
  for (const p of renderPlatforms(request)) {
    const result = rewriteComp(savedBytes, { from: comp.platform, to: p, roots: farm.sharedRoots, compPath: comp.path, sourceName: `The comp "${comp.path}"` });
    copies[p] = result.bytes;
    changes[p] = result.changes;
    if (p === comp.platform) continue;
    for (const u of result.unmapped) collectUnmapped(u, p, disabled, refused, inputs);
  }
  if (refused.size > 0) {
    const list = [...refused].map(([saver, oses]) => `Saver ${saver} (for ${oses.join(", ")} clients)`).join("; ");
    throw new HelperError("path_unmapped", `These Savers write outside every shared root, so clients of another OS cannot write their frames: ${list}. Nothing was submitted.`, {
      field: "comp.savers",
      hint: "point the Savers at shared storage (a folder under a shared root), add a shared root for their folder, or render on clients of this machine's OS only",
    });
  }
  const warnings = [...inputs].map(
    ([tool, { value, oses }]) =>
      `${tool} reads ${text(value)}, which is outside every shared root: ${oses.join(", ")} render nodes find it only if the same path exists on them.`,
  );
  return { copies, changes, warnings };
}

function collectUnmapped(
  u: UnmappedPath,
  p: Platform,
  disabled: ReadonlySet<string>,
  refused: Map<string, string[]>,
  inputs: Map<string, { value: string; oses: string[] }>,
): void {
  if (u.tool === undefined) return; // Prefs (LastFile…) and OutputClips do not decide what renders
  if (u.saverOutput) {
    if (disabled.has(u.tool)) return;
    const oses = refused.get(u.tool) ?? [];
    if (!oses.includes(PLATFORM_LABELS[p])) oses.push(PLATFORM_LABELS[p]);
    refused.set(u.tool, oses);
    return;
  }
  if (u.toolType === "Saver" && !u.where.includes(".Inputs.")) return; // saved settings slots
  const key = `${u.toolType ?? "Tool"} ${u.tool}`;
  const entry = inputs.get(key) ?? { value: u.value, oses: [] };
  if (!entry.oses.includes(PLATFORM_LABELS[p])) entry.oses.push(PLATFORM_LABELS[p]);
  inputs.set(key, entry);
}

/* ------------------------------------------------------------------------------------------------
 * Manifest
 * --------------------------------------------------------------------------------------------- */

export interface ManifestOutput {
  saver: string;
  /** Submitter-side path (path maps and Comp: resolved as the submitting machine resolved them). */
  path: string;
  movie: boolean;
}

export interface ManifestTask {
  name: string;
  frames: number[];
  /** Files the task must leave behind (submitter-side paths): every frame of every image-sequence Saver, and the movie files. */
  files: string[];
}

export type ManifestState = "preparing" | "sending" | "submitted" | "unconfirmed" | "not submitted";

export interface Manifest {
  kind: "kartalink.hqueue.job";
  version: 1;
  state: ManifestState;
  createdAt: string;
  server: string;
  jobId?: number;
  /** The jobs `resubmit` created from this folder. */
  resubmits?: { jobId: number; frames: number; at: string }[];
  folder: string;
  snapshot: string;
  copies: Partial<Record<Platform, string>>;
  mapping: {
    from: Platform;
    roots: SharedRoot[];
    compPath: string;
    copyPaths: Partial<Record<Platform, string>>;
    /** The task runners as each OS runs them (absent in folders made without runners). */
    runnerPaths?: Partial<Record<Platform, string>>;
  };
  outputs: ManifestOutput[];
  request: SubmitRequest;
  plan: { frameCount: number; taskCount: number; tasks: ManifestTask[]; warnings: string[]; notes: string[] };
}

/** Enabled Savers with a file name, each as the submitter resolves it. */
export function manifestOutputs(request: SubmitRequest): ManifestOutput[] {
  const { comp } = request;
  return comp.savers
    .filter((s) => s.enabled && (s.path || s.rawPath))
    .map((s) => {
      const path = s.path || resolveCompRelative(s.rawPath ?? "", comp.path, comp.platform);
      return { saver: s.name, path, movie: isMovieSaver({ path, rawPath: s.rawPath, outputFormat: s.outputFormat }) };
    });
}

export function expectedFiles(outputs: readonly ManifestOutput[], frames: readonly number[]): string[] {
  const files: string[] = [];
  for (const o of outputs) {
    if (o.movie) files.push(o.path);
    else for (const f of frames) files.push(frameFileName(o.path, f));
  }
  return files;
}

export function buildManifest(
  request: SubmitRequest,
  plan: PlanResult,
  layout: JobFolderLayout,
  copyPaths: Partial<Record<Platform, string>>,
  createdAt: string,
  runnerPaths?: Partial<Record<Platform, string>>,
): Manifest {
  const outputs = manifestOutputs(request);
  const tasks = plan.tasks.map((t) => {
    const frames = t.runs.flatMap((r) => {
      const list = rangeFrames(r.start, r.end, r.step);
      return list.ok ? list.frames : [];
    });
    return { name: t.name, frames, files: expectedFiles(outputs, frames) };
  });
  return {
    kind: "kartalink.hqueue.job",
    version: 1,
    state: "preparing",
    createdAt,
    server: request.server,
    folder: layout.folder,
    snapshot: layout.snapshotName,
    copies: layout.copyNames,
    mapping: { from: request.comp.platform, roots: request.farm.sharedRoots, compPath: request.comp.path, copyPaths, ...(runnerPaths ? { runnerPaths } : {}) },
    outputs,
    request,
    plan: { frameCount: plan.frameCount, taskCount: plan.taskCount, tasks, warnings: plan.warnings, notes: plan.notes },
  };
}

/* ------------------------------------------------------------------------------------------------
 * Runners
 * --------------------------------------------------------------------------------------------- */

/**
 * The outputs `p`'s runner verifies, in `p`'s spelling. A Saver written through a path map other than `Comp:`
 * (`Temp:`, `Renders:`…) is expanded by each Render Node with its own maps, so no runner can know the file: it is
 * not verified (a note says so). Outputs no root maps to `p` were refused before (Savers) or are skipped.
 */
export function runnerOutputs(request: SubmitRequest, p: Platform, skipped: Set<string>): ExpectedOutput[] {
  const { comp, farm } = request;
  const out: ExpectedOutput[] = [];
  for (const o of manifestOutputs(request)) {
    const raw = comp.savers.find((s) => s.name === o.saver)?.rawPath ?? o.path;
    const viaMap = /^([A-Za-z][A-Za-z0-9_ ]+):/.test(raw) && raw.slice(0, 5).toLowerCase() !== "comp:";
    if (viaMap || !isAbsolutePath(o.path, comp.platform)) {
      skipped.add(o.saver);
      continue;
    }
    const mapped = mapPath(o.path, comp.platform, p, farm.sharedRoots);
    if (!mapped.ok) {
      skipped.add(o.saver);
      continue;
    }
    out.push({ saver: o.saver, path: mapped.path, movie: o.movie });
  }
  return out;
}

export interface RunnerFiles {
  /** Runner text per OS. */
  scripts: Partial<Record<Platform, string>>;
  /** Runner path per OS, in that OS's spelling (what the task lines run). */
  paths: Partial<Record<Platform, string>>;
  notes: string[];
}

/** One runner per OS that renders, each rendering that OS's copy and verifying that OS's spelling of the outputs. */
export function runnerFiles(request: SubmitRequest, layout: JobFolderLayout, copyPaths: Partial<Record<Platform, string>>, stamp: string): RunnerFiles {
  const { comp, job, farm } = request;
  const paths = copyPathsByOs(request, layout, layout.runnerNames);
  const scripts: Partial<Record<Platform, string>> = {};
  const skipped = new Set<string>();
  for (const p of renderPlatforms(request)) {
    let log: { dir: string; prefix: string } | undefined;
    if (job.logDir) {
      const dir = mapPath(job.logDir, comp.platform, p, farm.sharedRoots);
      if (!dir.ok) throw new HelperError("path_unmapped", `The log folder: ${dir.error}`, { hint: dir.hint, field: "job.logDir" });
      log = { dir: dir.path, prefix: `${compStem(comp.path)}_${stamp}_` };
    }
    try {
      scripts[p] = runnerScript(p, {
        renderNode: farm.renderNode.paths?.[p] ?? defaultRenderNodePath(p, farm.renderNode.version),
        compPath: copyPaths[p]!,
        outputs: runnerOutputs(request, p, skipped),
        ...(log ? { log } : {}),
        progress: job.progress ?? true,
        label: baseName(comp.path),
      });
    } catch (e) {
      throw new HelperError("unsafe_path", `${PLATFORM_LABELS[p]} clients: ${(e as Error).message}`, {
        hint: `rename the folder or file, or leave ${PLATFORM_LABELS[p]} out of the client OSes`,
      });
    }
  }
  const notes = skipped.size > 0 ? [`Not verified after each task (written through a path map each Render Node expands itself): ${[...skipped].join(", ")}.`] : [];
  return { scripts, paths, notes };
}
