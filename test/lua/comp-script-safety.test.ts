// Review fixes of the comp script, driven like a user in the Fusion stand-in:
// - stored data this version cannot read is never lost (Submit writes only `last`; preset actions carry unreadable
//   entries over; newer or corrupt comp/studio tables are left alone or replaced only after asking);
// - nothing hidden changes the job ("Submit paused" is never stored; stored advanced values open the section);
// - the job monitor stays light on big jobs (row cap, in-place updates, slower polling);
// - a comp whose enabled Savers have no file name is refused before the helper is asked;
// - every refused Submit opens a "Cannot Submit" window with all the reasons.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonValue, StandinAction } from "../support/fusion-standin";
import { COMPS, MAIN, MESSAGE, MONITOR, buildCompScript, click, close, runCompScript, set, stored, timers } from "./comp-script-harness";
import { removeRunDirs } from "./comp-script-harness";

afterAll(() => removeRunDirs());

beforeAll(() => {
  buildCompScript();
});

const FIXTURES = path.join(__dirname, "fixtures");

/** A run on the basic comp with `data` stored under KartaLink.HQueueRender in the comp (and optional studio data). */
function withCompData(data: JsonValue, actions: StandinAction[], fuData?: Record<string, JsonValue>) {
  return runCompScript((dir) => ({
    comp: { file: path.join(COMPS, "lua-basic.comp"), fileName: path.join(dir, "shots", "basic.comp"), data: { KartaLink: { HQueueRender: data } } },
    actions,
    ...(fuData !== undefined ? { fuData } : {}),
  }));
}

function submitRequests(run: Awaited<ReturnType<typeof runCompScript>>) {
  return run.callsOf("submit").map((call) => call.request!);
}

