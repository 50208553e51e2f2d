/**
 * Issue 13 in the comp script, under real LuaJIT in the Fusion stand-in with the fake helper: Loaders read from the
 * live comp into `comp.loaders`, the helper's pre-flight checks shown next to their fields (each sentence once), a
 * fresh dialog's client OSes from the farm, and temp files in a folder whose name is not ASCII.
 */
import * as fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PreflightCheck } from "../../types/request";
import { COMPS, MAIN, MONITOR, buildCompScript, click, removeRunDirs, runCompScript, timers } from "./comp-script-harness";

beforeAll(() => {
  buildCompScript();
}, 300_000);
afterAll(() => removeRunDirs());

const waitFor = (seconds: number) => ({ do: "timers" as const, maxTicks: Math.ceil((seconds * 1000) / 20), sleepMs: 20 });

const LOADER_COMP = `Composition {
  RenderRange = { 1, 10 }, GlobalRange = { 1, 10 },
  Tools = ordered() {
    Plate = Loader { Clips = { Clip { ID = "Clip1", Filename = "Comp:plates/plate.0001.exr", GlobalStart = 1, GlobalEnd = 10 } } },
    Old = Loader { PassThrough = true, Clips = { Clip { ID = "Clip1", Filename = "/nowhere/old.exr" } } },
    Empty = Loader { },
    Out = Saver { Inputs = { Clip = Input { Value = Clip { Filename = "Comp:render/out.0000.exr" } } } },
  },
}
`;

function compIn(dir: string, text: string, name = "shot.comp"): { file: string; fileName: string } {
  const file = path.join(dir, "shots", name);
  fs.writeFileSync(file, text);
  return { file, fileName: file };
}

describe("Loaders from the live comp", () => {
  it("every Loader, by name, pass-through as disabled, its Clip mapped like a Saver's; none without a Clip file", async () => {
    const run = await runCompScript((dir) => ({ comp: compIn(dir, LOADER_COMP), actions: [click("Submit")] }));
    expect(run.transcript.error).toBeNull();
    const request = run.callsOf("submit")[0].request!;
    const shots = path.join(run.dir, "shots");
    expect(request.comp.loaders).toEqual([
      { name: "Empty", enabled: true, path: "" },
      { name: "Old", enabled: false, path: "/nowhere/old.exr", rawPath: "/nowhere/old.exr" },
      { name: "Plate", enabled: true, path: path.join(shots, "plates/plate.0001.exr"), rawPath: "Comp:plates/plate.0001.exr" },
    ]);
    // The Saver list is unchanged by the Loaders (GetToolList(false, "Saver") only).
    expect(request.comp.savers.map((s) => s.name)).toEqual(["Out"]);
  });

  it("a Fusion whose GetToolList ignores the type: only tools whose TOOLS_RegID is Loader", async () => {
    const run = await runCompScript((dir) => ({ comp: { ...compIn(dir, LOADER_COMP), toolListIgnoresRegId: true }, actions: [click("Submit")] }));
    expect(run.transcript.error).toBeNull();
    const request = run.callsOf("submit")[0].request!;
    expect(request.comp.loaders!.map((l) => l.name)).toEqual(["Empty", "Old", "Plate"]);
    expect(request.comp.savers.map((s) => s.name)).toEqual(["Out"]);
  });
});

const FOLDER_WORDS = (folder: string) => `Saver Out: its folder ${folder} does not exist on this computer.`;

