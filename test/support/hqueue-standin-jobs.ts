/**
 * The HQueue stand-in's jobs as the documented methods change them: `newjob` (every spec checked before any job is
 * created) and job control (cancel, pause, resume, reschedule, delete, each over a job's subtree). Layered on the
 * scheduler (hqueue-standin-scheduler.ts), which runs what these leave waiting.
 */
import { PyFloat, type PythonFault, pythonException, type XmlRpcValue } from "./hqueue-standin-xmlrpc";
import { isFinished, type StandinJob } from "./hqueue-standin-model";
import { StandinScheduler } from "./hqueue-standin-scheduler";

export function noSuchJob(): PythonFault {
  return pythonException("Job.DoesNotExist", "Job matching query does not exist.");
}

function badSpec(message: string): PythonFault {
  return pythonException("Exception", message);
}

function isStruct(value: unknown): value is Record<string, XmlRpcValue> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date) &&
    !Buffer.isBuffer(value) && !(value instanceof PyFloat);
}

/** An int argument as Python code calling `int(x)` would accept it (hqlib passes job ids as strings). */
export function toInt(value: unknown, what: string): number {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value);
  throw pythonException("TypeError", `${what} must be an integer, not ${JSON.stringify(value)}`);
}

function optionalInt(spec: Record<string, unknown>, key: string): number | null {
  const value = spec[key];
  if (value === undefined || value === null || value === "") return null;
  try {
    return toInt(value, key);
  } catch {
    throw badSpec(`Invalid value for '${key}': ${JSON.stringify(value)}`);
  }
}

