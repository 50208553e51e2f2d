// The comp script under LuaJIT in the Fusion stand-in, driven like a user, with a recording fake helper:
// the minimal dialog (issue #2), refusing an unsaved comp, the request it writes, error display, and how it
// finds and launches node + the helper on each OS.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cmdParse, cmdSlashC } from "../support/cmd-model";
import { COMPS, MAIN, MESSAGE, MONITOR, buildCompScript, callLog, click, runCompScript, set, stored, timers, writeFakeHelper } from "./comp-script-harness";
import { removeRunDirs } from "./comp-script-harness";

afterAll(() => removeRunDirs());

beforeAll(() => {
  buildCompScript();
});

describe("comp script: minimal dialog and request", () => {
  it("opens the dialog with defaults from the comp and runs nothing until asked", async () => {
    const run = await runCompScript({ idleTimers: false, actions: [] });
    expect(run.transcript.error).toBeNull();
    expect(run.transcript.warnings).toEqual([]);
    const main = run.window(MAIN);
    expect(main.title).toContain("basic.comp");
    expect(main.shown).toBe(1);
    expect(main.visible).toBe(false); // the stand-in closed it: the dialog let the window close
    expect(run.text(MAIN, "CompSummary")).toBe(`basic.comp (${path.join(run.dir, "shots", "basic.comp")}): 2 Savers (1 enabled)`);
    expect(run.item(MAIN, "Server").Text).toBe("localhost:5000");
    expect(run.item(MAIN, "JobName").PlaceholderText).toBe("basic");
    expect(run.item(MAIN, "Priority").Value).toBe(5);
    expect(run.item(MAIN, "FrameSource").items).toEqual(["Render range", "Global range", "Custom frame set"]);
    expect(run.item(MAIN, "FrameSource").CurrentText).toBe("Render range");
    expect(run.text(MAIN, "FrameRanges")).toBe("Render range 1-10, global range 1-20");
    expect(run.calls).toEqual([]);
    expect(run.transcript.compData).toEqual({}); // nothing is written by just opening and closing
    expect(run.transcript.fuData).toEqual({});
    expect(run.transcript.compSaves).toEqual([]);
  });

  it("shows the helper's plan as 'N frames in M tasks' after the debounce timer", async () => {
    const run = await runCompScript({
      actions: [timers],
      responses: { plan: { ok: true, command: "plan", frameCount: 10, taskCount: 4, tasks: [], warnings: [], notes: [], spec: { name: "x" } } },
    });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("plan")).toHaveLength(1);
    expect(run.text(MAIN, "FramesSummary")).toBe("10 frames in 4 tasks");
    expect(run.item(MAIN, "Submit").Enabled).toBe(true);
    expect(run.transcript.timersStarted).toContain("PlanTimer");
  });

  it("Submit writes the request the contract describes and shows the job id and its web page", async () => {
    const run = await runCompScript({ actions: [click("Submit"), click("OpenWeb")] });
    expect(run.transcript.error).toBeNull();
    const submit = run.callsOf("submit");
    expect(submit).toHaveLength(1);
    const shotDir = path.join(run.dir, "shots");
    expect(submit[0].request).toEqual({
      kind: "kartalink.hqueue.request",
      version: 1,
      server: "localhost:5000",
      comp: {
        path: path.join(shotDir, "basic.comp"),
        platform: "linux",
        modified: false,
        renderStart: 1,
        renderEnd: 10,
        globalStart: 1,
        globalEnd: 20,
        step: 1,
        savers: [
          { name: "Beauty", enabled: true, path: path.join(shotDir, "render/beauty.0000.exr"), rawPath: "Comp:render/beauty.0000.exr" },
          { name: "Matte", enabled: false, path: path.join(shotDir, "render/matte.0000.png"), rawPath: "Comp:render/matte.0000.png" },
        ],
        // Read from the live comp: this one has none.
        loaders: [],
      },
      job: { name: "basic", priority: 5, frames: { kind: "render" }, framesPerTask: 10 },
      // Client OSes default to the submitting machine's OS (the stand-in runs as Linux).
      farm: { platforms: ["linux"], assign: { mode: "any" }, renderNode: { version: "19" }, sharedRoots: [] },
    });
    expect(submit[0].argv.slice(0, 2)).toEqual(["submit", "--request"]);
    expect(submit[0].options.json).toBe(true);
    expect(run.window(MAIN).visible).toBe(false);
    expect(run.text(MONITOR, "JobTitle")).toBe("Submitted job 42: 10 frames in 1 task.");
    expect(run.text(MONITOR, "JobUrl")).toBe("http://localhost:5000/jobs/view/42");
    expect(run.transcript.openedUrls).toEqual(["http://localhost:5000/jobs/view/42"]);
    expect(run.transcript.console.join("\n")).toContain("submitted job 42");
    // Temp request/response files are removed.
    expect(fs.readdirSync(run.dir).filter((name) => name.startsWith("kartalink-hqueue-"))).toEqual([]);
  });

  it("uses what the user typed: server, job name, priority, frames per task", async () => {
    const run = await runCompScript({
      actions: [
        set("Server", "Text", "http://hq-server:5001"),
        set("JobName", "Text", "Hero shot"),
        set("Priority", "Value", 8),
        set("FramesPerTask", "Value", 0),
        click("Submit"),
      ],
    });
    expect(run.transcript.error).toBeNull();
    const request = run.callsOf("submit")[0].request!;
    expect(request.server).toBe("http://hq-server:5001");
    expect(request.job).toEqual({ name: "Hero shot", priority: 8, frames: { kind: "render" }, framesPerTask: 0 });
  });

  it("takes the server from $HQUEUE_SERVER when nothing is stored, as the helper's command line does", async () => {
    const run = await runCompScript({ env: { HQUEUE_SERVER: "hq-farm:5000" }, actions: [click("Submit")] });
    expect(run.transcript.error).toBeNull();
    expect(run.item(MAIN, "Server").Text).toBe("hq-farm:5000");
    expect(run.callsOf("submit")[0].request!.server).toBe("hq-farm:5000");
  });

  it("refuses an unsaved comp with a clear message and runs nothing", async () => {
    const run = await runCompScript({
      comp: { file: path.join(COMPS, "lua-basic.comp"), fileName: "" },
      actions: [click("MessageOk")],
    });
    expect(run.transcript.error).toBeNull();
    expect(run.hasWindow(MAIN)).toBe(false);
    expect(run.text(MESSAGE, "MessageText")).toContain("This comp has never been saved");
    expect(run.text(MESSAGE, "MessageText")).toContain("save it");
    expect(run.transcript.executed).toEqual([]);
    expect(run.calls).toEqual([]);
    expect(run.transcript.compData).toEqual({});
  });

  it("shows the helper's error message and hint as they are, and keeps the dialog open", async () => {
    const error = {
      code: "unreachable",
      message: "Cannot reach the HQueue server at http://nowhere:5000/RPC2 while pinging: connect ECONNREFUSED",
      hint: "check that the HQueue server is running and that the address and port are right (the default port is 5000)",
    };
    const run = await runCompScript({
      responses: { submit: { ok: false, error } },
      actions: [click("Submit"), click("MessageOk"), click("Cancel")],
    });
    expect(run.transcript.error).toBeNull();
    expect(run.text(MESSAGE, "MessageText")).toBe(`${error.message} ${error.hint}`);
    expect(run.window(MESSAGE).title).toBe("Submission Failed");
    expect(run.text(MAIN, "Status")).toBe(`${error.message} ${error.hint}`);
    expect(run.hasWindow(MONITOR)).toBe(false);
    expect(run.transcript.actionsLeft).toBe(0);
  });

  it("says so when the helper prints no answer (e.g. an old Node.js)", async () => {
    const run = await runCompScript({
      fakeConfig: { skipResponseFile: true, stdout: "SyntaxError: Unexpected token '?'\n" },
      actions: [timers],
    });
    expect(run.transcript.error).toBeNull();
    const status = run.text(MAIN, "Status");
    expect(status).toContain("The helper did not answer");
    expect(status).toContain("SyntaxError");
    expect(status).toContain("Node.js 18 or newer");
  });

  it("brings an open dialog to the front instead of opening a second one", async () => {
    const run = await runCompScript({ existingWindows: [MAIN] });
    expect(run.transcript.error).toBeNull();
    expect(run.transcript.windows).toEqual([]);
    expect(run.transcript.executed).toEqual([]);
  });

  it("registers ESC / Ctrl+W for the dialog, and ESC closes the dialog without submitting", async () => {
    const run = await runCompScript({ actions: [{ do: "hotkey", key: "ESCAPE" }, click("Submit")] });
    expect(run.transcript.error).toBeNull();
    const config = run.transcript.configs.find((c) => c.name === MAIN);
    expect(config).toBeDefined();
    const hotkeys = config!.entries.find((e) => e.type === "Hotkeys")!;
    expect(hotkeys.Target).toBe(MAIN);
    expect(String(hotkeys.ESCAPE)).toContain("QueueEvent(obj, \"Close\"");
    expect(String(hotkeys.CONTROL_W)).toContain("QueueEvent(obj, \"Close\"");
    expect(run.callsOf("submit")).toEqual([]);
    // ESC ended the dialog: the click that followed never reached it.
    expect(run.transcript.actionsLeft).toBe(1);
  });

  it("tells the user when there is no UI Manager instead of failing", async () => {
    const run = await runCompScript({ uiManager: false, actions: [] });
    expect(run.transcript.error).toBeNull();
    expect(run.transcript.windows).toEqual([]);
    expect(run.transcript.console.join("\n")).toContain("no UI Manager");
    expect(run.transcript.executed).toEqual([]);
  });
});

