/**
 * The LuaJIT Fusion stand-in itself (test/support/fusion-standin.lua): each feature is exercised by a small Lua
 * script (test/lua/fixtures/standin-*.lua, or a probe passed to standin-eval.lua through the environment).
 */
import { describe, it, expect, afterAll } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { runFusionStandin, runFusionStandinFull, repoRoot, standinScript, type StandinConfig, type Transcript } from "../support/fusion-standin";

const fixtures = "test/lua/fixtures";
const sharedComps = path.resolve(repoRoot, "../shared/fixtures/comps");
const haveShared = fs.existsSync(path.join(sharedComps, "SOURCES.md"));
const stmapComp = path.join(sharedComps, "fu19.0_kartaverse_stmap_3savers_jpg_exr_compmap.comp");

/** A tiny comp written by the test (Fusion's .comp syntax, trailing NUL as older Fusions write it). */
const tinyCompDir = fs.mkdtempSync(path.join(os.tmpdir(), "standin-comp-"));
const tinyComp = path.join(tinyCompDir, "tiny.comp");
fs.writeFileSync(
  tinyComp,
  `Composition {
	CurrentTime = 12,
	RenderRange = { 10, 20, },
	GlobalRange = { 0, 100, },
	CustomData = { HQ = { Server = "farm01", Port = 5000 } },
	Tools = ordered() {
		Out1 = Saver {
			Inputs = { Clip = Input { Value = Clip { Filename = "Comp:/render/out.0000.exr", FormatID = "OpenEXRFormat" }, }, },
			CustomData = { Note = "main" },
		},
		Off = Saver { PassThrough = true, Inputs = { Clip = Input { Value = Clip { Filename = "Renders:/off.0000.png" }, }, }, },
		Grp = GroupOperator { Tools = ordered() { Inner = Saver { Inputs = { OutputFormat = Input { Value = FuID { "JpegFormat" } } } } } },
		Tile = Fuse.hos_Tiler { PassThrough = true },
		Load = Loader { Clips = { Clip { Filename = "Comp:/in/plate.0001.exr" } } },
	},
	Prefs = { Comp = { Paths = { Map = { ["Shots:"] = "/mnt/shots/" } },
		Unsorted = { RenderSettings = { Configs = { Final = { StepRender = true, StepSize = 2 } } } } } },
}\n\0`,
);

afterAll(() => fs.rmSync(tinyCompDir, { recursive: true, force: true }));

/** Runs Lua probe code inside the stand-in. */
function probe(code: string, extra: Partial<StandinConfig> = {}): Promise<Transcript> {
  return runFusionStandin({
    script: `${fixtures}/standin-eval.lua`,
    ...extra,
    env: { ...(extra.env ?? {}), STANDIN_CODE: code },
  });
}

describe("globals, platform, version", () => {
  it("provides fu/fusion/app, comp/composition, platform flags and the version", async () => {
    const code = `
      print(fu == fusion, fu == app, comp == composition, fu.CurrentComp == comp)
      print(tostring(FuPLATFORM_WINDOWS), tostring(FuPLATFORM_MAC), tostring(FuPLATFORM_LINUX))
      local v = fu:GetVersion()
      print(v[1], v[2], v[3], v.App, fu:GetAttrs().FUSIONS_Version, fu:GetAttrs("FUSIONS_Version"))
      print(fu.TIME_UNDEFINED == TIME_UNDEFINED, type(TIME_UNDEFINED))`;
    const mac = await probe(code, { platform: "Mac", fusionVersion: [18, 5, 2] });
    expect(mac.error).toBeNull();
    expect(mac.console).toEqual(["true\ttrue\ttrue\ttrue", "nil\ttrue\tnil", "18\t5\t2\tFusion\t18.5.2\t18.5.2", "true\tnumber"]);
    const win = await probe(code, { platform: "Windows" });
    expect(win.console[1]).toBe("true\tnil\tnil");
    expect(win.console[2]).toBe("19\t1\t4\tFusion\t19.1.4\t19.1.4");
  });

  it("comp: null gives no composition; uiManager: false gives no UIManager", async () => {
    const t = await probe("print(tostring(comp), tostring(fu.CurrentComp), tostring(fu.UIManager))", { comp: null, uiManager: false });
    expect(t.console).toEqual(["nil\tnil\tnil"]);
    expect(t.compData).toBeNull();
  });

  it("print and dump go to the console (and stderr)", async () => {
    const run = await runFusionStandinFull({
      script: `${fixtures}/standin-eval.lua`,
      env: { STANDIN_CODE: 'print("a", 1, nil, true) print("two\\nlines") dump({ b = { 1, 2 }, a = "x" })' },
    });
    expect(run.transcript.console).toEqual(["a\t1\tnil\ttrue", "two", "lines", "{", '\ta = "x",', "\tb = {", "\t\t[1] = 1,", "\t\t[2] = 2,", "\t},", "}"]);
    expect(run.stderr).toContain("a\t1\tnil\ttrue\n");
  });

  it("os.getenv overrides fall through to the real environment; false unsets", async () => {
    const t = await probe('print(os.getenv("HQ_X"), tostring(os.getenv("PATH") ~= nil), tostring(os.getenv("HOME")))', {
      env: { HQ_X: "1", HOME: false },
    });
    expect(t.console).toEqual(["1\ttrue\tnil"]);
  });

  it("a script error is recorded with its traceback; os.exit aborts the run", async () => {
    const t = await probe('print("before") error("boom")');
    expect(t.console).toEqual(["before"]);
    expect(t.error).toMatch(/^probe:1: boom\n/);
    expect(t.error).toContain("stack traceback");
    const exit = await probe('print("x") os.exit(1) print("not reached")');
    expect(exit.console).toEqual(["x"]);
    expect(exit.error).toMatch(/called os\.exit\(1\)/);
  });
});