describe("the helper's checks next to their fields", () => {
  it("client checks by Clients, OS checks by Client OSes, comp checks above Submit; the missing-folder sentence once", async () => {
    let folder = "";
    const run = await runCompScript((dir) => {
      folder = path.join(dir, "shots", "render");
      const checks: PreflightCheck[] = [
        { code: "clients_not_ready", level: "warning", field: "farm.assign.names", message: "Group GPU: its only client, render01, is disabled." },
        { code: "local_path", level: "warning", field: "comp.loaders", tool: "Plate", message: "Loader Plate reads /home/me/plate.exr, on this computer only." },
        { code: "output_folder_missing", level: "warning", field: "comp.savers", tool: "Out", path: folder, message: FOLDER_WORDS(folder) },
        { code: "farm_oses", level: "note", field: "farm.platforms", message: "The farm's 1 client(s) run Linux (1). Proposed client OSes: linux." },
      ];
      const plan = {
        ok: true, command: "plan", frameCount: 10, taskCount: 1, tasks: [], spec: { name: "x" },
        warnings: ["Saver Out writes a movie: one task.", ...checks.filter((c) => c.level === "warning").map((c) => c.message)],
        notes: checks.filter((c) => c.level === "note").map((c) => c.message),
        checks,
        farm: { clients: 1, byOs: { linux: 1 }, unknown: 0, platforms: ["linux"], sharedRootsNeeded: false },
      };
      return { comp: compIn(dir, LOADER_COMP), responses: { plan }, idleTimers: false, actions: [timers, waitFor(1)] };
    });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("plan")[0].argv).toContain("--server-clients");
    expect(run.text(MAIN, "AssignStatus")).toBe("Warning: Group GPU: its only client, render01, is disabled.");
    expect(run.text(MAIN, "RootsStatus")).toBe("The farm's clients run Linux.");
    const checks = run.text(MAIN, "Checks");
    expect(checks.split(FOLDER_WORDS(folder))).toHaveLength(2);
    expect(checks).toContain("Warning: Loader Plate reads /home/me/plate.exr, on this computer only.");
    expect(checks).toContain("Warning: Saver Out writes a movie: one task.");
    expect(checks).not.toContain("render01");
    expect(checks).not.toContain("Proposed client OSes");
    expect(run.item(MAIN, "CreateFolders").Visible).toBe(true);
  });

  it("a refused plan: the refusal by its field, the warnings that came with it where they belong", async () => {
    const refusal: PreflightCheck = { code: "no_client", level: "refusal", field: "farm.assign.names", message: "No client can take this job: group GPU has 1 client, render01 (Linux); this job has commands only for Windows." };
    const warning: PreflightCheck = { code: "local_path", level: "warning", field: "comp.path", message: "The comp is saved in /tmp/x.comp, on this computer only." };
    const run = await runCompScript((dir) => ({
      comp: compIn(dir, LOADER_COMP),
      responses: { plan: { ok: false, error: { code: "no_client", message: refusal.message, field: refusal.field, checks: [refusal, warning] } } },
      idleTimers: false,
      actions: [timers, waitFor(1)],
    }));
    expect(run.transcript.error).toBeNull();
    expect(run.text(MAIN, "AssignStatus")).toContain("group GPU has 1 client, render01 (Linux)");
    expect(run.text(MAIN, "Checks")).toContain("Warning: The comp is saved in /tmp/x.comp, on this computer only.");
    expect(run.text(MAIN, "Checks")).not.toContain("render01");
  });
});

const FARM = { clients: 3, byOs: { linux: 2, windows: 1 }, unknown: 0, platforms: ["linux", "windows"], sharedRootsNeeded: true };
const planWithFarm = { ok: true, command: "plan", frameCount: 10, taskCount: 1, tasks: [], spec: { name: "x" }, warnings: [], notes: [], farm: FARM };
const osBoxes = (run: Awaited<ReturnType<typeof runCompScript>>) => ["OsLinux", "OsMac", "OsWindows"].filter((id) => run.item(MAIN, id).Checked === true);

