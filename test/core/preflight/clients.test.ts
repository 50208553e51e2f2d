// The "no client can take this job" rule and the farm OS summary, on farms described as readClients returns them.
import { describe, expect, it } from "vitest";
import type { ClientInfo, GroupInfo, SubmitRequest } from "../../../types/request";
import { checkClients, describeClient } from "../../../src-node/core/preflight/clients";
import { farmOses, farmOsesCheck } from "../../../src-node/core/preflight/farm-oses";
import { readClients, readGroups } from "../../../src-node/hqueue/farm";
import { makeRequest, type RequestOverrides } from "../../support/requests";

// As getClients / getClientGroups answer (documented attributes), read by the helper's own reader.
const groups: GroupInfo[] = readGroups([
  { id: 1, name: "GPU", clients: [1] },
  { id: 2, name: "Fusion", clients: [2, 3, 4] },
  { id: 3, name: "Empty", clients: [] },
]);
const clients: ClientInfo[] = readClients(
  [
    { id: 1, hostname: "render01", platform: "linux-x86_64", groups: [1], disabled: false, available: true },
    { id: 2, hostname: "mac01", platform: "macos-arm64", groups: [2], disabled: true, available: false },
    { id: 3, hostname: "win01", platform: "windows-x86_64", groups: [2], disabled: false, available: false },
    { id: 4, hostname: "bsd01", platform: "freebsd-amd64", groups: [2], disabled: false, available: true },
  ],
  groups,
);
const farm = { clients, groups };
const request = (farmOptions: RequestOverrides["farm"], comp?: RequestOverrides["comp"]): SubmitRequest => makeRequest({ farm: farmOptions, comp });

