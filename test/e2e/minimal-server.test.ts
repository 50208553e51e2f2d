// The helper against a deliberately minimal HQueue: only ping, newjob, getJob, getJobs, getJobOutput and
// cancelJobs, everything else a Python "method not supported" fault — the least a documented server offers.
// A second variant answers the optional status-name calls with nonsense. Both must still submit and report.
import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { JobSpec, StatusResult, SubmitResult } from "../../types/request";
import { parseMethodCall, pythonException, serializeFault, serializeResponse, type XmlRpcValue } from "../support/hqueue-standin-xmlrpc";
import { makeRequest } from "../support/requests";
import { runHelper, writeRequest } from "../support/run-helper";

interface MiniJob {
  id: number;
  name: string;
  status: string;
  progress: number;
  children: number[];
}

function startMinimal(options: { oddStatusNames?: boolean } = {}): Promise<{ url: string; server: Server; jobs: Map<number, MiniJob>; methods: string[] }> {
  const jobs = new Map<number, MiniJob>();
  const methods: string[] = [];
  let nextId = 100;
  const addJob = (spec: JobSpec): number => {
    const id = nextId++;
    const children = (spec.children ?? []).map(addJob);
    // Leaf jobs "finish" at once; the parent is done when they are.
    jobs.set(id, { id, name: spec.name, status: "succeeded", progress: 1, children });
    return id;
  };
  const handlers: Record<string, (params: unknown[]) => XmlRpcValue> = {
    ping: () => true,
    newjob: (params) => [addJob(params[0] as JobSpec)],
    getJob: (params) => {
      const job = jobs.get(params[0] as number);
      // This server answers None for an unknown job (the real one's answer is undocumented).
      if (!job) return null;
      const attribs = (params[1] as string[] | null) ?? Object.keys(job);
      return Object.fromEntries(attribs.filter((a) => a in job).map((a) => [a, job[a as keyof MiniJob] as XmlRpcValue]));
    },
    getJobs: (params) => (params[0] as number[]).map((id) => handlers.getJob([id, params[1]])),
    getJobOutput: () => "",
    cancelJobs: () => null,
  };
  if (options.oddStatusNames) {
    handlers.getSucceededStatusNames = () => "succeeded";
    handlers.getFailedJobStatusNames = () => 42;
  }
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (d) => (body += d));
    req.on("end", () => {
      const call = parseMethodCall(body);
      methods.push(call.method);
      const handler = handlers[call.method];
      res.writeHead(200, { "Content-Type": "text/xml" });
      try {
        if (!handler) throw pythonException("Exception", `method "${call.method}" is not supported`);
        res.end(serializeResponse(handler(call.params as unknown[])));
      } catch (e) {
        res.end(serializeFault(e as ReturnType<typeof pythonException>));
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      resolve({ url: `http://127.0.0.1:${port}`, server, jobs, methods });
    }),
  );
}

let running: Server | undefined;
afterEach(async () => {
  if (running) await new Promise<void>((r) => running!.close(() => r()));
  running = undefined;
});

for (const variant of [{ name: "minimal server", odd: false }, { name: "server with odd status-name answers", odd: true }]) {
  describe(`the helper against a ${variant.name}`, () => {
    it("submits one job, then reads its status and follows it to the end", async () => {
      const mini = await startMinimal({ oddStatusNames: variant.odd });
      running = mini.server;
      const request = makeRequest({ server: mini.url, job: { frames: { kind: "custom", set: "1-6" }, framesPerTask: 4, emailTo: "a@b", emailReasons: ["succeeded"] } });
      const submit = await runHelper(["submit", "--request", writeRequest(request), "--json"]);
      expect(submit.status, submit.stdout).toBe(0);
      const id = (submit.json as SubmitResult).jobId;
      expect(mini.methods.filter((m) => m === "newjob")).toHaveLength(1);

      const status = await runHelper(["status", String(id), "--server", mini.url, "--json"]);
      expect(status.status, status.stdout).toBe(0);
      const s = status.json as StatusResult;
      expect(s.tasks.map((t) => t.name)).toEqual(["Frames 1-4", "Frames 5-6"]);
      expect(s).toMatchObject({ finished: true, succeeded: true });

      const watch = await runHelper(["watch", String(id), "--server", mini.url, "--interval", "0.1", "--json"]);
      expect(watch.status).toBe(0);

      // log used to print nothing and exit 0 here (this server answers None for an unknown job).
      for (const command of ["status", "cancel", "log"]) {
        const unknown = await runHelper([command, "999999", "--server", mini.url, "--json"]);
        expect(unknown.status).toBe(1);
        expect(unknown.json).toMatchObject({ ok: false, error: { code: "not_found" } });
      }
    });
  });
}

describe("the job commands against a minimal server (no root job lists, no pause/reschedule/reprioritize)", () => {
  it("retry has nothing to do, priority and jobs say the server does not support them, log reads every task", async () => {
    const mini = await startMinimal();
    running = mini.server;
    const request = makeRequest({ server: mini.url, job: { frames: { kind: "custom", set: "1-6" }, framesPerTask: 4 } });
    const id = ((await runHelper(["submit", "--request", writeRequest(request), "--json"])).json as SubmitResult).jobId;
    const retry = await runHelper(["retry", String(id), "--server", mini.url, "--json"]);
    expect(retry.status).toBe(0);
    expect(retry.json).toMatchObject({ ok: true, command: "retry", method: "nothing", tasks: [] });
    const priority = await runHelper(["priority", String(id), "7", "--server", mini.url, "--json"]);
    expect(priority.status).toBe(1);
    expect(priority.json).toMatchObject({ ok: false, error: { code: "not_supported" } });
    const jobs = await runHelper(["jobs", "--server", mini.url, "--json"]);
    expect(jobs.status).toBe(1);
    expect(jobs.json).toMatchObject({ ok: false, error: { code: "not_supported" } });
    const log = await runHelper(["log", String(id), "--server", mini.url, "--json"]);
    expect(log.status).toBe(0);
    expect(log.json).toMatchObject({ ok: true, command: "log", failedTaskIds: [] });
    expect((log.json as { tasks: { name: string }[] }).tasks.map((t) => t.name)).toEqual(["Frames 1-4", "Frames 5-6"]);
  });
});
