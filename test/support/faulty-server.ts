/**
 * A misbehaving HQueue server on loopback, for the fault tests: by default it answers like a working HQueue 19.5
 * server (small hand-written XML-RPC answers), and each method can be given a misbehaviour instead: silence, a
 * late answer, an HTTP error page, an empty, truncated or invalid body, a fault, a connection cut in the middle of
 * the answer, or an immediate reset. Every request is recorded (method name and when it arrived), so a test can
 * prove that a `newjob` was never sent twice.
 *
 * Answers are written as Python's xmlrpc.server writes them (one element per line, `<nil/>` for None).
 */
import * as http from "node:http";
import * as net from "node:net";
import type { AddressInfo } from "node:net";

export type Misbehaviour =
  /** Answer normally. */
  | { kind: "answer" }
  /** An XML-RPC fault, as Python's dispatcher writes an exception. */
  | { kind: "fault"; faultString: string; faultCode?: number }
  /** Read the whole request, then never answer (the connection stays open until the server closes). */
  | { kind: "silent" }
  /** Answer normally after a delay. */
  | { kind: "late"; delayMs: number }
  /** An HTTP status with a body (e.g. 500 with an HTML error page). */
  | { kind: "http"; status: number; contentType: string; body: string }
  /** HTTP 200, text/xml, with exactly this body (empty, truncated, not XML, …). */
  | { kind: "body"; body: string }
  /** A normal answer (or `answer` when given), of which only the first `bytes` bytes of the body are sent before the connection is destroyed. */
  | { kind: "cut"; bytes: number; answer?: string }
  /** Destroy the connection as soon as the request has arrived, without a byte of answer. */
  | { kind: "reset" };

export interface FaultyServerOptions {
  /**
   * Misbehaviour per XML-RPC method name; methods not listed answer normally. A list gives the behaviour of the
   * 1st, 2nd, … call of that method, the last one repeating.
   */
  methods?: Record<string, Misbehaviour | readonly Misbehaviour[]>;
  /** Methods that fault as on an older server that does not have them (`method "x" is not supported`). */
  missing?: readonly string[];
  /** Job id `newjob` answers with (default 4242). */
  jobId?: number;
}

export interface ReceivedCall {
  method: string;
  /** Milliseconds since the server started. */
  at: number;
  bytes: number;
}

export interface FaultyServer {
  url: string;
  port: number;
  calls: ReceivedCall[];
  /** How many times `method` was received. */
  count(method: string): number;
  close(): Promise<void>;
}

/* ------------------------------------------------------------------------------------------------
 * Normal answers
 * --------------------------------------------------------------------------------------------- */

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function value(v: unknown): string {
  if (v === null) return "<value><nil/></value>";
  if (typeof v === "boolean") return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (typeof v === "number") return Number.isInteger(v) ? `<value><int>${v}</int></value>` : `<value><double>${v}</double></value>`;
  if (typeof v === "string") return `<value><string>${escapeXml(v)}</string></value>`;
  if (Array.isArray(v)) return `<value><array><data>\n${v.map(value).join("\n")}\n</data></array></value>`;
  const members = Object.entries(v as Record<string, unknown>).map(([k, m]) => `<member>\n<name>${escapeXml(k)}</name>\n${value(m)}\n</member>`);
  return `<value><struct>\n${members.join("\n")}\n</struct></value>`;
}

export function xmlrpcAnswer(result: unknown): string {
  return `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n${value(result)}\n</param>\n</params>\n</methodResponse>\n`;
}

export function xmlrpcFault(faultString: string, faultCode = 1): string {
  return `<?xml version='1.0'?>\n<methodResponse>\n<fault>\n${value({ faultCode, faultString })}\n</fault>\n</methodResponse>\n`;
}