describe("colon/dot fidelity", () => {
  it("methods called with a dot and bmd functions called with a colon fail with a clear message", async () => {
    const code = `
      local function try(label, f, ...) local ok, err = pcall(f, ...) print(label, tostring(ok), tostring(err)) end
      try("comp.GetAttrs", comp.GetAttrs)
      try("comp.MapPath", comp.MapPath, "Comp:/x")
      try("fu.GetPrefs", fu.GetPrefs, "Global")
      try("bmd:fileexists", bmd.fileexists, bmd, "/tmp")
      try("bmd:UIDispatcher", bmd.UIDispatcher, bmd, fu.UIManager)
      try("ui.VGroup", fu.UIManager.VGroup, {})
      local disp = bmd.UIDispatcher(fu.UIManager)
      try("disp.RunLoop", disp.RunLoop)
      local win = disp:AddWindow({ ID = "W", fu.UIManager:ComboBox{ ID = "C" } })
      try("win.Show", win.Show)
      try("item.AddItem", win:GetItems().C.AddItem, "x")
      local saver = comp:GetToolList(false, "Saver")[1]
      try("tool.GetAttrs", saver.GetAttrs)
      try("comp:GetAttrs", comp.GetAttrs, comp)`;
    const t = await probe(code, { comp: { file: tinyComp } });
    expect(t.error).toBeNull();
    const result = Object.fromEntries(t.console.map((line) => [line.split("\t")[0], line.split("\t").slice(1).join("\t")]));
    expect(result["comp.GetAttrs"]).toBe("false\tGetAttrs must be called as comp:GetAttrs()");
    expect(result["comp.MapPath"]).toMatch(/^false\tMapPath must be called as comp:MapPath\(\)/);
    expect(result["fu.GetPrefs"]).toMatch(/^false\tGetPrefs must be called as fu:GetPrefs\(\)/);
    expect(result["bmd:fileexists"]).toMatch(/^false\tbmd\.fileexists must be called with a dot/);
    expect(result["bmd:UIDispatcher"]).toMatch(/^false\tbmd\.UIDispatcher must be called with a dot/);
    expect(result["ui.VGroup"]).toMatch(/^false\tVGroup must be called as ui:VGroup\(\)/);
    expect(result["disp.RunLoop"]).toMatch(/^false\tRunLoop must be called as disp:RunLoop\(\)/);
    expect(result["win.Show"]).toMatch(/^false\tShow must be called as win:Show\(\)/);
    expect(result["item.AddItem"]).toMatch(/^false\tAddItem must be called as item:AddItem\(\)/);
    expect(result["tool.GetAttrs"]).toMatch(/^false\tGetAttrs must be called as tool:GetAttrs\(\)/);
    expect(result["comp:GetAttrs"]).toMatch(/^true\ttable/);
  });
});

