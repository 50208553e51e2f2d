// The HQueue stand-in serves exactly the documented query API (SideFX 12 Python API, transcribed in
// test/support/hqueue-documented.ts): attribute names and types, `attribs` honoured exactly, nothing undocumented.
import { afterEach, describe, expect, it } from "vitest";
import { HQueueClient } from "../../src-node/hqueue/client";
import { HQueueError } from "../../src-node/hqueue/hqueue-error";
import type { JobSpec } from "../../types/request";
import { DOCUMENTED_CLIENT_ATTRIBS, DOCUMENTED_GROUP_ATTRIBS, DOCUMENTED_JOB_ATTRIBS, DOCUMENTED_JOB_STATUSES } from "../support/hqueue-documented";
import { startHQueueStandin, type HQueueStandin, type StandinOptions } from "../support/hqueue-standin";

let standin: HQueueStandin | undefined;
afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

const FARM: StandinOptions = {
  runJobs: false,
  clients: [
    { hostname: "lin01", os: "linux", groups: ["Fusion"] },
    { hostname: "mac01", os: "macos", arch: "arm64", groups: ["Fusion", "GPU"] },
    { hostname: "win01", os: "windows", groups: ["GPU"], disabled: true },
    { hostname: "odd01", os: "linux", platform: "freebsd-amd64", available: false },
  ],
};

async function start(options: StandinOptions = FARM): Promise<HQueueClient> {
  standin = await startHQueueStandin(options);
  return new HQueueClient(standin.url, { timeoutMs: 5000 });
}

const sorted = (keys: Iterable<string>): string[] => [...keys].sort();

describe("HQueue stand-in: clients", () => {
  it("getClients serves exactly the documented attributes, with documented types", async () => {
    const client = await start();
    const all = await client.getClients();
    expect(all).toHaveLength(4);
    for (const c of all) expect(sorted(Object.keys(c))).toEqual(sorted(DOCUMENTED_CLIENT_ATTRIBS));
    const [lin, mac, win, odd] = all;
    expect(lin).toMatchObject({ id: 1, hostname: "lin01", platform: "linux-x86_64", groups: [1], disabled: false, available: true, runningJobs: [] });
    expect(mac).toMatchObject({ hostname: "mac01", platform: "macos-arm64", groups: [1, 2] });
    // A disabled client is not available either.
    expect(win).toMatchObject({ hostname: "win01", platform: "windows-x86_64", groups: [2], disabled: true, available: false });
    expect(odd).toMatchObject({ platform: "freebsd-amd64", groups: [], disabled: false, available: false });
    expect(lin.lastHeartbeat).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/); // a dateTime on the wire
    for (const key of ["cpus", "memory", "idleTime", "cpuSpeed"]) expect(Number.isInteger(lin[key])).toBe(true);
    expect(typeof lin.load).toBe("number");
    expect(lin.threadId).toBeNull();
  });

  it("getClients with attribs returns exactly those keys, and client ids filter", async () => {
    const client = await start();
    for (const attribs of [["hostname"], ["id", "platform", "groups"], ["disabled", "available", "runningJobs", "lastHeartbeat"], [...DOCUMENTED_CLIENT_ATTRIBS]]) {
      const answer = await client.getClients(attribs);
      expect(answer).toHaveLength(4);
      for (const c of answer) expect(sorted(Object.keys(c))).toEqual(sorted(attribs));
    }
    // Undocumented names (what the stand-in used to serve) are never served.
    for (const c of await client.getClients(["hostname", "os", "arch", "isAvailable", "status", "name"])) expect(Object.keys(c)).toEqual(["hostname"]);
    expect(await client.call("getClients", [[2, 4], ["hostname"]])).toEqual([{ hostname: "mac01" }, { hostname: "odd01" }]);
  });

  it("getClient, getClientsByHostname and getClientByHostname answer like getClients", async () => {
    const client = await start();
    expect(await client.call("getClient", [2, ["hostname", "platform"]])).toEqual({ hostname: "mac01", platform: "macos-arm64" });
    expect(sorted(Object.keys(await client.call<Record<string, unknown>>("getClient", [1])))).toEqual(sorted(DOCUMENTED_CLIENT_ATTRIBS));
    expect(await client.call("getClientByHostname", ["win01", ["id", "disabled"]])).toEqual({ id: 3, disabled: true });
    expect(await client.call("getClientsByHostname", [["odd01", "lin01"], ["id"]])).toEqual([{ id: 1 }, { id: 4 }]);
    expect(await client.call<unknown[]>("getClientsByHostname", [null, ["id"]])).toHaveLength(4);
    const missing = await client.call("getClientByHostname", ["nobody"]).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(HQueueError);
    expect(missing).toMatchObject({ kind: "fault", faultString: expect.stringContaining("does not exist") });
  });
});

