// The pure reading of clients and groups: OS family from `platform`, group ids joined to names, group members.
import { describe, expect, it } from "vitest";
import { clientOs, clientsOfGroup, clientState, readClients, readGroups, withHostnames } from "../../src-node/hqueue/farm";
import { platformFamily, platformLabel } from "../../src-node/hqueue/platform";

describe("platformFamily / platformLabel", () => {
  const cases: [unknown, string | undefined, string][] = [
    ["linux-x86_64", "linux", "Linux"],
    ["linux-aarch64", "linux", "Linux"],
    ["Linux", "linux", "Linux"],
    ["macos-arm64", "macosx", "macOS"],
    ["macos-x86_64", "macosx", "macOS"],
    ["macosx", "macosx", "macOS"],
    ["darwin-arm64", "macosx", "macOS"],
    ["osx", "macosx", "macOS"],
    ["windows-x86_64", "windows", "Windows"],
    ["win64", "windows", "Windows"],
    [" WINDOWS", "windows", "Windows"],
    // Anything else is shown as the server wrote it, never guessed.
    ["freebsd-amd64", undefined, "freebsd-amd64"],
    ["x86_64", undefined, "x86_64"],
    ["mac", undefined, "mac"],
    ["", undefined, ""],
    [undefined, undefined, ""],
    [42, undefined, ""],
  ];
  for (const [platform, family, label] of cases) {
    it(`${JSON.stringify(platform)} → ${family ?? "no family"}, shown as "${label}"`, () => {
      expect(platformFamily(platform)).toBe(family);
      expect(platformLabel(platform)).toBe(label);
    });
  }
});

describe("readClients / readGroups", () => {
  const groups = readGroups([
    { id: 1, name: "Fusion", clients: [10, 11] },
    { id: "2", name: "GPU", clients: ["11", 12] }, // <i8> ids arrive as strings
  ]);

  it("reads groups with numeric ids", () => {
    expect(groups).toEqual([
      { id: 1, name: "Fusion", clients: [10, 11] },
      { id: 2, name: "GPU", clients: [11, 12] },
    ]);
  });

  it("joins group ids to names, reads platform, disabled and available; leaves out what was not reported", () => {
    const clients = readClients(
      [
        { id: 10, hostname: "lin01", platform: "linux-x86_64", groups: [1], disabled: false, available: true },
        { id: 11, hostname: "mac01", platform: "macos-arm64", groups: [1, "2", 99], disabled: true, available: false },
        { id: 12, hostname: "odd01", platform: "plan9", groups: [] },
        { id: 13, hostname: "bare" },
      ],
      groups,
    );
    expect(clients).toEqual([
      { id: 10, hostname: "lin01", platform: "linux-x86_64", os: "linux", groups: ["Fusion"], groupIds: [1], disabled: false, available: true, state: "available" },
      // Id 99 names no known group: kept in groupIds, left out of the names.
      { id: 11, hostname: "mac01", platform: "macos-arm64", os: "macosx", groups: ["Fusion", "GPU"], groupIds: [1, 2, 99], disabled: true, available: false, state: "disabled" },
      { id: 12, hostname: "odd01", platform: "plan9", groups: [], groupIds: [] },
      { id: 13, hostname: "bare" },
    ]);
    expect(clients.map(clientState)).toEqual(["available", "disabled", undefined, undefined]);
    expect(clientState({ available: false })).toBe("unavailable");
    expect(clients.map(clientOs)).toEqual(["linux", "macosx", undefined, undefined]);
  });

  it("without a group list keeps only the ids", () => {
    expect(readClients([{ id: 1, hostname: "h", groups: [3] }])).toEqual([{ id: 1, hostname: "h", groupIds: [3] }]);
  });

  it("never reads the undocumented `os` or group names as names of groups given as ids", () => {
    const [client] = readClients([{ id: 1, hostname: "h", os: "linux", platform: "windows-x86_64" }]);
    expect(client.os).toBe("windows");
  });

  it("clients of a group: from the group's client ids and from the clients' group ids", () => {
    const clients = readClients(
      [
        { id: 10, hostname: "lin01", groups: [] }, // listed by the group only
        { id: 11, hostname: "mac01", groups: [2] },
        { id: 12, hostname: "win01", groups: [2] }, // listed by the client only
        { id: 14, hostname: "other", groups: [] },
      ],
      groups,
    );
    const partial = [{ id: 2, name: "GPU", clients: [11] }];
    expect(clientsOfGroup("GPU", partial, clients).map((c) => c.hostname)).toEqual(["mac01", "win01"]);
    expect(clientsOfGroup("Fusion", groups, clients).map((c) => c.hostname)).toEqual(["lin01", "mac01"]);
    expect(clientsOfGroup("Nope", groups, clients)).toEqual([]);
  });

  it("adds member hostnames to groups", () => {
    const clients = readClients([{ id: 10, hostname: "lin01" }, { id: 11, hostname: "mac01" }]);
    expect(withHostnames(groups, clients).map((g) => g.hostnames)).toEqual([["lin01", "mac01"], ["mac01"]]);
  });
});
