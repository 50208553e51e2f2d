// The full submit dialog (issue #4) under LuaJIT in the Fusion stand-in, driven like a user with a recording
// fake helper: every option's effect on the request, the live plan, settings in comp data and studio prefs,
// presets, corrupt stored data, pre-flight checks, and the job monitor.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubmitRequest } from "../../types/request";
import { type JsonValue, repoRoot } from "../support/fusion-standin";
import { COMPS, MAIN, MESSAGE, MONITOR, buildCompScript, click, close, list, runCompScript, set, stored, timers } from "./comp-script-harness";
import { removeRunDirs } from "./comp-script-harness";

afterAll(() => removeRunDirs());

beforeAll(() => {
  buildCompScript();
});

const planOk = (frameCount: number, taskCount: number, extra: { warnings?: string[]; notes?: string[] } = {}) => ({
  ok: true,
  command: "plan",
  frameCount,
  taskCount,
  tasks: [],
  warnings: extra.warnings ?? [],
  notes: extra.notes ?? [],
  spec: { name: "x" },
});

function submitted(run: { callsOf(c: string): { request?: SubmitRequest }[] }): SubmitRequest {
  const calls = run.callsOf("submit");
  expect(calls).toHaveLength(1);
  return calls[0].request!;
}

describe("dialog options → request", () => {
  it("frames: typing a custom frame set selects it (the field is never disabled); global range", async () => {
    const custom = await runCompScript({ actions: [set("CustomFrames", "Text", "1-5, 8"), click("Submit")] });
    expect(custom.transcript.error).toBeNull();
    expect(custom.transcript.ignored).toEqual([]);
    expect(custom.item(MAIN, "FrameSource").CurrentText).toBe("Custom frame set");
    expect(submitted(custom).job.frames).toEqual({ kind: "custom", set: "1-5, 8" });

    // The custom text is kept while another choice is active, and only the active choice is sent.
    const global = await runCompScript({ actions: [set("CustomFrames", "Text", "1-3"), set("FrameSource", "CurrentIndex", 1), click("Submit")] });
    expect(submitted(global).job.frames).toEqual({ kind: "global" });
    expect(global.item(MAIN, "CustomFrames").Text).toBe("1-3");
  });

  it("debounces the live plan: one helper run for a burst of edits, with the last value", async () => {
    const run = await runCompScript({
      actions: [
        set("FrameSource", "CurrentIndex", 2),
        set("CustomFrames", "Text", "1"),
        set("CustomFrames", "Text", "1-2"),
        set("CustomFrames", "Text", "1-20x2"),
        timers,
      ],
      responses: { plan: planOk(10, 2) },
    });
    expect(run.transcript.error).toBeNull();
    const plans = run.callsOf("plan");
    expect(plans).toHaveLength(1);
    expect(plans[0].request!.job.frames).toEqual({ kind: "custom", set: "1-20x2" });
    expect(run.text(MAIN, "FramesSummary")).toBe("10 frames in 2 tasks");
  });

  it("invalid frames: the helper's message next to the field; Submit plans again and refuses until fixed", async () => {
    const failure = {
      ok: false,
      error: { code: "bad_frames", message: 'The frame set is not valid: "1-" has no end frame', hint: "write frames like 1-100, 1-100x2 or 1,5,10-20", field: "job.frames.set" },
    };
    const run = await runCompScript({
      responses: { plan: [failure, failure, planOk(5, 1)] },
      actions: [
        set("FrameSource", "CurrentIndex", 2),
        set("CustomFrames", "Text", "1-"),
        timers,
        click("Submit"),
        // The plan runs in the background: the artist waits for its answer.
        timers,
        click("MessageOk"),
        set("CustomFrames", "Text", "1-5"),
        timers,
        click("Submit"),
        timers,
      ],
    });
    expect(run.transcript.error).toBeNull();
    expect(run.transcript.ignored).toEqual([]);
    // timers, Submit (plans the failing request again: the answer may have changed), timers; the last Submit
    // reuses the plan of the identical request.
    expect(run.callsOf("plan").map((call) => call.request!.job.frames)).toEqual([
      { kind: "custom", set: "1-" },
      { kind: "custom", set: "1-" },
      { kind: "custom", set: "1-5" },
    ]);
    // The refused Submit said why in a window, with the helper's message and hint.
    expect(run.window(MESSAGE).title).toBe("Cannot Submit");
    expect(run.text(MESSAGE, "MessageText")).toBe('The frame set is not valid: "1-" has no end frame write frames like 1-100, 1-100x2 or 1,5,10-20');
    expect(submitted(run).job.frames).toEqual({ kind: "custom", set: "1-5" });
    // The transcript holds the dialog as it was left: the fixed state.
    expect(run.text(MAIN, "FramesSummary")).toBe("5 frames in 1 task");
  });

  it("keeps the invalid-frames message visible while the frames are wrong", async () => {
    const failure = {
      ok: false,
      error: { code: "bad_frames", message: "The frame set is empty: there is nothing to render.", field: "job.frames" },
    };
    const run = await runCompScript({ responses: { plan: failure }, actions: [timers, click("Submit")] });
    expect(run.text(MAIN, "FramesSummary")).toBe("The frame set is empty: there is nothing to render.");
    expect(run.item(MAIN, "FramesSummary").StyleSheet).toContain("color");
    expect(run.text(MAIN, "Status")).toBe("Fix the problems shown above, then submit again.");
    expect(run.callsOf("submit")).toEqual([]);
  });

  it("where to run: listed clients fetched from the server, client groups, client OSes, same-OS only", async () => {
    const clients = {
      ok: true,
      command: "clients",
      clients: [
        { id: 1, hostname: "render-02", platform: "linux-x86_64", os: "linux", state: "available" },
        { id: 2, hostname: "render-01", platform: "windows-x86_64", os: "windows", disabled: true, available: false, state: "disabled" },
        // An OS family the helper could not tell: the platform is shown as the server wrote it.
        { id: 3, hostname: "render-03", platform: "freebsd-amd64" },
      ],
    };
    const run = await runCompScript({
      responses: { clients },
      actions: [
        set("AssignMode", "CurrentIndex", 1),
        click("FetchNames"),
        { do: "select", id: "ServerNames", row: 1 },
        { do: "select", id: "ServerNames", row: 0 },
        { do: "select", id: "ServerNames", row: 0 },
        click("OsMac"),
        click("Submit"),
      ],
    });
    expect(run.transcript.error).toBeNull();
    expect(run.item(MAIN, "ServerNames").rows).toEqual([["render-01", "Windows, disabled"], ["render-02", "Linux, available"], ["render-03", "freebsd-amd64"]]);
    expect(run.item(MAIN, "AssignNames").Text).toBe("render-02, render-01");
    expect(run.callsOf("clients")[0].options.server).toBe("localhost:5000");
    const request = submitted(run);
    expect(request.farm.assign).toEqual({ mode: "clients", names: ["render-02", "render-01"] });
    expect(request.farm.platforms).toEqual(["linux", "macosx"]);
    expect(request.farm.sameOsOnly).toBeUndefined();

    const groups = await runCompScript({
      responses: { groups: { ok: true, command: "groups", groups: [{ id: 3, name: "Fusion", clients: [1, 2], hostnames: ["render-01", "render-02"] }] } },
      actions: [set("AssignMode", "CurrentIndex", 2), click("FetchNames"), { do: "select", id: "ServerNames", row: 0 }, click("SameOsOnly"), click("Submit")],
    });
    expect(groups.item(MAIN, "ServerNames").rows).toEqual([["Fusion", "render-01 render-02"]]);
    const groupRequest = submitted(groups);
    expect(groupRequest.farm.assign).toEqual({ mode: "groups", names: ["Fusion"] });
    expect(groupRequest.farm.sameOsOnly).toBe(true);
  });

  it("listed clients without names: says why next to the field and does not submit", async () => {
    const run = await runCompScript({ actions: [set("AssignMode", "CurrentIndex", 1), click("Submit"), click("MessageOk"), click("Cancel")] });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("submit")).toEqual([]);
    expect(run.text(MAIN, "AssignStatus")).toContain("List at least one client");
    expect(run.window(MESSAGE).title).toBe("Cannot Submit");
    expect(run.text(MESSAGE, "MessageText")).toBe("List at least one client (host name), or fetch them from the server.");
    expect(run.text(MAIN, "Status")).toBe("Fix the problems shown above, then submit again.");
  });

  it("render node version, custom executables per OS, and the shared-roots table", async () => {
    const run = await runCompScript({
      actions: [
        set("RenderNodeVersion", "CurrentText", "18"),
        // The per-OS rows show with the advanced options (or a second client OS).
        click("ShowAdvanced"),
        set("RenderNodeLinux", "Text", "/opt/custom/FusionRenderNode"),
        set("RenderNodeWindows", "Text", "D:\\Apps\\Fusion Render Node 18\\FusionRenderNode.exe"),
        set("Root1Linux", "Text", "/mnt/projects"),
        set("Root1Mac", "Text", "/Volumes/projects"),
        set("Root1Windows", "Text", "\\\\fileserver\\projects"),
        set("Root2Linux", "Text", "/mnt/renders"),
        set("Root2Windows", "Text", "R:\\"),
        click("Submit"),
      ],
    });
    expect(run.transcript.error).toBeNull();
    const farm = submitted(run).farm;
    expect(farm.renderNode).toEqual({
      version: "18",
      paths: { linux: "/opt/custom/FusionRenderNode", windows: "D:\\Apps\\Fusion Render Node 18\\FusionRenderNode.exe" },
    });
    expect(farm.sharedRoots).toEqual([
      { linux: "/mnt/projects", macosx: "/Volumes/projects", windows: "\\\\fileserver\\projects" },
      { linux: "/mnt/renders", windows: "R:\\" },
    ]);
  });

  it("advanced options: tries, CPUs, log folder, e-mail, environment, submit paused, description", async () => {
    const run = await runCompScript({
      actions: [
        click("ShowAdvanced"),
        set("Description", "Text", "final grade pass"),
        set("Tries", "Value", 3),
        set("Cpus", "Value", 8),
        set("LogDir", "Text", "/mnt/projects/logs"),
        set("EmailTo", "Text", "comp@studio.example, lead@studio.example"),
        set("EmailReasons", "Text", "succeeded, failed"),
        set("Environment", "PlainText", "OCIO=/mnt/config.ocio\n# a comment\nFUSION_LOG=1\n"),
        click("Paused"),
        click("Submit"),
      ],
    });
    expect(run.transcript.error).toBeNull();
    expect(run.window(MAIN).recalcLayouts).toBeGreaterThan(0);
    expect(submitted(run).job).toEqual({
      name: "basic",
      description: "final grade pass",
      priority: 5,
      frames: { kind: "render" },
      framesPerTask: 10,
      tries: 3,
      cpus: 8,
      logDir: "/mnt/projects/logs",
      emailTo: "comp@studio.example, lead@studio.example",
      emailReasons: ["succeeded", "failed"],
      environment: { OCIO: "/mnt/config.ocio", FUSION_LOG: "1" },
      paused: true,
    });
  });

  it("a bad environment line is explained next to the field and blocks Submit", async () => {
    const run = await runCompScript({
      actions: [click("ShowAdvanced"), set("Environment", "PlainText", "OCIO=/x\nnot a variable\n"), click("Submit"), click("MessageOk"), click("Cancel")],
    });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("submit")).toEqual([]);
    expect(run.text(MAIN, "EnvironmentStatus")).toBe("Environment line 2: write NAME=value (a name of letters, digits and _).");
    expect(run.text(MESSAGE, "MessageText")).toBe("Environment line 2: write NAME=value (a name of letters, digits and _).");
  });

  it("Test server: shows the round trip, or the helper's error and hint", async () => {
    // Idle timers run the plan the edit scheduled after the test: the test's result stays (same server).
    const ok = await runCompScript({ actions: [set("Server", "Text", "hq-server:5000"), click("TestServer")] });
    expect(ok.callsOf("ping")[0].options.server).toBe("hq-server:5000");
    expect(ok.text(MAIN, "ServerStatus")).toBe("Connected: the HQueue server at http://localhost:5000 answered in 3 ms.");

    const failing = await runCompScript({
      responses: { ping: { ok: false, error: { code: "timeout", message: "The HQueue server at http://hq:5000 did not answer in time while pinging.", hint: "try again" } } },
      actions: [click("TestServer")],
    });
    expect(failing.text(MAIN, "ServerStatus")).toBe("The HQueue server at http://hq:5000 did not answer in time while pinging. try again");
  });

  it("shows the helper's warnings and notes (e.g. a movie Saver renders as one task)", async () => {
    const note = "Movie Saver Review: a movie file cannot be split across machines, so the frames render as one task.";
    const run = await runCompScript({
      comp: { file: path.join(COMPS, "lua-movie.comp"), fileName: "/nonexistent/shots/movie.comp" },
      responses: { plan: planOk(48, 1, { notes: [note], warnings: ["Saver Review writes to /x, which is outside every shared root"] }) },
      actions: [timers],
    });
    expect(run.transcript.error).toBeNull();
    expect(run.text(MAIN, "FramesSummary")).toBe("48 frames in 1 task");
    const checks = run.text(MAIN, "Checks");
    expect(checks).toContain("Note: " + note);
    expect(checks).toContain("Warning: Saver Review writes to /x");
    expect(checks).toContain("Warning: Saver Review: its folder /nonexistent/shots/review does not exist on this computer.");
  });
});