function optionalString(spec: Record<string, unknown>, key: string): string | null {
  const value = spec[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw badSpec(`Invalid value for '${key}': expected a string`);
  return value;
}

export abstract class StandinJobs extends StandinScheduler {
  /* ---------------------------------------------------------------------------------------------
   * newjob
   * ------------------------------------------------------------------------------------------ */

  protected newjob(specs: XmlRpcValue, parentParam: XmlRpcValue): number[] {
    const list = Array.isArray(specs) ? specs : [specs];
    if (list.length === 0) throw badSpec("No job specification given");
    if (!list.every(isStruct)) throw badSpec("A job specification must be a dictionary");
    const parentId = parentParam === null ? null : toInt(parentParam, "parent_id");
    if (parentId !== null && !this.jobs.has(parentId)) throw noSuchJob();
    // Validate every spec before creating anything, so a bad spec creates no job.
    for (const spec of list) this.validateSpec(spec as Record<string, XmlRpcValue>, "job");
    const ids = list.map((spec) => this.createJob(spec as Record<string, XmlRpcValue>, parentId));
    this.kick();
    return ids;
  }

  private validateSpec(spec: Record<string, XmlRpcValue>, where: string): void {
    if (typeof spec.name !== "string" || spec.name === "") {
      throw badSpec(`Job specification (${where}) is missing the required 'name' key`);
    }
    const command = spec.command;
    if (command !== undefined && command !== null && typeof command !== "string") {
      if (!isStruct(command) || !Object.values(command).every((c) => typeof c === "string")) {
        throw badSpec(`Invalid value for 'command' in '${spec.name}': expected a string or a dictionary of strings`);
      }
    }
    const conditions = spec.conditions;
    if (conditions !== undefined && conditions !== null && conditions !== "") {
      if (!Array.isArray(conditions) || !conditions.every(isStruct)) {
        throw badSpec(`Invalid value for 'conditions' in '${spec.name}': expected a list of dictionaries`);
      }
      for (const condition of conditions as Record<string, XmlRpcValue>[]) {
        for (const key of ["type", "name", "op", "value"]) {
          if (typeof condition[key] !== "string") throw badSpec(`Condition in '${spec.name}' lacks the string key '${key}'`);
        }
      }
    }
    const environment = spec.environment;
    if (environment !== undefined && environment !== null && !isStruct(environment)) {
      throw badSpec(`Invalid value for 'environment' in '${spec.name}': expected a dictionary`);
    }
    for (const key of ["priority", "cpus", "minHosts", "maxHosts", "triesLeft"]) optionalInt(spec, key);
    for (const key of ["shell", "description", "submittedBy"]) optionalString(spec, key);
    const children = spec.children;
    if (children !== undefined && children !== null && children !== "") {
      if (!Array.isArray(children) || !children.every(isStruct)) {
        throw badSpec(`Invalid value for 'children' in '${spec.name}': expected a list of dictionaries`);
      }
      children.forEach((child, index) => this.validateSpec(child as Record<string, XmlRpcValue>, `${where}.children[${index}]`));
    }
  }

  private createJob(spec: Record<string, XmlRpcValue>, parentId: number | null): number {
    const id = this.nextJobId++;
    const parent = parentId === null ? undefined : this.jobs.get(parentId);
    const { children, ...rest } = spec;
    const tagsValue = spec.tags;
    const tags = Array.isArray(tagsValue)
      ? tagsValue.map(String).filter((t) => t !== "")
      : typeof tagsValue === "string" && tagsValue.trim() !== ""
        ? tagsValue.split(/[\s,]+/).filter((t) => t !== "")
        : [];
    const conditions = (Array.isArray(spec.conditions) ? spec.conditions : []).map((c) => {
      const condition = c as Record<string, string>;
      return { type: condition.type, name: condition.name, op: condition.op, value: condition.value };
    });
    // hqrop's shorthand keys.
    if (typeof spec.host === "string" && spec.host.trim() !== "") {
      conditions.push({ type: "client", name: "hostname", op: "any", value: spec.host });
    }
    if (typeof spec.hostgroup === "string" && spec.hostgroup.trim() !== "") {
      conditions.push({ type: "client", name: "group", op: "any", value: spec.hostgroup });
    }
    const environment: Record<string, string> = Object.create(null) as Record<string, string>;
    if (isStruct(spec.environment)) {
      for (const [key, value] of Object.entries(spec.environment)) environment[key] = value === null ? "" : String(value);
    }
    const command = spec.command === undefined || spec.command === null
      ? null
      : typeof spec.command === "string"
        ? spec.command
        : (spec.command as Record<string, string>);
    const job: StandinJob = {
      id,
      name: spec.name as string,
      parentId: parent ? parent.id : null,
      rootId: parent ? parent.rootId : id,
      childIds: [],
      spec: rest,
      command,
      shell: optionalString(spec, "shell"),
      priority: optionalInt(spec, "priority") ?? 0,
      tags,
      conditions,
      description: optionalString(spec, "description"),
      submittedBy: optionalString(spec, "submittedBy"),
      triesLeft: optionalInt(spec, "triesLeft") ?? 0,
      environment,
      cpus: optionalInt(spec, "cpus"),
      minHosts: optionalInt(spec, "minHosts"),
      maxHosts: optionalInt(spec, "maxHosts"),
      status: "waiting for machine",
      progress: 0,
      output: "",
      queueTime: new Date(),
      startTime: null,
      endTime: null,
      paused: false,
      clientHostname: null,
      executed: null,
      windowsCommand: null,
    };
    this.jobs.set(id, job);
    if (parent) parent.childIds.push(id);
    if (Array.isArray(children)) {
      for (const child of children) this.createJob(child as Record<string, XmlRpcValue>, id);
    }
    return id;
  }

  /* ---------------------------------------------------------------------------------------------
   * Job control
   * ------------------------------------------------------------------------------------------ */

  protected subtree(root: StandinJob): StandinJob[] {
    const members: StandinJob[] = [];
    const visit = (job: StandinJob): void => {
      members.push(job);
      for (const id of job.childIds) {
        const child = this.jobs.get(id);
        if (child) visit(child);
      }
    };
    visit(root);
    return members;
  }

  protected cancel(job: StandinJob): void {
    if (isFinished(job.status)) return;
    this.kill(job.id);
    this.finish(job, "cancelled");
  }

  protected pause(job: StandinJob): void {
    if (isFinished(job.status) || job.paused) return;
    job.paused = true;
    const run = this.runs.get(job.id);
    if (run && run.process && !run.stopped) {
      this.signal(job.id, "SIGSTOP");
      run.stopped = true;
    }
    job.status = "paused";
    this.notify();
  }

  protected resume(job: StandinJob): void {
    if (!job.paused) return;
    job.paused = false;
    // A job that finished while paused (its process ran to the end) stays finished: it never runs again.
    if (isFinished(job.status)) return;
    const run = this.runs.get(job.id);
    if (run && run.stopped) {
      this.signal(job.id, "SIGCONT");
      run.stopped = false;
    }
    // A job with children goes back to "running" on the next scheduler pass if one of them has started.
    job.status = run ? "running" : "waiting for machine";
    this.notify();
    this.kick();
  }

  /**
   * rescheduleJobs is only named in the docs' overview ([R] in hqueue.md), so its behaviour here is a choice: the job and
   * every finished, not succeeded job under it go back to the queue (succeeded ones are kept), and finished ancestors
   * go back to waiting for their children.
   */
  protected reschedule(root: StandinJob): void {
    const requeue = (job: StandinJob): void => {
      this.kill(job.id);
      job.status = "waiting for machine";
      job.paused = false;
      job.progress = 0;
      job.endTime = null;
      job.output += "HQueue stand-in: rescheduled\n";
    };
    for (const member of this.subtree(root)) if (isFinished(member.status) && member.status !== "succeeded") requeue(member);
    for (let parent = this.parentOf(root); parent; parent = this.parentOf(parent)) if (isFinished(parent.status)) requeue(parent);
    this.notify();
  }

  protected remove(job: StandinJob): void {
    this.kill(job.id);
    this.jobs.delete(job.id);
    const parent = job.parentId === null ? undefined : this.jobs.get(job.parentId);
    if (parent) parent.childIds = parent.childIds.filter((id) => id !== job.id);
    this.notify();
  }
}
