/**
 * A loopback XML-RPC server for `npm run bench` that accepts very large `newjob` calls as fast as the wire allows.
 *
 * Why not the HQueue stand-in: the stand-in parses every call into a DOM (fine for tests, seconds for a 100,000-task
 * job, and it refuses bodies over 32 MB), so its own cost would swamp the helper's. The bench measures the sender,
 * so this receiver answers `newjob` as soon as the complete body (exactly Content-Length bytes) has arrived, and
 * checks it afterwards, off the clock: method name, byte count and the number of job specs in it (parent + tasks).
 * Python's xmlrpc.client is measured against the same receiver, so both sides pay the same server cost.
 *
 * Methods: ping → True; newjob → [next id]; everything else → a fault like Python's for an unregistered method
 * (what an older server answers to the optional calls).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedJob {
  /** Bytes of the request body. */
  bytes: number;
  /** Occurrences of `<name>name</name>`: one per job spec (the parent and each task). */
  specCount: number;
  /** The body, when the receiver was asked to keep bodies (see {@link BenchReceiver.keepNextBody}). */
  body?: Buffer;
}

export interface BenchReceiver {
  url: string;
  /** Every method called, in order. */
  methods: string[];
  /** Every newjob received, in order. */
  jobs: ReceivedJob[];
  /** Keep the body of the next newjob (for checking it with Python's parser). */
  keepNextBody(): void;
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

const NAME_MEMBER = Buffer.from("<name>name</name>");

function countOccurrences(chunks: readonly Buffer[], needle: Buffer): number {
  // Chunks are joined once so that a needle split across two chunks is still found.
  const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  let count = 0;
  for (let at = body.indexOf(needle); at >= 0; at = body.indexOf(needle, at + needle.length)) count++;
  return count;
}

export async function startBenchReceiver(firstJobId = 1): Promise<BenchReceiver> {
  const methods: string[] = [];
  const jobs: ReceivedJob[] = [];
  let nextId = firstJobId;
  let keepBody = false;

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
      if (method === "newjob") {
        // Checked after answering, so the check is not on the sender's clock.
        const job: ReceivedJob = { bytes, specCount: countOccurrences(chunks, NAME_MEMBER) };
        if (keepBody) {
          job.body = Buffer.concat(chunks);
          keepBody = false;
        }
        jobs.push(job);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    methods,
    jobs,
    keepNextBody: () => {
      keepBody = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