describe("stored data this version cannot read is never lost", () => {
  const presets: JsonValue[] = [
    { name: "A", settings: { framesPerTask: 3, futureField: "kept" }, futureEntryKey: 1 },
    12,
    { settings: { framesPerTask: 9 } },
    { name: "B", settings: { priority: "high" } },
  ];

  it("Submit with schema-1 data replaces only `last`: presets (unreadable ones too) and unknown keys stay as stored", async () => {
    const original = { schema: 1, last: { server: "old:5000" }, presets, futureKey: { any: "thing" } };
    const run = await withCompData(original, [set("Server", "Text", "new:5000"), click("Submit"), close(MONITOR)]);
    expect(run.transcript.error).toBeNull();
    expect(submitRequests(run)).toHaveLength(1);
    const data = stored(run.transcript.compData)!;
    const { last, jobs, ...rest } = data;
    expect(rest).toEqual({ schema: 1, presets, futureKey: { any: "thing" } });
    expect((jobs as Record<string, JsonValue>[]).map((job) => job.id)).toEqual([42]);
    expect((last as Record<string, JsonValue>).server).toBe("new:5000");
  });

  it("Submit leaves newer-schema comp data exactly as stored, and says so (status line and monitor)", async () => {
    const original = { schema: 7, last: { server: "from-the-future:5000" }, presets: [{ name: "F", settings: {} }] };
    const run = await withCompData(original, [click("Submit"), close(MONITOR)]);
    expect(run.transcript.error).toBeNull();
    expect(submitRequests(run)).toHaveLength(1);
    expect(stored(run.transcript.compData)).toEqual(original);
    expect(run.text(MAIN, "Status")).toContain("schema 7, written by a newer version of HQueue Render");
    expect(run.text(MAIN, "Status")).toContain("not remembered in the comp");
    expect(run.text(MONITOR, "SubmitNotes")).toContain("not remembered in the comp");
  });

  it("Save as Preset and Rename carry unreadable entries over unchanged, and unchanged presets as stored", async () => {
    const run = await withCompData({ schema: 1, presets }, [
      set("FramesPerTask", "Value", 4),
      set("PresetName", "Text", "New"),
      click("PresetSave"),
      { do: "select", id: "PresetTree", row: 0 },
      set("PresetName", "Text", "Alpha"),
      click("PresetRename"),
      click("Cancel"),
    ]);
    expect(run.transcript.error).toBeNull();
    expect(run.item(MAIN, "PresetTree").rows).toEqual([["Alpha"], ["B"], ["New"]]);
    const data = stored(run.transcript.compData)!;
    expect(data.last).toBeUndefined();
    const list = data.presets as JsonValue[];
    expect(list).toHaveLength(5);
    // Renamed: every stored field kept (also the ones this version does not know), only the name changed.
    expect(list[0]).toEqual({ name: "Alpha", settings: { framesPerTask: 3, futureField: "kept" }, futureEntryKey: 1 });
    expect(list.slice(1, 4)).toEqual(presets.slice(1, 4));
    const added = list[4] as { name: string; settings: Record<string, JsonValue> };
    expect(added.name).toBe("New");
    expect(added.settings.framesPerTask).toBe(4);
  });

  it("Delete removes only the chosen preset; the unreadable entries stay", async () => {
    const run = await withCompData({ schema: 1, presets }, [set("PresetName", "Text", "A"), click("PresetDelete"), click("ConfirmDelete"), click("Cancel")]);
    expect(run.transcript.error).toBeNull();
    expect(stored(run.transcript.compData)!.presets).toEqual(presets.slice(1));
  });

  it("Save as Preset over newer-schema comp data asks first: Cancel keeps it, Replace writes this version's table", async () => {
    const original = { schema: 7, presets: [{ name: "F", settings: {} }] };
    const kept = await withCompData(original, [set("PresetName", "Text", "P"), click("PresetSave"), click("KeepStored"), click("Cancel")]);
    expect(kept.transcript.error).toBeNull();
    expect(kept.window(MESSAGE).title).toBe("Replace Stored Settings");
    expect(kept.text(MESSAGE, "MessageText")).toContain("schema 7");
    expect(stored(kept.transcript.compData)).toEqual(original);
    expect(kept.text(MAIN, "Notice")).toContain("Nothing was changed");

    const replaced = await withCompData(original, [set("PresetName", "Text", "P"), click("PresetSave"), click("ReplaceStored"), click("Cancel")]);
    expect(replaced.transcript.error).toBeNull();
    const data = stored(replaced.transcript.compData)!;
    expect(data.schema).toBe(1);
    expect((data.presets as { name: string }[]).map((p) => p.name)).toEqual(["P"]);
  });

  it("Submit leaves newer-schema studio prefs as stored and says so", async () => {
    const studio = { schema: 3, defaults: { server: "future:5000" }, nodePath: "/opt/node/bin/node", somethingNew: true };
    const run = await runCompScript({ fuData: { KartaLink: { HQueueRender: studio } }, actions: [set("Server", "Text", "typed:5000"), click("Submit"), close(MONITOR)] });
    expect(run.transcript.error).toBeNull();
    expect(submitRequests(run)[0].server).toBe("typed:5000");
    expect(stored(run.transcript.fuData)).toEqual(studio);
    expect(run.text(MAIN, "Notice")).toContain("schema 3, written by a newer version");
    expect(run.text(MONITOR, "SubmitNotes")).toContain("not remembered on this computer");
  });

  it("Submit updates only the studio facts: other stored defaults (unreadable ones too) and unknown keys stay", async () => {
    const studio = { schema: 1, defaults: { framesPerTask: 25, priority: "high", futureDefault: 1 }, futureKey: "x" };
    const run = await runCompScript({ fuData: { KartaLink: { HQueueRender: studio } }, actions: [set("Server", "Text", "typed:5000"), click("Submit"), close(MONITOR)] });
    expect(run.transcript.error).toBeNull();
    const data = stored(run.transcript.fuData)!;
    expect(data.futureKey).toBe("x");
    const defaults = data.defaults as Record<string, JsonValue>;
    expect(defaults.server).toBe("typed:5000");
    expect(defaults.framesPerTask).toBe(25);
    expect(defaults.priority).toBe("high");
    expect(defaults.futureDefault).toBe(1);
  });

  it("Make Studio Default over newer-schema studio prefs asks first, and keeps them on Cancel", async () => {
    const studio = { schema: 3, defaults: { server: "future:5000" } };
    const compData = { schema: 1, presets: [{ name: "A", settings: { framesPerTask: 3 } }] };
    const run = await withCompData(compData, [set("PresetName", "Text", "A"), click("PresetPromote"), click("KeepStored"), click("Cancel")], {
      KartaLink: { HQueueRender: studio },
    });
    expect(run.transcript.error).toBeNull();
    expect(run.window(MESSAGE).title).toBe("Replace Stored Settings");
    expect(stored(run.transcript.fuData)).toEqual(studio);
  });
});

