// The comp script against a Fusion it has never met: each test switches the stand-in to another behaviour that
// fusion.md allows (tool order, where a Saver's file name shows, MapPath without Comp:, missing attributes, no
// FuPLATFORM_* globals, empty event tables, one timer form only, harnesses that fire no change events, ...),
// and checks that the dialog still plans and submits the right request.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubmitRequest } from "../../types/request";
import { startHQueueStandin } from "../support/hqueue-standin";
import { repoRoot } from "../support/fusion-standin";
import { COMPS, MAIN, MONITOR, buildCompScript, callLog, click, removeRunDirs, runCompScript, set, timers, type Run, writeFakeHelper } from "./comp-script-harness";

afterAll(() => removeRunDirs());

beforeAll(() => {
  buildCompScript();
});

const silent = (id: string, prop: string, value: string | number | boolean) => ({ do: "set" as const, id, prop, value, silent: true });

function submittedRequest(run: Run): SubmitRequest {
  const calls = run.callsOf("submit");
  expect(calls, `error: ${run.transcript.error}`).toHaveLength(1);
  return calls[0].request!;
}

/** The two Savers of test/comps/lua-basic.comp as the request must describe them. */
function basicSavers(dir: string) {
  const shots = path.join(dir, "shots");
  return [
    { name: "Beauty", enabled: true, path: path.join(shots, "render/beauty.0000.exr"), rawPath: "Comp:render/beauty.0000.exr" },
    { name: "Matte", enabled: false, path: path.join(shots, "render/matte.0000.png"), rawPath: "Comp:render/matte.0000.png" },
  ];
}

const basicComp = (dir: string) => ({ file: path.join(COMPS, "lua-basic.comp"), fileName: path.join(dir, "shots", "basic.comp") });

describe("reading the comp from a different Fusion", () => {
  it("GetToolList in another order, ignoring the Saver filter: only Savers (by TOOLS_RegID), sorted by name", async () => {
    const run = await runCompScript((dir) => ({
      comp: { ...basicComp(dir), toolListOrder: "reverse", toolListIgnoresRegId: true },
      actions: [click("Submit")],
    }));
    expect(run.transcript.error).toBeNull();
    expect(submittedRequest(run).comp.savers).toEqual(basicSavers(run.dir));
    expect(run.text(MAIN, "CompSummary")).toContain("2 Savers (1 enabled)");
  });

  it.each(["input", "attrs", "attrsString"] as const)("the Saver's file name only as %s", async (saverClip) => {
    const run = await runCompScript((dir) => ({ comp: { ...basicComp(dir), saverClip }, actions: [click("Submit")] }));
    expect(run.transcript.error).toBeNull();
    expect(submittedRequest(run).comp.savers).toEqual(basicSavers(run.dir));
  });

  it("comp:MapPath that leaves Comp: alone: the comp's folder from COMPS_FileName, as Deadline does", async () => {
    const run = await runCompScript((dir) => ({ comp: { ...basicComp(dir), mapPathExpandsComp: false }, actions: [click("Submit")] }));
    expect(run.transcript.error).toBeNull();
    expect(submittedRequest(run).comp.savers).toEqual(basicSavers(run.dir));
  });

  it("attributes missing (modified, step, name, render range) or frames as floats: defaults, integer frames", async () => {
    const run = await runCompScript((dir) => ({
      comp: {
        ...basicComp(dir),
        attrs: { COMPN_RenderStartTime: 1.0000001, COMPN_RenderEndTime: 9.9999999, COMPN_GlobalStart: 0.9999999, COMPN_GlobalEnd: 20.0000001 },
        omitAttrs: ["COMPB_Modified", "COMPI_RenderStep", "COMPS_Name", "COMPN_RenderStart", "COMPN_RenderEnd"],
      },
      actions: [click("Submit")],
    }));
    expect(run.transcript.error).toBeNull();
    const comp = submittedRequest(run).comp;
    expect([comp.renderStart, comp.renderEnd, comp.globalStart, comp.globalEnd, comp.step, comp.modified]).toEqual([1, 10, 1, 20, 1, false]);
    // Not modified: no "Unsaved Changes" question; the name comes from the file name.
    expect(run.transcript.windows.map((w) => w.id)).toEqual([MAIN, MONITOR]);
    expect(run.window(MAIN).title).toContain("basic.comp");
    expect(run.text(MAIN, "FrameRanges")).toBe("Render range 1-10, global range 1-20");
  });
});

