/**
 * A thin, typed binding of the HQueue XML-RPC API: node:http plus the serialiser and parser in ./xmlrpc-wire.ts
 * (the `xmlrpc` package was measured too slow and too memory-hungry for 100,000-task jobs; see that file).
 *
 * What this file does, and nothing more (no business logic, no retries: a `newjob` must never be re-sent blindly,
 * so the caller decides):
 * - a per-call timeout (`AbortSignal.timeout`) covering connect, send and the whole answer;
 * - parameters made safe before they are written: `undefined` is never sent as a struct member (members are left
 *   out, as JSON does; array items and parameters become `<nil/>`), and strings XML 1.0 cannot carry (NUL, most C0
 *   controls, U+FFFE/U+FFFF, lone surrogates) and non-finite numbers are rejected before anything is sent (kind
 *   "bad_request"); `&`, `<`, `>` and `\r` are escaped, so every string arrives exactly as it was;
 * - errors normalised into {@link HQueueError} kinds (see {@link HQueueErrorKind});
 * - `dateTime.iso8601` values returned as naive ISO strings (see {@link isoFromWireDateTime}).
 *
 * `<i8>` values arrive as decimal strings (precision kept); they are passed through unchanged.
 */
import * as http from "node:http";
import * as net from "node:net";
import type { JobSpec } from "../../types/request";
import { parseServerAddress, type ServerAddress } from "./address";
import { type MethodResponse, parseMethodResponse, serializeMethodCall, WireDateTime, WireValueError } from "./xmlrpc-wire";

export type HQueueErrorKind =
  /** Connection refused, host not found or unreachable, connection reset. */
  | "unreachable"
  /** No complete answer within the timeout. */
  | "timeout"
  /** The server answered with an HTTP status other than 200. */
  | "http"
  /** The server answered with an XML-RPC fault. */
  | "fault"
  /** The answer is not XML-RPC, or not the shape the method returns. */
  | "malformed_response"
  /** The parameters cannot be sent (control characters, NaN…); nothing was sent. */
  | "bad_request";

export interface HQueueErrorDetails {
  faultCode?: number;
  faultString?: string;
  httpStatus?: number;
  sent: boolean;
  cause?: unknown;
}

export class HQueueError extends Error {
  readonly kind: HQueueErrorKind;
  /** The XML-RPC method that failed. */
  readonly method: string;
  readonly faultCode?: number;
  readonly faultString?: string;
  readonly httpStatus?: number;
  /**
   * Could the server have received the whole request? Best effort: false when the failure happened before the TCP
   * connection was established (refused, DNS, unreachable, timeout while connecting) or before sending (bad_request);
   * true once connected, because the package writes the complete body as soon as the socket connects. When this is true
   * for a `newjob`, the job may exist even though no answer arrived.
   */
  readonly sent: boolean;

  constructor(kind: HQueueErrorKind, method: string, message: string, details: HQueueErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "HQueueError";
    this.kind = kind;
    this.method = method;
    this.faultCode = details.faultCode;
    this.faultString = details.faultString;
    this.httpStatus = details.httpStatus;
    this.sent = details.sent;
  }
}

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

export interface CallOptions {
  /** The call's timeout from the size of its body (default: the client's timeout). */
  timeoutMs?: (bodyBytes: number) => number;
  /**
   * Runs after the call is serialised and before the connection is opened, so before any byte is sent. When it
   * throws, nothing is sent and the call fails with its error.
   */
  beforeSend?: () => void;
}

const USER_AGENT = "hqueue-helper (KartaLink HQueue Render)";

const NETWORK_CODES = new Set([
  "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN",
  "ETIMEDOUT", "EPIPE", "ECONNABORTED", "EADDRNOTAVAIL",
]);

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
};

/**
 * `20240102T03:04:05` → `2024-01-02T03:04:05`: the server's naive time, with no zone suffix because the server's zone
 * is unknown. A fraction or zone, which Python never sends, is kept as written; text that is not a date is returned as is.
 */