describe("settings in the comp and in the studio prefs", () => {
  const edits = [
    set("Server", "Text", "hq-server:5000"),
    set("JobName", "Text", "Hero"),
    set("FramesPerTask", "Value", 5),
    set("FrameSource", "CurrentIndex", 2),
    set("CustomFrames", "Text", "1-10x2"),
    click("ShowAdvanced"),
    set("Root1Linux", "Text", "/mnt/projects"),
    set("Root1Windows", "Text", "P:\\"),
    click("Submit"),
  ];

  it("Submit stores the settings in the comp; reopening the comp restores them", async () => {
    const first = await runCompScript({ actions: edits });
    expect(first.transcript.error).toBeNull();
    const data = stored(first.transcript.compData)!;
    expect(data.schema).toBe(1);
    const last = data.last as Record<string, JsonValue>;
    expect(last.server).toBe("hq-server:5000");
    expect(last.jobName).toBe("Hero");
    expect(last.framesPerTask).toBe(5);
    expect(last.frameChoice).toBe("custom");
    // Submit writes the last-used settings and the job it sent (the comp's recent jobs), nothing else.
    expect(Object.keys(data).sort()).toEqual(["jobs", "last", "schema"]);
    const firstRequest = submitted(first);

    const second = await runCompScript({
      comp: { file: path.join(COMPS, "lua-basic.comp"), fileName: firstRequest.comp.path, data: first.transcript.compData as Record<string, JsonValue> },
      actions: [click("Submit")],
    });
    expect(second.transcript.error).toBeNull();
    expect(second.item(MAIN, "Server").Text).toBe("hq-server:5000");
    expect(second.item(MAIN, "JobName").Text).toBe("Hero");
    expect(second.item(MAIN, "FramesPerTask").Value).toBe(5);
    expect(second.item(MAIN, "CustomFrames").Text).toBe("1-10x2");
    expect(second.item(MAIN, "Root1Windows").Text).toBe("P:\\");
    expect(second.text(MAIN, "Notice")).toBe("");
    const { comp: _a, ...again } = submitted(second);
    const { comp: _b, ...before } = firstRequest;
    expect(again).toEqual(before);
  });

  it("Submit remembers the studio facts (server, render node, shared roots, Node.js path) in Fusion's prefs", async () => {
    const run = await runCompScript({ actions: edits });
    const studio = stored(run.transcript.fuData)!;
    expect(studio.schema).toBe(1);
    const defaults = studio.defaults as Record<string, JsonValue>;
    expect(defaults.server).toBe("hq-server:5000");
    expect(list(defaults.sharedRoots)).toEqual([{ linux: "/mnt/projects", windows: "P:\\" }]);
    // Comp-specific choices stay with the comp: Submit writes only the studio facts.
    expect(Object.keys(defaults).sort()).toEqual(["platforms", "renderNodePaths", "renderNodeVersion", "server", "sharedRoots"]);
  });

  it("studio defaults fill a comp without its own settings; the comp's own settings win", async () => {
    const fuData = {
      KartaLink: { HQueueRender: { schema: 1, defaults: { server: "studio-hq:5000", framesPerTask: 25, sharedRoots: [{ linux: "/mnt/studio", macosx: "/Volumes/studio" }] } } },
    };
    const fresh = await runCompScript({ fuData, actions: [click("Submit")] });
    expect(fresh.transcript.error).toBeNull();
    const request = submitted(fresh);
    expect(request.server).toBe("studio-hq:5000");
    expect(request.job.framesPerTask).toBe(25);
    expect(request.farm.sharedRoots).toEqual([{ linux: "/mnt/studio", macosx: "/Volumes/studio" }]);

    const compData = { KartaLink: { HQueueRender: { schema: 1, last: { server: "comp-hq:6000", framesPerTask: 2 }, presets: [] } } };
    const own = await runCompScript((dir) => ({
      fuData,
      comp: { file: path.join(COMPS, "lua-basic.comp"), fileName: path.join(dir, "shots", "basic.comp"), data: compData },
      actions: [click("Submit")],
    }));
    const ownRequest = submitted(own);
    expect(ownRequest.server).toBe("comp-hq:6000");
    expect(ownRequest.job.framesPerTask).toBe(2);
    // Fields the comp did not store come from the studio defaults.
    expect(ownRequest.farm.sharedRoots).toEqual([{ linux: "/mnt/studio", macosx: "/Volumes/studio" }]);
  });

  it("nothing is written when the dialog is closed without submitting", async () => {
    const compData = { KartaLink: { HQueueRender: { schema: 1, last: { server: "keep:5000" } } } };
    const run = await runCompScript((dir) => ({
      comp: { file: path.join(COMPS, "lua-basic.comp"), fileName: path.join(dir, "shots", "basic.comp"), data: compData },
      actions: [set("Server", "Text", "typed-but-cancelled:5000"), timers, click("Cancel")],
    }));
    expect(run.transcript.error).toBeNull();
    expect(run.transcript.compData).toEqual(compData);
    expect(run.transcript.fuData).toEqual({});
  });
});

