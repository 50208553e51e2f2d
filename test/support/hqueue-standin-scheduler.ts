/**
 * The HQueue stand-in's scheduler (the "Scheduling", "Conditions" and "Running" rules in hqueue-standin.ts): the farm's
 * state (jobs, fake clients, running processes), the scheduler pass that picks up ready jobs, and the local process
 * that runs a job's command. The documented methods (hqueue-standin-methods.ts) and job control
 * (hqueue-standin-jobs.ts) are layered on top of it; the HTTP server (hqueue-standin.ts) on top of those.
 */
import { spawn } from "node:child_process";
import * as os from "node:os";
import {
  type ClientState,
  DEFAULT_HQ_ROOT,
  isFinished,
  type RunState,
  type StandinCondition,
  type StandinJob,
  type StandinOptions,
  type StandinPlatform,
  type StandinStatus,
} from "./hqueue-standin-model";

const WINDOWS_SHELL_FAILURE = "[WinError 2] The system cannot find the file specified\nERROR: Could not run command.\n";

/** Last progress value (0..1) found in a line of output, if any. */
function progressFromLine(line: string): number | undefined {
  const alfred = /ALF_PROGRESS\s+(\d+(?:\.\d+)?)\s*%/.exec(line);
  if (alfred) return Math.min(1, Math.max(0, Number(alfred[1]) / 100));
  const fraction = /PROGRESS:\s*(\d+)\s*\/\s*(\d+)/.exec(line);
  if (fraction && Number(fraction[2]) > 0) return Math.min(1, Math.max(0, Number(fraction[1]) / Number(fraction[2])));
  return undefined;
}

export abstract class StandinScheduler {
  url = "";
  port = 0;
  readonly jobs = new Map<number, StandinJob>();

  protected readonly clients: ClientState[];
  protected readonly groupIds = new Map<string, number>();
  protected readonly runs = new Map<number, RunState>();
  protected readonly waiters = new Set<() => void>();
  protected readonly hqRoot: Record<StandinPlatform, string>;
  protected readonly legacy: boolean;
  private readonly runJobs: boolean;
  protected readonly slots: number;
  protected nextJobId: number;
  protected kickTimer: NodeJS.Timeout | undefined;
  protected closed = false;

  constructor(protected readonly options: StandinOptions) {
    const given = options.clients ?? [{ hostname: "standin-linux-01", os: "linux", groups: ["Fusion"] }];
    let nextClientId = 1;
    this.clients = given.map((client) => {
      const id = client.id ?? nextClientId;
      nextClientId = Math.max(nextClientId, id) + 1;
      return {
        id,
        hostname: client.hostname,
        os: client.os,
        platform: client.platform ?? `${client.os}-${client.arch ?? "x86_64"}`,
        groups: [...(client.groups ?? [])],
        disabled: client.disabled === true,
        available: client.available !== false,
        running: new Set<number>(),
      };
    });
    for (const client of this.clients) {
      for (const group of client.groups) if (!this.groupIds.has(group)) this.groupIds.set(group, this.groupIds.size + 1);
    }
    this.hqRoot = { ...DEFAULT_HQ_ROOT, ...options.hqRoot };
    this.legacy = options.serverVersion === "legacy";
    this.runJobs = options.runJobs !== false;
    this.slots = Math.max(1, options.slotsPerClient ?? 1);
    this.nextJobId = options.firstJobId ?? 1;
  }

