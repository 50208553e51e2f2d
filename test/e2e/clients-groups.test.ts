// `clients` and `groups` (human and --json) against the documented HQueue stand-in: OS from `platform`, group names
// joined from group ids, disabled/available state, group members; and the submit-time client/group name check.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientsResult, GroupsResult } from "../../types/request";
import { startFaultyServer } from "../support/faulty-server";
import { startHQueueStandin, type HQueueStandin } from "../support/hqueue-standin";
import { makeRequest } from "../support/requests";
import { runHelper, writeRequest } from "../support/run-helper";

let farm: HQueueStandin;
beforeAll(async () => {
  farm = await startHQueueStandin({
    runJobs: false,
    clients: [
      { hostname: "lin01", os: "linux", groups: ["Fusion"] },
      { hostname: "mac01", os: "macos", arch: "arm64", groups: ["Fusion", "GPU"] },
      { hostname: "win01", os: "windows", groups: ["GPU"], disabled: true },
      { hostname: "odd01", os: "linux", platform: "freebsd-amd64", available: false },
    ],
  });
});
afterAll(() => farm.close());

describe("hqueue-helper clients", () => {
  it("--json: platform as served, the OS family, group names and ids, disabled and available", async () => {
    const run = await runHelper(["clients", "--server", farm.url, "--json"]);
    expect(run.status).toBe(0);
    expect((run.json as ClientsResult).clients).toEqual([
      { id: 1, hostname: "lin01", platform: "linux-x86_64", os: "linux", groups: ["Fusion"], groupIds: [1], disabled: false, available: true, state: "available" },
      { id: 2, hostname: "mac01", platform: "macos-arm64", os: "macosx", groups: ["Fusion", "GPU"], groupIds: [1, 2], disabled: false, available: true, state: "available" },
      // An unknown platform is passed on as it is, with no OS family guessed.
      { id: 4, hostname: "odd01", platform: "freebsd-amd64", groups: [], groupIds: [], disabled: false, available: false, state: "unavailable" },
      { id: 3, hostname: "win01", platform: "windows-x86_64", os: "windows", groups: ["GPU"], groupIds: [2], disabled: true, available: false, state: "disabled" },
    ]);
    // Only documented attributes were asked for.
    const asked = farm.calls.filter((c) => c.method === "getClients" || c.method === "getClientGroups").map((c) => c.params[1]);
    expect(asked).toEqual([
      ["id", "hostname", "platform", "groups", "disabled", "available"],
      ["id", "name", "clients"],
    ]);
  });

  it("human: one line per client with OS, state and groups", async () => {
    const run = await runHelper(["clients", "--server", farm.url]);
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split("\n").map((line) => line.split(/\s+/));
    expect(lines).toEqual([
      ["lin01", "Linux", "available", "Fusion"],
      ["mac01", "macOS", "available", "Fusion", "GPU"],
      ["odd01", "freebsd-amd64", "unavailable"],
      ["win01", "Windows", "disabled", "GPU"],
    ]);
  });
});

describe("hqueue-helper groups", () => {
  it("--json and human: names, client ids and member hostnames", async () => {
    const run = await runHelper(["groups", "--server", farm.url, "--json"]);
    expect(run.status).toBe(0);
    expect((run.json as GroupsResult).groups).toEqual([
      { id: 1, name: "Fusion", clients: [1, 2], hostnames: ["lin01", "mac01"] },
      { id: 2, name: "GPU", clients: [2, 3], hostnames: ["mac01", "win01"] },
    ]);
    const human = await runHelper(["groups", "--server", farm.url]);
    expect(human.stdout.trimEnd().split("\n").map((line) => line.split(/\s+/))).toEqual([
      ["Fusion", "2", "client(s)", "lin01", "mac01"],
      ["GPU", "2", "client(s)", "mac01", "win01"],
    ]);
  });
});

describe("submit checks assigned client and group names against the server", () => {
  const submit = (assign: { mode: "clients" | "groups"; names: string[] }) =>
    // Commands for every OS, so that the pre-flight's OS check (preflight-clients.test.ts) lets every listed client in.
    runHelper(["submit", "--request", writeRequest(makeRequest({ server: farm.url, farm: { assign, platforms: ["linux", "macosx", "windows"], sharedRoots: [{ linux: "/mnt/hq", macosx: "/Volumes/hq", windows: "\\\\fs\\hq" }] } as never })), "--json"]);

  it("known names pass (the job is created)", async () => {
    for (const assign of [{ mode: "groups" as const, names: ["GPU"] }, { mode: "clients" as const, names: ["mac01", "lin01"] }]) {
      const run = await submit(assign);
      expect(run.json, run.stderr).toMatchObject({ ok: true, command: "submit" });
    }
  });

  it("unknown names fail before anything is sent, naming what the server has", async () => {
    const jobsBefore = farm.jobs.size;
    const group = await submit({ mode: "groups", names: ["Nope"] });
    expect(group.json).toMatchObject({ ok: false, error: { code: "bad_request", field: "farm.assign.names", hint: expect.stringContaining("Fusion, GPU") } });
    const client = await submit({ mode: "clients", names: ["nobody"] });
    expect(client.json).toMatchObject({ ok: false, error: { code: "bad_request", hint: expect.stringContaining("lin01, mac01, odd01, win01") } });
    expect(farm.jobs.size).toBe(jobsBefore);
  });
});

describe("clients and groups on a server that lacks one of the two lists", () => {
  it("clients without getClientGroups: group ids shown as #id; groups without getClients: ids, no hostnames", async () => {
    const server = await startFaultyServer({ missing: ["getClientGroups"] });
    try {
      const clients = await runHelper(["clients", "--server", server.url, "--json"]);
      expect((clients.json as ClientsResult).clients).toEqual([
        { id: 1, hostname: "render01", platform: "linux-x86_64", os: "linux", groupIds: [1], disabled: false, available: true, state: "available" },
      ]);
      const human = await runHelper(["clients", "--server", server.url]);
      expect(human.stdout.trim().split(/\s+/)).toEqual(["render01", "Linux", "available", "#1"]);
    } finally {
      await server.close();
    }
    const noClients = await startFaultyServer({ missing: ["getClients"] });
    try {
      const groups = await runHelper(["groups", "--server", noClients.url, "--json"]);
      expect((groups.json as GroupsResult).groups).toEqual([{ id: 1, name: "Fusion", clients: [1] }]);
      const human = await runHelper(["groups", "--server", noClients.url]);
      expect(human.stdout.trim().split(/\s+/)).toEqual(["Fusion", "1", "client(s)", "(+1", "unknown)"]);
    } finally {
      await noClients.close();
    }
  });
});