describe("composition", () => {
  it("attributes come from the .comp (ranges, step, time) and the config (file name, modified, overrides)", async () => {
    const code = `
      local a = comp:GetAttrs()
      print(a.COMPS_FileName, a.COMPS_Name, tostring(a.COMPB_Modified), a.COMPN_CurrentTime)
      print(a.COMPN_RenderStart, a.COMPN_RenderEnd, a.COMPN_GlobalStart, a.COMPN_GlobalEnd, a.COMPI_RenderStep)
      print(comp:GetAttrs("COMPN_RenderStart"), comp:GetAttrs("COMPI_RenderStep"))`;
    const t = await probe(code, { comp: { file: tinyComp, fileName: "/proj/shot/tiny.comp", modified: true, attrs: { COMPN_RenderStart: 11 } } });
    expect(t.console).toEqual(["/proj/shot/tiny.comp\ttiny.comp\ttrue\t12", "11\t20\t0\t100\t2", "11\t2"]);
    const unsaved = await probe("local a = comp:GetAttrs() print('[' .. a.COMPS_FileName .. ']', '[' .. a.COMPS_Name .. ']')", {
      comp: { file: tinyComp, fileName: "" },
    });
    expect(unsaved.console).toEqual(["[]\t[]"]);
    const defaultName = await probe("print(comp:GetAttrs().COMPS_FileName)", { comp: { file: tinyComp } });
    expect(defaultName.console).toEqual([tinyComp]);
  });

  it("GetToolList walks groups, filters by type and selection; Savers expose Clip and TOOL attributes", async () => {
    const code = `
      local all = comp:GetToolList(false)
      local names = {} for i = 1, #all do names[i] = all[i]:GetAttrs().TOOLS_Name .. "=" .. all[i]:GetAttrs("TOOLS_RegID") end
      print(table.concat(names, ","))
      local savers = comp:GetToolList(false, "Saver")
      for i = 1, #savers do
        local s = savers[i]
        local a = s:GetAttrs()
        print(a.TOOLS_Name, tostring(a.TOOLB_PassThrough), "[" .. s.Clip[fu.TIME_UNDEFINED] .. "]", "[" .. s.Clip[1] .. "]", type(a.TOOLST_Clip_Name), a.TOOLST_Clip_Name[1])
      end
      print(#comp:GetToolList(true, "Saver"), comp:GetToolList(true)[1]:GetAttrs().TOOLS_Name)
      print(tostring(comp:GetToolList(false, "Fuse.hos_Tiler")[1].Clip), comp:GetToolList(false, "Loader")[1].Clip[TIME_UNDEFINED])
      print(savers[3]:GetData("Note"), tostring(pcall(function() return savers[3].Clip.x end)))`;
    const t = await probe(code, { comp: { file: tinyComp, selected: ["Off"] } });
    expect(t.error).toBeNull();
    expect(t.console).toEqual([
      "Grp=GroupOperator,Inner=Saver,Load=Loader,Off=Saver,Out1=Saver,Tile=Fuse.hos_Tiler",
      "Inner\tfalse\t[]\t[]\ttable\t",
      "Off\ttrue\t[Renders:/off.0000.png]\t[Renders:/off.0000.png]\ttable\tRenders:/off.0000.png",
      "Out1\tfalse\t[Comp:/render/out.0000.exr]\t[Comp:/render/out.0000.exr]\ttable\tComp:/render/out.0000.exr",
      "1\tOff",
      "nil\tComp:/in/plate.0001.exr",
      "main\tfalse",
    ]);
  });

  it("comp:MapPath expands Comp:, comp maps (case-insensitive) and global maps; fu:MapPath only global maps", async () => {
    const code = `
      print(comp:MapPath("Comp:/render/a.exr"), comp:MapPath("comp:render/a.exr"), comp:MapPath("RENDERS:/x/y.png"))
      print(comp:MapPath("Shots:sh010/a.exr"), comp:MapPath("Reactor:Deploy/x"), comp:MapPath("Unknown:/x"), comp:MapPath("C:\\\\x"))
      print(fu:MapPath("Comp:/render/a.exr"), fu:MapPath("Reactor:Deploy/x"), fu:MapPath("Renders:/x"), fu:MapPath("Deep:/a"))
      print(comp:ReverseMapPath("/proj/shot/render/a.exr"), comp:ReverseMapPath("/mnt/hq/renders/x.png"), comp:ReverseMapPath("/elsewhere/x"))`;
    const t = await probe(code, {
      comp: { file: tinyComp, fileName: "/proj/shot/tiny.comp", pathMaps: { "Renders:": "/mnt/hq/renders/" } },
      prefs: { "Global.Paths.Map.Reactor:": "/opt/Reactor/", "Global.Paths.Map.Deep:": "Reactor:Sub" },
    });
    expect(t.error).toBeNull();
    expect(t.console).toEqual([
      "/proj/shot/render/a.exr\t/proj/shot/render/a.exr\t/mnt/hq/renders/x/y.png",
      "/mnt/shots/sh010/a.exr\t/opt/Reactor/Deploy/x\tUnknown:/x\tC:\\x",
      "Comp:/render/a.exr\t/opt/Reactor/Deploy/x\tRenders:/x\t/opt/Reactor/Sub/a",
      "Comp:/render/a.exr\tRenders:/x.png\t/elsewhere/x",
    ]);
  });

  it("GetData/SetData: dotted names are subtables, GetData('A') returns the subtree, SetData('A') clears it, values are copies", async () => {
    const code = `
      print(comp:GetData("HQ.Server"), comp:GetData("HQ").Port)
      comp:SetData("HQ.Frames.Start", 1)
      comp:SetData("HQ.Frames.End", 9)
      local t = comp:GetData("HQ.Frames") t.Start = 100
      print(comp:GetData("HQ.Frames.Start"), comp:GetData("HQ.Frames.End"))
      comp:SetData("HQ.Frames")
      print(tostring(comp:GetData("HQ.Frames")), comp:GetData("HQ.Server"))
      comp:SetData("List", { "a", "b" })
      fu:SetData("Studio.Server", "hq1")
      fu:SetData("Gone", 1) fu:SetData("Gone")
      print(fu:GetData("Studio.Server"), fu:GetData("Preset.Pool"), tostring(fu:GetData("Missing.Key")))
      print(tostring(pcall(comp.SetData, comp, "F", print)))`;
    const t = await probe(code, { comp: { file: tinyComp }, fuData: { Preset: { Pool: "gpu" } } });
    expect(t.error).toBeNull();
    expect(t.console).toEqual(["farm01\t5000", "1\t9", "nil\tfarm01", "hq1\tgpu\tnil", "false"]);
    expect(t.compData).toEqual({ HQ: { Server: "farm01", Port: 5000 }, List: ["a", "b"] });
    expect(t.fuData).toEqual({ Preset: { Pool: "gpu" }, Studio: { Server: "hq1" } });
    const fromConfig = await probe('print(comp:GetData("X"), tostring(comp:GetData("HQ")))', { comp: { file: tinyComp, data: { X: 1 } } });
    expect(fromConfig.console).toEqual(["1\tnil"]);
  });

  it("comp:Save records the call and clears COMPB_Modified; an unnamed comp cannot Save()", async () => {
    const code = `
      print(tostring(comp:Save()), tostring(comp:GetAttrs().COMPB_Modified))
      print(tostring(comp:Save("/proj/new.comp")), comp:GetAttrs().COMPS_Name)`;
    const named = await probe(code, { comp: { file: tinyComp, fileName: "/proj/a.comp", modified: true } });
    expect(named.console).toEqual(["true\tfalse", "true\tnew.comp"]);
    expect(named.compSaves).toEqual([null, "/proj/new.comp"]);
    expect(named.compModified).toBe(false);
    expect(named.compFileName).toBe("/proj/new.comp");
    const unnamed = await probe(code, { comp: { file: tinyComp, fileName: "", modified: true } });
    expect(unnamed.console[0]).toBe("false\ttrue");
    const failing = await probe(code, { comp: { file: tinyComp, fileName: "/a.comp", modified: true, saveFails: true } });
    expect(failing.console).toEqual(["false\ttrue", "false\ta.comp"]);
  });

  it("prefs: dotted GetPrefs/SetPrefs, SavePrefs counted; comp:GetPrefs reads the .comp Prefs", async () => {
    const code = `
      print(fu:GetPrefs("Global.Paths.Map")["Reactor:"], fu:GetPrefs("Global.Script.EditorPath"))
      fu:SetPrefs("Global.Script.EditorPath", "/usr/bin/vi") fu:SavePrefs()
      print(fu:GetPrefs("Global.Script.EditorPath"), comp:GetPrefs("Comp.Paths.Map")["Shots:"])`;
    const t = await probe(code, { comp: { file: tinyComp }, prefs: { "Global.Paths.Map.Reactor:": "/opt/Reactor/", "Global.Script.EditorPath": "/usr/bin/ed" } });
    expect(t.console).toEqual(["/opt/Reactor/\t/usr/bin/ed", "/usr/bin/vi\t/mnt/shots/"]);
    expect(t.prefsSaved).toBe(1);
    expect(t.prefs).toEqual({ Global: { Paths: { Map: { "Reactor:": "/opt/Reactor/" } }, Script: { EditorPath: "/usr/bin/vi" } } });
  });

  it("Lock/Unlock and StartUndo/EndUndo left unbalanced are reported as warnings", async () => {
    const t = await probe('comp:Lock() comp:StartUndo("x") comp:Unlock() print(tostring(comp:GetAttrs().COMPB_Locked))', { comp: { file: tinyComp } });
    expect(t.console).toEqual(["false"]);
    expect(t.warnings).toContain("undo block left open (comp:StartUndo() without comp:EndUndo())");
  });
});

