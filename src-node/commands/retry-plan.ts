/**
 * The job `retry` submits when the server cannot reschedule: exactly the failed tasks, each with the command it
 * had (so each renders exactly the frames it rendered before), under a new parent with the old job's settings.
 * Pure: it works on {@link RetryTask}s, which today come from the server's own answers; a render package manifest
 * (job folder with the request and plan) can later produce the same tasks without asking the server for commands.
 */
import type { Condition, JobSpec, Platform } from "../../types/request";
import { parseFrameSet, toRuns, formatRuns } from "../portable/frames";

export interface RetryTask {
  id: number;
  name: string;
  status: string;
  /** What the task ran: a string or one per client OS. */
  command?: string | Partial<Record<Platform, string>>;
  conditions?: Condition[];
  tags?: string[];
  cpus?: number;
  triesLeft?: number;
  priority?: number;
  environment?: Record<string, string>;
}

export interface RetryParent {
  id: number;
  name: string;
  priority?: number;
  conditions?: Condition[];
}

const PLATFORMS: readonly Platform[] = ["linux", "macosx", "windows"];

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function int(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) ? v : undefined;
}

export function commandOf(v: unknown): RetryTask["command"] {
  if (typeof v === "string") return v.trim() === "" ? undefined : v;
  if (!isRecord(v)) return undefined;
  const command: Partial<Record<Platform, string>> = {};
  for (const [key, value] of Object.entries(v)) {
    // Only the documented platform keys, each a command string: anything else means we do not know what ran.
    if (!PLATFORMS.includes(key as Platform) || typeof value !== "string") return undefined;
    if (value.trim() !== "") command[key as Platform] = value;
  }
  return Object.keys(command).length > 0 ? command : undefined;
}

export function conditionsOf(v: unknown): Condition[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const keys = ["type", "name", "op", "value"] as const;
  if (!v.every((c) => isRecord(c) && keys.every((k) => typeof c[k] === "string"))) return undefined;
  return v.map((c) => {
    const r = c as Record<string, string>;
    return { type: r.type, name: r.name, op: r.op, value: r.value } as Condition;
  });
}

function tagsOf(v: unknown): string[] | undefined {
  if (Array.isArray(v) && v.every((t) => typeof t === "string")) return v.filter((t) => t !== "");
  return undefined;
}

function environmentOf(v: unknown): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(v)) {
    if (typeof value !== "string") return undefined;
    env[key] = value;
  }
  return env;
}

/** A task as the server describes it (getJobs with the spec keys as attributes); fields of a wrong type are dropped. */
export function retryTaskFromServer(raw: Record<string, unknown>, id: number, name: string, status: string): RetryTask {
  const task: RetryTask = { id, name, status };
  const command = commandOf(raw.command);
  if (command !== undefined) task.command = command;
  const conditions = conditionsOf(raw.conditions);
  if (conditions !== undefined) task.conditions = conditions;
  const tags = tagsOf(raw.tags);
  if (tags !== undefined) task.tags = tags;
  const environment = environmentOf(raw.environment);
  if (environment !== undefined) task.environment = environment;
  for (const key of ["cpus", "triesLeft", "priority"] as const) {
    const n = int(raw[key]);
    if (n !== undefined) task[key] = n;
  }
  return task;
}

/**
 * The frames the tasks render, read from their names ("Frames 1-10", as job-spec.ts names them): a frame set, or ""
 * when a name does not tell (a task named by another tool).
 */
export function framesOfTasks(names: readonly string[]): string {
  const frames = new Set<number>();
  for (const name of names) {
    const match = /^Frames (\S+)$/.exec(name.trim());
    const parsed = match ? parseFrameSet(match[1]) : undefined;
    if (!parsed || !parsed.ok) return "";
    for (const f of parsed.frames) frames.add(f);
  }
  return formatRuns(toRuns([...frames].sort((a, b) => a - b)));
}

export function retrySpec(parent: RetryParent, tasks: readonly RetryTask[], user: string, frames: string): JobSpec {
  const spec: JobSpec = {
    name: `${parent.name} (retry of job ${parent.id})`,
    description: `Retry of job ${parent.id}: tasks ${tasks.map((t) => t.id).join(", ")}${frames ? ` (frames ${frames})` : ""}`,
    submittedBy: user,
    children: tasks.map((t) => {
      const child: JobSpec = { name: t.name, command: t.command };
      if (t.conditions) child.conditions = t.conditions;
      if (t.tags) child.tags = t.tags;
      if (t.cpus !== undefined) child.cpus = t.cpus;
      if (t.triesLeft !== undefined) child.triesLeft = t.triesLeft;
      if (t.priority !== undefined) child.priority = t.priority;
      if (t.environment) child.environment = t.environment;
      return child;
    }),
  };
  if (parent.priority !== undefined) spec.priority = parent.priority;
  if (parent.conditions) spec.conditions = parent.conditions;
  return spec;
}
