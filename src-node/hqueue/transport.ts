/**
 * One XML-RPC call to an HQueue server over node:http, with the serialiser and parser in ./xmlrpc-wire.ts (the
 * `xmlrpc` package was measured too slow and too memory-hungry for 100,000-task jobs; see that file). No business
 * logic, no retries: a `newjob` must never be re-sent blindly, so the caller decides. What it does:
 * - a per-call timeout (`AbortSignal.timeout`) covering connect, send and the whole answer;
 * - parameters made safe before they are written: `undefined` is never sent as a struct member (members are left
 *   out, as JSON does; array items and parameters become `<nil/>`), and strings XML 1.0 cannot carry (NUL, most C0
 *   controls, U+FFFE/U+FFFF, lone surrogates) and non-finite numbers are rejected before anything is sent (kind
 *   "bad_request"); `&`, `<`, `>` and `\r` are escaped, so every string arrives exactly as it was;
 * - errors normalised into {@link HQueueError} kinds (see `HQueueErrorKind` in hqueue-error.ts);
 * - `dateTime.iso8601` values returned as naive ISO strings (see {@link isoFromWireDateTime}).
 *
 * `<i8>` values arrive as decimal strings (precision kept); they are passed through unchanged.
 */
import * as http from "node:http";
import * as net from "node:net";
import type { ServerAddress } from "./address";
import { HQueueError } from "./hqueue-error";
import { type MethodResponse, parseMethodResponse, serializeMethodCall, WireDateTime, WireValueError } from "./xmlrpc-wire";

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

/**
 * Calls any method at `address`, within `defaultTimeoutMs` unless `options.timeoutMs` says otherwise. Dates in results
 * become naive ISO strings (see {@link isoFromWireDateTime}); nothing else changes.
 */
export function xmlRpcCall<T = unknown>(
  address: ServerAddress,
  defaultTimeoutMs: number,
  method: string,
  params: readonly unknown[],
  options: CallOptions = {},
): Promise<T> {
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

    const { host, port, path, rpcUrl } = address;
    const timeoutMs = options.timeoutMs ? options.timeoutMs(body.reduce((n, b) => n + b.length, 0)) : defaultTimeoutMs;
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