describe("nothing hidden changes the job", () => {
  it("'Submit the job paused' is never stored, and is unchecked when the dialog opens (even over old stored data)", async () => {
    const first = await runCompScript({
      actions: [click("ShowAdvanced"), click("Paused"), set("PresetName", "Text", "P"), click("PresetSave"), click("Submit"), close(MONITOR)],
    });
    expect(first.transcript.error).toBeNull();
    expect(submitRequests(first)[0].job.paused).toBe(true);
    const data = stored(first.transcript.compData)!;
    expect(data.last as Record<string, JsonValue>).not.toHaveProperty("paused");
    expect((data.presets as { settings: Record<string, JsonValue> }[])[0].settings).not.toHaveProperty("paused");
    expect(stored(first.transcript.fuData)!.defaults as Record<string, JsonValue>).not.toHaveProperty("paused");

    // Data stored by an earlier version with paused = true: ignored.
    const old = await withCompData({ schema: 1, last: { paused: true }, presets: [{ name: "P", settings: { paused: true } }] }, [
      set("PresetName", "Text", "P"),
      click("PresetApply"),
      click("Submit"),
      close(MONITOR),
    ]);
    expect(old.transcript.error).toBeNull();
    expect(old.item(MAIN, "Paused").Checked).toBe(false);
    expect(submitRequests(old)[0].job.paused).toBeUndefined();
  });

  it("stored advanced values (tries, CPUs, log folder, e-mail, environment) open the Advanced section on load", async () => {
    const closed = await runCompScript({ actions: [] });
    expect(closed.item(MAIN, "Tries").Visible).toBe(false);
    expect(closed.item(MAIN, "ShowAdvanced").Checked).toBe(false);

    const lasts: Record<string, JsonValue>[] = [{ tries: 3 }, { cpus: 4 }, { logDir: "/mnt/logs" }, { emailTo: "a@b.example" }, { environment: { OCIO: "/x.ocio" } }];
    for (const last of lasts) {
      const run = await withCompData({ schema: 1, last }, []);
      expect(run.transcript.error).toBeNull();
      expect(run.item(MAIN, "ShowAdvanced").Checked).toBe(true);
      for (const id of ["Tries", "Cpus", "LogDir", "EmailTo", "Environment", "Paused"]) expect(run.item(MAIN, id).Visible).toBe(true);
    }
  });

  it("applying a preset with advanced values opens the Advanced section", async () => {
    const run = await withCompData({ schema: 1, presets: [{ name: "Heavy", settings: { cpus: 8 } }] }, [set("PresetName", "Text", "Heavy"), click("PresetApply")]);
    expect(run.transcript.error).toBeNull();
    expect(run.item(MAIN, "Cpus").Visible).toBe(true);
    expect(run.item(MAIN, "Cpus").Value).toBe(8);
  });
});

describe("the job monitor on big jobs", () => {
  const statusOf = (count: number, status: string, finished = false) => ({
    ok: true,
    command: "status",
    job: { id: 42, name: "big", status: finished ? "succeeded" : "running", progress: finished ? 1 : 0.1 },
    tasks: Array.from({ length: count }, (_, i) => ({ id: 100 + i, name: `Frames ${i + 1}`, status, progress: status === "succeeded" ? 1 : 0 })),
    counts: { [status]: count },
    finished,
    succeeded: finished,
    url: "http://localhost:5000/jobs/view/42",
  });

  it("shows at most 500 task rows plus a summary row, and polls a 1,500-task job every 30 s", async () => {
    const run = await runCompScript({ responses: { status: statusOf(1500, "waiting") }, actions: [click("Submit"), close(MONITOR)] });
    expect(run.transcript.error).toBeNull();
    const rows = run.item(MONITOR, "TaskTree").rows!;
    expect(rows).toHaveLength(501);
    expect(rows[499]).toEqual(["Frames 500", "waiting", "0%"]);
    expect(rows[500][0]).toBe("… and 1000 more tasks (see the counts above or the web page)");
    expect(run.text(MONITOR, "Overall")).toContain("1500 tasks: 1500 waiting");
    expect(run.text(MONITOR, "MonitorStatus")).toContain("Updated every 30 s");
    expect(run.transcript.timersStarted).toContain("MonitorPoll30s");
    expect(run.transcript.timersStarted).not.toContain("MonitorPoll");
  });

  it("polls every 3 s up to 100 tasks, every 10 s up to 1,000; switches as the answer grows", async () => {
    const run = await runCompScript({
      responses: { status: [statusOf(100, "waiting"), statusOf(101, "waiting"), statusOf(101, "succeeded", true)] },
      actions: [click("Submit"), timers],
    });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("status")).toHaveLength(3);
    expect(run.transcript.timersStarted).toContain("MonitorPoll");
    expect(run.transcript.timersStarted).toContain("MonitorPoll10s");
    expect(run.transcript.timersStarted).not.toContain("MonitorPoll30s");
  });

  it("updates the rows of the same tasks in place (no rebuild on every poll)", async () => {
    const run = await runCompScript({
      responses: { status: [statusOf(3, "waiting"), statusOf(3, "running"), statusOf(3, "succeeded", true)] },
      actions: [click("Submit"), timers],
    });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("status")).toHaveLength(3);
    const tree = run.item(MONITOR, "TaskTree");
    expect(tree.rows).toEqual([
      ["Frames 1", "succeeded", "100%"],
      ["Frames 2", "succeeded", "100%"],
      ["Frames 3", "succeeded", "100%"],
    ]);
    expect(tree.clears).toBe(1);
  });
});

