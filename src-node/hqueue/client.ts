/**
 * A thin, typed binding of the HQueue XML-RPC API over the `xmlrpc` 1.3.2 package.
 *
 * What this file adds to the package, and nothing more (no business logic, no retries: a `newjob` must never be
 * re-sent blindly, so the caller decides):
 * - a per-call timeout (`AbortSignal.timeout`; the package ignores its own `timeout` option);
 * - parameters made safe before they are written: `undefined` is never sent (array items and parameters become
 *   `null` → `<nil/>`, struct members are left out, as JSON does, so a server never sees a `None` where it expects a
 *   string), and strings XML 1.0 cannot carry (NUL, most C0 controls, U+FFFE/U+FFFF, lone surrogates) and non-finite
 *   numbers are rejected before anything is sent (kind "bad_request");
 * - strings containing `]]>` or `\r` are written as escaped text instead of the package's CDATA (its CDATA escaping
 *   handles only the first `]]>` and lets XML parsers turn `\r` into `\n`);
 * - errors normalised into {@link HQueueError} kinds (see {@link HQueueErrorKind});
 * - `dateTime.iso8601` values returned as naive ISO strings (see {@link WireDateTime}, {@link isoFromWireDateTime}).
 *
 * `<i8>` values arrive as decimal strings (precision kept); they are passed through unchanged.
 */
import * as net from "node:net";
import xmlrpc from "xmlrpc";
import type { JobSpec } from "../../types/request";
import { parseServerAddress, type ServerAddress } from "./address";

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

/** The package's options plus what Node's http.request accepts but @types/xmlrpc does not declare. */
type TransportOptions = Exclude<Parameters<typeof xmlrpc.createClient>[0], string> & {
  signal?: AbortSignal;
  createConnection?: (options: net.NetConnectOpts) => net.Socket;
};

/** What the package attaches to the errors it passes to the callback. */
interface PackageError extends Error {
  code?: string;
  faultCode?: number;
  faultString?: string;
  res?: { statusCode?: number; statusMessage?: string };
  req?: { destroy(): void };
}

/** A string written as escaped `<string>` text rather than the package's CDATA section. */
class EscapedString extends xmlrpc.CustomType {
  constructor(text: string) {
    super(text);
    this.tagName = "string";
  }
}

/** Characters XML 1.0 cannot carry, even as character references. */
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

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

function codePoint(text: string): string {
  return "U+" + (text.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
}

/**
 * Makes a parameter value safe for the package's serializer (see the file comment). Throws a bad_request
 * HQueueError naming where the bad value is, e.g. `params[0].children[3].command`.
 */
function toWire(value: unknown, where: string, method: string): unknown {
  const reject = (problem: string): never => {
    throw new HQueueError("bad_request", method, `Cannot send ${method}: ${where} ${problem}.`, { sent: false });
  };
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case "string": {
      const bad = XML_ILLEGAL.exec(value);
      if (bad) {
        reject(`contains the character ${codePoint(bad[0])} at position ${bad.index}, which XML-RPC cannot carry`);
      }
      return value.includes("]]>") || value.includes("\r") ? new EscapedString(value) : value;
    }
    case "number":
      return Number.isFinite(value) ? value : reject(`is ${value}, which XML-RPC cannot carry`);
    case "boolean":
      return value;
    case "object":
      if (value instanceof Date || Buffer.isBuffer(value)) return value;
      if (Array.isArray(value)) return value.map((item, index) => toWire(item, `${where}[${index}]`, method));
      {
        const struct: Record<string, unknown> = {};
        for (const [key, member] of Object.entries(value)) {
          if (member === undefined) continue;
          if (XML_ILLEGAL.test(key)) reject(`has a member name with a character XML-RPC cannot carry`);
          struct[key] = toWire(member, `${where}.${key}`, method);
        }
        return struct;
      }
    default:
      return reject(`is a ${typeof value}, which XML-RPC cannot carry`);
  }
}

/**
 * A `dateTime.iso8601` value as it was on the wire. HQueue (Python) sends `YYYYMMDDTHH:MM:SS` with no zone: the
 * server's own naive wall-clock time. The package would turn it into a Date in *this* machine's zone, and gets even
 * that wrong in zones with half-hour offsets east of UTC (India, Iran…: its offset arithmetic floors -5.5 h to -6 h),
 * so its decoder is replaced, once, by one that keeps the text (the package's only shared, patchable hook).
 */