describe("the platform without FuPLATFORM_* globals", () => {
  it("macOS from require('ffi').os", async () => {
    const run = await runCompScript({ platform: "Mac", standin: { platformGlobals: false }, actions: [click("Submit")] });
    expect(run.transcript.error).toBeNull();
    expect(submittedRequest(run).comp.platform).toBe("macosx");
    expect(run.item(MAIN, "SameOsOnly").Text).toContain("(macOS)");
  });

  it("Windows from package.config when there is no ffi either (cmd.exe quoting), Linux otherwise", async () => {
    const windows = await runCompScript({ platform: "Windows", exec: "record", standin: { platformGlobals: false, ffi: false }, actions: [timers] });
    expect(windows.transcript.error).toBeNull();
    const launches = windows.transcript.executed.filter((e) => e.fn === "bmd.executebg");
    expect(launches).toHaveLength(1);
    expect(launches[0].cmd.startsWith('cmd.exe /d /s /c ""')).toBe(true);
    expect(windows.item(MAIN, "SameOsOnly").Text).toContain("(Windows)");

    const linux = await runCompScript({ platform: "Linux", standin: { platformGlobals: false, ffi: false }, actions: [click("Submit")] });
    expect(submittedRequest(linux).comp.platform).toBe("linux");
  });
});