describe("corrupt or foreign stored data", () => {
  const withData = (data: JsonValue, actions = [click("Cancel")]) =>
    runCompScript((dir) => ({
      comp: { file: path.join(COMPS, "lua-basic.comp"), fileName: path.join(dir, "shots", "basic.comp"), data: { KartaLink: { HQueueRender: data } } },
      actions,
    }));

  it("a value that is not a table: defaults, a notice, and the original kept, also by Submit (which says so)", async () => {
    const run = await withData("garbage");
    expect(run.transcript.error).toBeNull();
    expect(run.text(MAIN, "Notice")).toContain("not in a form this version understands");
    expect(run.item(MAIN, "Server").Text).toBe("localhost:5000");
    expect(stored(run.transcript.compData)).toBe("garbage");

    const submittedOver = await withData("garbage", [click("Submit"), close(MONITOR)]);
    expect(submittedOver.callsOf("submit")).toHaveLength(1);
    expect(stored(submittedOver.transcript.compData)).toBe("garbage");
    expect(submittedOver.text(MAIN, "Status")).toContain("the settings of this submission are not remembered in the comp");
    expect(submittedOver.text(MONITOR, "SubmitNotes")).toContain("the settings of this submission are not remembered in the comp");
  });

  it("an unknown (newer) schema: defaults and a notice that names it", async () => {
    const original = { schema: 7, last: { server: "from-the-future:5000" } };
    const run = await withData(original);
    expect(run.text(MAIN, "Notice")).toContain("schema 7, written by a newer version of HQueue Render");
    expect(run.item(MAIN, "Server").Text).toBe("localhost:5000");
    expect(stored(run.transcript.compData)).toEqual(original);
  });

  it("bad fields are named; the good ones are used", async () => {
    const run = await withData({
      schema: 1,
      last: { server: "good:5000", priority: "high", platforms: ["linux", "beos"], framesPerTask: 4 },
      presets: [{ name: "Fine", settings: { framesPerTask: 1 } }, { settings: {} }, 12],
    });
    expect(run.transcript.error).toBeNull();
    const notice = run.text(MAIN, "Notice");
    // Named as the artist sees them (the field table's labels), never by internal keys.
    expect(notice).toContain("(Priority, Client OSes)");
    expect(notice).not.toContain("priority");
    expect(notice).toContain("2 stored preset(s) could not be read");
    expect(run.item(MAIN, "Server").Text).toBe("good:5000");
    expect(run.item(MAIN, "Priority").Value).toBe(5);
    expect(run.item(MAIN, "FramesPerTask").Value).toBe(4);
    expect(run.item(MAIN, "PresetTree").rows).toEqual([["Fine"]]);
  });

  it("corrupt studio defaults never stop the dialog", async () => {
    const run = await runCompScript({ fuData: { KartaLink: { HQueueRender: { schema: 1, defaults: 42 } } }, actions: [click("Submit")] });
    expect(run.transcript.error).toBeNull();
    expect(run.text(MAIN, "Notice")).toContain("studio defaults could not be read ((whole value))");
    expect(submitted(run).server).toBe("localhost:5000");
  });
});