describe("bmd", () => {
  it("file checks use the real filesystem; openurl, executebg and clipboard are recorded", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "standin-bmd-"));
    fs.writeFileSync(path.join(dir, "a.txt"), "x");
    fs.mkdirSync(path.join(dir, "sub"));
    const code = `
      local d = "${dir}/"
      print(tostring(bmd.fileexists(d .. "a.txt")), tostring(bmd.fileexists(d .. "sub")), tostring(bmd.fileexists(d .. "nope")))
      print(tostring(bmd.direxists(d .. "sub")), tostring(bmd.direxists(d .. "a.txt")), tostring(bmd.direxists(d .. "nope")))
      bmd.createdir(d .. "made/deep")
      print(tostring(bmd.direxists(d .. "made/deep")))
      local entries = bmd.readdir(d .. "*")
      local names = {} for i = 1, #entries do names[i] = entries[i].Name .. (entries[i].IsDir and "/" or "") end
      table.sort(names) print(table.concat(names, ","))
      local p = bmd.parseFilename("/r/shot/plate.0042.exr")
      print(p.Path, p.FullName, p.Name, p.CleanName, p.Extension, p.SNum, tostring(p.UNC))
      bmd.openurl("http://127.0.0.1:5000/jobs/view/7")
      bmd.setclipboard("copied") print(bmd.getclipboard())
      print(tostring(bmd.executebg("echo bg")))`;
    const t = await probe(code, { exec: "record" });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(t.error).toBeNull();
    expect(t.console).toEqual([
      "true\tfalse\tfalse",
      "true\tfalse\tfalse",
      "true",
      "a.txt,made/,sub/",
      "/r/shot/\tplate.0042.exr\tplate.0042\tplate.\t.exr\t0042\tfalse",
      "copied",
      "nil",
    ]);
    expect(t.openedUrls).toEqual(["http://127.0.0.1:5000/jobs/view/7"]);
    expect(t.executed).toEqual([{ fn: "bmd.executebg", cmd: "echo bg" }]);
  });

  it("io.popen/os.execute: recorded and refused with exec=record, recorded and run with exec=real", async () => {
    const code = `
      local h, err = io.popen("echo hi")
      print(h and h:read("*l") or ("nil " .. tostring(err)))
      if h then h:close() end
      print(os.execute("exit 3"))`;
    const recorded = await probe(code, { exec: "record" });
    expect(recorded.console).toEqual(["nil fusion-standin: command execution is disabled (exec=record)", "256"]);
    expect(recorded.executed).toEqual([
      { fn: "io.popen", cmd: "echo hi" },
      { fn: "os.execute", cmd: "exit 3" },
    ]);
    const realRun = await probe(code, { exec: "real" });
    expect(realRun.console).toEqual(["hi", "768"]);
    expect(realRun.executed).toHaveLength(2);
  });
});

