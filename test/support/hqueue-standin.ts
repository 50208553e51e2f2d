/**
 * An HQueue server stand-in: the XML-RPC API (POST on any path, `/RPC2` and `/` included), a tiny web UI
 * (`GET /`, `GET /jobs/view/<id>`) and a scheduler that runs jobs on fake clients. Built only from the documented
 * behaviour in ../shared/reference/hqueue.md; where the real server is undocumented the choice is stated here.
 *
 * Used by the tests and by the demo. As a program (bundled to dist/dev/hqueue-standin.js):
 *   node dist/dev/hqueue-standin.js [--port 5000] [--host 127.0.0.1]
 *                                   [--clients host:os[-arch][:group+group][:disabled|unavailable],…]
 *                                   [--legacy] [--no-run] [--slots N] [--first-job-id N] [--max-body BYTES] [--stay]
 * e.g. `--clients lin01:linux:Fusion,mac01:macos-arm64:Fusion,win01:windows:Fusion+Render:disabled`. It prints
 * `HQueue stand-in listening on http://127.0.0.1:PORT`, runs until SIGINT/SIGTERM, and also exits when its parent
 * process dies (so a crashed test leaves no server behind) unless given --stay.
 *
 * Behaviour (and the undocumented choices):
 * - Methods: ping, getVersion (19.5 only), newjob, getJob, getJobs, getJobIdsBySatus (sic, as documented) and
 *   getJobIdsByStatus (as public code calls it), getUnfinishedRootJobIds/getFinishedRootJobIds, getJobOutput (with
 *   max_last_chars), cancelJobs/pauseJobs/resumeJobs/deleteJobs (subtrees), rescheduleJobs (see reschedule()),
 *   reprioritizeJobs (subtree), the get*StatusNames, getClients, getClient, getClientsByHostname, getClientByHostname,
 *   getClientGroups, getHQRoot (legacy only), getNetworkFolders (19.5 only). Anything else is a fault exactly like
 *   Python's for an unregistered method: `<class 'Exception'>:method "x" is not supported`; so is every method named
 *   in the `without` option (a server lacking the optional calls).
 * - getNetworkFolders returns a list of `{name, linux, macosx, windows}` structs (the real shape is undocumented).
 * - Query attributes are exactly the documented ones (./hqueue-documented.ts, from SideFX's 12 Python API), with an
 *   `attribs` list only those keys; names that are not attributes are left out (the real server's answer to them is
 *   undocumented). Clients: `platform` in $HQCLIENTARCH style (`linux-x86_64`, `macos-arm64`, `windows-x86_64`),
 *   `groups` as group ids, `disabled`, `available` (false when disabled too), `runningJobs` (ids), `lastHeartbeat`
 *   (dateTime); values the documents leave open are plain placeholders (cpuSpeed 3000, memory 16 GB in KB, idleTime
 *   -1, availabilityRules [], threadId nil). Groups: `{id, name, clients: [client ids]}`, numbered in order of first
 *   appearance. Jobs: `status` is the documented internal status ("runnable" = waiting for a machine, "queued" =
 *   waiting for its children), `uiStatus` the stand-in's own status text, `progress` the job's own command progress
 *   (always 0.0 for a job without a command, as documented), `overallProgress` the job with its descendants,
 *   `parents` a list of ids, `clients` the hostname it ran on (the type is undocumented), ETA -1.
 * - Unknown job ids fault with Django's wording: `<class 'Job.DoesNotExist'>:Job matching query does not exist.`;
 *   unknown client ids or hostnames in getClient/getClientByHostname likewise with `Client.DoesNotExist` (undocumented).
 * - Scheduling: conditions are not inherited (as documented). A job with children waits for all of them, then fails if
 *   any did not succeed, runs its own command if it has one, or succeeds. A job without a command succeeds at once.
 *   Higher priority first, then lower id. `single`-tagged jobs take a whole client. `triesLeft` > 0 re-queues a failed
 *   job (decrementing it). Pausing a running job stops its process (SIGSTOP) until it is resumed (SIGCONT).
 * - Conditions: `{type:"client", name: group|hostname|os, op: "=="|"!="|"any", value}`; `any` takes a
 *   space-separated list; `group` compares group names. `os` compares with the prefix of the client's platform
 *   (HQCLIENTARCH) before "-": "linux", "macos" or "windows" (as hqlib sends it). The spec keys `host`/`hostgroup`
 *   (hqrop's shorthand) act as hostname-any / group-any conditions. Disabled or unavailable clients take no work.
 * - Running: linux and macos clients both run locally with `<shell or /bin/sh> -c <command>` (the `linux` or `macosx`
 *   entry of a per-platform command), env HQROOT, HQCLIENTARCH, JOBID, ROOTJOBID, HQSERVER, HQHOSTS plus the job's
 *   `environment`; stdout and stderr are merged into the job output; `ALF_PROGRESS n%` and `PROGRESS: i/n` lines set
 *   progress; exit 0 → succeeded. Windows clients cannot run anything here: with a `shell` they fail like the real
 *   Windows client (`[WinError 2] …` / `ERROR: Could not run command.`), without one they fail saying so; either way
 *   the Windows command is kept in `job.windowsCommand`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import {
  parseMethodCall,
  PyFloat,
  PythonFault,
  pythonException,
  serializeFault,
  serializeResponse,
  type XmlRpcValue,
} from "./hqueue-standin-xmlrpc";
import { DOCUMENTED_CLIENT_ATTRIBS, DOCUMENTED_JOB_ATTRIBS, DOCUMENTED_JOB_STATUSES } from "./hqueue-documented";

export interface FakeClient {
  id?: number;
  hostname: string;
  /** The client's OS; with `arch` it makes the served `platform` ($HQCLIENTARCH style, e.g. "macos-arm64"). */
  os: "linux" | "macos" | "windows";
  /** Default "x86_64". */
  arch?: string;
  /** Served verbatim as `platform` instead of `<os>-<arch>` (to test odd values); `os` still decides how jobs run. */
  platform?: string;
  /** Group names (the stand-in numbers the groups; clients are served with group ids, as documented). */
  groups?: string[];
  /** Disabled on the farm (`disabled`): takes no work. Default false. */
  disabled?: boolean;
  /** False: connected but not available to process jobs (`available`): takes no work. Default true. */
  available?: boolean;
}

