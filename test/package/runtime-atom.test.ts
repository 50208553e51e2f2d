// The "KartaLink | Node.js Runtime" atom (npm run build:runtime): built here into a folder of its own from the npm
// registry packages (downloaded once into the cache, see Reactor/build-runtime.mjs), loaded as Reactor loads it,
// installed into a Reactor-like tree the way Reactor installs it, and used: the Linux node runs the built helper
// against the HQueue stand-in, and the built comp script from that tree, with the HQueue Render atom next to it,
// submits the demo comp without ever looking for a system Node.js.
//
// Downloads: the first run needs the npm registry (≈180 MB, then cached). When the registry cannot be reached the
// build fails and so does this file, with the reason; set KARTALINK_OFFLINE=1 to skip it knowingly instead.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PingResult, PlanResult, SubmitResult } from "../../types/request";
import { runFusionStandin, type Transcript } from "../support/fusion-standin";
import { type HQueueStandin, startHQueueStandin } from "../support/hqueue-standin";
import { reactorInstall } from "../support/reactor-install";
import { makeRequest } from "../support/requests";
import { repoRoot, runHelper } from "../support/run-helper";

interface RuntimeBuilder {
  RUNTIME_ATOM_ID: string;
  TARGETS: Record<string, { section: "Windows" | "Mac" | "Linux"; deploy: string }>;
  readPins(): { version: string; targets: Record<string, { package: string; integrity: string }> };
  cacheDir(env?: NodeJS.ProcessEnv): string;
  sha512Integrity(data: Buffer): string;
  atomVersion(version: string): string;
  buildRuntimeAtom(options: {
    env?: NodeJS.ProcessEnv;
    log?: (line: string) => void;
    atomsDir?: string;
    pins?: ReturnType<RuntimeBuilder["readPins"]>;
  }): { atomDir: string; version: string; cache: string };
}

const offline = process.env.KARTALINK_OFFLINE === "1";
const MAIN_ATOM_ID = "com.AndrewHazelden.KartaLink.HQueueRender";
const work = mkdtempSync(join(tmpdir(), "runtime-atom-"));
let builder: RuntimeBuilder;
let atomDir: string;
let version: string;

beforeAll(async () => {
  if (offline) return;
  builder = (await import(pathToFileURL(join(repoRoot, "Reactor/build-runtime.mjs")).href)) as RuntimeBuilder;
  try {
    ({ atomDir, version } = builder.buildRuntimeAtom({ atomsDir: join(work, "Atoms"), log: () => {} }));
  } catch (e) {
    throw new Error(
      `npm run build:runtime failed: ${(e as Error).message}\n(to run the suite knowingly without the registry, set KARTALINK_OFFLINE=1)`,
    );
  }
}, 600_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function files(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full, base) : [relative(base, full).split(sep).join("/")];
  });
}

/** The atom as Reactor's Lua sees it: fields, Deploy by section ("" = every OS), InstallScript sections that compile. */
function loadAtom(): { fields: Record<string, string>; deploy: Record<string, string[]>; install: string[] } {
  const lua = `
    local text = io.open(arg[1], "rb"):read("*a")
    local chunk = assert(loadstring("return " .. text))
    setfenv(chunk, { Atom = function(t) return t end })
    local atom = assert(chunk())
    for _, k in ipairs({ "Name", "Category", "Author", "Version" }) do print("F", k, type(atom[k]), tostring(atom[k])) end
    print("F", "Date", type(atom.Date), table.concat(atom.Date, "-"))
    for k, v in pairs(atom.Deploy) do
      if type(k) == "number" then print("D", "", v)
      else
        assert(k == "Windows" or k == "Mac" or k == "Linux", "unexpected Deploy key " .. tostring(k))
        for _, f in ipairs(v) do print("D", k, f) end
      end
    end
    for k, v in pairs(atom.InstallScript or {}) do
      for _, code in ipairs(v) do assert(loadstring(code, "InstallScript")); print("I", k) end
    end
  `;
  const script = join(work, "load-atom.lua");
  writeFileSync(script, lua);
  const run = spawnSync("luajit", [script, join(atomDir, `${builder.RUNTIME_ATOM_ID}.atom`)], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`luajit could not load the atom: ${run.stderr}`);
  const fields: Record<string, string> = {};
  const deploy: Record<string, string[]> = { "": [], Windows: [], Mac: [], Linux: [] };
  const install: string[] = [];
  for (const line of run.stdout.split("\n")) {
    const [kind, a, b, c] = line.split("\t");
    if (kind === "F") fields[a] = `${b}:${c}`;
    if (kind === "D") deploy[a].push(b);
    if (kind === "I") install.push(a);
  }
  return { fields, deploy, install };
}