describe("Savers without a file name", () => {
  it("a comp whose enabled Savers have no file name is refused before the helper is asked to submit, naming the Saver", async () => {
    const run = await runCompScript((dir) => ({
      comp: { file: path.join(FIXTURES, "lua-saver-no-filename.comp"), fileName: path.join(dir, "shots", "noname.comp") },
      actions: [click("Submit"), click("MessageOk"), click("Cancel")],
    }));
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("submit")).toEqual([]);
    expect(run.window(MESSAGE).title).toBe("Cannot Submit");
    const message = run.text(MESSAGE, "MessageText");
    expect(message).toContain("The enabled Saver Output has no file name, so a render would write nothing.");
    expect(message).toContain("set its Filename in the Inspector");
    expect(run.text(MAIN, "Checks")).toContain("Cannot submit: The enabled Saver Output has no file name");
  });

  it("one Saver with a file name is enough", async () => {
    const run = await runCompScript((dir) => ({
      comp: { file: path.join(FIXTURES, "lua-saver-one-without-filename.comp"), fileName: path.join(dir, "shots", "one.comp") },
      actions: [click("Submit"), close(MONITOR)],
    }));
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("submit")).toHaveLength(1);
  });
});

describe("a refused Submit always says why in a window", () => {
  it("lists every reason: the comp's blockers and the fields' problems", async () => {
    const run = await runCompScript((dir) => ({
      comp: { file: path.join(COMPS, "lua-all-savers-disabled.comp"), fileName: path.join(dir, "shots", "off.comp") },
      actions: [set("Server", "Text", ""), click("Submit"), click("MessageOk"), click("Cancel")],
    }));
    expect(run.transcript.error).toBeNull();
    expect(run.window(MESSAGE).title).toBe("Cannot Submit");
    const message = run.text(MESSAGE, "MessageText");
    expect(message).toContain("Every Saver in this comp is disabled");
    expect(message).toContain("Enter the HQueue server, e.g. hq-server:5000.");
    expect(run.text(MAIN, "ServerStatus")).toBe("Enter the HQueue server, e.g. hq-server:5000.");
    expect(run.text(MAIN, "Status")).toBe("Fix the problems shown above, then submit again.");
  });

  it("a plan the helper refuses: the window shows its message, the status line stays", async () => {
    const failure = { ok: false, error: { code: "path_unmapped", message: "Saver Beauty writes outside every shared root.", field: "farm.sharedRoots" } };
    const run = await runCompScript({ responses: { plan: failure }, actions: [click("Submit"), click("MessageOk"), click("Cancel")] });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("submit")).toEqual([]);
    expect(run.text(MESSAGE, "MessageText")).toBe("Saver Beauty writes outside every shared root.");
    expect(run.text(MAIN, "RootsStatus")).toBe("Saver Beauty writes outside every shared root.");
    expect(run.text(MAIN, "Status")).toBe("Fix the problems shown above, then submit again.");
  });
});