export type StandinPlatform = "linux" | "macosx" | "windows";

export interface StandinOptions {
  /** 0 (default) = an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: one linux client `standin-linux-01` in group "Fusion". */
  clients?: FakeClient[];
  /** "19.5" (default): getVersion and getNetworkFolders. "legacy": getHQRoot, no getVersion. */
  serverVersion?: "19.5" | "legacy";
  hqRoot?: Partial<Record<StandinPlatform, string>>;
  /** Default true. False: no job is ever picked up by a client (jobs without a command still succeed). */
  runJobs?: boolean;
  /** Jobs a client runs at once (default 1). */
  slotsPerClient?: number;
  /**
   * The scheduler runs after every change (submit, finish, cancel, resume…), at most once per `pollMs`
   * (default 10), so a burst of calls costs one pass. Nothing polls while nothing changes.
   */
  pollMs?: number;
  /** Keep only the last N entries of `calls` (default: all; the command-line program keeps 1000). */
  maxCalls?: number;
  /** Id of the first job (default 1). */
  firstJobId?: number;
  /** Methods this server lacks: each answers the "not supported" fault (e.g. a server without rescheduleJobs). */
  without?: string[];
  /** Job attributes this server does not report (left out of getJob/getJobs answers), e.g. ["submittedBy"]. */
  withoutAttribs?: string[];
  /**
   * Also report these job-spec keys as getJobs attributes (`command`, `shell`, `submittedBy`, `triesLeft`,
   * `environment`, `cpus`, `description`, `emailTo`, `emailReasons`): `true` for all, or a list of those to report.
   * They are NOT documented attributes (12 Python API): off by default, so the stand-in serves exactly what is
   * documented; tests turn them on to check how the helper uses a server that reports more.
   */
  specAttribs?: boolean | string[];
  /**
   * Answer getJobs in another order than the ids were asked in (rotated by one): the docs do not promise the order,
   * so the helper must find each answer by its `id`.
   */
  rotateGetJobs?: boolean;
  /** Largest request body accepted (default 32 MB); bigger ones get Django's HTTP 400. Django's default is 2.5 MB. */
  maxBodyBytes?: number;
}

