/**
 * A minimal, fast HQueue server for jobs of 100,000 tasks (the load test and the bench), on loopback.
 *
 * Why not the HQueue stand-in: it refuses request bodies over 32 MB and parses a 100,000-task `newjob` (65–130 MB of
 * XML) for tens of seconds; this server only scans what it needs. It keeps jobs (a parent and its tasks) and answers
 * the calls `submit`, `status`, `watch` and `cancel` make: ping, newjob, getJob, getJobs, cancelJobs, and the
 * status-name lists. Task states change only when the test says so ({@link BenchFarm.finishTasks}), or through
 * cancelJobs; a parent is "running" until all its tasks are finished, then "succeeded" when all succeeded, else
 * "failed", or "cancelled" once cancelled.
 *
 * Answers are written as Python's xmlrpc.server writes them (one value per line, doubles with a decimal point).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export type BenchStatus = "waiting for machine" | "running" | "succeeded" | "failed" | "cancelled";

export interface BenchJob {
  id: number;
  name: string;
  status: BenchStatus;
  progress: number;
  parentId: number | null;
  childIds: number[];
}

export interface BenchFarm {
  url: string;
  jobs: Map<number, BenchJob>;
  /** Methods called, in order. */
  methods: string[];
  /** Body size of each call, in order. */
  bodyBytes: number[];
  /** Jobs paused with pauseJobs (and not resumed). */
  paused: Set<number>;
  /** Sizes of bodies refused as too large. */
  refusedBodies: number[];
  /** Runs after each call has been answered (e.g. to finish tasks between two polls of `watch`). */
  onCall?: (method: string) => void;
  /** Marks the first `count` unfinished tasks of job `id` as succeeded (or `status`). */
  finishTasks(id: number, count: number, status?: BenchStatus): void;
  close(): Promise<void>;
}

const FINISHED: ReadonlySet<BenchStatus> = new Set(["succeeded", "failed", "cancelled"]);

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);/g, (_, e: string) =>
    e === "lt" ? "<" : e === "gt" ? ">" : e === "amp" ? "&" : e === "quot" ? '"' : e === "apos" ? "'"
      : String.fromCodePoint(e.startsWith("#x") ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)));
}

function double(n: number): string {
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}

function answer(valueXml: string): string {
  return `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n${valueXml}\n</param>\n</params>\n</methodResponse>\n`;
}

function fault(text: string): string {
  return `<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>1</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>${escapeXml(text)}</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n`;
}

function stringList(items: readonly string[]): string {
  return `<value><array><data>\n${items.map((s) => `<value><string>${escapeXml(s)}</string></value>`).join("\n")}\n</data></array></value>`;
}

/**
 * The `name` of every job spec in a newjob body, in document order: the parent's first, then its tasks' (specs
 * found under a `children` member). Other `name` members (those of conditions, for one) are not job names.
 */
export function specNames(body: string): string[] {
  type Frame = { kind: "struct"; key: string | null; isJob: boolean } | { kind: "array"; ownerKey: string | null; ownerIsJob: boolean };
  const names: string[] = [];
  const stack: Frame[] = [];
  // A tag, text, or a declaration / comment / processing instruction (skipped).
  const token = /<(\/?)([A-Za-z0-9.]+)[^>]*?(\/?)>|([^<]+)|<[?!][^>]*>/y;
  let open = ""; // the element whose text comes next
  let text: string | undefined;
  for (let m = token.exec(body); m; m = token.exec(body)) {
    if (m[2] === undefined && m[4] === undefined) continue;
    if (m[4] !== undefined) {
      if (open === "string" || open === "value" || open === "name") text = (text ?? "") + m[4];
      continue;
    }
    const closing = m[1] === "/";
    const tag = m[2].toLowerCase();
    const top = stack[stack.length - 1];
    if (!closing && m[3] !== "/") {
      if (tag === "struct") {
        const isJob = stack.length === 0 || (top?.kind === "array" && top.ownerIsJob && top.ownerKey === "children");
        stack.push({ kind: "struct", key: null, isJob });
      } else if (tag === "array") {
        // A list of specs as the first param (`newjob([spec, …], parent_id)`): each is a job.
        if (stack.length === 0) stack.push({ kind: "array", ownerKey: "children", ownerIsJob: true });
        else stack.push({ kind: "array", ownerKey: top?.kind === "struct" ? top.key : null, ownerIsJob: top?.kind === "struct" && top.isJob });
      }
      open = tag;
      text = undefined;
      continue;
    }
    if (closing && (tag === "struct" || tag === "array")) stack.pop();
    else if (closing && tag === "name" && top?.kind === "struct") top.key = decodeXml(text ?? "");
    else if (closing && (tag === "string" || (tag === "value" && open === "value")) && top?.kind === "struct" && top.isJob && top.key === "name") {
      names.push(decodeXml(text ?? ""));
    }
    open = "";
    text = undefined;
  }
  return names;
}

