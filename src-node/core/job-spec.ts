import type {
  Assign,
  Condition,
  JobSpec,
  Platform,
  PlanResult,
  SharedRoot,
  SubmitRequest,
  TaskPlan,
} from "../../types/request";
import { HelperError } from "../errors";
import { chunkFrames, taskLabel, type Task } from "../portable/chunks";
import { parseFrameSet, rangeFrames } from "../portable/frames";
import { PLATFORM_LABELS } from "../portable/platforms";
import { isAbsolutePath, joinPath, mapPath } from "./path-map";
import { defaultRenderNodePath, taskCommand } from "./render-node";
import { isMovieOutput } from "./savers";
import { runnerTaskLine } from "./runners";

/**
 * The whole decision of what the farm will do, as a pure function of the request:
 * frames → tasks → one command per client OS per task → the HQueue job spec.
 * Nothing here touches the network or the file system, so `plan` and `submit` agree by construction.
 */

export interface PlanContext {
  /** Shown as submittedBy when the request does not say. */
  user: string;
  /** Submission time as text (e.g. "20261122-081502"), so that log files of two submissions never collide. */
  stamp?: string;
  /**
   * The comp each OS's clients render, in that OS's spelling: the job folder's per-OS copies (job-package.ts).
   * Absent: every OS renders the original comp, mapped through the shared roots (`plan` without a job folder).
   */
  compPathByOs?: Partial<Record<Platform, string>>;
  /**
   * The job folder's task runner per OS, in that OS's spelling (job-package.ts): each task's command becomes the
   * one line that runs it with the task's frames (runners.ts runnerTaskLine). Absent: inline Render Node commands.
   */
  runnerPathByOs?: Partial<Record<Platform, string>>;
}

/** `<comp>.<stamp>.task<N>.f<frames>.log`: one per task, telling submission, task and frames apart. */
export function logFileName(compName: string, stamp: string | undefined, index: number, width: number, label: string): string {
  const frames = label.replace(/,/g, "_");
  return `${stripExtension(compName)}${stamp ? `.${stamp}` : ""}.task${String(index + 1).padStart(width, "0")}.f${frames}.log`;
}

/** HQueue's `os` client attribute comes from $HQCLIENTARCH ("linux-x86_64", "macos-arm64", "windows-x86_64"). */
const OS_CONDITION_VALUE: Record<Platform, string> = { linux: "linux", macosx: "macos", windows: "windows" };

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