describe("a UI Manager that delivers events differently", () => {
  const plan = { ok: true, command: "plan", frameCount: 10, taskCount: 2, tasks: [], warnings: [], notes: [], spec: { name: "x" } };
  const running = {
    ok: true,
    command: "status",
    job: { id: 42, name: "basic", status: "running", progress: 0.5 },
    tasks: [],
    counts: { running: 1 },
    finished: false,
    succeeded: false,
    url: "http://localhost:5000/jobs/view/42",
  };
  const done = { ...running, job: { ...running.job, status: "succeeded", progress: 1 }, counts: { succeeded: 1 }, finished: true, succeeded: true };

  it.each([
    ["win.On.<ID>.Timeout only", { uiTimerEvents: "window" }],
    ["disp.On.Timeout only", { uiTimerEvents: "dispatcher" }],
    ["both forms, empty event tables", { uiEventFields: "none" }],
    ["disp.On.Timeout only, empty event tables", { uiTimerEvents: "dispatcher", uiEventFields: "none" }],
  ] as const)("timers: %s — one plan per tick, and the monitor polls", async (_name, standin) => {
    const run = await runCompScript({ standin, responses: { plan, status: [running, done] }, actions: [timers, click("Submit"), timers] });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("plan")).toHaveLength(1);
    expect(run.callsOf("status")).toHaveLength(2);
    expect(run.text(MAIN, "FramesSummary")).toBe("10 frames in 2 tasks");
    expect(run.text(MONITOR, "Overall")).toContain("Finished: every task succeeded.");
  });

  it("disp.On.Timeout only, empty event tables, two timers active at once (a test running, a plan due): both get ticks", async () => {
    const run = await runCompScript({
      standin: { uiTimerEvents: "dispatcher", uiEventFields: "none" },
      fakeConfig: { delays: { ping: 0.5 } },
      idleTimers: false,
      actions: [
        timers,
        click("TestServer"),
        set("JobName", "Text", "edited while testing"),
        { do: "timers", maxTicks: 200, sleepMs: 20 },
      ],
    });
    expect(run.transcript.error).toBeNull();
    expect(run.text(MAIN, "ServerStatus")).toBe("Connected: the HQueue server at http://localhost:5000 answered in 3 ms.");
    // The edit's plan ran too (after the test: one helper command at a time), with the edited name.
    expect(run.callsOf("plan").map((call) => call.request!.job.name)).toContain("edited while testing");
  });

  it("no timer ever fires: Submit plans and submits what the fields hold", async () => {
    const run = await runCompScript({ actions: [silent("Server", "Text", "hq-other:5001"), click("Submit")] });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("plan")).toHaveLength(1);
    expect(submittedRequest(run).server).toBe("hq-other:5001");
    expect(run.callsOf("plan")[0].request).toEqual(submittedRequest(run));
  });

  it("a harness that only writes values (no change events) after a plan: Submit reads every field and plans again", async () => {
    const run = await runCompScript({
      uiProgrammaticEvents: false,
      actions: [
        timers,
        silent("Server", "Text", "hq-silent:5000"),
        silent("JobName", "Text", "Silent job"),
        silent("Priority", "Value", 9),
        silent("FrameSource", "CurrentIndex", 2),
        silent("CustomFrames", "Text", "1-4"),
        silent("FramesPerTask", "Value", 2),
        silent("AssignMode", "CurrentText", "Client groups"),
        silent("AssignNames", "Text", "Fusion, GPU"),
        silent("OsMac", "Checked", true),
        silent("RenderNodeVersion", "CurrentText", "18"),
        // The per-OS rows appear with the advanced options here (no Clicked from the OS boxes in this harness).
        click("ShowAdvanced"),
        silent("Root1Linux", "Text", "/mnt/p"),
        silent("Root1Mac", "Text", "/Volumes/p"),
        silent("Tries", "Value", 2),
        silent("Environment", "PlainText", "A=1"),
        click("Submit"),
      ],
    });
    expect(run.transcript.error).toBeNull();
    expect(run.transcript.ignored).toEqual([]);
    const request = submittedRequest(run);
    expect(request.server).toBe("hq-silent:5000");
    expect(request.job).toEqual({
      name: "Silent job",
      priority: 9,
      frames: { kind: "custom", set: "1-4" },
      framesPerTask: 2,
      tries: 2,
      environment: { A: "1" },
    });
    expect(request.farm).toEqual({
      platforms: ["linux", "macosx"],
      assign: { mode: "groups", names: ["Fusion", "GPU"] },
      renderNode: { version: "18" },
      sharedRoots: [{ linux: "/mnt/p", macosx: "/Volumes/p" }],
    });
    // The timer's plan was of the defaults; Submit planned the request it then sent.
    const plans = run.callsOf("plan");
    expect(plans).toHaveLength(2);
    expect(plans[0].request!.server).toBe("localhost:5000");
    expect(plans[1].request).toEqual(request);
  });

  it("a harness that calls win.On.Submit.Clicked(ev) directly with an empty event table", async () => {
    const run = await runCompScript({ standin: { uiEventFields: "none" }, actions: [{ do: "event", id: "Submit", event: "Clicked" }] });
    expect(run.transcript.error).toBeNull();
    expect(submittedRequest(run).comp.savers).toEqual(basicSavers(run.dir));
    expect(run.text(MONITOR, "JobTitle")).toBe("Submitted job 42: 10 frames in 1 task.");
  });

  it("row clicks without ev.item do nothing (the names can still be typed)", async () => {
    const clients = { ok: true, command: "clients", clients: [{ id: 1, hostname: "render-01", os: "linux" }] };
    const run = await runCompScript({
      standin: { uiEventFields: "none" },
      responses: { clients },
      actions: [set("AssignMode", "CurrentIndex", 1), click("FetchNames"), { do: "select", id: "ServerNames", row: 0 }, set("AssignNames", "Text", "render-01"), click("Submit")],
    });
    expect(run.transcript.error).toBeNull();
    expect(submittedRequest(run).farm.assign).toEqual({ mode: "clients", names: ["render-01"] });
  });

  it("layout groups that are not items of GetItems(): Show advanced options still shows every field", async () => {
    const run = await runCompScript({ standin: { uiGroupItems: false }, actions: [click("ShowAdvanced"), set("Tries", "Value", 3), set("LogDir", "Text", "/mnt/logs"), click("Submit")] });
    expect(run.transcript.error).toBeNull();
    expect(run.transcript.ignored).toEqual([]);
    expect(run.item(MAIN, "Tries").Visible).toBe(true);
    expect(run.item(MAIN, "TriesCaption").Visible).toBe(true);
    const job = submittedRequest(run).job;
    expect([job.tries, job.logDir]).toEqual([3, "/mnt/logs"]);
  });

  it("combos that select nothing when filled: the script selects by CurrentText", async () => {
    const run = await runCompScript({ standin: { uiComboAutoSelect: false }, actions: [click("Submit")] });
    expect(run.transcript.error).toBeNull();
    expect(run.item(MAIN, "FrameSource").CurrentText).toBe("Render range");
    expect(run.item(MAIN, "AssignMode").CurrentText).toBe("Any client");
    expect(run.item(MAIN, "RenderNodeVersion").CurrentText).toBe("19");
    const request = submittedRequest(run);
    expect([request.job.frames, request.farm.assign, request.farm.renderNode]).toEqual([{ kind: "render" }, { mode: "any" }, { version: "19" }]);
  });

  it("a host that loads the script from a string named by its path still finds the helper next to it", async () => {
    const built = buildCompScript();
    const run = await runCompScript((dir) => {
      const script = path.join(dir, "dev", "HQueue Render.lua");
      fs.mkdirSync(path.dirname(script), { recursive: true });
      fs.copyFileSync(built, script);
      writeFakeHelper(path.join(dir, "dev", "hqueue-helper.js"), callLog(dir), {});
      return { helper: "none", script, standin: { scriptLoad: "namedString" }, actions: [click("Submit")] };
    });
    expect(run.transcript.error).toBeNull();
    expect(run.transcript.executed[0].cmd).toContain(path.join(run.dir, "dev", "hqueue-helper.js"));
    expect(run.callsOf("submit")).toHaveLength(1);
  });
});