describe("UI: dialog driven by actions", () => {
  const dialog = `${fixtures}/standin-dialog.lua`;

  it("set fires the user-edit events, disabled buttons ignore clicks, Submit ends the loop", async () => {
    const t = await runFusionStandin({
      script: dialog,
      actions: [
        { do: "click", id: "Submit" },
        { do: "set", id: "Job", prop: "Text", value: "Shot 10" },
        { do: "set", id: "Job", prop: "Text", value: "Shot 10" },
        { do: "set", id: "Notes", prop: "PlainText", value: "hello" },
        { do: "set", id: "Locked", prop: "Text", value: "changed" },
        { do: "set", id: "Priority", prop: "Value", value: 42 },
        { do: "set", id: "Scale", prop: "Value", value: 1.25 },
        { do: "set", id: "OS", prop: "CurrentText", value: "Linux" },
        { do: "set", id: "OS", prop: "CurrentIndex", value: 1 },
        { do: "click", id: "Log" },
        { do: "set", id: "Log", prop: "Checked", value: false },
        { do: "click", id: "Submit" },
      ],
    });
    expect(t.error).toBeNull();
    expect(t.console).toEqual([
      "TextChanged Job = Shot 10",
      "Notes = hello",
      "Priority = 10",
      "Scale = 1.25",
      "OS = 3 Linux",
      "OS = 1 macOS",
      "Log = false",
      "result submit",
    ]);
    expect(t.ignored).toEqual(["ignored click on disabled Submit", "ignored set on read-only Locked"]);
    expect(t.actionsLeft).toBe(0);
    const win = t.windows[0];
    expect(win).toMatchObject({ id: "Dlg", title: "Submit", targetId: "Dlg", shown: 1, visible: false });
    expect(win.items.Job).toMatchObject({ type: "LineEdit", Text: "Shot 10", PlaceholderText: "job name", Enabled: true });
    expect(win.items.Submit).toMatchObject({ type: "Button", Enabled: true, Text: "Submit" });
    expect(win.items.OS).toMatchObject({ CurrentIndex: 1, CurrentText: "macOS", items: ["Auto", "macOS", "Windows", "Linux"] });
    expect(win.items.Priority).toMatchObject({ Value: 10, Minimum: 0, Maximum: 10 });
    expect(win.items.Log).toMatchObject({ Checked: false });
  });

  it("an empty queue closes the window (Close handler → ExitLoop); close and Cancel work too", async () => {
    const auto = await runFusionStandin({ script: dialog });
    expect(auto.console).toEqual(["result closed"]);
    expect(auto.windows[0].visible).toBe(false);
    const closed = await runFusionStandin({ script: dialog, actions: [{ do: "close" }, { do: "click", id: "Cancel" }] });
    expect(closed.console).toEqual(["result closed"]);
    expect(closed.actionsLeft).toBe(1);
    const cancelled = await runFusionStandin({ script: dialog, actions: [{ do: "click", id: "Cancel" }] });
    expect(cancelled.console).toEqual(["result cancel"]);
  });

  it("a set that names a missing item or combo entry aborts the run with a clear error", async () => {
    const missing = await runFusionStandin({ script: dialog, actions: [{ do: "set", id: "Nope", prop: "Text", value: "x" }] });
    expect(missing.error).toBe("action 0 (set): window Dlg has no item Nope");
    const entry = await runFusionStandin({ script: dialog, actions: [{ do: "set", id: "OS", prop: "CurrentText", value: "BeOS" }] });
    expect(entry.error).toBe('action 0 (set): ComboBox OS has no item "BeOS"');
  });

  it("ESC hotkey: runs the Execute{} registered with app:AddConfig for the window's TargetID", async () => {
    const code = `
      local ui = fu.UIManager
      local disp = bmd.UIDispatcher(ui)
      local win = disp:AddWindow({ ID = "W", TargetID = "W", ui:VGroup{ ui:Button{ ID = "B" } } })
      app:AddConfig("W", { Target{ ID = "W" }, Hotkeys{ Target = "W", Defaults = true,
        ESCAPE = 'Execute{cmd=[[app.UIManager:QueueEvent(obj, "Close", {})]]}' } })
      function win.On.W.Close(ev) print("close " .. ev.who) disp:ExitLoop() end
      win:Show() disp:RunLoop() win:Hide()`;
    const t = await probe(code, { actions: [{ do: "hotkey", key: "CONTROL_W" }, { do: "hotkey", key: "ESCAPE" }, { do: "click", id: "B" }] });
    expect(t.error).toBeNull();
    expect(t.console).toEqual(["close W"]);
    expect(t.ignored).toEqual(["ignored hotkey CONTROL_W: no Hotkeys binding for target W"]);
    expect(t.actionsLeft).toBe(1);
    expect(t.configs).toEqual([
      { name: "W", entries: [{ type: "Target", ID: "W" }, { type: "Hotkeys", Target: "W", Defaults: true, ESCAPE: 'Execute{cmd=[[app.UIManager:QueueEvent(obj, "Close", {})]]}' }] },
    ]);
  });

  it("a loop that does not exit after Close is aborted; a failing handler ends the run with its error", async () => {
    const stuck = await probe(`
      local disp = bmd.UIDispatcher(fu.UIManager)
      local win = disp:AddWindow({ ID = "W" })
      function win.On.W.Close(ev) print("ignoring close") end
      win:Show() disp:RunLoop() print("not reached")`);
    expect(stuck.console).toEqual(["ignoring close"]);
    expect(stuck.error).toBe("RunLoop did not exit after Close");
    const failing = await probe(`
      local ui = fu.UIManager
      local disp = bmd.UIDispatcher(ui)
      local win = disp:AddWindow({ ID = "W", ui:Button{ ID = "B" } })
      function win.On.B.Clicked(ev) local x = nil; return x.field end
      win:Show() disp:RunLoop()`, { actions: [{ do: "click", id: "B" }] });
    expect(failing.error).toMatch(/^error in W\.On\.B\.Clicked handler: probe:5: attempt to index local 'x'/);
  });

  it("items inside a hidden or disabled group, and hidden windows, ignore user actions", async () => {
    const t = await probe(`
      local ui = fu.UIManager
      local disp = bmd.UIDispatcher(ui)
      local win = disp:AddWindow({ ID = "W",
        ui:VGroup{ ID = "Custom", Visible = false, ui:HGroup{ ui:LineEdit{ ID = "Start", Text = "1" } } },
        ui:HGroup{ Enabled = false, ui:Button{ ID = "B" } },
        ui:Button{ ID = "Show" } })
      local other = disp:AddWindow({ ID = "Other", ui:Button{ ID = "X" } })
      local itm = win:GetItems()
      function win.On.Show.Clicked(ev) itm.Custom.Visible = true win:RecalcLayout() end
      function win.On.Start.TextChanged(ev) print("start " .. itm.Start.Text) disp:ExitLoop() end
      function win.On.B.Clicked(ev) print("B clicked") end
      function other.On.X.Clicked(ev) print("X clicked") end
      win:Show() disp:RunLoop()`, {
      actions: [
        { do: "set", id: "Start", prop: "Text", value: "5" },
        { do: "click", id: "B" },
        { do: "click", id: "X", window: "Other" },
        { do: "click", id: "Show" },
        { do: "set", id: "Start", prop: "Text", value: "7" },
      ],
    });
    expect(t.error).toBeNull();
    expect(t.console).toEqual(["start 7"]);
    expect(t.ignored).toEqual(["ignored set on hidden Start", "ignored click on disabled B", "ignored click on hidden window Other"]);
    expect(t.windows[0].recalcLayouts).toBe(1);
  });

  it("handlers receive ONE argument (the event) and unknown properties are reported", async () => {
    const t = await probe(`
      local ui = fu.UIManager
      local disp = bmd.UIDispatcher(ui)
      local win = disp:AddWindow({ ID = "W", ui:Button{ ID = "B", Txt = "typo" } })
      win.On.B.Clicked = function(...) print(select("#", ...), (...).who, tostring((...).sender == win:GetItems().B)) disp:ExitLoop() end
      win:Show() disp:RunLoop()`, { actions: [{ do: "click", id: "B" }] });
    expect(t.console).toEqual(["1\tB\ttrue"]);
    expect(t.warnings).toEqual(["Button B: unknown property Txt"]);
  });

  it("programmatic property writes fire events only with uiProgrammaticEvents", async () => {
    const code = `
      local ui = fu.UIManager
      local disp = bmd.UIDispatcher(ui)
      local win = disp:AddWindow({ ID = "W", ui:LineEdit{ ID = "L" }, ui:ComboBox{ ID = "C" } })
      local itm = win:GetItems()
      function win.On.L.TextChanged(ev) print("text " .. itm.L.Text) end
      function win.On.C.CurrentIndexChanged(ev) print("index " .. itm.C.CurrentIndex) end
      itm.L.Text = "a" itm.C:AddItem("x") itm.C:AddItem("y") itm.C.CurrentText = "y"
      print("end")`;
    expect((await probe(code)).console).toEqual(["end"]);
    expect((await probe(code, { uiProgrammaticEvents: true })).console).toEqual(["text a", "index 0", "index 1", "end"]);
  });
});

