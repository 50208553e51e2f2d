// Cross-check: the real HQueue speaks Python's XML-RPC, so Python's own client must be happy with the stand-in,
// and the stand-in must read what Python's client writes.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHQueueStandin, type HQueueStandin } from "../support/hqueue-standin";

const PYTHON = "/usr/bin/python3";
const hasPython = existsSync(PYTHON);
if (!hasPython) console.warn(`standin-python.test.ts: skipped, ${PYTHON} not found (install python3 to cross-check with Python's xmlrpc.client)`);

const SCRIPT = String.raw`
import json, sys, xmlrpc.client
url = sys.argv[1]
s = xmlrpc.client.ServerProxy(url, allow_none=True)
out = {"ping": s.ping()}
ids = s.newjob({"name": "py job", "priority": 3, "tags": "single", "minHosts": "1", "maxHosts": "4",
                "unknownKey": ["junk", None],
                "children": [{"name": "c1", "command": "echo 'a && b <c>'"}, {"name": "c2", "command": "true"}]}, None)
out["ids"] = ids
job = s.getJob(ids[0])
out["job"] = job
out["types"] = {k: type(v).__name__ for k, v in job.items()}
out["subset"] = s.getJob(ids[0], ["status", "children"])
out["jobs"] = s.getJobs(job["children"], ["name", "status"])
try:
    s.getJob(123456)
except xmlrpc.client.Fault as f:
    out["fault"] = [f.faultCode, f.faultString]
try:
    s.echoTypes(1, 2.5, True, "t\u00e9xt", None, xmlrpc.client.DateTime("20240102T03:04:05"),
                xmlrpc.client.Binary(b"\x00\x01bin"), [1, [2]], {"k": {"n": None}})
except xmlrpc.client.Fault as f:
    out["unknownMethod"] = f.faultString
out["cancel"] = s.cancelJobs([ids[0]])
out["slash"] = xmlrpc.client.ServerProxy(url + "/", allow_none=True).ping()
out["names"] = s.getAllJobStatusNames()
out["clients"] = s.getClients(None, ["id", "hostname", "groups"])
print(json.dumps(out, default=str))
`;

function runPython(url: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, ["-c", SCRIPT, url], { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`python failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as Record<string, unknown>);
    });
  });
}

describe.skipIf(!hasPython)("the stand-in with Python's xmlrpc.client.ServerProxy(allow_none=True)", () => {
  let standin: HQueueStandin;
  let out: Record<string, unknown>;
  beforeAll(async () => {
    standin = await startHQueueStandin({ runJobs: false });
    out = await runPython(standin.url);
  });
  afterAll(() => standin.close());

  it("ping, newjob (with a nil parent id) and getJob work and marshal like a Python server", () => {
    expect(out.ping).toBe(true);
    expect(out.ids).toEqual([1]);
    expect(out.types).toMatchObject({
      id: "int", name: "str", status: "str", uiStatus: "str", progress: "float", overallProgress: "float", priority: "int",
      children: "list", parents: "list", threadId: "NoneType", tags: "list", conditions: "list", queueTime: "DateTime",
      startTime: "NoneType", endTime: "NoneType",
    });
    expect(out.job).toMatchObject({ id: 1, name: "py job", priority: 3, tags: ["single"], children: [2, 3], parents: [] });
    // minHosts/maxHosts are spec keys, not documented job attributes: the stand-in keeps them without serving them.
    expect(standin.jobs.get(1)).toMatchObject({ minHosts: 1, maxHosts: 4 });
    expect(standin.jobs.get(2)?.command).toBe("echo 'a && b <c>'");
    expect((out.job as Record<string, string>).queueTime).toMatch(/^\d{8}T\d\d:\d\d:\d\d$/);
    // Waiting for its children is "queued", waiting for a machine "runnable" (the documented statuses).
    expect(out.subset).toEqual({ status: "queued", children: [2, 3] });
    expect(out.jobs).toEqual([{ name: "c1", status: "runnable" }, { name: "c2", status: "runnable" }]);
    expect(standin.calls.find((c) => c.method === "newjob")?.params[1]).toBeNull();
  });

  it("faults and None returns reach Python as Python expects them", () => {
    expect(out.fault).toEqual([1, "<class 'Job.DoesNotExist'>:Job matching query does not exist."]);
    expect(out.unknownMethod).toBe(`<class 'Exception'>:method "echoTypes" is not supported`);
    expect(out.cancel).toBeNull();
    expect(out.slash).toBe(true);
    expect(out.names).toEqual(expect.arrayContaining(["runnable", "queued", "running", "succeeded"]));
    // Group ids, as documented.
    expect(out.clients).toEqual([{ id: 1, hostname: "standin-linux-01", groups: [1] }]);
  });

  it("reads every type Python's client writes", () => {
    const call = standin.calls.find((c) => c.method === "echoTypes");
    expect(call?.params).toEqual([
      1, 2.5, true, "téxt", null, new Date(2024, 0, 2, 3, 4, 5), Buffer.from("\x00\x01bin", "latin1"), [1, [2]], { k: { n: null } },
    ]);
  });
});