describe("checkClients", () => {
  it("the issue's case: group GPU = one Linux client, commands only for Windows → refusal naming both", () => {
    const [check, ...rest] = checkClients(request({ assign: { mode: "groups", names: ["GPU"] }, platforms: ["windows"] }), farm);
    expect(rest).toEqual([]);
    expect(check).toMatchObject({ code: "no_client", level: "refusal", field: "farm.platforms" });
    expect(check.message).toBe(
      "No client can take this job: group GPU has 1 client, render01 (Linux); this job has commands only for Windows, so it would wait for a machine for ever.",
    );
    // This computer runs Linux too: adding Linux needs no shared roots.
    expect(check.hint).toBe("add Linux to the client OSes, or assign the job to clients that run Windows");
    const fromMac = checkClients(request({ assign: { mode: "groups", names: ["GPU"] }, platforms: ["windows"] }, { platform: "macosx", path: "/Volumes/hq/x.comp" }), farm)[0];
    expect(fromMac.hint).toContain("add Linux to the client OSes (with shared roots so those clients find the comp)");
  });

  it("the same group with Linux among the OSes: nothing to say", () => {
    expect(checkClients(request({ assign: { mode: "groups", names: ["GPU"] }, platforms: ["linux", "windows"] }), farm)).toEqual([]);
  });

  it("an empty group, an unknown group, unknown client names, an empty farm: refused on the assignment", () => {
    const empty = checkClients(request({ assign: { mode: "groups", names: ["Empty"] } }), farm)[0];
    expect(empty).toMatchObject({ code: "no_client", field: "farm.assign.names", message: expect.stringContaining("group Empty has 0 clients") });
    const unknown = checkClients(request({ assign: { mode: "groups", names: ["Nope"] } }), farm)[0];
    expect(unknown.message).toContain("the farm has no client group named Nope");
    const names = checkClients(request({ assign: { mode: "clients", names: ["a", "b"] } }), farm)[0];
    expect(names.message).toContain("the farm has no client named a or b");
    const none = checkClients(request({ assign: { mode: "any" } }), { clients: [], groups: [] })[0];
    expect(none).toMatchObject({ code: "no_client", field: "farm.assign", message: expect.stringContaining("the farm has 0 clients") });
  });

  it("a platform naming no known OS cannot match an os condition; a client without platform is given the benefit of the doubt", () => {
    const onlyBsd = { clients: clients.filter((c) => c.hostname === "bsd01"), groups };
    expect(checkClients(request({ platforms: ["linux"] }), onlyBsd)[0]).toMatchObject({ code: "no_client", message: expect.stringContaining("bsd01 (freebsd-amd64)") });
    const noPlatform: ClientInfo = { id: 9, hostname: "quiet01", available: true, disabled: false, state: "available" };
    expect(checkClients(request({ platforms: ["windows"], sharedRoots: [{ linux: "/mnt/hq", windows: "H:\\" }] }), { clients: [noPlatform] })).toEqual([]);
    expect(describeClient(noPlatform)).toBe("quiet01 (OS not reported)");
  });

  it("commands for all three OSes add no os condition: every assigned client counts", () => {
    const all = { platforms: ["linux", "macosx", "windows"] as const, sharedRoots: [{ linux: "/mnt/hq", macosx: "/Volumes/hq", windows: "H:\\" }] };
    expect(checkClients(request({ ...all, platforms: [...all.platforms], assign: { mode: "groups", names: ["GPU"] } }), farm)).toEqual([]);
  });

  it("same OS only: the submitting OS decides, whatever the platforms list says", () => {
    const check = checkClients(request({ assign: { mode: "clients", names: ["win01"] }, platforms: ["linux", "windows"], sameOsOnly: true }), farm)[0];
    expect(check).toMatchObject({ code: "no_client", field: "farm.sameOsOnly", message: expect.stringContaining("this job is for Linux clients only") });
    // The check box as the field table names it in every message.
    expect(check.hint).toBe("turn off \"Only this computer's OS\", or assign the job to Linux clients");
  });

  it("matching clients all disabled or unavailable: a warning with each one's state; one available client: nothing", () => {
    const all = ["linux", "macosx", "windows"] as const;
    const roots = [{ linux: "/mnt/hq", macosx: "/Volumes/hq", windows: "H:\\" }];
    const warn = checkClients(request({ assign: { mode: "groups", names: ["Fusion"] }, platforms: ["macosx", "windows"], sharedRoots: roots }), farm);
    expect(warn).toEqual([
      expect.objectContaining({ code: "clients_not_ready", level: "warning", message: expect.stringContaining("mac01 (macOS, disabled), win01 (Windows, unavailable)") }),
    ]);
    // bsd01 is available and, with commands for every OS, has no os condition to fail.
    expect(checkClients(request({ assign: { mode: "groups", names: ["Fusion"] }, platforms: [...all], sharedRoots: roots }), farm)).toEqual([]);
  });

  it("groups not listed and clients naming none: a note, never a refusal", () => {
    const idsOnly = readClients([{ id: 1, hostname: "render01", platform: "linux-x86_64", groups: [1] }]);
    expect(checkClients(request({ assign: { mode: "groups", names: ["GPU"] }, platforms: ["windows"] }), { clients: idsOnly })).toEqual([
      expect.objectContaining({ code: "clients_not_checked", level: "note" }),
    ]);
  });

  it("long client lists are cut after eight names", () => {
    const many = readClients(Array.from({ length: 12 }, (_, i) => ({ id: i + 1, hostname: `lin${i + 1}`, platform: "linux-x86_64" })));
    const check = checkClients(request({ platforms: ["windows"], sharedRoots: [{ linux: "/mnt/hq", windows: "H:\\" }] }), { clients: many })[0];
    expect(check.message).toContain("the farm has 12 clients, lin1 (Linux)");
    expect(check.message).toContain("lin8 (Linux), and 4 more; this job has commands only for Windows");
  });
});

describe("farmOses", () => {
  it("counts clients per OS, proposes the OSes present and says when shared roots are needed", () => {
    const summary = farmOses(clients, request({}));
    expect(summary).toEqual({ clients: 4, byOs: { linux: 1, macosx: 1, windows: 1 }, unknown: 1, platforms: ["linux", "macosx", "windows"], sharedRootsNeeded: true });
    const note = farmOsesCheck(summary, request({}));
    expect(note.message).toContain("run Linux (1), macOS (1), Windows (1), an OS the server does not name (1)");
    expect(note.message).toContain("This job has no commands for macOS, Windows");
    expect(note.message).toContain("shared roots are needed");
  });

  it("a farm of the submitting OS only needs no shared roots; named roots also settle it", () => {
    const linuxOnly = clients.filter((c) => c.os === "linux");
    expect(farmOses(linuxOnly, request({})).sharedRootsNeeded).toBe(false);
    expect(farmOses(clients, request({ sharedRoots: [{ linux: "/mnt/hq", windows: "H:\\" }] })).sharedRootsNeeded).toBe(false);
    expect(farmOsesCheck(farmOses([], request({})), request({})).message).toBe("The HQueue server lists no clients.");
  });
});