describe("named presets", () => {
  it("save, change, apply, rename, delete — all kept in the comp's data", async () => {
    const run = await runCompScript({
      actions: [
        set("FramesPerTask", "Value", 1),
        set("FrameSource", "CurrentIndex", 2),
        set("CustomFrames", "Text", "1-100x10"),
        set("PresetName", "Text", "Preview 1 in 10"),
        click("PresetSave"),
        set("FramesPerTask", "Value", 20),
        set("FrameSource", "CurrentIndex", 0),
        set("PresetName", "Text", "Final all frames"),
        click("PresetSave"),
        { do: "select", id: "PresetTree", row: 0 },
        click("PresetApply"),
        click("Submit"),
      ],
    });
    expect(run.transcript.error).toBeNull();
    const data = stored(run.transcript.compData)!;
    const presets = list(data.presets) as { name: string; settings: Record<string, JsonValue> }[];
    expect(presets.map((p) => p.name)).toEqual(["Preview 1 in 10", "Final all frames"]);
    expect(presets[0].settings.framesPerTask).toBe(1);
    expect(presets[0].settings.customFrames).toBe("1-100x10");
    expect(presets[1].settings.framesPerTask).toBe(20);
    expect(presets[1].settings.frameChoice).toBe("render");
    const job = submitted(run).job;
    expect(job.framesPerTask).toBe(1);
    expect(job.frames).toEqual({ kind: "custom", set: "1-100x10" });
  });

  it("rename and delete (after confirming) update the stored presets; promote makes a studio default", async () => {
    const compData: Record<string, JsonValue> = {
      KartaLink: {
        HQueueRender: {
          schema: 1,
          presets: [
            { name: "A", settings: { framesPerTask: 3, server: "preset-hq:5000" } },
            { name: "B", settings: { framesPerTask: 7 } },
          ],
        },
      },
    };
    const run = await runCompScript((dir) => ({
      comp: { file: path.join(COMPS, "lua-basic.comp"), fileName: path.join(dir, "shots", "basic.comp"), data: compData },
      actions: [
        { do: "select", id: "PresetTree", row: 0 },
        set("PresetName", "Text", "Alpha"),
        click("PresetRename"),
        click("PresetPromote"),
        // A preset can also be named by typing it.
        set("PresetName", "Text", "B"),
        click("PresetDelete"),
        click("KeepPreset"),
        click("PresetDelete"),
        click("ConfirmDelete"),
        click("Cancel"),
      ],
    }));
    expect(run.transcript.error).toBeNull();
    const presets = list(stored(run.transcript.compData)!.presets) as { name: string }[];
    expect(presets.map((p) => p.name)).toEqual(["Alpha"]);
    expect(run.item(MAIN, "PresetTree").rows).toEqual([["Alpha"]]);
    const defaults = stored(run.transcript.fuData)!.defaults as Record<string, JsonValue>;
    expect(defaults.framesPerTask).toBe(3);
    expect(defaults.server).toBe("preset-hq:5000");
    expect(run.transcript.windows.filter((w) => w.id.startsWith(MESSAGE)).map((w) => w.id)).toEqual([MESSAGE + "1", MESSAGE + "2"]);
  });

  it("a preset needs a name", async () => {
    const run = await runCompScript({ actions: [click("PresetSave"), click("Cancel")] });
    expect(run.text(MAIN, "Notice")).toBe("Type a name for the preset first.");
    expect(run.transcript.compData).toEqual({});
  });
});