export function isoFromWireDateTime(text: string): string {
  const match = /^\s*(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(.*?)\s*$/.exec(text);
  if (!match) return text;
  const [, year, month, day, hours, minutes, seconds, rest] = match;
  return `${year}-${month}-${day}T${hours}:${minutes}:${seconds}${rest}`;
}

function fromWire(value: unknown): unknown {
  if (value instanceof WireDateTime) return isoFromWireDateTime(value.text);
  if (Array.isArray(value)) return value.map(fromWire);
  if (value !== null && typeof value === "object" && !Buffer.isBuffer(value)) {
    const struct: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) struct[key] = fromWire(member);
    return struct;
  }
  return value;
}

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

  /** Calls any method. Dates in results become naive ISO strings (see {@link isoFromWireDateTime}); nothing else changes. */
  call<T = unknown>(method: string, params: readonly unknown[], options: CallOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let body: Buffer[];
      try {
        body = serializeMethodCall(method, params);
      } catch (error) {
        const problem = error instanceof WireValueError ? error.message : error instanceof Error ? error.message : String(error);
        reject(new HQueueError("bad_request", method, `Cannot send ${method}: ${problem}.`, { sent: false, cause: error }));
        return;
      }

      if (options.beforeSend) {
        // The caller's last word before a byte can leave (newjob: the phase file's "sending"); it may refuse.
        try {
          options.beforeSend();
        } catch (error) {
          reject(error);
          return;
        }
      }

      const { host, port, path, rpcUrl } = this.address;
      const timeoutMs = options.timeoutMs ? options.timeoutMs(body.reduce((n, b) => n + b.length, 0)) : this.timeoutMs;
      const seconds = timeoutMs / 1000;
      const signal = AbortSignal.timeout(timeoutMs);
      let connected = false;
      let answered = false;
      let settled = false;

      const fail = (error: HQueueError): void => {
        if (settled) return;
        settled = true;
        request.destroy();
        reject(error);
      };

      /** A transport error (no complete answer): timeout, network failure, or something else on the way. */
      const failTransport = (cause: unknown): void => {
        const error = cause as NodeJS.ErrnoException;
        const sent = connected || answered;
        if (signal.aborted) {
          fail(
            new HQueueError(
              "timeout",
              method,
              `The HQueue server at ${rpcUrl} did not answer ${method} within ${seconds} s. ` +
                `Check that the server is not overloaded, or raise the timeout.`,
              { sent, cause },
            ),
          );
        } else if (error?.code !== undefined && NETWORK_CODES.has(error.code)) {
          const words = NETWORK_WORDS[error.code] ?? error.code;
          fail(
            new HQueueError(
              "unreachable",
              method,
              `Cannot reach the HQueue server at ${rpcUrl} (${words}). ` +
                `Check that the HQueue server is running and that the address and port are right.`,
              { sent, cause },
            ),
          );
        } else if (answered) {
          fail(
            new HQueueError(
              "malformed_response",
              method,
              `The HQueue server at ${rpcUrl} answered ${method} with something that is not XML-RPC (${error?.message ?? String(cause)}).`,
              { sent: true, cause },
            ),
          );
        } else {
          fail(
            new HQueueError(
              "unreachable",
              method,
              `Cannot talk to the HQueue server at ${rpcUrl} (${error?.message ?? String(cause)}). ` +
                `Check that the HQueue server is running and that the address and port are right.`,
              { sent, cause },
            ),
          );
        }
      };

      const onAnswer = (status: number | undefined, statusMessage: string | undefined, text: string): void => {
        if (settled) return;
        if (status !== 200) {
          const statusText = statusMessage ? ` ${statusMessage}` : "";
          const hint = status === 404 ? ` Check the XML-RPC path of the address (HQueue uses /RPC2).` : "";
          fail(
            new HQueueError("http", method, `The HQueue server at ${rpcUrl} answered ${method} with HTTP ${status}${statusText}.${hint}`, {
              httpStatus: status,
              sent: true,
            }),
          );
          return;
        }
        let parsed: MethodResponse;
        try {
          parsed = parseMethodResponse(text);
        } catch (cause) {
          fail(
            new HQueueError(
              "malformed_response",
              method,
              `The HQueue server at ${rpcUrl} answered ${method} with something that is not XML-RPC (${(cause as Error).message}).`,
              { httpStatus: status, sent: true, cause },
            ),
          );
          return;
        }
        if (parsed.kind === "fault") {
          fail(
            new HQueueError("fault", method, `The HQueue server refused ${method}: ${parsed.faultString || `fault ${parsed.faultCode}`}`, {
              faultCode: parsed.faultCode,
              faultString: parsed.faultString,
              sent: true,
            }),
          );
          return;
        }
        settled = true;
        resolve(fromWire(parsed.value) as T);
      };

      const request = http.request(
        {
          host,
          port,
          path,
          method: "POST",
          headers: {
            "Content-Type": "text/xml",
            Accept: "text/xml",
            "User-Agent": USER_AGENT,
            "Content-Length": body.reduce((sum, chunk) => sum + chunk.length, 0),
            // With "close" and no agent the socket ends with the answer and never keeps a CLI process alive.
            Connection: "close",
          },
          signal,
          createConnection: () => {
            const socket = net.createConnection({ host, port });
            socket.once("connect", () => {
              connected = true;
            });
            return socket;
          },
        },
        (response) => {
          answered = true;
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", failTransport);
          response.on("end", () => {
            if (!response.complete) {
              failTransport(Object.assign(new Error("the connection closed in the middle of the answer"), { code: "ECONNRESET" }));
              return;
            }
            onAnswer(response.statusCode, response.statusMessage, Buffer.concat(chunks).toString("utf8"));
          });
        },
      );
      request.on("error", failTransport);
      for (const chunk of body) request.write(chunk);
      request.end();
    });
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
