/**
 * The HQueue stand-in's XML-RPC methods (the "Methods" and "Query attributes" rules in hqueue-standin.ts): argument
 * checks as Python's would fail them, and answers with exactly the documented attributes (./hqueue-documented.ts).
 * Layered on job creation and control (hqueue-standin-jobs.ts); hqueue-standin.ts serves them over HTTP.
 */
import { PyFloat, type PythonFault, pythonException, type XmlRpcValue } from "./hqueue-standin-xmlrpc";
import { DOCUMENTED_CLIENT_ATTRIBS, DOCUMENTED_JOB_ATTRIBS, DOCUMENTED_JOB_STATUSES } from "./hqueue-documented";
import { type ClientState, isFinished, type StandinJob, type StandinStatus } from "./hqueue-standin-model";
import { noSuchJob, StandinJobs, toInt } from "./hqueue-standin-jobs";

const RUNNING_NAMES: StandinStatus[] = ["running", "pausing", "resuming"];
const FAILED_NAMES: StandinStatus[] = ["failed"];
const SUCCEEDED_NAMES: StandinStatus[] = ["succeeded"];
const PAUSED_NAMES: StandinStatus[] = ["paused"];

function notSupported(method: string): PythonFault {
  return pythonException("Exception", `method "${method}" is not supported`);
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

export abstract class StandinMethods extends StandinJobs {
  /* ---------------------------------------------------------------------------------------------
   * Methods
   * ------------------------------------------------------------------------------------------ */

  protected dispatch(method: string, params: XmlRpcValue[]): XmlRpcValue {
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
}