describe("UI: nested loops, timers, trees, FindWindow", () => {
  it("a nested RunLoop consumes the same action queue, then the outer loop continues", async () => {
    const t = await runFusionStandin({
      script: `${fixtures}/standin-nested.lua`,
      actions: [{ do: "click", id: "Ask" }, { do: "click", id: "Yes" }, { do: "click", id: "Ask" }, { do: "close" }],
    });
    expect(t.error).toBeNull();
    // The 4th action closes the second Confirm window; the empty queue then closes Main.
    expect(t.console).toEqual(["answer true", "answer false", "main closed", "done"]);
    expect(t.windows.map((w) => [w.id, w.shown, w.visible])).toEqual([
      ["Main", 1, false],
      ["Confirm", 1, false],
      ["Confirm", 1, false],
    ]);
  });

  it("timers: win.On.<ID>.Timeout and disp.On.Timeout with ev.who; single-shot; Stop ends the ticking", async () => {
    const t = await runFusionStandin({ script: `${fixtures}/standin-timers.lua`, actions: [{ do: "timers", maxTicks: 10, sleepMs: 1 }] });
    expect(t.error).toBeNull();
    expect(t.console).toEqual(["Poll Poll 1", "Once Once", "Poll Poll 2", "Poll Poll 3", "ticks 3 interval 10"]);
    expect(t.timersStarted).toEqual(["Poll", "Once"]);
    expect(t.windows[0].items.Status.Text).toBe("tick 3");
    const limited = await runFusionStandin({ script: `${fixtures}/standin-timers.lua`, actions: [{ do: "timers", maxTicks: 2 }] });
    expect(limited.console).toEqual(["Poll Poll 1", "Once Once", "Poll Poll 2", "ticks 2 interval 10"]);
  });

  it("trees: rows, header and the select action firing ItemClicked with ev.item", async () => {
    const t = await probe(`
      local ui = fu.UIManager
      local disp = bmd.UIDispatcher(ui)
      local win = disp:AddWindow({ ID = "W", ui:Tree{ ID = "Jobs", Events = { ItemClicked = true } } })
      local tree = win:GetItems().Jobs
      tree.ColumnCount = 2
      tree:SetHeaderLabels({ "ID", "Name" })
      tree.ColumnWidth[0] = 50
      for i, name in ipairs({ "alpha", "beta" }) do
        local row = tree:NewItem() row.Text[0] = tostring(i) row.Text[1] = name tree:AddTopLevelItem(row)
      end
      function win.On.Jobs.ItemClicked(ev) print("clicked " .. ev.item.Text[1] .. " col " .. ev.column) disp:ExitLoop() end
      win:Show() disp:RunLoop()`, { actions: [{ do: "select", id: "Jobs", row: 1 }] });
    expect(t.error).toBeNull();
    expect(t.console).toEqual(["clicked beta col 0"]);
    expect(t.windows[0].items.Jobs).toMatchObject({ header: ["ID", "Name"], rows: [["1", "alpha"], ["2", "beta"]], ColumnWidth: { "0": 50 } });
  });

  it("FindWindow finds visible windows and configured existing ones", async () => {
    const t = await probe(`
      local ui = fu.UIManager
      local disp = bmd.UIDispatcher(ui)
      print(tostring(ui:FindWindow("W")), tostring(ui:FindWindow("Other") ~= nil))
      local win = disp:AddWindow({ ID = "W" })
      print(tostring(ui:FindWindow("W")))
      win:Show() print(tostring(ui:FindWindow("W") == win))
      win:Hide() print(tostring(ui:FindWindow("W")))`, { existingWindows: ["Other"] });
    expect(t.console).toEqual(["nil\ttrue", "nil", "true", "nil"]);
  });
});