describe("the first dialog, default settings, the real helper", () => {
  const helper = path.join(repoRoot, "dist/build/hqueue-helper.js");

  it("a saved comp with an enabled Saver submits with only the server set (no path mapping, no other clicks)", async () => {
    expect(fs.existsSync(helper), `${helper} is missing: run npm run build`).toBe(true);
    const hqueue = await startHQueueStandin({ runJobs: false });
    try {
      const server = hqueue.url.replace("http://", "");
      // No timers, no change events: a minimal harness.
      // The saved comp is on disk where Fusion says it is (the helper snapshots it into the job folder).
      const run = await runCompScript((dir) => {
        fs.copyFileSync(path.join(COMPS, "lua-basic.comp"), path.join(dir, "shots", "basic.comp"));
        return {
          fakeRuntime: "node",
          env: { KARTALINK_HQUEUE_HELPER: helper },
          uiProgrammaticEvents: false,
          actions: [silent("Server", "Text", server), click("Submit")],
        };
      });
      expect(run.transcript.error).toBeNull();
      expect(run.text(MONITOR, "JobTitle")).toMatch(/^Submitted job \d+: 10 frames in 1 task\.$/);
      const jobs = [...hqueue.jobs.values()];
      expect(jobs.filter((job) => job.parentId === null)).toHaveLength(1);
      // The render task runs the job folder the helper made next to the comp (its runner renders the comp's copy).
      const jobRoot = path.join(run.dir, "shots", "hqueue");
      const folders = fs.readdirSync(jobRoot);
      expect(folders).toHaveLength(1);
      expect(folders[0]).toMatch(/^basic_\d{8}-\d{6}_[0-9a-f]{6}$/);
      expect(jobs.some((job) => JSON.stringify(job.command).includes(path.join(jobRoot, folders[0], "render-linux.sh")))).toBe(true);
      expect(fs.readFileSync(path.join(jobRoot, folders[0], "render-linux.sh"), "utf8")).toContain(path.join(jobRoot, folders[0], "basic.linux.comp"));
    } finally {
      await hqueue.close();
    }
  });
});