function normalResult(method: string, jobId: number, params: string): unknown {
  switch (method) {
    case "ping":
      return true;
    case "getVersion":
      return "19.5.640";
    case "newjob":
      return [jobId];
    case "getNetworkFolders":
      return [];
    case "getHQRoot":
      return params.includes("<string>windows</string>") ? "\\\\hqserver\\hq" : params.includes("<string>macosx</string>") ? "/Volumes/hq" : "/mnt/hq";
    case "getAllJobStatusNames":
      return ["waiting for machine", "running", "paused", "succeeded", "failed", "cancelled", "abandoned"];
    case "getRunningJobStatusNames":
      return ["running"];
    case "getFailedJobStatusNames":
      return ["failed"];
    case "getSucceededStatusNames":
      return ["succeeded"];
    case "getPausedJobStatusNames":
      return ["paused"];
    case "getJob":
      return { id: jobId, name: "faulty job", status: "running", progress: 0.5, children: [jobId + 1, jobId + 2] };
    case "getJobs":
      return [
        { id: jobId + 1, name: "Frames 1-5", status: "succeeded", progress: 1.0 },
        { id: jobId + 2, name: "Frames 6-10", status: "running", progress: 0.25 },
      ];
    case "getJobOutput":
      return "faulty server log\n";
    case "getClients":
      return [{ id: 1, hostname: "render01", platform: "linux-x86_64", groups: [1], disabled: false, available: true }];
    case "getClientGroups":
      return [{ id: 1, name: "Fusion", clients: [1] }];
    case "cancelJobs":
    case "pauseJobs":
    case "resumeJobs":
      return null;
    default:
      return undefined;
  }
}

function isSequence(value: Misbehaviour | readonly Misbehaviour[]): value is readonly Misbehaviour[] {
  return Array.isArray(value);
}

/* ------------------------------------------------------------------------------------------------
 * Server
 * --------------------------------------------------------------------------------------------- */

export async function startFaultyServer(options: FaultyServerOptions = {}): Promise<FaultyServer> {
  const started = Date.now();
  const calls: ReceivedCall[] = [];
  const jobId = options.jobId ?? 4242;
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (d: Buffer) => chunks.push(d));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const method = /<methodName>\s*([^<\s]+)\s*<\/methodName>/.exec(body)?.[1] ?? "";
      calls.push({ method, at: Date.now() - started, bytes: body.length });
      const configured = options.methods?.[method];
      const nth = calls.filter((c) => c.method === method).length - 1;
      const behaviour: Misbehaviour = options.missing?.includes(method)
        ? { kind: "fault", faultString: `<class 'Exception'>:method "${method}" is not supported` }
        : configured === undefined
          ? { kind: "answer" }
          : isSequence(configured)
            ? (configured[Math.min(nth, configured.length - 1)] ?? { kind: "answer" })
            : configured;
      const normal = (): string => {
        const result = normalResult(method, jobId, body);
        return result === undefined ? xmlrpcFault(`<class 'Exception'>:method "${method}" is not supported`) : xmlrpcAnswer(result);
      };
      const send = (status: number, contentType: string, text: string): void => {
        response.writeHead(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(text) });
        response.end(text);
      };
      switch (behaviour.kind) {
        case "answer":
          send(200, "text/xml", normal());
          return;
        case "fault":
          send(200, "text/xml", xmlrpcFault(behaviour.faultString, behaviour.faultCode));
          return;
        case "silent":
          return;
        case "late": {
          const timer = setTimeout(() => {
            timers.delete(timer);
            if (!response.destroyed) send(200, "text/xml", normal());
          }, behaviour.delayMs);
          timers.add(timer);
          return;
        }
        case "http":
          send(behaviour.status, behaviour.contentType, behaviour.body);
          return;
        case "body":
          send(200, "text/xml", behaviour.body);
          return;
        case "cut": {
          const full = Buffer.from(behaviour.answer ?? normal(), "utf8");
          response.writeHead(200, { "Content-Type": "text/xml", "Content-Length": full.length });
          response.write(full.subarray(0, behaviour.bytes));
          // Let the partial answer reach the client before the connection dies.
          const timer = setTimeout(() => {
            timers.delete(timer);
            response.socket?.destroy();
          }, 50);
          timers.add(timer);
          return;
        }
        case "reset":
          request.socket.resetAndDestroy();
          return;
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    count: (method) => calls.filter((c) => c.method === method).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens (connection refused). */
export async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * A TCP server that is not an HTTP server: it accepts, writes `banner` (e.g. an SSH greeting) and, unless
 * `hold` is set, closes. With `banner` empty and `hold` set it accepts and never says anything.
 */
export async function startRawTcpServer(banner: string, hold = false): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.on("data", () => undefined); // read and ignore the request
    if (banner) socket.write(banner);
    if (!hold) socket.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
