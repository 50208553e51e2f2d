/**
 * A loopback XML-RPC server for `npm run bench` that accepts very large `newjob` calls as fast as the wire allows.
 *
 * Why not the HQueue stand-in: the stand-in parses every call into a DOM (fine for tests, seconds for a 100,000-task
 * job, and it refuses bodies over 32 MB), so its own cost would swamp the helper's. The bench measures the sender,
 * so this receiver answers `newjob` as soon as the complete body (exactly Content-Length bytes) has arrived, and
 * checks it afterwards, off the clock: method name, byte count, and the job specs in it (parent + tasks, in order).
 * Python's xmlrpc.client is measured against the same receiver, so both sides pay the same server cost.
 *
 * Methods: ping → True; newjob → [next id]; everything else → a fault like Python's for an unregistered method
 * (what an older server answers to the optional calls).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { specNames } from "./bench-farm";

export interface ReceivedJob {
  /** Bytes of the request body. */
  bytes: number;
  /** The body's chunks as they arrived (dropped by whoever has checked them). */
  chunks?: Buffer[];
}

export interface JobCheck {
  /** Job specs in the call: the parent and each task. */
  specCount: number;
  /** True when the tasks are named `Frames 1`, `Frames 2`, … in order (the bench's 1-frame tasks). */
  framesInOrder: boolean;
}

/** Reads the job specs of a received newjob and releases its body. */
export function checkReceivedJob(job: ReceivedJob): JobCheck {
  const names = specNames(Buffer.concat(job.chunks ?? []).toString("utf8"));
  job.chunks = undefined;
  return { specCount: names.length, framesInOrder: names.slice(1).every((name, i) => name === `Frames ${i + 1}`) };
}

export interface BenchReceiver {
  url: string;
  /** Every method called, in order. */
  methods: string[];
  /** Every newjob received, in order. */
  jobs: ReceivedJob[];
  close(): Promise<void>;
}

const OK_TRUE = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><boolean>1</boolean></value>\n</param>\n</params>\n</methodResponse>\n";

function idResponse(id: number): string {
  return `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n<value><int>${id}</int></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n`;
}

function faultResponse(text: string): string {
  return (
    "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n" +
    "<member>\n<name>faultCode</name>\n<value><int>1</int></value>\n</member>\n" +
    `<member>\n<name>faultString</name>\n<value><string>${text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</string></value>\n</member>\n` +
    "</struct></value>\n</fault>\n</methodResponse>\n"
  );
}

export async function startBenchReceiver(firstJobId = 1): Promise<BenchReceiver> {
  const methods: string[] = [];
  const jobs: ReceivedJob[] = [];
  let nextId = firstJobId;

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      bytes += chunk.length;
    });
    request.on("end", () => {
      const head = (chunks[0] ?? Buffer.alloc(0)).subarray(0, 300).toString("utf8");
      const method = /<methodName>\s*([^<\s]+)\s*<\/methodName>/.exec(head)?.[1] ?? "";
      const declared = Number(request.headers["content-length"]);
      methods.push(method);
      let answer: string;
      if (method === "ping") answer = OK_TRUE;
      else if (method === "newjob" && declared === bytes) answer = idResponse(nextId++);
      else if (method === "newjob") answer = faultResponse(`<class 'Exception'>:body of ${bytes} bytes, Content-Length ${request.headers["content-length"]}`);
      else answer = faultResponse(`<class 'Exception'>:method "${method}" is not supported`);
      response.writeHead(200, { "Content-Type": "text/xml", "Content-Length": Buffer.byteLength(answer) });
      response.end(answer);
      if (method === "newjob") jobs.push({ bytes, chunks });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    methods,
    jobs,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
