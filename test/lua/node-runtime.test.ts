// Which node the comp script picks (src-lua/node-runtime.ts, findNode in src-lua/helper.ts), under LuaJIT in the
// Fusion stand-in: the Node.js Runtime atom's node comes before any system Node.js, found next to the script's
// install root or through the `Reactor:` path map; on macOS the one for Fusion's CPU (ffi.arch) first. The dialog's
// Node.js field says which node, from where, and (once the helper answered) its version; a too old Node.js is refused.
// The runtime atom itself, and a whole submission through it, are in test/package/runtime-atom.test.ts.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runFusionStandin, type StandinConfig, type Transcript } from "../support/fusion-standin";
import { repoRoot } from "../support/run-helper";
import { buildCompScript, MAIN } from "./comp-script-harness";

const RUNTIME = "Bin/KartaLink/NodeRuntime";
const work = mkdtempSync(join(tmpdir(), "node-runtime-lua-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A Reactor folder whose Deploy holds the given files (fake programs: the script only checks that they exist). */
function reactorTree(deployFiles: string[]): string {
  const root = mkdtempSync(join(work, "Reactor-"));
  for (const file of deployFiles) {
    const full = join(root, "Deploy", file);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, "#!/bin/sh\nexit 1\n");
    chmodSync(full, 0o755);
  }
  return root;
}

/** Opens the dialog without running anything (exec "record") and returns the transcript. */
function open(config: Partial<StandinConfig>): Promise<Transcript> {
  return runFusionStandin({
    script: buildCompScript(),
    platform: "Linux",
    exec: "record",
    comp: { file: join(repoRoot, "test/comps/lua-basic.comp") },
    actions: [{ do: "timers", maxTicks: 3 }, { do: "close" }],
    ...config,
    env: { KARTALINK_NODE: false, KARTALINK_HQUEUE_HELPER: join(repoRoot, "test/support/fake-helper.js"), ...config.env },
  });
}

function nodeField(t: Transcript): string {
  expect(t.error).toBeNull();
  const item = t.windows.find((w) => w.id === MAIN)?.items.NodePath;
  return String(item?.PlaceholderText ?? "");
}

/** A folder with a "system" node in it, to put on PATH: the runtime atom's node must still win. */
function systemBin(name = "node"): string {
  const dir = mkdtempSync(join(work, "system bin-"));
  writeFileSync(join(dir, name), "#!/bin/sh\nexit 1\n");
  chmodSync(join(dir, name), 0o755);
  return dir;
}

describe("the comp script's node", () => {
  it("Linux: the runtime atom's node through the Reactor: path map, before a node on PATH", async () => {
    const root = reactorTree([`${RUNTIME}/node`]);
    const t = await open({ env: { PATH: `${systemBin()}:/usr/bin:/bin` }, prefs: { "Global.Paths.Map.Reactor:": `${root}/` } });
    expect(nodeField(t)).toBe(`Found: ${root}/Deploy/${RUNTIME}/node (KartaLink | Node.js Runtime)`);
  });

  it("Linux without the runtime atom: the first node on PATH, found without starting a process", async () => {
    const bin = systemBin();
    const t = await open({ env: { PATH: `/nonexistent::${bin}:/usr/bin` } });
    expect(nodeField(t)).toBe(`Found: ${bin}/node (PATH)`);
    // The only process is the helper's run (recorded, not run): none to look for node.
    expect(t.executed.map((e) => e.cmd).filter((c) => !c.includes("fake-helper.js"))).toEqual([]);
  });

  it("Windows without the runtime atom: node.exe in a quoted PATH entry", async () => {
    // The stand-in runs on this OS's files: `<dir>\node.exe` is a file with a backslash in its name.
    const dir = join(mkdtempSync(join(work, "win-")), "Program Files", "nodejs");
    mkdirSync(dirname(dir), { recursive: true });
    writeFileSync(`${dir}\\node.exe`, "");
    const t = await open({ platform: "Windows", env: { PATH: `C:\\Nowhere; "${dir}" ;` } });
    expect(nodeField(t)).toBe(`Found: ${dir}\\node.exe (PATH)`);
    expect(t.executed.map((e) => e.cmd).filter((c) => !c.includes("fake-helper.js"))).toEqual([]);
  });

  it("a hand install: the runtime next to the script's install root, without Reactor", async () => {
    const root = mkdtempSync(join(work, "fusion-user-"));
    const script = join(root, "Scripts/Comp/KartaLink/HQueue Render.lua");
    mkdirSync(dirname(script), { recursive: true });
    copyFileSync(buildCompScript(), script);
    mkdirSync(join(root, RUNTIME), { recursive: true });
    writeFileSync(join(root, RUNTIME, "node"), "");
    const t = await open({ script });
    expect(nodeField(t)).toBe(`Found: ${root}/${RUNTIME}/node (KartaLink | Node.js Runtime)`);
  });

  it.each([
    ["arm64", [`${RUNTIME}/arm64/node`, `${RUNTIME}/x64/node`], "arm64"],
    ["x64", [`${RUNTIME}/arm64/node`, `${RUNTIME}/x64/node`], "x64"],
    // An older runtime install with the Intel build only: Fusion on Apple Silicon still runs it (under Rosetta).
    ["arm64", [`${RUNTIME}/x64/node`], "x64"],
  ])("macOS, Fusion on %s: picks the matching build first (%#)", async (cpuArch, files, expected) => {
    const root = reactorTree(files);
    const t = await open({ platform: "Mac", cpuArch, env: { PATH: systemBin() }, prefs: { "Global.Paths.Map.Reactor:": `${root}/` } });
    expect(nodeField(t)).toBe(`Found: ${root}/Deploy/${RUNTIME}/${expected}/node (KartaLink | Node.js Runtime)`);
  });

  it("Windows: node.exe from the runtime atom", async () => {
    const root = reactorTree([`${RUNTIME}/node.exe`]);
    const t = await open({ platform: "Windows", env: { PATH: systemBin("node.exe") }, prefs: { "Global.Paths.Map.Reactor:": `${root}/` } });
    expect(nodeField(t)).toBe(`Found: ${root}/Deploy/${RUNTIME}/node.exe (KartaLink | Node.js Runtime)`);
  });

  it("an explicit KARTALINK_NODE still wins over the runtime atom", async () => {
    const root = reactorTree([`${RUNTIME}/node`]);
    const t = await open({ env: { KARTALINK_NODE: process.execPath }, prefs: { "Global.Paths.Map.Reactor:": `${root}/` } });
    expect(nodeField(t)).toBe(`Found: ${process.execPath} (KARTALINK_NODE)`);
  });

  it("when nothing is found, the fix names the runtime atom first", async () => {
    const t = await open({
      platform: "Windows",
      env: { ProgramFiles: false, LOCALAPPDATA: false, USERPROFILE: false, ChocolateyInstall: false },
      actions: [{ do: "timers", maxTicks: 3 }, { do: "close" }],
    });
    expect(t.error).toBeNull();
    // The label wraps long lines: compare with single spaces.
    const status = String(t.windows.find((w) => w.id === MAIN)?.items.Status?.Text ?? "").replace(/\s+/g, " ");
    expect(status).toContain("Node.js was not found on this computer");
    expect(status).toContain('Reactor also installs "KartaLink | Node.js Runtime"');
    expect(status).toContain("https://nodejs.org");
  });

  it("shows the version the helper reports, and a Node.js older than 18 is refused with the fix", async () => {
    // A node that says it is v16: the real node with process.version replaced before the helper loads.
    const dir = mkdtempSync(join(work, "old-node-"));
    writeFileSync(join(dir, "old.js"), 'Object.defineProperty(process, "version", { value: "v16.20.2" });\n');
    const oldNode = join(dir, "node");
    writeFileSync(oldNode, `#!/bin/sh\nexec '${process.execPath}' -r '${join(dir, "old.js")}' "$@"\n`);
    chmodSync(oldNode, 0o755);
    const helper = { KARTALINK_HQUEUE_HELPER: join(repoRoot, "dist/build/hqueue-helper.js") };
    // Helper runs are in the background: let the timers run until the plan has answered.
    const waitForHelper = [{ do: "timers" as const, maxTicks: 80, sleepMs: 100 }, { do: "close" as const }];
    const current = await open({ exec: "real", env: { ...helper, KARTALINK_NODE: process.execPath }, actions: waitForHelper });
    expect(nodeField(current)).toBe(`Found: ${process.execPath} (KARTALINK_NODE, Node.js ${process.version})`);

    const old = await open({ exec: "real", env: { ...helper, KARTALINK_NODE: oldNode }, actions: waitForHelper });
    expect(old.error).toBeNull();
    const texts = Object.values(old.windows.find((w) => w.id === MAIN)?.items ?? {}).map((i) => String(i.Text ?? "").replace(/\s+/g, " "));
    const shown = texts.find((t) => t.includes("is too old"));
    expect(shown).toContain("Node.js v16.20.2 is too old: HQueue Render needs Node.js 18 or newer.");
    expect(shown).toContain("KartaLink | Node.js Runtime");
  });
});