describe("pre-flight", () => {
  it("modified comp: Save and Submit saves first (with the settings in the file), then submits", async () => {
    const run = await runCompScript((dir) => ({
      comp: { file: path.join(COMPS, "lua-basic.comp"), fileName: path.join(dir, "shots", "basic.comp"), modified: true },
      actions: [click("Submit"), click("SaveAndSubmit")],
    }));
    expect(run.transcript.error).toBeNull();
    expect(run.window(MESSAGE).title).toBe("Unsaved Changes");
    expect(run.transcript.compSaves).toEqual([path.join(run.dir, "shots", "basic.comp")]);
    expect(submitted(run).comp.modified).toBe(false);
    expect(submitted(run).comp.savedFileOnly).toBeUndefined();
    expect(stored(run.transcript.compData)?.schema).toBe(1);
  });

  it("modified comp: Submit Last Saved Version submits without saving", async () => {
    const run = await runCompScript((dir) => ({
      comp: { file: path.join(COMPS, "lua-basic.comp"), fileName: path.join(dir, "shots", "basic.comp"), modified: true },
      actions: [click("Submit"), click("SubmitSaved")],
    }));
    expect(run.transcript.compSaves).toEqual([]);
    expect(submitted(run).comp.modified).toBe(true);
    // The helper reads the Savers from the file on disk, which is what the farm renders.
    expect(submitted(run).comp.savedFileOnly).toBe(true);
  });

  it("modified comp: Cancel sends nothing and saves nothing", async () => {
    const run = await runCompScript((dir) => ({
      comp: { file: path.join(COMPS, "lua-basic.comp"), fileName: path.join(dir, "shots", "basic.comp"), modified: true },
      actions: [click("Submit"), click("CancelSubmit"), click("Cancel")],
    }));
    expect(run.transcript.compSaves).toEqual([]);
    expect(run.callsOf("submit")).toEqual([]);
    expect(run.transcript.compData).toEqual({});
  });

  it("modified comp: a failed save stops the submission", async () => {
    const run = await runCompScript((dir) => ({
      comp: { file: path.join(COMPS, "lua-basic.comp"), fileName: path.join(dir, "shots", "basic.comp"), modified: true, saveFails: true },
      actions: [click("Submit"), click("SaveAndSubmit"), click("MessageOk"), click("Cancel")],
    }));
    expect(run.callsOf("submit")).toEqual([]);
    expect(run.window(MESSAGE).title).toBe("Save Failed");
  });

  it("no enabled Saver: cannot submit, and the dialog says why", async () => {
    const run = await runCompScript((dir) => ({
      comp: { file: path.join(COMPS, "lua-all-savers-disabled.comp"), fileName: path.join(dir, "shots", "off.comp") },
      actions: [click("Submit"), click("MessageOk"), click("Cancel")],
    }));
    expect(run.transcript.error).toBeNull();
    expect(run.window(MESSAGE).title).toBe("Cannot Submit");
    expect(run.text(MESSAGE, "MessageText")).toContain("Every Saver in this comp is disabled (pass-through)");
    expect(run.text(MAIN, "Checks")).toContain("Cannot submit: Every Saver in this comp is disabled (pass-through)");
    expect(run.callsOf("submit")).toEqual([]);
    expect(run.transcript.actionsLeft).toBe(0);
  });

  it("a Saver whose folder is missing: warns naming the Saver, and Create Missing Folders fixes it", async () => {
    const run = await runCompScript({ actions: [timers, click("CreateFolders")] });
    expect(run.transcript.error).toBeNull();
    const folder = path.join(run.dir, "shots", "render");
    expect(fs.existsSync(folder)).toBe(true);
    expect(run.text(MAIN, "Checks")).not.toContain("does not exist");
    expect(run.item(MAIN, "CreateFolders").Visible).toBe(false);

    const before = await runCompScript({ actions: [timers] });
    expect(before.text(MAIN, "Checks")).toContain(`Warning: Saver Beauty: its folder ${path.join(before.dir, "shots", "render")} does not exist on this computer.`);
    expect(before.item(MAIN, "CreateFolders").Visible).toBe(true);
    // The disabled Saver (Matte) is not checked.
    expect(before.text(MAIN, "Checks")).not.toContain("Matte");
  });
});