/** The text of each `<param>` of a call (values are escaped, so `</param>` cannot occur inside one). */
function paramTexts(body: string): string[] {
  return body.split("</param>").slice(0, -1).map((part) => part.slice(part.lastIndexOf("<param>") + 7));
}

/** The integers of a param: one id, or a list of ids. */
function intsIn(param: string | undefined): number[] {
  return [...(param ?? "").matchAll(/<(?:int|i4)>\s*(-?\d+)\s*<\/(?:int|i4)>/g)].map((m) => Number(m[1]));
}

/** A param that is a list of strings (an attribute list), or null for nil / absent. */
function stringsIn(param: string | undefined): string[] | null {
  if (param === undefined || /<nil\s*\/>/.test(param)) return null;
  return [...param.matchAll(/<value>\s*(?:<string>([^<]*)<\/string>|([^<]*))\s*<\/value>/g)].map((m) => decodeXml(m[1] ?? m[2] ?? ""));
}

/**
 * `maxBodyBytes`: bodies over it get Django's answer to RequestDataTooBig (HTTP 400, "Bad Request (400)"), as HQueue's
 * Django server gives with its default 2.5 MB DATA_UPLOAD_MAX_MEMORY_SIZE.
 */
export async function startBenchFarm(firstJobId = 1, maxBodyBytes = Infinity): Promise<BenchFarm> {
  const jobs = new Map<number, BenchJob>();
  const methods: string[] = [];
  let nextId = firstJobId;

  const refresh = (parent: BenchJob): void => {
    if (parent.status === "cancelled") return;
    let done = 0;
    let succeeded = 0;
    for (const id of parent.childIds) {
      const task = jobs.get(id) as BenchJob;
      if (FINISHED.has(task.status)) done++;
      if (task.status === "succeeded") succeeded++;
    }
    parent.progress = parent.childIds.length === 0 ? 1 : succeeded / parent.childIds.length;
    parent.status = done < parent.childIds.length ? "running" : succeeded === done ? "succeeded" : "failed";
  };

  const jobStruct = (job: BenchJob, attribs: readonly string[] | null): string => {
    const members: string[] = [];
    const want = (key: string) => attribs === null || attribs.includes(key);
    if (want("id")) members.push(`<member>\n<name>id</name>\n<value><int>${job.id}</int></value>\n</member>`);
    if (want("name")) members.push(`<member>\n<name>name</name>\n<value><string>${escapeXml(job.name)}</string></value>\n</member>`);
    if (want("status")) members.push(`<member>\n<name>status</name>\n<value><string>${job.status}</string></value>\n</member>`);
    if (want("progress")) members.push(`<member>\n<name>progress</name>\n<value><double>${double(job.progress)}</double></value>\n</member>`);
    if (want("children")) {
      members.push(`<member>\n<name>children</name>\n<value><array><data>\n${job.childIds.map((id) => `<value><int>${id}</int></value>`).join("\n")}\n</data></array></value>\n</member>`);
    }
    return `<value><struct>\n${members.join("\n")}\n</struct></value>`;
  };

  const dispatch = (method: string, body: string): string => {
    const params = method === "newjob" ? [] : paramTexts(body);
    switch (method) {
      case "ping":
        return answer("<value><boolean>1</boolean></value>");
      case "newjob": {
        const names = specNames(body);
        if (names.length === 0) return fault("<class 'Exception'>:the job spec has no name");
        // newjob(specs, parent_id): the specs become children of an existing job (its second param).
        if (body.split("<param>").length - 1 >= 2) {
          const parentId = intsIn(body.slice(body.lastIndexOf("<param>")))[0];
          const parent = jobs.get(parentId);
          if (!parent) return fault("<class 'Job.DoesNotExist'>:Job matching query does not exist.");
          const ids: number[] = [];
          for (const name of names) {
            const task: BenchJob = { id: nextId++, name, status: "waiting for machine", progress: 0, parentId, childIds: [] };
            jobs.set(task.id, task);
            parent.childIds.push(task.id);
            ids.push(task.id);
          }
          if (parent.status === "succeeded") parent.status = "running";
          return answer(`<value><array><data>\n${ids.map((id) => `<value><int>${id}</int></value>`).join("\n")}\n</data></array></value>`);
        }
        const parent: BenchJob = { id: nextId++, name: names[0], status: "waiting for machine", progress: 0, parentId: null, childIds: [] };
        jobs.set(parent.id, parent);
        for (const name of names.slice(1)) {
          const task: BenchJob = { id: nextId++, name, status: "waiting for machine", progress: 0, parentId: parent.id, childIds: [] };
          jobs.set(task.id, task);
          parent.childIds.push(task.id);
        }
        return answer(`<value><array><data>\n<value><int>${parent.id}</int></value>\n</data></array></value>`);
      }
      case "getJob": {
        const job = jobs.get(intsIn(params[0])[0]);
        if (!job) return fault("<class 'Job.DoesNotExist'>:Job matching query does not exist.");
        return answer(jobStruct(job, stringsIn(params[1])));
      }
      case "getJobs": {
        const attribs = stringsIn(params[1]);
        const parts: string[] = [];
        for (const id of intsIn(params[0])) {
          const job = jobs.get(id);
          if (!job) return fault("<class 'Job.DoesNotExist'>:Job matching query does not exist.");
          parts.push(jobStruct(job, attribs));
        }
        return answer(`<value><array><data>\n${parts.join("\n")}\n</data></array></value>`);
      }
      case "cancelJobs": {
        for (const id of intsIn(params[0])) {
          const job = jobs.get(id);
          if (!job) return fault("<class 'Job.DoesNotExist'>:Job matching query does not exist.");
          for (const member of [job, ...job.childIds.map((c) => jobs.get(c) as BenchJob)]) {
            if (!FINISHED.has(member.status)) member.status = "cancelled";
          }
          job.status = "cancelled";
        }
        return answer("<value><nil/></value>");
      }
      case "pauseJobs":
      case "resumeJobs": {
        for (const id of intsIn(params[0])) {
          if (!jobs.has(id)) return fault("<class 'Job.DoesNotExist'>:Job matching query does not exist.");
          if (method === "pauseJobs") farm.paused.add(id);
          else farm.paused.delete(id);
        }
        return answer("<value><nil/></value>");
      }
      case "getAllJobStatusNames":
        return answer(stringList(["waiting for machine", "running", "succeeded", "failed", "cancelled"]));
      case "getRunningJobStatusNames":
        return answer(stringList(["running"]));
      case "getFailedJobStatusNames":
        return answer(stringList(["failed"]));
      case "getSucceededStatusNames":
        return answer(stringList(["succeeded"]));
      case "getPausedJobStatusNames":
        return answer(stringList([]));
      default:
        return fault(`<class 'Exception'>:method "${method}" is not supported`);
    }
  };

  const farm: BenchFarm = {
    url: "",
    jobs,
    methods,
    bodyBytes: [],
    paused: new Set(),
    refusedBodies: [],
    finishTasks(id, count, status = "succeeded") {
      const parent = jobs.get(id);
      if (!parent) throw new Error(`bench farm: no job ${id}`);
      let left = count;
      for (const childId of parent.childIds) {
        if (left <= 0) break;
        const task = jobs.get(childId) as BenchJob;
        if (FINISHED.has(task.status)) continue;
        task.status = status;
        task.progress = status === "succeeded" ? 1 : task.progress;
        left--;
      }
      refresh(parent);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (d: Buffer) => chunks.push(d));
    request.on("end", () => {
      const size = chunks.reduce((n, c) => n + c.length, 0);
      if (size > maxBodyBytes) {
        farm.refusedBodies.push(size);
        response.writeHead(400, { "Content-Type": "text/html" }).end("<h1>Bad Request (400)</h1>");
        return;
      }
      const body = Buffer.concat(chunks).toString("utf8");
      const method = /<methodName>\s*([^<\s]+)\s*<\/methodName>/.exec(body)?.[1] ?? "";
      methods.push(method);
      farm.bodyBytes.push(Buffer.concat(chunks).length);
      let xml: string;
      try {
        xml = dispatch(method, body);
      } catch (e) {
        xml = fault(`<class 'Exception'>:${(e as Error).message}`);
      }
      response.writeHead(200, { "Content-Type": "text/xml", "Content-Length": Buffer.byteLength(xml) });
      response.end(xml, () => farm.onCall?.(method));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  farm.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return farm;
}