describe.skipIf(offline)("Node.js runtime atom", () => {
  it("loads as a Reactor atom: Bin category, a float version from the pinned Node.js, per-OS Deploy, an InstallScript for macOS and Linux", () => {
    const { fields, deploy, install } = loadAtom();
    expect(fields.Name).toBe("string:KartaLink | Node.js Runtime");
    expect(fields.Category).toBe("string:Bin");
    expect(fields.Version).toBe(`number:${Number(builder.atomVersion(version))}`);
    const [major, minor] = version.split(".").map(Number);
    expect(Math.floor(Number(fields.Version.split(":")[1]))).toBe(major);
    expect(fields.Version).toContain(`${major}.${String(minor).padStart(2, "0")}`);
    expect(fields.Date).toMatch(/^table:\d{4}-\d{1,2}-\d{1,2}$/);
    expect(deploy[""]).toEqual(["Bin/KartaLink/NodeRuntime/LICENSE"]);
    expect(deploy.Windows).toEqual(["Bin/KartaLink/NodeRuntime/node.exe"]);
    expect(deploy.Linux).toEqual(["Bin/KartaLink/NodeRuntime/node"]);
    expect([...deploy.Mac].sort()).toEqual(["Bin/KartaLink/NodeRuntime/arm64/node", "Bin/KartaLink/NodeRuntime/x64/node"]);
    expect(install.sort()).toEqual(["Linux", "Mac"]);
  });

  it("holds exactly the files its Deploy lists, each section under its OS folder", () => {
    const { deploy } = loadAtom();
    const expected = [
      ...deploy[""],
      ...(["Windows", "Mac", "Linux"] as const).flatMap((os) => deploy[os].map((f) => `${os}/${f}`)),
      `${builder.RUNTIME_ATOM_ID}.atom`,
    ];
    expect(files(atomDir).sort()).toEqual(expected.sort());
  });

  it("ships the official binary for each OS and CPU (executable format, CPU type, sane size) and Node.js's licence", () => {
    const head = (p: string): Buffer => readFileSync(join(atomDir, p)).subarray(0, 64);
    const size = (p: string): number => statSync(join(atomDir, p)).size;
    const linux = "Linux/Bin/KartaLink/NodeRuntime/node";
    const win = "Windows/Bin/KartaLink/NodeRuntime/node.exe";
    const arm = "Mac/Bin/KartaLink/NodeRuntime/arm64/node";
    const intel = "Mac/Bin/KartaLink/NodeRuntime/x64/node";
    for (const p of [linux, win, arm, intel]) {
      expect(size(p), p).toBeGreaterThan(30e6);
      expect(size(p), p).toBeLessThan(300e6);
    }
    // ELF, 64-bit, x86-64 (e_machine 0x3e).
    expect(head(linux).subarray(0, 4).toString("latin1")).toBe("\x7fELF");
    expect(head(linux)[4]).toBe(2);
    expect(head(linux).readUInt16LE(18)).toBe(0x3e);
    // PE: "MZ", then at e_lfanew "PE\0\0" and machine 0x8664 (x64).
    const exe = readFileSync(join(atomDir, win));
    const pe = exe.readUInt32LE(0x3c);
    expect(exe.subarray(0, 2).toString("latin1")).toBe("MZ");
    expect(exe.subarray(pe, pe + 4).toString("latin1")).toBe("PE\0\0");
    expect(exe.readUInt16LE(pe + 4)).toBe(0x8664);
    // Mach-O 64-bit (0xfeedfacf) with CPU type arm64 (0x0100000c) / x86_64 (0x01000007): the two are not swapped.
    expect(head(arm).readUInt32LE(0)).toBe(0xfeedfacf);
    expect(head(arm).readUInt32LE(4)).toBe(0x0100000c);
    expect(head(intel).readUInt32LE(0)).toBe(0xfeedfacf);
    expect(head(intel).readUInt32LE(4)).toBe(0x01000007);
    const license = readFileSync(join(atomDir, "Bin/KartaLink/NodeRuntime/LICENSE"), "utf8");
    expect(license.startsWith("Node.js is licensed for use as follows:")).toBe(true);
    expect(license.length).toBeGreaterThan(10_000);
  });

  it("uses only downloads whose sha512 matches the pinned integrity, and refuses a cached file that does not", () => {
    const pins = builder.readPins();
    for (const [key, { package: pkg, integrity }] of Object.entries(pins.targets)) {
      expect(integrity, key).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
      const cached = join(builder.cacheDir(), `${pkg}-${pins.version}.tgz`);
      expect(builder.sha512Integrity(readFileSync(cached)), cached).toBe(integrity);
    }
    const badCache = mkdtempSync(join(work, "bad-cache-"));
    const first = Object.keys(builder.TARGETS)[0];
    writeFileSync(join(badCache, `${pins.targets[first].package}-${pins.version}.tgz`), "not the registry's file");
    expect(() =>
      builder.buildRuntimeAtom({ env: { ...process.env, KARTALINK_NODE_CACHE: badCache }, atomsDir: join(work, "bad-atoms"), log: () => {} }),
    ).toThrow(/has integrity sha512-.*not the pinned/);
  });

  it("refuses to download a package whose registry integrity differs from the pin (asks the registry, downloads nothing)", () => {
    const pins = builder.readPins();
    const first = Object.keys(builder.TARGETS)[0];
    const wrong = { ...pins, targets: { ...pins.targets, [first]: { ...pins.targets[first], integrity: `sha512-${"A".repeat(86)}==` } } };
    const emptyCache = mkdtempSync(join(work, "empty-cache-"));
    expect(() =>
      builder.buildRuntimeAtom({ env: { ...process.env, KARTALINK_NODE_CACHE: emptyCache }, atomsDir: join(work, "bad-atoms"), log: () => {}, pins: wrong }),
    ).toThrow(new RegExp(`the registry's integrity for ${pins.targets[first].package}@${pins.version} is ${pins.targets[first].integrity.replace(/[+/]/g, "\\$&")}`));
    expect(readdirSync(emptyCache)).toEqual([]);
  });

  it("installs on macOS with both builds made executable, and on Windows with node.exe and no InstallScript", () => {
    const mac = join(work, "Reactor-mac");
    expect(reactorInstall(atomDir, builder.RUNTIME_ATOM_ID, mac, "Mac")).toContain("ran\tInstallScript");
    expect(files(join(mac, "Deploy")).sort()).toEqual(
      ["Bin/KartaLink/NodeRuntime/LICENSE", "Bin/KartaLink/NodeRuntime/arm64/node", "Bin/KartaLink/NodeRuntime/x64/node"].sort(),
    );
    for (const cpu of ["arm64", "x64"]) expect(statSync(join(mac, `Deploy/Bin/KartaLink/NodeRuntime/${cpu}/node`)).mode & 0o111, cpu).toBe(0o111);
    const win = join(work, "Reactor-win");
    expect(reactorInstall(atomDir, builder.RUNTIME_ATOM_ID, win, "Windows")).not.toContain("ran\tInstallScript");
    expect(files(join(win, "Deploy")).sort()).toEqual(["Bin/KartaLink/NodeRuntime/LICENSE", "Bin/KartaLink/NodeRuntime/node.exe"]);
    rmSync(mac, { recursive: true, force: true });
    rmSync(win, { recursive: true, force: true });
  });

  describe("installed into a Reactor-like tree (Linux)", () => {
    let farm: HQueueStandin;
    const tree = join(work, "Reactor");
    let node: string;
    beforeAll(async () => {
      farm = await startHQueueStandin({ port: 0, clients: [{ hostname: "rn-linux-01", os: "linux", groups: ["Fusion"] }] });
      const lines = reactorInstall(atomDir, builder.RUNTIME_ATOM_ID, tree, "Linux");
      expect(lines).toContain("ran\tInstallScript");
      reactorInstall(join(repoRoot, "dist/Reactor/Atoms", MAIN_ATOM_ID), MAIN_ATOM_ID, tree, "Linux");
      node = join(tree, "Deploy/Bin/KartaLink/NodeRuntime/node");
    }, 120_000);
    afterAll(async () => {
      await farm?.close();
    });

    it("holds only the two atoms' files, and the InstallScript made node executable again", () => {
      const deployed = files(join(tree, "Deploy")).sort();
      expect(deployed).toEqual(
        [
          "Bin/KartaLink/NodeRuntime/LICENSE",
          "Bin/KartaLink/NodeRuntime/node",
          "Bin/KartaLink/HQueueRender/hqueue-helper.js",
          "Docs/Kartaverse/KartaLink/HQueue Render/README.md",
          "Scripts/Comp/KartaLink/HQueue Render.lua",
          // The docs' pictures, as many as the atom ships.
          ...files(join(repoRoot, "dist/Reactor/Atoms", MAIN_ATOM_ID, "Docs")).filter((f) => f.endsWith(".png")).map((f) => `Docs/${f}`),
        ].sort(),
      );
      expect(statSync(node).mode & 0o111).toBe(0o111);
      // Everything else came as the download left it (0644): only the InstallScript set the bit.
      expect(statSync(join(tree, "Deploy/Bin/KartaLink/NodeRuntime/LICENSE")).mode & 0o111).toBe(0);
      const run = spawnSync(node, ["--version"], { encoding: "utf8" });
      expect(run.stdout.trim()).toBe(`v${version}`);
    });

    it("runs the built helper against the HQueue stand-in: ping, plan, submit", async () => {
      const helper = join(tree, "Deploy/Bin/KartaLink/HQueueRender/hqueue-helper.js");
      const ping = await runHelper(["ping", "--server", farm.url, "--json"], { node });
      expect(ping.status, ping.stderr).toBe(0);
      expect((ping.json as PingResult).nodeVersion).toBe(`v${version}`);
      const requestFile = join(work, "request.json");
      writeFileSync(requestFile, JSON.stringify(makeRequest({ server: farm.url, job: { framesPerTask: 4 } })));
      const plan = await runHelper(["plan", "--request", requestFile, "--json"], { node });
      expect(plan.status, plan.stderr).toBe(0);
      expect((plan.json as PlanResult).taskCount).toBe(3);
      expect((plan.json as PlanResult).nodeVersion).toBe(`v${version}`);
      const before = farm.calls.filter((c) => c.method === "newjob").length;
      const submit = await runHelper(["submit", "--request", requestFile, "--json"], { node });
      expect(submit.status, submit.stderr).toBe(0);
      expect((submit.json as SubmitResult).jobId).toBeGreaterThan(0);
      expect(farm.calls.filter((c) => c.method === "newjob").length).toBe(before + 1);
      // The deployed helper is the one the build made (runHelper runs a copy of dist/build's).
      expect(readFileSync(helper)).toEqual(readFileSync(join(repoRoot, "dist/build/hqueue-helper.js")));
    });

    it("the comp script from the tree uses the runtime's node, not the system's, and submits the demo comp", async () => {
      const project = mkdtempSync(join(work, "project-"));
      mkdirSync(join(project, "sh030"));
      const comp = join(project, "sh030", "sh030.comp");
      copyFileSync(join(repoRoot, "test/comps/e2e-basic.comp"), comp);
      const fakeSystemBin = mkdtempSync(join(work, "system-bin-"));
      writeFileSync(join(fakeSystemBin, "node"), "#!/bin/sh\necho 'not the node to use' >&2\nexit 1\n");
      chmodSync(join(fakeSystemBin, "node"), 0o755);
      const before = farm.calls.filter((c) => c.method === "newjob").length;
      const t: Transcript = await runFusionStandin({
        script: join(tree, "Deploy/Scripts/Comp/KartaLink/HQueue Render.lua"),
        platform: "Linux",
        comp: { file: comp, fileName: comp, modified: false },
        prefs: { "Global.Paths.Map.Reactor:": `${tree}/` },
        // Nothing set by hand: no KARTALINK_NODE, no helper override. The comp script sees a PATH with only a
        // "system" node that cannot run the helper (and /usr/bin/node may exist): the runtime's must come first.
        env: { KARTALINK_NODE: false, KARTALINK_HQUEUE_HELPER: false, PATH: `${fakeSystemBin}:/usr/bin:/bin` },
        actions: [
          { do: "set", id: "Server", prop: "Text", value: farm.url },
          { do: "set", id: "FramesPerTask", prop: "Value", value: 5 },
          { do: "click", id: "ShowAdvanced" }, // the per-OS Render Node paths show with the advanced options
          { do: "set", id: "RenderNodeLinux", prop: "Text", value: join(repoRoot, "dist/dev/render-node/FusionRenderNode") },
          { do: "click", id: "Submit" },
          { do: "timers", maxTicks: 300, sleepMs: 100 },
          { do: "close" },
        ],
      });
      expect(t.error).toBeNull();
      expect(farm.calls.filter((c) => c.method === "newjob").length).toBe(before + 1);
      const main = t.windows.find((w) => w.id === "KartaLinkHQueueRender");
      const nodeField = main?.items.NodePath as { PlaceholderText?: string; ToolTip?: string };
      expect(nodeField.PlaceholderText).toBe(`Found: ${node} (KartaLink | Node.js Runtime, Node.js v${version})`);
      // Every helper run is the runtime's node.
      const commands = t.executed.map((e) => e.cmd);
      const helperRuns = commands.filter((c) => c.includes("hqueue-helper.js"));
      expect(helperRuns.length).toBeGreaterThan(0);
      // Background runs start `( <node> <helper> …; echo exited > … ) … &`: the program is the runtime's node.
      for (const c of helperRuns) {
        const line = c.replace(/^\(\s*/, "");
        expect(line.startsWith(`'${node}' `) || line.startsWith(`${node} `), c).toBe(true);
      }
      expect(existsSync(join(project, "sh030", "render"))).toBe(true);
    });
  });
});