export type StandinStatus =
  | "waiting for machine"
  | "running"
  | "paused"
  | "pausing"
  | "resuming"
  | "succeeded"
  | "failed"
  | "cancelled"
  | "abandoned";

export interface StandinCondition {
  type: string;
  name: string;
  op: string;
  value: string;
}

export interface StandinJob {
  id: number;
  name: string;
  parentId: number | null;
  rootId: number;
  childIds: number[];
  /** The spec as received, without `children`. */
  spec: Record<string, unknown>;
  command: string | Record<string, string> | null;
  shell: string | null;
  priority: number;
  tags: string[];
  conditions: StandinCondition[];
  description: string | null;
  submittedBy: string | null;
  triesLeft: number;
  environment: Record<string, string>;
  cpus: number | null;
  minHosts: number | null;
  maxHosts: number | null;
  status: StandinStatus;
  /** 0..1; for a job with children, the mean of its children (without those tagged `excludeProgress`). */
  progress: number;
  output: string;
  queueTime: Date;
  startTime: Date | null;
  endTime: Date | null;
  paused: boolean;
  /** The client the job last ran on. */
  clientHostname: string | null;
  /** What was executed last, for inspection: program, arguments and the HQueue variables given. */
  executed: { program: string; args: string[]; hqEnv: Record<string, string> } | null;
  /** The command a Windows client was given (the stand-in cannot run it). */
  windowsCommand: string | null;
}

export interface HQueueStandin {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Every parsed call, in order. */
  calls: { method: string; params: unknown[] }[];
  /** Sizes of the request bodies refused as too large (HTTP 400), in order. */
  refusedBodies: number[];
  jobs: Map<number, StandinJob>;
  close(): Promise<void>;
  /** Resolves when the job has finished (succeeded, failed, cancelled, abandoned); rejects after timeoutMs. */
  waitForJob(id: number, timeoutMs: number): Promise<StandinJob>;
}

const FINISHED: ReadonlySet<StandinStatus> = new Set(["succeeded", "failed", "cancelled", "abandoned"]);
const RUNNING_NAMES: StandinStatus[] = ["running", "pausing", "resuming"];
const FAILED_NAMES: StandinStatus[] = ["failed"];
const SUCCEEDED_NAMES: StandinStatus[] = ["succeeded"];
const PAUSED_NAMES: StandinStatus[] = ["paused"];

const DEFAULT_HQ_ROOT: Record<StandinPlatform, string> = {
  linux: "/mnt/hq",
  macosx: "/Volumes/hq",
  windows: "\\\\hqserver\\hq",
};

const WINDOWS_SHELL_FAILURE = "[WinError 2] The system cannot find the file specified\nERROR: Could not run command.\n";
const MAX_BODY_BYTES = 32 * 1024 * 1024;

interface ClientState {
  id: number;
  hostname: string;
  os: FakeClient["os"];
  /** The served `platform`. */
  platform: string;
  groups: string[];
  disabled: boolean;
  available: boolean;
  running: Set<number>;
}

interface RunState {
  process: ChildProcess | null;
  stopped: boolean;
}

export function isFinished(status: string): boolean {
  return FINISHED.has(status as StandinStatus);
}

function notSupported(method: string): PythonFault {
  return pythonException("Exception", `method "${method}" is not supported`);
}

function noSuchJob(): PythonFault {
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
function toInt(value: unknown, what: string): number {
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

function idList(value: unknown, what: string): number[] {
  if (!Array.isArray(value)) return [toInt(value, what)];
  return value.map((item) => toInt(item, what));
}

function hostnameList(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw pythonException("TypeError", "hostnames must be a list of strings or None");
  }
  return value;
}

function attribList(value: unknown): string[] | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw pythonException("TypeError", "attribs must be a list of strings or None");
  }
  return value;
}