describe("after submit: the job monitor", () => {
  const running = {
    ok: true,
    command: "status",
    job: { id: 42, name: "basic -> basic.comp", status: "running", progress: 0.5 },
    tasks: [
      { id: 43, name: "Frames 1-5", status: "succeeded", progress: 1 },
      { id: 44, name: "Frames 6-10", status: "running", progress: 0.2 },
    ],
    counts: { succeeded: 1, running: 1 },
    finished: false,
    succeeded: false,
    url: "http://localhost:5000/jobs/view/42",
  };
  const done = {
    ...running,
    job: { ...running.job, status: "succeeded", progress: 1 },
    tasks: running.tasks.map((t) => ({ ...t, status: "succeeded", progress: 1 })),
    counts: { succeeded: 2 },
    finished: true,
    succeeded: true,
  };

  it("polls status on a timer, shows overall and per-task progress, and stops when the job finishes", async () => {
    const run = await runCompScript({ responses: { status: [running, done] }, actions: [click("Submit"), timers] });
    expect(run.transcript.error).toBeNull();
    const polls = run.callsOf("status");
    expect(polls).toHaveLength(2);
    expect(polls[0].positionals).toEqual(["42"]);
    expect(polls[0].options.server).toBe("localhost:5000");
    expect(run.text(MONITOR, "Overall")).toBe("Job succeeded, 100% (2 tasks: 2 succeeded). Finished: every task succeeded.");
    expect(run.item(MONITOR, "TaskTree").rows).toEqual([
      ["Frames 1-5", "succeeded", "100%"],
      ["Frames 6-10", "succeeded", "100%"],
    ]);
    expect(run.item(MONITOR, "TaskTree").header).toEqual(["Task", "Status", "Progress"]);
    expect(run.item(MONITOR, "CancelJob").Enabled).toBe(false);
    expect(run.transcript.timersStarted).toContain("MonitorPoll");
  });

  it("shows a running job's progress per task", async () => {
    const run = await runCompScript({ responses: { status: running }, actions: [click("Submit"), close(MONITOR)] });
    expect(run.text(MONITOR, "Overall")).toBe("Job running, 50% (2 tasks: 1 running, 1 succeeded)");
    expect(run.item(MONITOR, "TaskTree").rows).toEqual([
      ["Frames 1-5", "succeeded", "100%"],
      ["Frames 6-10", "running", "20%"],
    ]);
    // Closing the monitor never cancels the job.
    expect(run.callsOf("cancel")).toEqual([]);
  });

  it("Cancel Job asks first, then cancels through the helper", async () => {
    const cancelled = { ...running, job: { ...running.job, status: "cancelled" }, finished: true, succeeded: false };
    const run = await runCompScript({
      responses: { status: [running, running, cancelled] },
      // No idle polls: the transcript shows the monitor right after the cancel.
      idleTimers: false,
      actions: [click("Submit"), click("CancelJob"), click("KeepJob"), click("CancelJob"), click("ConfirmCancelJob")],
    });
    expect(run.transcript.error).toBeNull();
    const cancels = run.callsOf("cancel");
    expect(cancels).toHaveLength(1);
    expect(cancels[0].positionals).toEqual(["42"]);
    expect(cancels[0].options.server).toBe("localhost:5000");
    expect(run.text(MONITOR, "MonitorStatus")).toContain("Job 42 was cancelled.");
  });

  it("Cancel Job on a job that had already finished says so", async () => {
    const run = await runCompScript({
      responses: { status: running, cancel: { ok: true, command: "cancel", jobId: 42, alreadyFinished: "succeeded" } },
      idleTimers: false,
      actions: [click("Submit"), click("CancelJob"), click("ConfirmCancelJob")],
    });
    expect(run.transcript.error).toBeNull();
    expect(run.text(MONITOR, "MonitorStatus")).toContain("Job 42 had already finished (succeeded); nothing was cancelled.");
  });

  it("polls with --max-tasks so that a big job's status stays small", async () => {
    const run = await runCompScript({ responses: { status: running }, actions: [click("Submit"), close(MONITOR)] });
    expect(run.callsOf("status")[0].options["max-tasks"]).toBe("500");
  });

  it("a submit_unconfirmed answer is shown as such, and no monitor opens", async () => {
    const run = await runCompScript({
      responses: {
        submit: {
          ok: false,
          error: { code: "submit_unconfirmed", message: "newjob was sent but its answer was lost: the job may or may not exist.", hint: "check the HQueue web page before submitting again" },
        },
      },
      actions: [click("Submit"), click("MessageOk"), click("Cancel")],
    });
    expect(run.window(MESSAGE).title).toBe("Submission Not Confirmed");
    expect(run.text(MESSAGE, "MessageText")).toBe("newjob was sent but its answer was lost: the job may or may not exist. check the HQueue web page before submitting again");
    expect(run.hasWindow(MONITOR)).toBe(false);
  });
});