describe("HQueue stand-in: client groups", () => {
  it("getClientGroups serves id, name and clients (client ids), honours group_ids and attribs", async () => {
    const client = await start();
    expect(await client.getClientGroups()).toEqual([
      { id: 1, name: "Fusion", clients: [1, 2] },
      { id: 2, name: "GPU", clients: [2, 3] },
    ]);
    for (const g of await client.getClientGroups()) expect(sorted(Object.keys(g))).toEqual(sorted(DOCUMENTED_GROUP_ATTRIBS));
    expect(await client.getClientGroups(["name"])).toEqual([{ name: "Fusion" }, { name: "GPU" }]);
    expect(await client.call("getClientGroups", [[2], ["id", "clients"]])).toEqual([{ id: 2, clients: [2, 3] }]);
  });
});

describe("HQueue stand-in: jobs", () => {
  it("getJobs serves exactly the documented attributes; status is a documented status, uiStatus the UI text", async () => {
    const client = await start();
    const [root] = await client.newjob({ name: "r", description: "d", submittedBy: "me", children: [{ name: "c", command: "true" }] });
    const [parent, child] = await client.getJobs([root, root + 1]);
    for (const j of [parent, child]) expect(sorted(Object.keys(j))).toEqual(sorted(DOCUMENTED_JOB_ATTRIBS));
    expect(parent).toMatchObject({ status: "queued", uiStatus: "waiting for machine", parents: [], children: [root + 1], progress: 0 });
    expect(child).toMatchObject({ status: "runnable", parents: [root], children: [] });
    expect(await client.call("getAllJobStatusNames", [])).toEqual([...DOCUMENTED_JOB_STATUSES]);
    expect(await client.getJobs([root], ["name", "status", "command", "description"])).toEqual([{ name: "r", status: "queued" }]);
    // Both spellings of the status query: the documented one (sic) and the one public code calls.
    expect(await client.call("getJobIdsBySatus", [["runnable"]])).toEqual([root + 1]);
    expect(await client.call("getJobIdsByStatus", [["queued"]])).toEqual([root]);
  });
});

describe("HQueue stand-in: disabled and unavailable clients take no work", () => {
  it("a job only a disabled or unavailable client could take waits; one for an enabled client runs", async () => {
    const client = await start({ ...FARM, runJobs: true });
    const onHost = (host: string): JobSpec => ({ name: `on ${host}`, command: "true", conditions: [{ type: "client", name: "hostname", op: "==", value: host }] });
    const [win, odd, lin] = await client.newjob([onHost("win01"), onHost("odd01"), onHost("lin01")]);
    expect((await standin!.waitForJob(lin, 10_000)).status).toBe("succeeded");
    // The scheduler has had its passes (the linux job finished after them): the others are still waiting.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await client.getJobs([win, odd], ["status"])).toEqual([{ status: "runnable" }, { status: "runnable" }]);
    expect(standin!.jobs.get(win)?.clientHostname).toBeNull();
  });

  it("the os condition compares the prefix of the client's platform", async () => {
    const client = await start({ runJobs: true, clients: [{ hostname: "mac01", os: "macos", arch: "arm64" }] });
    const [id] = await client.newjob({ name: "mac", command: 'echo "$HQCLIENTARCH"', conditions: [{ type: "client", name: "os", op: "==", value: "macos" }] });
    const job = await standin!.waitForJob(id, 10_000);
    expect(job.status).toBe("succeeded");
    expect(job.output).toBe("macos-arm64\n");
  });
});