  waitForJob(id: number, timeoutMs: number): Promise<StandinJob> {
    return new Promise<StandinJob>((resolve, reject) => {
      const check = (): boolean => {
        const job = this.jobs.get(id);
        if (!job) {
          reject(new Error(`HQueue stand-in: no job ${id}`));
          return true;
        }
        if (isFinished(job.status)) {
          resolve(job);
          return true;
        }
        if (this.closed) {
          reject(new Error(`HQueue stand-in closed while job ${id} was "${job.status}"`));
          return true;
        }
        return false;
      };
      if (check()) return;
      const waiter = (): void => {
        if (check()) {
          this.waiters.delete(waiter);
          clearTimeout(timer);
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const job = this.jobs.get(id);
        reject(new Error(`HQueue stand-in: job ${id} still "${job?.status}" after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  protected parentOf(job: StandinJob): StandinJob | undefined {
    return job.parentId === null ? undefined : this.jobs.get(job.parentId);
  }

  protected signal(id: number, signal: NodeJS.Signals): void {
    const pid = this.runs.get(id)?.process?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal); // the whole process group: the shell and what it started
    } catch {
      // already gone
    }
  }

  protected kill(id: number): void {
    const run = this.runs.get(id);
    if (!run) return;
    this.signal(id, "SIGKILL");
    this.runs.delete(id);
    for (const client of this.clients) client.running.delete(id);
  }

  protected finish(job: StandinJob, status: StandinStatus, note?: string): void {
    job.status = status;
    job.endTime = new Date();
    if (status === "succeeded") job.progress = 1;
    if (note) job.output += note;
    this.notify();
    this.kick();
  }

  protected notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /* ---------------------------------------------------------------------------------------------
   * Scheduler
   * ------------------------------------------------------------------------------------------ */

  protected kick(): void {
    if (this.kickTimer || this.closed) return;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = undefined;
      this.schedule();
    }, this.options.pollMs ?? 10);
  }

  protected progressOf(job: StandinJob): number {
    if (job.childIds.length === 0 || job.status === "succeeded") return job.progress;
    const counted = job.childIds
      .map((id) => this.jobs.get(id))
      .filter((child): child is StandinJob => child !== undefined && !child.tags.includes("excludeProgress"));
    if (counted.length === 0) return job.progress;
    return counted.reduce((sum, child) => sum + this.progressOf(child), 0) / counted.length;
  }

  protected hasCommand(job: StandinJob): boolean {
    if (job.command === null) return false;
    if (typeof job.command === "string") return job.command.trim() !== "";
    return Object.values(job.command).some((c) => c.trim() !== "");
  }

  private schedule(): void {
    if (this.closed) return;
    // Children before parents: a child always has a higher id than its parent, and the map is in id order.
    const ordered = [...this.jobs.values()].reverse();
    const ready: StandinJob[] = [];
    for (const job of ordered) {
      if (isFinished(job.status) || job.paused || this.runs.has(job.id)) continue;
      const children = job.childIds.map((id) => this.jobs.get(id)).filter((c): c is StandinJob => c !== undefined);
      if (children.some((child) => !isFinished(child.status))) {
        const started = children.filter((child) => child.startTime !== null);
        if (started.length > 0 && job.status !== "running") {
          job.status = "running";
          job.startTime ??= started.map((c) => c.startTime as Date).sort((a, b) => a.getTime() - b.getTime())[0];
          this.notify();
        }
        job.progress = this.progressOf(job);
        continue;
      }
      const failed = children.filter((child) => child.status !== "succeeded");
      if (failed.length > 0) {
        job.startTime ??= new Date();
        this.finish(job, "failed", `Child job(s) did not succeed: ${failed.map((c) => c.id).join(", ")}\n`);
      } else if (!this.hasCommand(job)) {
        job.startTime ??= new Date();
        this.finish(job, "succeeded");
      } else {
        // A parent with a command of its own: its children are done, now it needs a machine.
        if (job.status !== "waiting for machine") {
          job.status = "waiting for machine";
          this.notify();
        }
        ready.push(job);
      }
    }
    if (!this.runJobs) return;
    ready.sort((a, b) => b.priority - a.priority || a.id - b.id);
    for (const job of ready) {
      const client = this.clients.find((c) => this.canRun(c, job));
      if (client) this.start(job, client);
    }
  }

  private matches(condition: StandinCondition, client: ClientState): boolean {
    if (condition.type !== "client") return true;
    const values = (() => {
      switch (condition.name) {
        case "group":
          return client.groups;
        case "hostname":
          return [client.hostname];
        case "os":
          // hqlib sends $HQCLIENTARCH.split("-")[0] (hqueue.md §4): the prefix of the client's platform.
          return [client.platform.split("-")[0]];
        default:
          return undefined;
      }
    })();
    if (values === undefined) return false;
    const wanted = condition.value.split(/\s+/).filter((v) => v !== "");
    switch (condition.op) {
      case "==":
        return values.includes(condition.value);
      case "!=":
        return !values.includes(condition.value);
      case "any":
        return wanted.some((w) => values.includes(w));
      default:
        return false;
    }
  }

  private canRun(client: ClientState, job: StandinJob): boolean {
    if (client.disabled || !client.available) return false;
    if (!job.conditions.every((condition) => this.matches(condition, client))) return false;
    if (client.running.size >= this.slots) return false;
    const single = (id: number): boolean => this.jobs.get(id)?.tags.includes("single") ?? false;
    if ([...client.running].some(single)) return false;
    if (job.tags.includes("single") && client.running.size > 0) return false;
    return true;
  }

  private start(job: StandinJob, client: ClientState): void {
    const platform: StandinPlatform = client.os === "windows" ? "windows" : client.os === "macos" ? "macosx" : "linux";
    const command = typeof job.command === "string" ? job.command : (job.command?.[platform] ?? "");
    job.status = "running";
    job.startTime = new Date();
    job.endTime = null;
    job.progress = 0;
    job.clientHostname = client.hostname;
    client.running.add(job.id);
    // Its parents are running from now on.
    for (let parent = this.parentOf(job); parent; parent = this.parentOf(parent)) {
      if (parent.paused || isFinished(parent.status)) break;
      parent.status = "running";
      parent.startTime ??= job.startTime;
    }
    const run: RunState = { process: null, stopped: false };
    this.runs.set(job.id, run);
    this.notify();

    const done = (succeeded: boolean, note: string): void => {
      if (this.runs.get(job.id) !== run || this.closed) return; // cancelled, deleted or shut down meanwhile
      this.runs.delete(job.id);
      client.running.delete(job.id);
      job.output += note;
      if (!succeeded && job.triesLeft > 0) {
        job.triesLeft -= 1;
        job.output += `HQueue stand-in: retrying (${job.triesLeft} tries left)\n`;
        job.status = job.paused ? "paused" : "waiting for machine";
        this.notify();
        this.kick();
        return;
      }
      this.finish(job, succeeded ? "succeeded" : "failed");
    };

    if (command.trim() === "") {
      const keys = job.command && typeof job.command !== "string" ? Object.keys(job.command).join(", ") : "";
      setImmediate(() => done(false, `HQueue stand-in: the job has no command for platform "${platform}" (it has: ${keys})\n`));
      return;
    }
    if (client.os === "windows") {
      job.windowsCommand = command;
      const note = job.shell
        ? WINDOWS_SHELL_FAILURE
        : `HQueue stand-in: a Windows client cannot run commands here; the command was:\n${command}\n`;
      setImmediate(() => done(false, note));
      return;
    }

    const hqEnv: Record<string, string> = {
      HQROOT: this.hqRoot[platform],
      HQCLIENTARCH: client.platform,
      JOBID: String(job.id),
      ROOTJOBID: String(job.rootId),
      HQSERVER: this.url,
      HQHOSTS: client.hostname,
    };
    const program = job.shell ?? "/bin/sh";
    const args = ["-c", command];
    job.executed = { program, args, hqEnv };
    const child = spawn(program, args, {
      cwd: os.tmpdir(),
      env: { ...process.env, ...hqEnv, ...job.environment },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // own process group, so cancel/close can stop everything the command started
    });
    run.process = child;
    const partial = { stdout: "", stderr: "" };
    const onData = (stream: "stdout" | "stderr") => (chunk: Buffer): void => {
      if (this.runs.get(job.id) !== run) return;
      const text = chunk.toString("utf8");
      job.output += text;
      const lines = (partial[stream] + text).split("\n");
      partial[stream] = lines.pop() ?? "";
      for (const line of lines) {
        const progress = progressFromLine(line);
        if (progress !== undefined) job.progress = progress;
      }
    };
    child.stdout?.on("data", onData("stdout"));
    child.stderr?.on("data", onData("stderr"));
    child.on("error", (error: NodeJS.ErrnoException) => {
      // Like the real client when Python's subprocess cannot start the shell.
      done(false, `[Errno 2] ${error.code === "ENOENT" ? "No such file or directory" : error.message}: '${program}'\nERROR: Could not run command.\n`);
    });
    child.on("close", (code, signal) => {
      for (const stream of ["stdout", "stderr"] as const) {
        const progress = progressFromLine(partial[stream]);
        if (progress !== undefined && this.runs.get(job.id) === run) job.progress = progress;
      }
      if (code === 0) done(true, "");
      else done(false, `HQueue stand-in: command exited with ${signal ? `signal ${signal}` : `status ${code}`}\n`);
    });
  }
}
