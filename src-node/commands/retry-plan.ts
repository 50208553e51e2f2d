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
  /** Copied when the server reports them (not documented attributes). */
  description?: string;
  emailTo?: string;
  /** As newjob takes it: one comma-separated string. */
  emailReasons?: string;
}

/** The name of the job `retry` submits for job `parent`: how an earlier retry of the same job is recognised. */
export function retryJobName(parent: { id: number; name: string }): string {
  return `${parent.name} (retry of job ${parent.id})`;
}

/** The settings of the parent that are not documented attributes, when the server reports them in a known shape. */
export function parentExtras(raw: Record<string, unknown>): Pick<RetryParent, "description" | "emailTo" | "emailReasons"> {
  const extras: Pick<RetryParent, "description" | "emailTo" | "emailReasons"> = {};
  if (typeof raw.description === "string" && raw.description !== "") extras.description = raw.description;
  if (typeof raw.emailTo === "string" && raw.emailTo !== "") {
    extras.emailTo = raw.emailTo;
    if (typeof raw.emailReasons === "string" && raw.emailReasons !== "") extras.emailReasons = raw.emailReasons;
  }
  return extras;
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

/** The task keys a resubmission must copy (job-spec keys, hqueue.md §3); `command` is the only one that cannot be none. */
export const RETRY_TASK_KEYS = ["command", "conditions", "tags", "cpus", "triesLeft", "priority", "environment"] as const;

/**
 * A task as the server describes it (getJobs with {@link RETRY_TASK_KEYS} as attributes), and the keys it could not
 * be copied with: a key the server left out, or sent in a shape not understood. `null` (Python's None) is "none".
 * A task with any such key cannot be submitted again exactly (its settings would be lost).
 */
export function readRetryTask(raw: Record<string, unknown>, id: number, name: string, status: string): { task: RetryTask; missing: string[] } {
  const task: RetryTask = { id, name, status };
  const missing: string[] = [];
  const read = <T>(key: string, parse: (v: unknown) => T | undefined, set: (v: T) => void, required = false) => {
    if (!(key in raw) || raw[key] === undefined) return void missing.push(key);
    if (raw[key] === null && !required) return;
    const value = parse(raw[key]);
    if (value === undefined) missing.push(`${key} (not understood)`);
    else set(value);
  };
  read("command", commandOf, (v) => (task.command = v), true);
  read("conditions", conditionsOf, (v) => (task.conditions = v));
  read("tags", tagsOf, (v) => (task.tags = v));
  read("environment", environmentOf, (v) => (task.environment = v));
  for (const key of ["cpus", "triesLeft", "priority"] as const) read(key, int, (v) => (task[key] = v));
  return { task, missing };
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
  const retryOf = `Retry of job ${parent.id}: tasks ${tasks.map((t) => t.id).join(", ")}${frames ? ` (frames ${frames})` : ""}`;
  const spec: JobSpec = {
    name: retryJobName(parent),
    description: parent.description ? `${parent.description}\n${retryOf}` : retryOf,
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
  if (parent.emailTo) spec.emailTo = parent.emailTo;
  if (parent.emailTo && parent.emailReasons) spec.emailReasons = parent.emailReasons;
  return spec;
}