function stripExtension(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

export function resolveFrames(request: SubmitRequest): number[] {
  const { comp, job } = request;
  const source = job.frames;
  const result =
    source.kind === "render"
      ? rangeFrames(comp.renderStart, comp.renderEnd, comp.step)
      : source.kind === "global"
        ? rangeFrames(comp.globalStart, comp.globalEnd, comp.step)
        : parseFrameSet(source.set);
  if (!result.ok) {
    const what = source.kind === "custom" ? "The frame set" : `The comp's ${source.kind} range`;
    throw new HelperError("bad_frames", `${what} is not valid: ${result.error}`, {
      field: source.kind === "custom" ? "job.frames.set" : "job.frames",
      hint: "write frames like 1-100, 1-100x2 or 1,5,10-20",
    });
  }
  if (result.frames.length === 0) {
    throw new HelperError("bad_frames", "The frame set is empty: there is nothing to render.", { field: "job.frames" });
  }
  return result.frames;
}

/**
 * Client conditions: the Assign To choice, plus an `os` filter whenever the job has commands for only some
 * client OSes, so that a client of another OS never picks up a task it has no command for.
 */
export function conditionsFor(assign: Assign, osFilter: readonly Platform[] | undefined): Condition[] {
  const conditions: Condition[] = [];
  if (assign.mode !== "any") {
    const name = assign.mode === "clients" ? "hostname" : "group";
    // "==" is the form every known submitter uses for one name; "any" takes a space-separated list.
    conditions.push(
      assign.names.length === 1
        ? { type: "client", name, op: "==", value: assign.names[0] }
        : { type: "client", name, op: "any", value: assign.names.join(" ") },
    );
  }
  if (osFilter && osFilter.length > 0) {
    const values = osFilter.map((p) => OS_CONDITION_VALUE[p]);
    conditions.push(
      values.length === 1 ? { type: "client", name: "os", op: "==", value: values[0] } : { type: "client", name: "os", op: "any", value: values.join(" ") },
    );
  }
  return conditions;
}

function mapOrFail(what: string, path: string, from: Platform, to: Platform, roots: readonly SharedRoot[], field: string): string {
  const mapped = mapPath(path, from, to, roots);
  if (!mapped.ok) {
    throw new HelperError("path_unmapped", `${what}: ${mapped.error}`, { hint: mapped.hint, field });
  }
  return mapped.path;
}

/** Builds the plan, or throws a HelperError naming what is wrong. */
export function planJob(request: SubmitRequest, context: PlanContext): PlanResult {
  const { comp, job, farm } = request;
  const warnings: string[] = [];
  const notes: string[] = [];

  if (!isAbsolutePath(comp.path, comp.platform)) {
    throw new HelperError("bad_comp", `The comp path "${comp.path}" is not an absolute ${PLATFORM_LABELS[comp.platform]} path.`, {
      field: "comp.path",
      hint: "save the comp to a shared folder the render nodes can see, then submit again",
    });
  }

  const enabledSavers = comp.savers.filter((s) => s.enabled);
  if (enabledSavers.length === 0) {
    throw new HelperError("bad_comp", "The comp has no enabled Saver, so a render would write nothing.", {
      field: "comp.savers",
      hint: "add a Saver or enable one (un-check pass-through), save the comp, and submit again",
    });
  }

  if (enabledSavers.every((s) => (s.path || s.rawPath || "") === "")) {
    throw new HelperError("bad_comp", `No enabled Saver has an output file name (${enabledSavers.map((s) => s.name).join(", ")}), so a render would write nothing.`, {
      field: "comp.savers",
      hint: "set the file name in the Saver, save the comp, and submit again",
    });
  }

  if (comp.savedFileOnly) notes.push("Submitting the last saved version of the comp: its Savers were read from the file on disk.");

  const frames = resolveFrames(request);
  const outside = frames.filter((f) => f < comp.globalStart || f > comp.globalEnd);
  if (outside.length > 0) {
    warnings.push(
      `${outside.length} frame(s) lie outside the comp's global range ${comp.globalStart}-${comp.globalEnd} (first: ${outside[0]}); Fusion renders nothing new there.`,
    );
  }

  const movieSavers = enabledSavers.filter((s) => isMovieOutput(s.path || s.rawPath || ""));
  let framesPerTask = job.framesPerTask;
  if (movieSavers.length > 0) {
    const names = movieSavers.map((s) => s.name).join(", ");
    if (framesPerTask !== 0) {
      notes.push(`Movie Saver ${names}: a movie file cannot be split across machines, so the frames render as one task.`);
    }
    framesPerTask = 0;
  }

  let tasks: Task[];
  try {
    tasks = chunkFrames(frames, framesPerTask);
  } catch (e) {
    throw new HelperError("bad_frames", (e as Error).message, { field: "job.framesPerTask" });
  }
  if (movieSavers.length > 0 && tasks[0].runs.length > 1) {
    throw new HelperError(
      "bad_frames",
      `Movie Saver ${movieSavers[0].name} needs one contiguous frame range, but the frames form ${tasks[0].runs.length} separate runs.`,
      { field: "job.frames", hint: "render a single range like 1-100, or switch the Saver to an image sequence" },
    );
  }
  if (framesPerTask > frames.length && tasks.length === 1) {
    notes.push(`Frames per task (${framesPerTask}) is more than the ${frames.length} frames to render: one task renders them all.`);
  }

  for (const saver of enabledSavers) {
    const path = saver.path || saver.rawPath || "";
    // A Fusion path map ("Macros:", "Renders:"; two or more letters, so not a drive letter) left unexpanded.
    const pathMap = /^([A-Za-z][A-Za-z0-9_ ]+):/.exec(path)?.[1];
    if (path === "") warnings.push(`Saver ${saver.name} has no output file name.`);
    else if (pathMap) {
      warnings.push(`Saver ${saver.name} writes to ${path}, through Fusion's path map "${pathMap}:"; each render node expands it with its own path maps, so make sure they define it.`);
    } else if (comp.platform !== "windows" && isAbsolutePath(path, "windows")) {
      // C:\... or \\server\share in a comp saved on Linux/macOS: not relative, but this computer cannot reach it.
      warnings.push(
        `Saver ${saver.name} writes to ${path}, a Windows path, but this comp was saved on ${PLATFORM_LABELS[comp.platform]}: ` +
          `only Windows render nodes can write there, and HQueue Render cannot check or create that folder from here. Use a path this computer mounts, or render on Windows clients only.`,
      );
    } else if (!isAbsolutePath(path, comp.platform)) {
      warnings.push(`Saver ${saver.name} writes to a relative path (${path}); render nodes resolve it against their own folder.`);
    }
  }

  const platforms: Platform[] = farm.sameOsOnly ? [comp.platform] : farm.platforms;
  if (farm.sameOsOnly && !farm.platforms.includes(comp.platform)) {
    notes.push(`Only ${PLATFORM_LABELS[comp.platform]} clients (this machine's OS) will render.`);
  }

  // The comp file holds each Saver's path as this machine spells it; a render node of another OS reads it
  // as it is (only the comp's own path is mapped here), so it needs a path map of its own for that folder.
  const otherOs = platforms.filter((p) => p !== comp.platform);
  // With per-OS copies (the job folder) the Savers' paths are already in each OS's spelling.
  if (otherOs.length > 0 && !context.compPathByOs) {
    for (const saver of enabledSavers) {
      const path = saver.rawPath || saver.path || "";
      if (!path || !isAbsolutePath(path, comp.platform)) continue;
      const names = otherOs.map((p) => PLATFORM_LABELS[p]).join(", ");
      const mapped = otherOs.map((p) => [p, mapPath(path, comp.platform, p, farm.sharedRoots)] as const);
      const where = mapped.filter(([, m]) => m.ok).map(([p, m]) => `${PLATFORM_LABELS[p]}: ${m.ok ? m.path : ""}`);
      warnings.push(
        `Saver ${saver.name} writes to ${path} as ${PLATFORM_LABELS[comp.platform]} spells it; ${names} render nodes read that path from the comp unchanged, so they need a Fusion path map for it${where.length > 0 ? ` (${where.join("; ")})` : ""}, or write the Saver path through a path map such as Comp: or a studio one.`,
      );
    }
  }

  const compByOs = new Map<Platform, string>();
  const logDirByOs = new Map<Platform, string>();
  const exeByOs = new Map<Platform, string>();
  for (const p of platforms) {
    compByOs.set(p, context.compPathByOs?.[p] ?? mapOrFail("The comp", comp.path, comp.platform, p, farm.sharedRoots, "farm.sharedRoots"));
    if (job.logDir) logDirByOs.set(p, mapOrFail("The log folder", job.logDir, comp.platform, p, farm.sharedRoots, "job.logDir"));
    exeByOs.set(p, farm.renderNode.paths?.[p] ?? defaultRenderNodePath(p, farm.renderNode.version));
  }

  const compName = baseName(comp.path);
  const allPlatforms = platforms.length === 3;
  const conditions = conditionsFor(farm.assign, allPlatforms ? undefined : platforms);
  const submittedBy = job.submittedBy ?? context.user;
  const placement: Pick<JobSpec, "tags" | "cpus"> = job.cpus && job.cpus > 0 ? { cpus: job.cpus } : { tags: ["single"] };
  const width = String(tasks.length).length;

  const taskPlans: TaskPlan[] = [];
  const children: JobSpec[] = tasks.map((task, index) => {
    const label = taskLabel(task);
    const name = `Frames ${label}`;
    taskPlans.push({ name, frameCount: task.frameCount, runs: task.runs });
    const command: Partial<Record<Platform, string>> = {};
    for (const p of platforms) {
      const logDir = logDirByOs.get(p);
      const logFile = logDir
        ? joinPath(p, logDir, logFileName(compName, context.stamp, index, width, label))
        : undefined;
      try {
        const runner = context.runnerPathByOs?.[p];
        command[p] = runner
          ? runnerTaskLine(p, runner, task.runs)
          : taskCommand(p, exeByOs.get(p)!, compByOs.get(p)!, task.runs, { logFile, progress: job.progress ?? true, verbose: true });
      } catch (e) {
        throw new HelperError("unsafe_path", `${PLATFORM_LABELS[p]} clients: ${(e as Error).message}`, {
          hint: `rename the folder or file, or leave ${PLATFORM_LABELS[p]} out of the client OSes`,
        });
      }
    }
    const child: JobSpec = { name, command, priority: job.priority, submittedBy, ...placement };
    if (job.tries !== undefined) child.triesLeft = job.tries;
    if (conditions.length > 0) child.conditions = conditions;
    if (job.environment && Object.keys(job.environment).length > 0) child.environment = { ...job.environment };
    return child;
  });

  const spec: JobSpec = {
    name: `${job.name} -> ${compName}`,
    priority: job.priority,
    submittedBy,
    children,
  };
  if (job.description) spec.description = job.description;
  if (conditions.length > 0) spec.conditions = conditions;
  if (job.emailTo) {
    spec.emailTo = job.emailTo;
    spec.emailReasons = (job.emailReasons ?? []).join(",");
    if (!job.emailReasons || job.emailReasons.length === 0) {
      warnings.push(`E-mail to ${job.emailTo} is set but no e-mail reasons are: HQueue sends no e-mail. Add reasons such as failed, succeeded.`);
    }
  } else if (job.emailReasons && job.emailReasons.length > 0) {
    warnings.push("E-mail reasons are set but no recipients: no e-mail is sent. Add the addresses to e-mail.");
  }

  return {
    ok: true,
    command: "plan",
    frameCount: frames.length,
    taskCount: tasks.length,
    tasks: taskPlans,
    warnings,
    notes,
    spec,
  };
}