describe("fidelity: only documented members, and the variants a different faithful Fusion may show", () => {
  it("no ComboBox:Clear, event tables with documented fields only, no Spacing on groups, tools and inputs are userdata", async () => {
    const t = await probe(`
      local ui = fu.UIManager
      local disp = bmd.UIDispatcher(ui)
      local win = disp:AddWindow({ ID = "W", Spacing = 4, ui:VGroup{ Spacing = 2, ui:ComboBox{ ID = "C" }, ui:Button{ ID = "B" } } })
      local itm = win:GetItems()
      print(type(itm.C.Clear), type(itm.C.AddItem))
      function win.On.B.Clicked(ev)
        local keys = {} for k in pairs(ev) do keys[#keys + 1] = k end table.sort(keys) print(table.concat(keys, ","))
        disp:ExitLoop()
      end
      local saver = comp:GetToolList(false, "Saver")[1]
      print(type(saver), type(saver.Clip), saver:GetAttrs().TOOLS_Name)
      win:Show() disp:RunLoop()`, { comp: { file: tinyComp }, actions: [{ do: "click", id: "B" }] });
    expect(t.error).toBeNull();
    expect(t.console).toEqual(["nil\tfunction", "userdata\tuserdata\tInner", "sender,who"]);
    expect(t.warnings).toEqual(["VGroup (no ID): unknown property Spacing"]);
  });

  it("variants: tool order and filter, Saver name only in one place, MapPath without Comp:, missing attributes", async () => {
    const code = `
      local names = {}
      for _, tool in ipairs(comp:GetToolList(false, "Saver")) do names[#names + 1] = tool:GetAttrs().TOOLS_Name end
      print(table.concat(names, ","))
      local out = comp:GetToolList(false, "Saver")[2]
      print(tostring(out.Clip), type(out:GetAttrs().TOOLST_Clip_Name), tostring(out:GetAttrs().TOOLST_Clip_Name))
      print(comp:MapPath("Comp:/render/a.exr"), tostring(comp:GetAttrs().COMPB_Modified), tostring(comp:GetAttrs().COMPI_RenderStep))`;
    const t = await probe(code, {
      comp: {
        file: tinyComp,
        fileName: "/proj/shot/tiny.comp",
        toolListOrder: "reverse",
        toolListIgnoresRegId: true,
        saverClip: "attrsString",
        mapPathExpandsComp: false,
        omitAttrs: ["COMPB_Modified", "COMPI_RenderStep"],
      },
    });
    expect(t.error).toBeNull();
    expect(t.console).toEqual([
      "Tile,Out1,Off,Load,Inner,Grp",
      "nil\tstring\tComp:/render/out.0000.exr",
      "Comp:/render/a.exr\tnil\tnil",
    ]);
  });

  it("variants: no FuPLATFORM_* (package.config and ffi.os tell), no ffi, how the script is loaded", async () => {
    const code = `print(tostring(FuPLATFORM_WINDOWS), package.config:sub(1, 1), require("ffi").os)`;
    const mac = await probe(code, { platform: "Mac", platformGlobals: false });
    expect(mac.console).toEqual(["nil\t/\tOSX"]);
    const windows = await probe(code, { platform: "Windows", platformGlobals: false });
    expect(windows.console).toEqual(["nil\t\\\tWindows"]);
    const noFfi = await probe(`print(pcall(require, "ffi"))`, { ffi: false });
    expect(noFfi.console[0]).toMatch(/^false\t.*module 'ffi' not found/);
    const sources: string[] = [];
    for (const scriptLoad of ["file", "namedString", "anonymousString"] as const) {
      const t = await runFusionStandin({ script: `${fixtures}/standin-eval.lua`, scriptLoad, env: { STANDIN_CODE: `print((debug.getinfo(2, "S") or {}).source)` } });
      sources.push(t.console[0]);
    }
    expect(sources[0]).toBe(`@${fixtures}/standin-eval.lua`);
    expect(sources[1]).toBe(`${fixtures}/standin-eval.lua`);
    expect(sources[2]).toContain("STANDIN_CODE");
  });

  it("variants: empty event tables, one timer form, groups outside GetItems(), combos that select nothing, silent sets", async () => {
    const code = `
      local ui = fu.UIManager
      local disp = bmd.UIDispatcher(ui)
      local win = disp:AddWindow({ ID = "W", ui:VGroup{ ID = "G", ui:ComboBox{ ID = "C" }, ui:LineEdit{ ID = "L" } } })
      local itm = win:GetItems()
      itm.C:AddItems({ "a", "b" })
      print(tostring(itm.G), itm.C.CurrentIndex, "[" .. itm.C.CurrentText .. "]")
      local t = ui:Timer{ ID = "T", Interval = 1, SingleShot = true }
      win.On.T.Timeout = function(ev) print("win timeout", tostring(ev.who)) end
      disp.On.Timeout = function(ev) print("disp timeout", tostring(ev.who)) end
      win.On.L.TextChanged = function(ev) print("changed") end
      win.On.W.Close = function(ev) print("close", tostring(ev.who)) disp:ExitLoop() end
      t:Start()
      win:Show() disp:RunLoop() print(itm.L.Text)`;
    const t = await probe(code, {
      uiEventFields: "none",
      uiTimerEvents: "window",
      uiGroupItems: false,
      uiComboAutoSelect: false,
      actions: [{ do: "timers" }, { do: "set", id: "L", prop: "Text", value: "x", silent: true }],
    });
    expect(t.error).toBeNull();
    expect(t.console).toEqual(["nil\t-1\t[]", "win timeout\tnil", "close\tnil", "x"]);
  });
});

