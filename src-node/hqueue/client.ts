/**
 * A thin, typed binding of the HQueue XML-RPC API: one method per call the helper makes, each answer checked against
 * the shape the method returns (else an {@link HQueueError} of kind "malformed_response"). Every call goes through
 * {@link HQueueClient.call}, sent by ./transport.ts (timeouts, safe parameters, error kinds, dates).
 */
import type { JobSpec } from "../../types/request";
import { parseServerAddress, type ServerAddress } from "./address";
import { HQueueError } from "./hqueue-error";
import { type CallOptions, xmlRpcCall } from "./transport";

/** Status-name lists of the server; a list is absent when the server does not have that method. */
export interface StatusNames {
  all?: string[];
  running?: string[];
  failed?: string[];
  succeeded?: string[];
  paused?: string[];
}

export interface HQueueClientOptions {
  /** Per-call timeout in milliseconds (default 10 000). */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

function isStruct(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function isFault(error: unknown): boolean {
  return error instanceof HQueueError && error.kind === "fault";
}

export class HQueueClient {
  readonly address: ServerAddress;
  readonly timeoutMs: number;

  constructor(address: ServerAddress | string, options: HQueueClientOptions = {}) {
    this.address = typeof address === "string" ? parseServerAddress(address) : address;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Calls any method. Dates in results become naive ISO strings (see transport.ts isoFromWireDateTime); nothing else changes. */
  call<T = unknown>(method: string, params: readonly unknown[], options: CallOptions = {}): Promise<T> {
    return xmlRpcCall<T>(this.address, this.timeoutMs, method, params, options);
  }

  private malformed(method: string, expected: string, value: unknown): HQueueError {
    let shown: string;
    try {
      shown = JSON.stringify(value) ?? String(value);
    } catch {
      shown = String(value);
    }
    if (shown.length > 200) shown = shown.slice(0, 200) + "…";
    return new HQueueError(
      "malformed_response",
      method,
      `The HQueue server at ${this.address.rpcUrl} answered ${method} with ${shown}, expected ${expected}.`,
      { sent: true },
    );
  }

  /** Calls a method the server may not have: a fault means "not supported" and gives undefined. */
  private async optional<T>(method: string, params: readonly unknown[]): Promise<T | undefined> {
    try {
      return await this.call<T>(method, params);
    } catch (error) {
      if (isFault(error)) return undefined;
      throw error;
    }
  }

  private async structList(method: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> {
    const value = await this.call(method, params);
    if (!Array.isArray(value) || !value.every(isStruct)) throw this.malformed(method, "a list of structs", value);
    return value;
  }

  private async stringList(method: string): Promise<string[] | undefined> {
    const value = await this.optional(method, []);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
      throw this.malformed(method, "a list of strings", value);
    }
    return value;
  }

  /** The liveness check every HQueue client uses; the value (True on real servers) is returned as is. */
  ping(): Promise<unknown> {
    return this.call("ping", []);
  }

  /** The server version when the server has `getVersion`, else undefined. */
  async getVersion(): Promise<string | undefined> {
    const value = await this.optional("getVersion", []);
    if (value === undefined || value === null) return undefined;
    return typeof value === "string" ? value : String(value);
  }

  /**
   * Submits one job (or several) and returns the new top-level job ids, one per spec. Never retried: on a timeout
   * or reset with `error.sent` true the job may exist.
   */
  async newjob(spec: JobSpec | JobSpec[], options: { parentId?: number; beforeSend?: () => void } = {}): Promise<number[]> {
    // The server creates every task before it answers: a big job takes far longer than a ping, and a timeout
    // here leaves the outcome unknown. The per-call timeout plus two seconds per MB sent (100,000 tasks ≈ 100 MB).
    // With `parentId` the specs become children of that job: `newjob(jobspec, parent_id)` (seeds/002, Python API).
    const params = options.parentId === undefined ? [spec] : [spec, options.parentId];
    const value = await this.call("newjob", params, {
      timeoutMs: (bytes) => this.timeoutMs + Math.floor(bytes / 1e6) * 2000,
      beforeSend: options.beforeSend,
    });
    if (!Array.isArray(value) || value.length === 0 || !value.every((id) => Number.isInteger(id))) {
      throw this.malformed("newjob", "a list of job ids", value);
    }
    return value as number[];
  }

  /** The job's attributes; only `attribs` when given (the server may leave out keys it does not have). */
  async getJob(id: number, attribs?: readonly string[]): Promise<Record<string, unknown>> {
    const value = await this.call("getJob", [id, attribs ?? null]);
    // A server may answer None for a job it does not have (undocumented either way): an empty struct says so.
    if (value === null) return {};
    if (!isStruct(value)) throw this.malformed("getJob", "a struct", value);
    return value;
  }

  getJobs(ids: readonly number[], attribs?: readonly string[]): Promise<Record<string, unknown>[]> {
    return this.structList("getJobs", [ids, attribs ?? null]);
  }

  /**
   * getJobs, each answer found by its own `id` attribute (asked for whatever `attribs` say): the docs do not promise
   * that the answers come in the order of the ids. An answer without an id, with an id not asked for or twice, or an
   * id asked for and not answered is a malformed answer (never another job's attributes taken for this one's).
   */
  async getJobsById(ids: readonly number[], attribs: readonly string[]): Promise<Map<number, Record<string, unknown>>> {
    const wanted = [...new Set(ids)];
    const byId = new Map<number, Record<string, unknown>>();
    if (wanted.length === 0) return byId;
    const asked = new Set(wanted);
    const answers = await this.getJobs(wanted, attribs.includes("id") ? attribs : ["id", ...attribs]);
    const expected = 'one struct per job id asked for, each with its "id"';
    for (const job of answers) {
      const id = job.id;
      if (typeof id !== "number" || !asked.has(id) || byId.has(id)) throw this.malformed("getJobs", expected, job);
      byId.set(id, job);
    }
    const missing = wanted.filter((id) => !byId.has(id));
    if (missing.length > 0) throw this.malformed("getJobs", `${expected} (no answer for job(s) ${missing.slice(0, 20).join(", ")})`, answers);
    return byId;
  }

  /** The job's output log (stdout and stderr of its command); `maxLastChars` ≥ 1 asks for at most that many last characters. */
  async getJobOutput(id: number, maxLastChars?: number): Promise<string> {
    const value = await this.call("getJobOutput", maxLastChars === undefined ? [id] : [id, maxLastChars]);
    if (value === null) return "";
    if (typeof value !== "string") throw this.malformed("getJobOutput", "a string", value);
    return value;
  }

  /** Cancels the jobs and everything linked under them. */
  async cancelJobs(ids: readonly number[]): Promise<void> {
    await this.call("cancelJobs", [ids]);
  }

  async pauseJobs(ids: readonly number[]): Promise<void> {
    await this.call("pauseJobs", [ids]);
  }

  async resumeJobs(ids: readonly number[]): Promise<void> {
    await this.call("resumeJobs", [ids]);
  }

  /** Re-queues the jobs. Only named in the docs' overview (hqueue.md §2, [R]): a fault means the server lacks it. */
  async rescheduleJobs(ids: readonly number[]): Promise<void> {
    await this.call("rescheduleJobs", [ids]);
  }

  /** Sets the jobs' priority. Only named in the docs' overview (hqueue.md §2, [R]): a fault means the server lacks it. */
  async reprioritizeJobs(ids: readonly number[], priority: number): Promise<void> {
    await this.call("reprioritizeJobs", [ids, priority]);
  }

  /** Ids of all unfinished or all finished root jobs (jobs without a parent); undefined when the server lacks the call. */
  async rootJobIds(which: "unfinished" | "finished"): Promise<number[] | undefined> {
    const method = which === "finished" ? "getFinishedRootJobIds" : "getUnfinishedRootJobIds";
    const value = await this.optional(method, []);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((id) => Number.isInteger(id))) throw this.malformed(method, "a list of job ids", value);
    return value as number[];
  }

  /**
   * Ids of the jobs (root jobs and tasks) with one of these statuses. The reference spells the method
   * `getJobIdsBySatus`; public code calls `getJobIdsByStatus`: the first is tried, then the second. Undefined when
   * the server has neither.
   */
  async jobIdsByStatus(statuses: readonly string[]): Promise<number[] | undefined> {
    for (const method of ["getJobIdsBySatus", "getJobIdsByStatus"]) {
      const value = await this.optional(method, [statuses]);
      if (value === undefined) continue;
      if (!Array.isArray(value) || !value.every((id) => Number.isInteger(id))) throw this.malformed(method, "a list of job ids", value);
      return value as number[];
    }
    return undefined;
  }

  /** All clients (sends `(None, attribs)` as Houdini's hqrop does); only `attribs` when given. */
  getClients(attribs?: readonly string[]): Promise<Record<string, unknown>[]> {
    return this.structList("getClients", [null, attribs ?? null]);
  }

  /**
   * All client groups, `{id, name, clients: [client ids]}`. Without `attribs` it is called with no arguments, as
   * public scripts do; with them as `(None, attribs)` (`getClientGroups([group_ids [, attribs]])`, 12 Python API).
   */
  getClientGroups(attribs?: readonly string[]): Promise<Record<string, unknown>[]> {
    return this.structList("getClientGroups", attribs === undefined ? [] : [null, attribs]);
  }

  /** The shared-folder root for a platform on servers before 19.5; undefined when the server lacks the method. */
  async getHQRoot(platform: "linux" | "windows" | "macosx"): Promise<string | undefined> {
    const value = await this.optional("getHQRoot", [platform]);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") throw this.malformed("getHQRoot", "a string", value);
    return value;
  }

  /** The network folders of 19.5+ servers (shape undocumented); undefined when the server lacks the method. */
  async getNetworkFolders(): Promise<unknown[] | undefined> {
    const value = await this.optional("getNetworkFolders", []);
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw this.malformed("getNetworkFolders", "a list", value);
    return value;
  }

  /** The server's status-name lists; each is absent when the server faults on its method. */
  async statusNames(): Promise<StatusNames> {
    const [all, running, failed, succeeded, paused] = await Promise.all([
      this.stringList("getAllJobStatusNames"),
      this.stringList("getRunningJobStatusNames"),
      this.stringList("getFailedJobStatusNames"),
      this.stringList("getSucceededStatusNames"),
      this.stringList("getPausedJobStatusNames"),
    ]);
    const names: StatusNames = {};
    if (all) names.all = all;
    if (running) names.running = running;
    if (failed) names.failed = failed;
    if (succeeded) names.succeeded = succeeded;
    if (paused) names.paused = paused;
    return names;
  }
}