function pick(dict: Record<string, XmlRpcValue>, attribs: string[] | null): Record<string, XmlRpcValue> {
  if (attribs === null) return dict;
  const picked: Record<string, XmlRpcValue> = {};
  for (const key of attribs) if (key in dict) picked[key] = dict[key];
  return picked;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Last progress value (0..1) found in a line of output, if any. */
function progressFromLine(line: string): number | undefined {
  const alfred = /ALF_PROGRESS\s+(\d+(?:\.\d+)?)\s*%/.exec(line);
  if (alfred) return Math.min(1, Math.max(0, Number(alfred[1]) / 100));
  const fraction = /PROGRESS:\s*(\d+)\s*\/\s*(\d+)/.exec(line);
  if (fraction && Number(fraction[2]) > 0) return Math.min(1, Math.max(0, Number(fraction[1]) / Number(fraction[2])));
  return undefined;
}

class Standin implements HQueueStandin {
  url = "";
  port = 0;
  readonly calls: { method: string; params: unknown[] }[] = [];
  readonly refusedBodies: number[] = [];
  readonly jobs = new Map<number, StandinJob>();

  private readonly server: http.Server;
  private readonly clients: ClientState[];
  private readonly groupIds = new Map<string, number>();
  private readonly runs = new Map<number, RunState>();
  private readonly waiters = new Set<() => void>();
  private readonly hqRoot: Record<StandinPlatform, string>;
  private readonly legacy: boolean;
  private readonly runJobs: boolean;
  private readonly slots: number;
  private nextJobId: number;
  private kickTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: StandinOptions) {
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
    this.server = http.createServer((request, response) => this.handleHttp(request, response));
  }

  async listen(): Promise<void> {
    const host = this.options.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port ?? 0, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://${host.includes(":") ? `[${host}]` : host}:${this.port}`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.kickTimer);
    for (const [id] of this.runs) this.kill(id);
    for (const wake of [...this.waiters]) wake();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
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

  /* ---------------------------------------------------------------------------------------------
   * HTTP
   * ------------------------------------------------------------------------------------------ */

  private handleHttp(request: http.IncomingMessage, response: http.ServerResponse): void {
    if (request.method === "POST") {
      const chunks: Buffer[] = [];
      let size = 0;
      // Django (HQueue's server since 19.5) refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB by default) with
      // RequestDataTooBig, a SuspiciousOperation: HTTP 400 and its plain "Bad Request (400)" page. The body is read
      // to the end first, so the client always gets the answer rather than a reset.
      const limit = this.options.maxBodyBytes ?? MAX_BODY_BYTES;
      request.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limit) chunks.push(chunk);
      });
      request.on("end", () => {
        if (size > limit) {
          this.refusedBodies.push(size);
          response.writeHead(400, { "Content-Type": "text/html" }).end("<h1>Bad Request (400)</h1>");
          return;
        }
        const xml = this.dispatchXml(Buffer.concat(chunks).toString("utf8"));
        response.writeHead(200, { "Content-Type": "text/xml", "Content-Length": Buffer.byteLength(xml) });
        response.end(xml);
      });
      return;
    }
    if (request.method === "GET" || request.method === "HEAD") {
      const path = (request.url ?? "/").split("?")[0];
      const jobPage = /^\/jobs\/view\/(\d+)\/?$/.exec(path);
      let status = 200;
      let html: string;
      if (path === "/" || path === "/jobs" || path === "/jobs/") {
        html = this.jobListPage();
      } else if (jobPage && this.jobs.has(Number(jobPage[1]))) {
        html = this.jobPage(this.jobs.get(Number(jobPage[1])) as StandinJob);
      } else {
        status = 404;
        html = page("Not found", `<p>No page at ${escapeHtml(path)}.</p>`);
      }
      response.writeHead(status, { "Content-Type": "text/html; charset=utf-8" });
      response.end(request.method === "HEAD" ? undefined : html);
      return;
    }
    response.writeHead(405, { "Content-Type": "text/plain", Allow: "GET, HEAD, POST" }).end("Method not allowed\n");
  }

  private jobListPage(): string {
    const rows = [...this.jobs.values()]
      .filter((job) => job.parentId === null)
      .sort((a, b) => b.id - a.id)
      .map((job) =>
        `<tr><td><a href="/jobs/view/${job.id}">${job.id}</a></td><td>${escapeHtml(job.name)}</td>` +
        `<td>${job.status}</td><td>${Math.round(job.progress * 100)}%</td></tr>`)
      .join("\n");
    return page("HQueue stand-in", `<table><tr><th>Id</th><th>Name</th><th>Status</th><th>Progress</th></tr>\n${rows}\n</table>`);
  }

  private jobPage(job: StandinJob): string {
    const children = job.childIds
      .map((id) => this.jobs.get(id))
      .filter((child): child is StandinJob => child !== undefined)
      .map((child) => `<li><a href="/jobs/view/${child.id}">${child.id}</a> ${escapeHtml(child.name)}: ${child.status}</li>`)
      .join("\n");
    return page(
      `Job ${job.id}: ${job.name}`,
      `<p>Status: ${job.status} (${Math.round(job.progress * 100)}%)</p>` +
        (job.clientHostname ? `<p>Client: ${escapeHtml(job.clientHostname)}</p>` : "") +
        (children ? `<ul>${children}</ul>` : "") +
        `<pre>${escapeHtml(job.output)}</pre>`,
    );
  }

  /** Python's `_marshaled_dispatch`: every exception, parsing included, becomes a fault. */
  private dispatchXml(body: string): string {
    try {
      const call = parseMethodCall(body);
      this.calls.push({ method: call.method, params: call.params });
      const maxCalls = this.options.maxCalls;
      if (maxCalls !== undefined && this.calls.length > maxCalls) this.calls.splice(0, this.calls.length - maxCalls);
      const result = this.dispatch(call.method, call.params);
      return serializeResponse(result);
    } catch (error) {
      if (error instanceof PythonFault) return serializeFault(error);
      const message = error instanceof Error ? error.message : String(error);
      return serializeFault(pythonException("Exception", message));
    }
  }

  /* ---------------------------------------------------------------------------------------------
   * Methods
   * ------------------------------------------------------------------------------------------ */

  private dispatch(method: string, params: XmlRpcValue[]): XmlRpcValue {
    const arity = (min: number, max: number): void => {
      if (params.length < min) {
        throw pythonException("TypeError", `${method}() missing ${min - params.length} required positional argument(s)`);
      }
      if (params.length > max) {
        throw pythonException("TypeError", `${method}() takes ${max} positional argument(s) but ${params.length} were given`);
      }
    };
    const job = (value: unknown): StandinJob => {
      const found = this.jobs.get(toInt(value, "job_id"));
      if (!found) throw noSuchJob();
      return found;
    };
    if (this.options.without?.includes(method)) throw notSupported(method);
    switch (method) {
      case "ping":
        arity(0, 0);
        return true;
      case "getVersion":
        if (this.legacy) throw notSupported(method);
        arity(0, 0);
        return "19.5.640";
      case "newjob":
        arity(1, 2);
        return this.newjob(params[0], params[1] ?? null);
      case "getJob":
        arity(1, 2);
        return pick(this.jobDict(job(params[0])), attribList(params[1]));
      case "getJobs": {
        arity(1, 2);
        const attribs = attribList(params[1]);
        const answers = idList(params[0], "job_ids").map((id) => pick(this.jobDict(job(id)), attribs));
        return this.options.rotateGetJobs ? [...answers.slice(1), ...answers.slice(0, 1)] : answers;
      }
      case "getJobIdsBySatus": // the documented spelling (12 Python API)
      case "getJobIdsByStatus": { // the spelling public code calls (hqueue.md §2)
        arity(1, 1);
        const wanted = new Set(Array.isArray(params[0]) ? params[0].map(String) : [String(params[0])]);
        return [...this.jobs.values()].filter((j) => wanted.has(this.wireStatus(j))).map((j) => j.id);
      }
      case "getJobOutput": {
        arity(1, 2);
        // max_last_chars: at most that many last characters; less than one (or absent) = the whole log.
        const output = job(params[0]).output;
        const max = params[1] === undefined || params[1] === null ? 0 : toInt(params[1], "max_last_chars");
        return max >= 1 && output.length > max ? output.slice(output.length - max) : output;
      }
      case "getUnfinishedRootJobIds":
      case "getFinishedRootJobIds": {
        arity(0, 0);
        const finished = method === "getFinishedRootJobIds";
        return [...this.jobs.values()].filter((j) => j.parentId === null && isFinished(j.status) === finished).map((j) => j.id);
      }
      case "rescheduleJobs": {
        arity(1, 1);
        for (const id of idList(params[0], "job_ids")) this.reschedule(job(id));
        this.kick();
        return null;
      }
      case "cancelJobs":
      case "pauseJobs":
      case "resumeJobs":
      case "deleteJobs": {
        arity(1, 1);
        const roots = idList(params[0], "job_ids").map((id) => job(id));
        for (const root of roots) {
          for (const member of this.subtree(root)) {
            if (method === "cancelJobs") this.cancel(member);
            else if (method === "pauseJobs") this.pause(member);
            else if (method === "resumeJobs") this.resume(member);
            else this.remove(member);
          }
        }
        this.kick();
        return null;
      }
      case "reprioritizeJobs": {
        arity(2, 2);
        const priority = toInt(params[1], "priority");
        for (const id of idList(params[0], "job_ids")) for (const member of this.subtree(job(id))) member.priority = priority;
        this.kick();
        return null;
      }
      case "getAllJobStatusNames":
        arity(0, 0);
        return [...DOCUMENTED_JOB_STATUSES];
      case "getRunningJobStatusNames":
        arity(0, 0);
        return [...RUNNING_NAMES];
      case "getFailedJobStatusNames":
        arity(0, 0);
        return [...FAILED_NAMES];
      case "getSucceededStatusNames":
        arity(0, 0);
        return [...SUCCEEDED_NAMES];
      case "getPausedJobStatusNames":
        arity(0, 0);
        return [...PAUSED_NAMES];
      case "getClients": {
        arity(0, 2);
        const ids = params[0] === null || params[0] === undefined ? null : new Set(idList(params[0], "client_ids"));
        const attribs = attribList(params[1]);
        return this.clients.filter((c) => ids === null || ids.has(c.id)).map((c) => pick(this.clientDict(c), attribs));
      }
      case "getClient": {
        arity(1, 2);
        const id = toInt(params[0], "client_id");
        return pick(this.clientDict(this.clientWhere((c) => c.id === id)), attribList(params[1]));
      }
      case "getClientsByHostname": {
        arity(0, 2);
        const names = params[0] === null || params[0] === undefined ? null : hostnameList(params[0]);
        const attribs = attribList(params[1]);
        return this.clients.filter((c) => names === null || names.includes(c.hostname)).map((c) => pick(this.clientDict(c), attribs));
      }
      case "getClientByHostname": {
        arity(1, 2);
        const hostname = String(params[0]);
        return pick(this.clientDict(this.clientWhere((c) => c.hostname === hostname)), attribList(params[1]));
      }
      case "getClientGroups": {
        arity(0, 2);
        const ids = params[0] === null || params[0] === undefined ? null : new Set(idList(params[0], "group_ids"));
        const attribs = attribList(params[1]);
        return [...this.groupIds]
          .filter(([, id]) => ids === null || ids.has(id))
          .map(([name, id]) =>
            pick({ id, name, clients: this.clients.filter((c) => c.groups.includes(name)).map((c) => c.id) }, attribs));
      }
      case "getHQRoot": {
        if (!this.legacy) throw notSupported(method);
        arity(1, 1);
        const platform = String(params[0]);
        if (platform !== "linux" && platform !== "macosx" && platform !== "windows") {
          throw pythonException("Exception", `Unknown platform: ${platform}`);
        }
        return this.hqRoot[platform];
      }
      case "getNetworkFolders":
        if (this.legacy) throw notSupported(method);
        arity(0, 0);
        return [{ name: "HQROOT", linux: this.hqRoot.linux, macosx: this.hqRoot.macosx, windows: this.hqRoot.windows }];
      default:
        throw notSupported(method);
    }
  }

  private clientWhere(test: (client: ClientState) => boolean): ClientState {
    const found = this.clients.find(test);
    if (!found) throw pythonException("Client.DoesNotExist", "Client matching query does not exist.");
    return found;
  }

  /**
   * The job's `status` as documented: the internal status, where "waiting for machine" (a UI status) is "runnable"
   * when the job could run now and "queued" while it waits for its children.
   */
  private wireStatus(job: StandinJob): string {
    if (job.status !== "waiting for machine") return job.status;
    const waitingForChildren = job.childIds.some((id) => {
      const child = this.jobs.get(id);
      return child !== undefined && !isFinished(child.status);
    });
    return waitingForChildren ? "queued" : "runnable";
  }

  /** Exactly the documented getJobs attributes (hqueue-documented.ts). */
  private jobDict(job: StandinJob): Record<string, XmlRpcValue> {
    const dict: Record<(typeof DOCUMENTED_JOB_ATTRIBS)[number], XmlRpcValue> = {
      availabilityRules: [],
      children: [...job.childIds],
      // "list of clients that ran or are currently running the job": the type is undocumented; hostnames here.
      clients: job.clientHostname === null ? [] : [job.clientHostname],
      clientsOnHold: [],
      conditions: job.conditions.map((c) => ({ ...c })),
      endTime: job.endTime,
      ETA: -1,
      id: job.id,
      logs: [],
      name: job.name,
      latestNote: "",
      overallProgress: new PyFloat(this.progressOf(job)),
      parents: job.parentId === null ? [] : [job.parentId],
      priority: job.priority,
      // "progress … of the job command. If the job has no command to execute, then the progress will always be 0.0".
      progress: new PyFloat(this.hasCommand(job) ? job.progress : 0),
      queueTime: job.queueTime,
      startTime: job.startTime,
      status: this.wireStatus(job),
      threadId: null,
      tags: [...job.tags],
      uiStatus: job.status,
    };
    const spec = this.options.specAttribs;
    if (spec) {
      const extra: Record<string, XmlRpcValue> = {
        command: job.command ?? "",
        shell: job.shell,
        submittedBy: job.submittedBy,
        triesLeft: job.triesLeft,
        environment: { ...job.environment },
        cpus: job.cpus,
        description: job.description,
        emailTo: (job.spec.emailTo as XmlRpcValue | undefined) ?? null,
        emailReasons: (job.spec.emailReasons as XmlRpcValue | undefined) ?? null,
      };
      for (const [key, value] of Object.entries(extra)) if (spec === true || spec.includes(key)) Object.assign(dict, { [key]: value });
    }
    return dict;
  }

  /** Exactly the documented getClients attributes (hqueue-documented.ts); `groups` are group ids. */
  private clientDict(client: ClientState): Record<string, XmlRpcValue> {
    const dict: Record<(typeof DOCUMENTED_CLIENT_ATTRIBS)[number], XmlRpcValue> = {
      available: client.available && !client.disabled,
      availabilityRules: [],
      cpus: this.slots,
      cpuSpeed: 3000,
      disabled: client.disabled,
      groups: client.groups.map((name) => this.groupIds.get(name) as number),
      hostname: client.hostname,
      id: client.id,
      idleTime: -1,
      ip: "127.0.0.1",
      lastHeartbeat: new Date(),
      latestNote: "",
      load: new PyFloat(client.running.size / this.slots),
      memory: 16 * 1024 * 1024,
      needsUpgrade: false,
      platform: client.platform,
      runningJobs: [...client.running],
      threadId: null,
      version: "hqueue-standin",
    };
    return dict;
  }

  /* ---------------------------------------------------------------------------------------------
   * newjob
   * ------------------------------------------------------------------------------------------ */

  private newjob(specs: XmlRpcValue, parentParam: XmlRpcValue): number[] {
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

  private parentOf(job: StandinJob): StandinJob | undefined {
    return job.parentId === null ? undefined : this.jobs.get(job.parentId);
  }

  private subtree(root: StandinJob): StandinJob[] {
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

  private signal(id: number, signal: NodeJS.Signals): void {
    const pid = this.runs.get(id)?.process?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal); // the whole process group: the shell and what it started
    } catch {
      // already gone
    }
  }

  private kill(id: number): void {
    const run = this.runs.get(id);
    if (!run) return;
    this.signal(id, "SIGKILL");
    this.runs.delete(id);
    for (const client of this.clients) client.running.delete(id);
  }

  private cancel(job: StandinJob): void {
    if (isFinished(job.status)) return;
    this.kill(job.id);
    this.finish(job, "cancelled");
  }

  private pause(job: StandinJob): void {
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

  private resume(job: StandinJob): void {
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
  private reschedule(root: StandinJob): void {
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

  private remove(job: StandinJob): void {
    this.kill(job.id);
    this.jobs.delete(job.id);
    const parent = job.parentId === null ? undefined : this.jobs.get(job.parentId);
    if (parent) parent.childIds = parent.childIds.filter((id) => id !== job.id);
    this.notify();
  }

  private finish(job: StandinJob, status: StandinStatus, note?: string): void {
    job.status = status;
    job.endTime = new Date();
    if (status === "succeeded") job.progress = 1;
    if (note) job.output += note;
    this.notify();
    this.kick();
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /* ---------------------------------------------------------------------------------------------
   * Scheduler
   * ------------------------------------------------------------------------------------------ */

  private kick(): void {
    if (this.kickTimer || this.closed) return;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = undefined;
      this.schedule();
    }, this.options.pollMs ?? 10);
  }

  private progressOf(job: StandinJob): number {
    if (job.childIds.length === 0 || job.status === "succeeded") return job.progress;
    const counted = job.childIds
      .map((id) => this.jobs.get(id))
      .filter((child): child is StandinJob => child !== undefined && !child.tags.includes("excludeProgress"));
    if (counted.length === 0) return job.progress;
    return counted.reduce((sum, child) => sum + this.progressOf(child), 0) / counted.length;
  }

  private hasCommand(job: StandinJob): boolean {
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

function page(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n` +
    `<body><h1>${escapeHtml(title)}</h1>\n${body}\n</body></html>\n`;
}

export async function startHQueueStandin(options: StandinOptions = {}): Promise<HQueueStandin> {
  const standin = new Standin(options);
  await standin.listen();
  return standin;
}

/* ------------------------------------------------------------------------------------------------
 * Command line
 * --------------------------------------------------------------------------------------------- */

/** `host:os[-arch][:group+group][:disabled|unavailable]` items separated by commas. */
export function parseClientList(text: string): FakeClient[] {
  return text.split(",").filter((item) => item.trim() !== "").map((item) => {
    const [hostname, platform = "linux", groups = "", state = ""] = item.trim().split(":");
    const dash = platform.indexOf("-");
    const osName = dash < 0 ? platform : platform.slice(0, dash);
    if (osName !== "linux" && osName !== "macos" && osName !== "windows") {
      throw new Error(`--clients: unknown os "${osName}" in "${item}" (linux, macos or windows)`);
    }
    if (state !== "" && state !== "disabled" && state !== "unavailable") {
      throw new Error(`--clients: unknown state "${state}" in "${item}" (disabled or unavailable)`);
    }
    const client: FakeClient = { hostname, os: osName, groups: groups.split("+").filter((g) => g !== "") };
    if (dash >= 0) client.arch = platform.slice(dash + 1);
    if (state === "disabled") client.disabled = true;
    if (state === "unavailable") client.available = false;
    return client;
  });
}

export function parseStandinArgs(argv: readonly string[]): StandinOptions {
  const options: StandinOptions = { port: 5000, maxCalls: 1000 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    switch (arg) {
      case "--port": options.port = Number(value()); break;
      case "--host": options.host = value(); break;
      case "--clients": options.clients = parseClientList(value()); break;
      case "--legacy": options.serverVersion = "legacy"; break;
      case "--no-run": options.runJobs = false; break;
      case "--slots": options.slotsPerClient = Number(value()); break;
      case "--first-job-id": options.firstJobId = Number(value()); break;
      case "--max-body": options.maxBodyBytes = Number(value()); break;
      default: throw new Error(`unknown argument ${arg}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  let options: StandinOptions;
  const args = process.argv.slice(2);
  const stay = args.includes("--stay");
  try {
    options = parseStandinArgs(args.filter((arg) => arg !== "--stay"));
  } catch (error) {
    console.error(`hqueue-standin: ${error instanceof Error ? error.message : String(error)}`);
    console.error("usage: hqueue-standin [--port 5000] [--host 127.0.0.1] [--clients host:os[-arch][:group+group][:disabled|unavailable],…] [--legacy] [--no-run] [--slots N] [--first-job-id N] [--stay]");
    process.exit(2);
  }
  const standin = await startHQueueStandin(options);
  console.log(`HQueue stand-in listening on ${standin.url}`);
  const stop = (): void => {
    void standin.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  // A test or demo that dies without stopping us must not leave a server behind: exit once orphaned
  // (unless started with --stay).
  if (!stay) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) stop();
    }, 1000).unref();
  }
}

/**
 * Run as a program only when this file is the entry point. In an esbuild CJS bundle every bundled file shares the
 * bundle's `module`, so `require.main === module` is also true when the demo bundles this file: the entry script's
 * name must be hqueue-standin too.
 */
function isEntryPoint(): boolean {
  if (typeof require === "undefined" || typeof module === "undefined" || require.main !== module) return false;
  return /^hqueue-standin(\.[cm]?[jt]s)?$/.test((process.argv[1] ?? "").split(/[\\/]/).pop() ?? "");
}

if (isEntryPoint()) void main();