describe("comp script: finding and launching node and the helper", () => {
  it("finds the helper next to its install root (Reactor or a hand copy into a Fusion user folder)", async () => {
    const built = buildCompScript();
    const run = await runCompScript((dir) => {
      const root = path.join(dir, "Fusion User");
      const script = path.join(root, "Scripts/Comp/KartaLink/HQueue Render.lua");
      fs.mkdirSync(path.dirname(script), { recursive: true });
      fs.copyFileSync(built, script);
      writeFakeHelper(path.join(root, "Bin/KartaLink/HQueueRender/hqueue-helper.js"), callLog(dir), {});
      return { helper: "none", script, actions: [timers] };
    });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("plan")).toHaveLength(1);
    expect(run.transcript.executed[0].cmd).toContain(path.join(run.dir, "Fusion User/Bin/KartaLink/HQueueRender/hqueue-helper.js"));
  });

  it("finds the helper in Reactor's deploy folder through the Reactor: path map", async () => {
    const run = await runCompScript((dir) => {
      writeFakeHelper(path.join(dir, "Reactor/Deploy/Bin/KartaLink/HQueueRender/hqueue-helper.js"), callLog(dir), {});
      return { helper: "none", prefs: { "Global.Paths.Map.Reactor:": path.join(dir, "Reactor") + "/" }, actions: [timers] };
    });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("plan")).toHaveLength(1);
    expect(run.transcript.executed[0].cmd).toContain(path.join(run.dir, "Reactor/Deploy/Bin/KartaLink/HQueueRender/hqueue-helper.js"));
  });

  it("uses a helper path saved by hand in Fusion's prefs (fu:SetData) without a notice", async () => {
    const run = await runCompScript((dir) => {
      const helper = path.join(dir, "custom", "hqueue-helper.js");
      writeFakeHelper(helper, callLog(dir), {});
      return { helper: "none", fuData: { KartaLink: { HQueueRender: { helperPath: helper } } }, actions: [timers] };
    });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("plan")).toHaveLength(1);
    expect(run.text(MAIN, "Notice")).toBe("");
  });

  it("says where it looked when the helper is not installed", async () => {
    const run = await runCompScript({ helper: "none", actions: [timers] });
    expect(run.transcript.error).toBeNull();
    expect(run.calls).toEqual([]);
    expect(run.text(MAIN, "Status")).toContain("hqueue-helper.js) was not found");
    expect(run.text(MAIN, "Status")).toContain("KARTALINK_HQUEUE_HELPER");
  });

  it("says exactly that Node.js is missing and how to fix it", async () => {
    const run = await runCompScript({
      platform: "Windows",
      exec: "record",
      env: { KARTALINK_NODE: false, ProgramFiles: false, LOCALAPPDATA: false, USERPROFILE: false, ChocolateyInstall: false, PATH: "C:\\Nowhere;\"C:\\No node here\"" },
      actions: [timers, click("Submit"), click("MessageOk"), click("Cancel")],
    });
    expect(run.transcript.error).toBeNull();
    expect(run.window(MESSAGE).title).toBe("Cannot Submit");
    expect(run.text(MESSAGE, "MessageText")).toContain("Node.js was not found on this computer");
    // The fix is the Node.js field: the advanced section it lives in is shown.
    expect(run.item(MAIN, "NodePath").Visible).toBe(true);
    const status = run.text(MAIN, "Status");
    expect(status).toContain("Node.js was not found on this computer");
    expect(status).toContain("Node.js 18 or newer");
    expect(status).toContain("https://nodejs.org");
    expect(status).toContain("Node.js field");
    expect(status).toContain("KARTALINK_NODE");
    // PATH was searched file by file (no process: the dialog never waits on one), and the helper never ran.
    expect(status).toContain("PATH");
    expect(run.transcript.executed.map((e) => e.cmd)).toEqual([]);
    expect(run.callsOf("submit")).toEqual([]);
  });

  it("names a KARTALINK_NODE that points nowhere", async () => {
    const run = await runCompScript({ env: { KARTALINK_NODE: "/nonexistent/node" }, actions: [timers] });
    expect(run.text(MAIN, "Status")).toContain("KARTALINK_NODE names /nonexistent/node, but there is no file there");
    expect(run.calls).toEqual([]);
  });

  it("uses the Node.js path typed in the dialog and remembers it in the studio prefs on Submit", async () => {
    const run = await runCompScript({
      fakeRuntime: "node",
      env: { KARTALINK_NODE: false },
      actions: [click("ShowAdvanced"), set("NodePath", "Text", process.execPath), click("Submit")],
    });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("submit")).toHaveLength(1);
    // Every launch is in the background (sh: `( <node> <helper> ...; echo exited > X ) ... &`).
    expect(run.transcript.executed.every((e) => e.fn === "os.execute" && e.cmd.startsWith("( " + process.execPath + " ") && e.cmd.endsWith(" &"))).toBe(true);
    expect(stored(run.transcript.fuData)?.nodePath).toBe(process.execPath);
    expect(run.transcript.prefsSaved).toBeGreaterThan(0);
  });

  it("on Windows launches through bmd.executebg with cmd.exe /s /c, every path quoted for cmd.exe", async () => {
    let node = "";
    let helper = "";
    let temp = "";
    const run = await runCompScript((dir) => {
      node = path.join(dir, "Program Files", "nodejs", "node.exe");
      fs.mkdirSync(path.dirname(node), { recursive: true });
      fs.writeFileSync(node, "");
      helper = path.join(dir, "Kartaverse 100% (test)", "hqueue-helper.js");
      writeFakeHelper(helper, callLog(dir), {});
      temp = path.join(dir, "Temp Folder");
      fs.mkdirSync(temp);
      return { platform: "Windows", exec: "record", idleTimers: false, env: { KARTALINK_NODE: node, KARTALINK_HQUEUE_HELPER: helper, TEMP: temp, TMP: temp }, actions: [timers] };
    });
    expect(run.transcript.error).toBeNull();
    expect(run.transcript.executed.map((e) => e.fn)).toEqual(["bmd.executebg"]);
    const line = run.transcript.executed[0].cmd;
    // cmd.exe /s strips exactly the first and last quote of what follows /c, whoever runs the line.
    const prefix = 'cmd.exe /d /s /c "';
    expect(line.startsWith(prefix)).toBe(true);
    expect(line.endsWith('"')).toBe(true);
    const inner = line.slice(prefix.length, -1);
    const redirect = inner.match(/^(.*) <NUL >("[^"]+-response\.json\.output") 2>&1 & echo exited>("[^"]+-response\.json\.exited")$/);
    expect(redirect, inner).not.toBeNull();
    // What cmd.exe hands the program, split as its C runtime does (the model does not know the redirections,
    // which sit outside every quoted argument: check the command without them, as /c would see it).
    const withoutRedirect = '"' + redirect![1] + '"';
    const parsed = cmdParse(cmdSlashC(withoutRedirect), { env: { TEMP: temp }, delayedExpansion: false });
    expect(parsed.separators).toEqual([]);
    const argv = parsed.argv;
    expect(argv[0]).toBe(node);
    expect(argv.slice(1, 4)).toEqual([helper, "plan", "--request"]);
    expect(argv[4].startsWith(temp + "\\kartalink-hqueue-")).toBe(true);
    expect(argv[4].endsWith("-request.json")).toBe(true);
    expect(argv.slice(5, 11)).toEqual(["--server-roots", "--server-clients", "--timeout", "3", "--json", "--response-file"]);
    expect(argv[11].endsWith("-response.json")).toBe(true);
    expect(argv).toHaveLength(12);
    // With delayed expansion on, the same line gives the same argv (no "!" anywhere).
    expect(cmdParse(cmdSlashC(withoutRedirect), { env: { TEMP: temp }, delayedExpansion: true }).argv).toEqual(argv);
    // exec "record": nothing runs, so the dialog was still waiting for the helper when it was closed.
    expect(run.text(MAIN, "Status")).toContain("Checking the request");
  });

  it("refuses to launch on Windows when a path has a character cmd.exe cannot pass", async () => {
    const run = await runCompScript((dir) => {
      const node = path.join(dir, "Tools!", "node.exe");
      fs.mkdirSync(path.dirname(node), { recursive: true });
      fs.writeFileSync(node, "");
      return { platform: "Windows", exec: "record", env: { KARTALINK_NODE: node }, actions: [timers] };
    });
    expect(run.transcript.error).toBeNull();
    expect(run.transcript.executed).toEqual([]);
    expect(run.text(MAIN, "Status")).toContain('contains "!"');
  });

  it("refuses (instead of crashing) a Node.js path with % on Windows, which cmd.exe would expand", async () => {
    const run = await runCompScript((dir) => {
      const node = path.join(dir, "100%", "node.exe");
      fs.mkdirSync(path.dirname(node), { recursive: true });
      fs.writeFileSync(node, "");
      return { platform: "Windows", exec: "record", env: { KARTALINK_NODE: node }, actions: [timers] };
    });
    expect(run.transcript.error).toBeNull();
    expect(run.transcript.executed).toEqual([]);
    expect(run.text(MAIN, "Status")).toContain("Cannot start the helper");
  });

  it("on macOS/Linux quotes paths for sh", async () => {
    let helper = "";
    const run = await runCompScript((dir) => {
      helper = path.join(dir, "Kartaverse's Tools", "hqueue-helper.js");
      writeFakeHelper(helper, callLog(dir), {});
      return { platform: "Mac", env: { KARTALINK_HQUEUE_HELPER: helper }, actions: [timers] };
    });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("plan")).toHaveLength(1);
    const line = run.transcript.executed[0].cmd;
    expect(line).toContain(`'${helper.replace("'", "'\\''")}'`);
    expect(line.startsWith("( ")).toBe(true);
    expect(line.endsWith(" 2>&1 &")).toBe(true);
  });
});