class WireDateTime {
  constructor(readonly text: string) {}
}
(xmlrpc.dateFormatter as { decodeIso8601(time: string): unknown }).decodeIso8601 = (time: string) => new WireDateTime(String(time));

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
  call<T = unknown>(method: string, params: readonly unknown[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let wireParams: unknown[];
      try {
        wireParams = params.map((param, index) => toWire(param, `params[${index}]`, method));
      } catch (error) {
        reject(error);
        return;
      }

      const { host, port, path, rpcUrl } = this.address;
      const seconds = this.timeoutMs / 1000;
      const signal = AbortSignal.timeout(this.timeoutMs);
      let connected = false;
      let settled = false;
      const options: TransportOptions = {
        host,
        port,
        path,
        // Without an agent and with "close", the socket ends with the answer and never keeps a CLI process alive.
        headers: { Connection: "close" },
        signal,
        createConnection: (connectOptions) => {
          const socket = net.createConnection(connectOptions);
          socket.once("connect", () => {
            connected = true;
          });
          return socket;
        },
      };

      const fail = (error: HQueueError, raw?: PackageError): void => {
        if (settled) return;
        settled = true;
        raw?.req?.destroy();
        reject(error);
      };

      const onAnswer = (rawError: unknown, value: unknown): void => {
        if (settled) return;
        if (!rawError) {
          settled = true;
          resolve(fromWire(value) as T);
          return;
        }
        const error = rawError as PackageError;
        const answered = error.res !== undefined;
        const status = error.res?.statusCode;
        const sent = connected || answered;
        if (signal.aborted) {
          fail(
            new HQueueError(
              "timeout",
              method,
              `The HQueue server at ${rpcUrl} did not answer ${method} within ${seconds} s. ` +
                `Check that the server is not overloaded, or raise the timeout.`,
              { sent, cause: error },
            ),
            error,
          );
        } else if (answered && status !== 200) {
          const statusText = error.res?.statusMessage ? ` ${error.res.statusMessage}` : "";
          const hint = status === 404 ? ` Check the XML-RPC path of the address (HQueue uses /RPC2).` : "";
          fail(
            new HQueueError("http", method, `The HQueue server at ${rpcUrl} answered ${method} with HTTP ${status}${statusText}.${hint}`, {
              httpStatus: status,
              sent: true,
              cause: error,
            }),
            error,
          );
        } else if (error.faultCode !== undefined) {
          const faultString = error.faultString ?? "";
          fail(
            new HQueueError("fault", method, `The HQueue server refused ${method}: ${faultString || `fault ${error.faultCode}`}`, {
              faultCode: Number(error.faultCode),
              faultString,
              sent: true,
              cause: error,
            }),
            error,
          );
        } else if (error.code !== undefined && NETWORK_CODES.has(error.code)) {
          const words = NETWORK_WORDS[error.code] ?? error.code;
          fail(
            new HQueueError(
              "unreachable",
              method,
              `Cannot reach the HQueue server at ${rpcUrl} (${words}). ` +
                `Check that the HQueue server is running and that the address and port are right.`,
              { sent, cause: error },
            ),
            error,
          );
        } else if (answered) {
          fail(
            new HQueueError(
              "malformed_response",
              method,
              `The HQueue server at ${rpcUrl} answered ${method} with something that is not XML-RPC (${error.message}).`,
              { httpStatus: status, sent: true, cause: error },
            ),
            error,
          );
        } else {
          fail(
            new HQueueError(
              "unreachable",
              method,
              `Cannot talk to the HQueue server at ${rpcUrl} (${error.message}). ` +
                `Check that the HQueue server is running and that the address and port are right.`,
              { sent, cause: error },
            ),
            error,
          );
        }
      };

      try {
        xmlrpc.createClient(options).methodCall(method, wireParams, onAnswer);
      } catch (error) {
        // The serializer throws synchronously on what it cannot write; toWire should have caught it already.
        fail(
          new HQueueError("bad_request", method, `Cannot send ${method}: ${error instanceof Error ? error.message : String(error)}`, {
            sent: false,
            cause: error,
          }),
        );
      }
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
  async newjob(spec: JobSpec | JobSpec[]): Promise<number[]> {
    const value = await this.call("newjob", [spec]);
    if (!Array.isArray(value) || value.length === 0 || !value.every((id) => Number.isInteger(id))) {
      throw this.malformed("newjob", "a list of job ids", value);
    }
    return value as number[];
  }

  /** The job's attributes; only `attribs` when given (the server may leave out keys it does not have). */
  async getJob(id: number, attribs?: readonly string[]): Promise<Record<string, unknown>> {
    const value = await this.call("getJob", [id, attribs ?? null]);
    if (!isStruct(value)) throw this.malformed("getJob", "a struct", value);
    return value;
  }

  getJobs(ids: readonly number[], attribs?: readonly string[]): Promise<Record<string, unknown>[]> {
    return this.structList("getJobs", [ids, attribs ?? null]);
  }

  /** The job's output log (stdout and stderr of its command). */
  async getJobOutput(id: number): Promise<string> {
    const value = await this.call("getJobOutput", [id]);
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

  /** All clients (sends `(None, attribs)` as Houdini's hqrop does). */
  getClients(attribs?: readonly string[]): Promise<Record<string, unknown>[]> {
    return this.structList("getClients", [null, attribs ?? null]);
  }

  /** All client groups, `{id, name, clients: [ids]}` (called without arguments, as public scripts do). */
  getClientGroups(): Promise<Record<string, unknown>[]> {
    return this.structList("getClientGroups", []);
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