describe("config errors", () => {
  it("exits non-zero for a missing script or an unknown action", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "standin-cfg-"));
    const write = (config: object): string => {
      const file = path.join(dir, `c${Math.random()}.json`);
      fs.writeFileSync(file, JSON.stringify(config));
      return file;
    };
    const missing = spawnSync("luajit", [standinScript, write({ script: "nope.lua" })], { cwd: repoRoot, encoding: "utf8" });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("comp script not found: nope.lua");
    const badAction = spawnSync("luajit", [standinScript, write({ script: `${fixtures}/standin-eval.lua`, actions: [{ do: "dance" }] })], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(badAction.status).toBe(2);
    expect(badAction.stderr).toContain("actions[0]: unknown action");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

if (!haveShared) console.warn(`skipping the real .comp fixture tests: ${sharedComps} is absent`);

describe.skipIf(!haveShared)("real .comp fixtures (../shared/fixtures/comps; skipped when absent)", () => {
  interface Expected {
    file: string;
    savers: number;
    passThrough: number;
    ranges: number[];
  }
  const expected: Expected[] = [];
  if (haveShared) {
    const table = fs.readFileSync(path.join(sharedComps, "SOURCES.md"), "utf8");
    const row = /^\| (\S+\.comp) \| [^|]+ \| (\d+) \((\d+)\) \| \{(-?\d+), ?(-?\d+)\} \/ \{(-?\d+), ?(-?\d+)\} \|/gm;
    for (const m of table.matchAll(row)) {
      expected.push({ file: m[1], savers: Number(m[2]), passThrough: Number(m[3]), ranges: m.slice(4, 8).map(Number) });
    }
  }

  it("SOURCES.md lists every fixture comp", () => {
    const files = fs.readdirSync(sharedComps).filter((f) => f.endsWith(".comp")).sort();
    expect(expected.map((e) => e.file).sort()).toEqual(files);
  });

  it("every fixture comp loads with the Saver counts and ranges of SOURCES.md", async () => {
    const code = `
      local savers = comp:GetToolList(false, "Saver")
      local passThrough = 0
      for i = 1, #savers do
        if savers[i]:GetAttrs().TOOLB_PassThrough then passThrough = passThrough + 1 end
        assert(type(savers[i].Clip[fu.TIME_UNDEFINED]) == "string")
      end
      local a = comp:GetAttrs()
      print(string.format("%d %d %d %d %d %d", #savers, passThrough, a.COMPN_RenderStart, a.COMPN_RenderEnd, a.COMPN_GlobalStart, a.COMPN_GlobalEnd))`;
    const results = await Promise.all(expected.map((e) => probe(code, { comp: { file: path.join(sharedComps, e.file) } })));
    results.forEach((t, i) => {
      const e = expected[i];
      expect(t.error, e.file).toBeNull();
      expect(t.console, e.file).toEqual([[e.savers, e.passThrough, ...e.ranges].join(" ")]);
    });
  });

  it("Comp: paths of a real comp map into the comp's folder", async () => {
    const t = await probe(`
      local savers = comp:GetToolList(false, "Saver")
      for i = 1, #savers do print(comp:MapPath(savers[i].Clip[fu.TIME_UNDEFINED])) end`, {
      comp: { file: stmapComp, fileName: "/proj/vr/stmap.comp" },
    });
    expect(t.console).toHaveLength(3);
    for (const line of t.console) expect(line).toMatch(/^\/proj\/vr\/Render\/.+\.0001\.(jpg|exr)$/);
  });
});

describe("background work and time", () => {
  it("bmd.executebg does not wait; timers let real time pass; idle timers run before the window closes; handlers are timed", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "standin-bg-"));
    const code = `
      local marker = "${dir}/done"
      bmd.executebg("sleep 1; echo done > '" .. marker .. "'")
      print(tostring(bmd.fileexists(marker)))
      local ui = fu.UIManager
      local disp = bmd.UIDispatcher(ui)
      local win = disp:AddWindow({ ID = "W", ui:VGroup{ ui:Button{ ID = "B" } } })
      local t = ui:Timer{ ID = "Poll", Interval = 100, SingleShot = false }
      local ticks = 0
      win.On.Poll.Timeout = function() ticks = ticks + 1 if bmd.fileexists(marker) then t:Stop() end end
      win.On.B.Clicked = function() local x = os.clock() while os.clock() - x < 0.05 do end end
      win.On.W.Close = function() disp:ExitLoop() end
      win:Show() t:Start() disp:RunLoop()
      print(tostring(bmd.fileexists(marker)), tostring(ticks))`;
    const t = await probe(code, { exec: "real", idleTimers: true, idleMaxTicks: 200, actions: [{ do: "click", id: "B" }] });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(t.error).toBeNull();
    // Not there right after the launch; there by the time the idle timers stopped (the poll saw it).
    expect(t.console[0]).toBe("false");
    const [there, ticks] = t.console[1].split("\t");
    expect(there).toBe("true");
    expect(Number(ticks)).toBeGreaterThan(1);
    expect(t.slowestHandler.label).toBe("W.On.B.Clicked");
    expect(t.slowestHandler.ms).toBeGreaterThanOrEqual(45);
    expect(t.handlerMs["W.On.Poll.Timeout"]).toBeLessThan(t.slowestHandler.ms);
  });
});