describe("a Saver that writes to another OS's path", () => {
  it("Linux, Saver to C:\\...: one warning (the helper's), no Create Missing Folders, no folder named C:\\... made", async () => {
    const helper = path.join(repoRoot, "dist/build/hqueue-helper.js");
    expect(fs.existsSync(helper), `${helper} is missing: run npm run build`).toBe(true);
    const run = await runCompScript((dir) => ({
      comp: { file: path.join(COMPS, "lua-windows-saver.comp"), fileName: path.join(dir, "shots", "win.comp") },
      fakeRuntime: "node",
      env: { KARTALINK_HQUEUE_HELPER: helper },
      idleTimers: false,
      actions: [timers, { do: "timers", maxTicks: 150, sleepMs: 20 }, click("CreateFolders")],
    }));
    expect(run.transcript.error).toBeNull();
    const checks = run.text(MAIN, "Checks");
    expect(checks).toContain("C:\\renders\\beauty.0000.exr, a Windows path, but this comp was saved on Linux");
    expect(checks).not.toContain("does not exist");
    expect(checks).not.toContain("relative path");
    expect(run.item(MAIN, "CreateFolders").Visible).toBe(false);
    expect(run.transcript.ignored).toContain("ignored click on hidden CreateFolders");
    // Nothing named C:\renders anywhere Fusion could have made it (its working folder is the repo here).
    expect(fs.existsSync(path.join(repoRoot, "C:\\renders"))).toBe(false);
  });
});
