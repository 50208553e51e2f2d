// The typed client against the HQueue stand-in: the happy paths, value round trips and optional methods.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HQueueClient } from "../../src-node/hqueue/client";
import { HQueueError } from "../../src-node/hqueue/hqueue-error";
import { isoFromWireDateTime } from "../../src-node/hqueue/transport";
import { DOCUMENTED_JOB_ATTRIBS } from "../support/hqueue-documented";
import { startHQueueStandin, type HQueueStandin } from "../support/hqueue-standin";
import type { JobSpec } from "../../types/request";

/** The wall-clock digits of a Date in this machine's zone, as the stand-in writes them (YYYY-MM-DDTHH:MM:SS). */
function localDigits(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

describe("HQueueClient against a 19.5 stand-in", () => {
  let standin: HQueueStandin;
  let client: HQueueClient;

  beforeAll(async () => {
    // Jobs are not run here: these tests look at what is stored and answered.
    standin = await startHQueueStandin({ runJobs: false, firstJobId: 100 });
    client = new HQueueClient(standin.url, { timeoutMs: 5000 });
  });
  afterAll(() => standin.close());

  it("parses the address it is given and POSTs to /RPC2", async () => {
    expect(client.address.rpcUrl).toBe(`${standin.url}/RPC2`);
    expect(await client.ping()).toBe(true);
  });

  it("newjob with one dict returns a list with one id; children are stored under it", async () => {
    const spec: JobSpec = {
      name: "Render -> /mnt/comps/shot.comp",
      priority: 7,
      tags: ["single"],
      conditions: [{ type: "client", name: "group", op: "==", value: "Fusion" }],
      children: [
        { name: "Render (Frames: 1-5)", command: "fusion /mnt/comps/shot.comp -render -start 1 -end 5" },
        { name: "Render (Frames: 6-9)", command: { linux: "a", windows: "b" } },
      ],
    };
    const ids = await client.newjob(spec);
    expect(ids).toHaveLength(1);
    const stored = standin.jobs.get(ids[0]);
    expect(stored?.name).toBe(spec.name);
    expect(stored?.priority).toBe(7);
    expect(stored?.childIds).toHaveLength(2);
    const second = standin.jobs.get(stored!.childIds[1]);
    expect(second?.command).toEqual({ linux: "a", windows: "b" });
    expect(second?.parentId).toBe(ids[0]);
  });

  it("newjob with a list returns one id per top-level spec", async () => {
    const ids = await client.newjob([{ name: "a" }, { name: "b", children: [{ name: "b1" }] }, { name: "c" }]);
    expect(ids).toHaveLength(3);
    expect(ids.map((id) => standin.jobs.get(id)?.name)).toEqual(["a", "b", "c"]);
  });

  it("getJob returns only the attributes asked for, all of them without a list", async () => {
    // With a command and runJobs false, the job stays waiting (a job without a command would succeed at once).
    const [id] = await client.newjob({ name: "attrs", command: "true", description: "a note", submittedBy: "artist" });
    // "runnable" is the documented status of a job waiting for a machine.
    expect(await client.getJob(id, ["status", "progress"])).toEqual({ status: "runnable", progress: 0 });
    expect(Object.keys(await client.getJob(id, ["name", "noSuchAttribute"]))).toEqual(["name"]);
    const all = await client.getJob(id);
    expect(all).toMatchObject({ id, name: "attrs", children: [], parents: [], tags: [], uiStatus: "waiting for machine" });
    // Only documented attributes: the spec's description and submittedBy are not job attributes.
    expect(Object.keys(all).sort()).toEqual([...DOCUMENTED_JOB_ATTRIBS].sort());
  });

  it("getJobs returns one struct per id, in order", async () => {
    const ids = await client.newjob([{ name: "j1" }, { name: "j2" }]);
    const jobs = await client.getJobs([ids[1], ids[0]], ["id", "name"]);
    expect(jobs).toEqual([{ id: ids[1], name: "j2" }, { id: ids[0], name: "j1" }]);
  });

  it("nil travels both ways: undefined parameters go out as <nil/>, None comes back as null", async () => {
    const [id] = await client.newjob({ name: "nil", command: "true", description: undefined });
    standin.calls.length = 0;
    const job = await client.call<Record<string, unknown>>("getJob", [id, undefined]);
    expect(standin.calls[0]).toEqual({ method: "getJob", params: [id, null] });
    // Struct members that are undefined are left out (not sent as None).
    expect(standin.jobs.get(id)?.spec).not.toHaveProperty("description");
    expect(job.threadId).toBeNull();
    expect(job.endTime).toBeNull();
    expect(await client.cancelJobs([id])).toBeUndefined();
  });

  it("dateTime.iso8601 comes back as the server's naive wall-clock time", async () => {
    const [id] = await client.newjob({ name: "dates" });
    const { queueTime } = await client.getJob(id, ["queueTime"]);
    expect(queueTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(queueTime).toBe(localDigits(standin.jobs.get(id)!.queueTime));
    expect(isoFromWireDateTime("20240102T03:04:05")).toBe("2024-01-02T03:04:05");
    expect(isoFromWireDateTime("2024-01-02T03:04:05.25+05:30")).toBe("2024-01-02T03:04:05.25+05:30");
    expect(isoFromWireDateTime("garbage")).toBe("garbage");
  });

  it("strings the XML layer handles awkwardly arrive unchanged", async () => {
    const command = "a && b < c > d ]]> e ]]> f\r\ng 'h' \"i\" é 中 😀\ttab";
    const [id] = await client.newjob({ name: command, command, environment: { K: "]]>" } });
    expect(standin.jobs.get(id)?.command).toBe(command);
    expect(standin.jobs.get(id)?.environment).toEqual({ K: "]]>" });
    // Python writes \r raw in answers; the package's sax parser keeps it.
    expect((await client.getJob(id, ["name"])).name).toBe(command);
  });

  it("rejects characters XML cannot carry before sending anything", async () => {
    standin.calls.length = 0;
    for (const bad of ["nul\u0000", "bell\u0007", "esc\u001b[0m", "lone \ud800 surrogate", "\uffff"]) {
      const error = await client.newjob({ name: "x", children: [{ name: "y", command: bad }] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HQueueError);
      expect(error).toMatchObject({ kind: "bad_request", method: "newjob", sent: false });
      expect((error as Error).message).toContain("params[0].children[0].command");
    }
    await expect(client.call("getJob", [Number.NaN])).rejects.toMatchObject({ kind: "bad_request" });
    expect(standin.calls).toEqual([]);
  });

  it("faults carry the server's faultString", async () => {
    const error = await client.getJob(999_999).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "fault", faultCode: 1, sent: true });
    expect((error as HQueueError).faultString).toContain("does not exist");
    await expect(client.newjob({ name: "" })).rejects.toMatchObject({ kind: "fault" });
    await expect(client.call("noSuchMethod", [])).rejects.toMatchObject({
      kind: "fault",
      faultString: `<class 'Exception'>:method "noSuchMethod" is not supported`,
    });
  });

  it("reads status names, clients and groups", async () => {
    const names = await client.statusNames();
    expect(names.all).toEqual(expect.arrayContaining(["runnable", "queued", "running", "succeeded", "failed", "cancelled"]));
    expect(names.running).toContain("running");
    expect(names.failed).toContain("failed");
    expect(names.succeeded).toEqual(["succeeded"]);
    expect(names.paused).toContain("paused");
    expect(await client.getClients(["id", "hostname"])).toEqual([{ id: 1, hostname: "standin-linux-01" }]);
    expect(standin.calls.at(-1)).toEqual({ method: "getClients", params: [null, ["id", "hostname"]] });
    expect(await client.getClientGroups()).toEqual([{ id: 1, name: "Fusion", clients: [1] }]);
    expect(await client.getClientGroups(["name"])).toEqual([{ name: "Fusion" }]);
    expect(standin.calls.at(-1)).toEqual({ method: "getClientGroups", params: [null, ["name"]] });
  });

  it("has the 19.5 methods and not the legacy ones", async () => {
    expect(await client.getVersion()).toMatch(/^19\.5/);
    expect(await client.getNetworkFolders()).toEqual([
      { name: "HQROOT", linux: "/mnt/hq", macosx: "/Volumes/hq", windows: "\\\\hqserver\\hq" },
    ]);
    expect(await client.getHQRoot("linux")).toBeUndefined();
  });

  it("getJobOutput of a job that has not run is an empty string", async () => {
    expect(await client.getJobOutput((await client.newjob({ name: "out" }))[0])).toBe("");
  });
});

describe("HQueueClient against a legacy stand-in", () => {
  let standin: HQueueStandin;
  let client: HQueueClient;
  beforeAll(async () => {
    standin = await startHQueueStandin({ serverVersion: "legacy", runJobs: false, hqRoot: { windows: "H:" } });
    client = new HQueueClient(standin.url);
  });
  afterAll(() => standin.close());

  it("answers getHQRoot and lacks getVersion and getNetworkFolders", async () => {
    expect(await client.getHQRoot("windows")).toBe("H:");
    expect(await client.getHQRoot("linux")).toBe("/mnt/hq");
    expect(await client.getVersion()).toBeUndefined();
    expect(await client.getNetworkFolders()).toBeUndefined();
  });
});