describe("a fresh dialog's client OSes", () => {
  it("no stored settings, the server answers: the farm's OSes are ticked, shared roots asked for, the next plan uses them", async () => {
    const run = await runCompScript({ responses: { plan: planWithFarm }, idleTimers: false, actions: [timers, waitFor(2), click("Submit"), waitFor(3)] });
    expect(run.transcript.error).toBeNull();
    expect(osBoxes(run)).toEqual(["OsLinux", "OsWindows"]);
    const submit = run.callsOf("submit");
    expect(submit).toHaveLength(1);
    expect(submit[0].request!.farm.platforms).toEqual(["linux", "windows"]);
    expect(run.text(MONITOR, "JobTitle")).toContain("Submitted job 42");
  });

  it("says so next to the client OSes, and that Windows clients need a shared root", async () => {
    const run = await runCompScript({ responses: { plan: planWithFarm }, idleTimers: false, actions: [timers, waitFor(2)] });
    expect(run.transcript.error).toBeNull();
    const roots = run.text(MAIN, "RootsStatus");
    expect(roots).toContain("The farm's clients run Linux and Windows. Client OSes set to match");
    expect(roots).toContain("for Windows clients to find the comp, fill in a shared root under Per-OS paths");
    // The per-OS rows start hidden (one OS); the proposal's second OS shows them, as ticking it by hand would.
    expect(run.item(MAIN, "Root1Windows").Visible).toBe(true);
    expect(run.item(MAIN, "RenderNodeWindows").Visible).toBe(true);
  });

  it("the server does not answer (no farm): the submitting OS stays", async () => {
    const run = await runCompScript({ idleTimers: false, actions: [timers, waitFor(1)] });
    expect(run.transcript.error).toBeNull();
    expect(osBoxes(run)).toEqual(["OsLinux"]);
    expect(run.text(MAIN, "RootsStatus")).toBe("");
  });

  it("never over the artist's ticks: an OS box clicked before the answer stays as clicked", async () => {
    const run = await runCompScript({
      responses: { plan: planWithFarm },
      idleTimers: false,
      // A user edit: the stand-in emits Clicked, as Qt does.
      actions: [{ do: "set", id: "OsMac", prop: "Checked", value: true }, timers, waitFor(2)],
    });
    expect(run.transcript.error).toBeNull();
    expect(osBoxes(run)).toEqual(["OsLinux", "OsMac"]);
    expect(run.text(MAIN, "RootsStatus")).toContain("Windows is not ticked");
  });

  it("Submit clicked before any answer: Submit's own plan changes no tick, the job goes with what the artist saw", async () => {
    const run = await runCompScript({ responses: { plan: planWithFarm }, idleTimers: false, actions: [click("Submit"), waitFor(3)] });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("submit")[0].request!.farm.platforms).toEqual(["linux"]);
    expect(osBoxes(run)).toEqual(["OsLinux"]);
  });

  it("settings stored in the comp: nothing is proposed", async () => {
    const run = await runCompScript((dir) => ({
      comp: {
        file: path.join(COMPS, "lua-basic.comp"),
        fileName: path.join(dir, "shots", "basic.comp"),
        data: { KartaLink: { HQueueRender: { schema: 1, last: { server: "hq:5000", platforms: ["linux"] } } } },
      },
      responses: { plan: planWithFarm },
      idleTimers: false,
      actions: [timers, waitFor(2)],
    }));
    expect(run.transcript.error).toBeNull();
    expect(osBoxes(run)).toEqual(["OsLinux"]);
    expect(run.text(MAIN, "RootsStatus")).toContain("Windows is not ticked");
  });
});

describe("temp files in a folder whose name is not ASCII (Linux end to end)", () => {
  it("request, response and phase files under TMPDIR 'Łukasz 山田 😀': Submit goes, nothing left behind", async () => {
    let temp = "";
    const run = await runCompScript((dir) => {
      temp = path.join(dir, "Łukasz 山田 😀 tmp");
      fs.mkdirSync(temp);
      return { env: { TMPDIR: temp, TEMP: temp, TMP: temp }, actions: [click("Submit")] };
    });
    expect(run.transcript.error).toBeNull();
    const submit = run.callsOf("submit");
    expect(submit).toHaveLength(1);
    const requestFile = submit[0].options.request as string;
    expect(path.dirname(requestFile)).toBe(temp);
    expect(submit[0].request!.comp.savers.length).toBeGreaterThan(0);
    expect(run.text(MONITOR, "JobTitle")).toBe("Submitted job 42: 10 frames in 1 task.");
    expect(fs.readdirSync(temp)).toEqual([]);
  });
});

describe("Windows without the wide calls (the stand-in has no kernel32): a non-ASCII line is refused, not mangled", () => {
  it("TEMP 'Łukasz': nothing is launched, the dialog says why and what to do", async () => {
    const run = await runCompScript((dir) => {
      const temp = path.join(dir, "Łukasz Temp");
      fs.mkdirSync(temp);
      return { platform: "Windows", exec: "record", idleTimers: false, env: { TEMP: temp, TMP: temp }, actions: [timers, waitFor(0.5)] };
    });
    expect(run.transcript.error).toBeNull();
    expect(run.transcript.executed).toEqual([]);
    expect(run.text(MAIN, "Status")).toContain("its command line holds characters outside ASCII");
    expect(run.text(MAIN, "Status")).toContain("Set TEMP to a folder with an ASCII-only path");
  });
});
