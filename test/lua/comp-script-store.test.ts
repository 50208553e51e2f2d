// "Settings kept with the comp" (Reactor/Docs/README.md), the storage paths of the comp script in the Fusion stand-in:
// - Submit remembers the settings only once the helper confirmed the job (Save and Submit puts `last` in the saved
//   file first, the studio facts still wait for the helper);
// - stored presets that are not a plain list are never reshaped silently: preset actions ask first;
// - preset actions act on the preset clicked, also when names differ only in spaces;
// - a stored `last`, or a `KartaLink` parent, that is not a table is left alone by Submit, which says so.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorCode } from "../../types/request";
import type { JsonValue, StandinAction } from "../support/fusion-standin";
import { COMPS, MAIN, MESSAGE, MONITOR, buildCompScript, click, close, runCompScript, set, stored } from "./comp-script-harness";
import { removeRunDirs } from "./comp-script-harness";

afterAll(() => removeRunDirs());

beforeAll(() => {
  buildCompScript();
});

type RunSetup = { comp?: Record<string, JsonValue>; modified?: boolean; saveFails?: boolean; fuData?: Record<string, JsonValue>; submit?: unknown };

/** A run on the basic comp saved at <dir>/shots/basic.comp, with `comp` as its whole custom data tree. */
function run(setup: RunSetup, actions: StandinAction[]) {
  return runCompScript((dir) => ({
    comp: {
      file: path.join(COMPS, "lua-basic.comp"),
      fileName: path.join(dir, "shots", "basic.comp"),
      ...(setup.comp !== undefined ? { data: setup.comp } : {}),
      ...(setup.modified === true ? { modified: true } : {}),
      ...(setup.saveFails === true ? { saveFails: true } : {}),
    },
    actions,
    ...(setup.fuData !== undefined ? { fuData: setup.fuData } : {}),
    ...(setup.submit !== undefined ? { responses: { submit: setup.submit } } : {}),
  }));
}

const ours = (data: JsonValue): Record<string, JsonValue> => ({ KartaLink: { HQueueRender: data } });
const code: ErrorCode = "unreachable";
const unreachable = { ok: false, error: { code, message: "Cannot reach the HQueue server at typo:5000.", hint: "check the address" } };

describe("Submit remembers only a submission the helper confirmed", () => {
  it("a failed submit writes neither the comp's `last` nor the studio facts (and does not save the prefs)", async () => {
    const failed = await run({ submit: unreachable }, [set("Server", "Text", "typo:5000"), click("Submit"), click("MessageOk"), click("Cancel")]);
    expect(failed.transcript.error).toBeNull();
    expect(failed.window(MESSAGE).title).toBe("Submission Failed");
    expect(failed.callsOf("submit")).toHaveLength(1);
    expect(stored(failed.transcript.compData)).toBeUndefined();
    expect(stored(failed.transcript.fuData)).toBeUndefined();
    expect(failed.transcript.prefsSaved).toBe(0);

    // The same steps with a confirmed job remember both (so the check above can fail).
    const ok = await run({}, [set("Server", "Text", "typo:5000"), click("Submit"), close(MONITOR)]);
    expect(ok.transcript.error).toBeNull();
    expect((stored(ok.transcript.compData)!.last as Record<string, JsonValue>).server).toBe("typo:5000");
    expect((stored(ok.transcript.fuData)!.defaults as Record<string, JsonValue>).server).toBe("typo:5000");
    expect(ok.transcript.prefsSaved).toBeGreaterThan(0);
  });

  it("Submit Last Saved Version that fails remembers nothing", async () => {
    const failed = await run({ modified: true, submit: unreachable }, [
      set("Server", "Text", "typo:5000"),
      click("Submit"),
      click("SubmitSaved"),
      click("MessageOk"),
      click("Cancel"),
    ]);
    expect(failed.transcript.error).toBeNull();
    expect(failed.callsOf("submit")).toHaveLength(1);
    expect(stored(failed.transcript.compData)).toBeUndefined();
    expect(stored(failed.transcript.fuData)).toBeUndefined();
  });

  it("Save and Submit: `last` is written before the save (it is in the file), the studio facts only after the helper's ok", async () => {
    const failed = await run({ modified: true, submit: unreachable }, [
      set("Server", "Text", "typo:5000"),
      click("Submit"),
      click("SaveAndSubmit"),
      click("MessageOk"),
      click("Cancel"),
    ]);
    expect(failed.transcript.error).toBeNull();
    expect(failed.transcript.compSaves).toHaveLength(1);
    expect((stored(failed.transcript.compData)!.last as Record<string, JsonValue>).server).toBe("typo:5000");
    expect(stored(failed.transcript.fuData)).toBeUndefined();
    expect(failed.transcript.prefsSaved).toBe(0);

    const ok = await run({ modified: true }, [set("Server", "Text", "typo:5000"), click("Submit"), click("SaveAndSubmit"), close(MONITOR)]);
    expect(ok.transcript.error).toBeNull();
    expect((stored(ok.transcript.fuData)!.defaults as Record<string, JsonValue>).server).toBe("typo:5000");
  });

  it("a failed save writes no studio facts and submits nothing", async () => {
    const failed = await run({ modified: true, saveFails: true }, [
      set("Server", "Text", "typo:5000"),
      click("Submit"),
      click("SaveAndSubmit"),
      click("MessageOk"),
      click("Cancel"),
    ]);
    expect(failed.transcript.error).toBeNull();
    expect(failed.window(MESSAGE).title).toBe("Save Failed");
    expect(failed.callsOf("submit")).toEqual([]);
    expect(stored(failed.transcript.fuData)).toBeUndefined();
    expect(failed.transcript.prefsSaved).toBe(0);
  });
});

describe("stored presets that are not a plain list are never reshaped silently", () => {
  const named = {
    schema: 1,
    last: { server: "kept:5000" },
    presets: { Final: { settings: { framesPerTask: 3 } }, Old: { name: "Old", settings: { framesPerTask: 2 } } },
  };

  it("presets stored under names: the dialog says so; Save as Preset asks, Cancel keeps them exactly, Submit leaves them", async () => {
    const kept = await run({ comp: ours(named) }, [set("PresetName", "Text", "New"), click("PresetSave"), click("KeepStored"), click("Submit"), close(MONITOR)]);
    expect(kept.transcript.error).toBeNull();
    expect(kept.window(MESSAGE).title).toBe("Replace Stored Settings");
    expect(kept.text(MESSAGE, "MessageText")).toContain("not a plain list (some are stored under names)");
    expect(kept.text(MAIN, "Notice")).toContain("Nothing was changed");
    const data = stored(kept.transcript.compData)!;
    expect(data.presets).toEqual(named.presets);
    expect(kept.callsOf("submit")).toHaveLength(1);
    expect((data.last as Record<string, JsonValue>).server).toBe("kept:5000");
    expect(kept.item(MAIN, "PresetTree").rows).toEqual([["Old"]]);

    const opened = await run({ comp: ours(named) }, [click("Cancel")]);
    expect(opened.text(MAIN, "Notice")).toContain("not a plain list");
  });

  it("presets stored under names: Delete and Rename ask too; Cancel keeps them, Replace writes a list of the presets shown", async () => {
    const deleteKept = await run({ comp: ours(named) }, [{ do: "select", id: "PresetTree", row: 0 }, click("PresetDelete"), click("ConfirmDelete"), click("KeepStored"), click("Cancel")]);
    expect(deleteKept.transcript.error).toBeNull();
    expect(deleteKept.window(MESSAGE).title).toBe("Replace Stored Settings");
    expect(stored(deleteKept.transcript.compData)).toEqual(named);

    const renameKept = await run({ comp: ours(named) }, [{ do: "select", id: "PresetTree", row: 0 }, set("PresetName", "Text", "Older"), click("PresetRename"), click("KeepStored"), click("Cancel")]);
    expect(renameKept.transcript.error).toBeNull();
    expect(stored(renameKept.transcript.compData)).toEqual(named);

    const replaced = await run({ comp: ours(named) }, [set("PresetName", "Text", "New"), click("PresetSave"), click("ReplaceStored"), click("Cancel")]);
    expect(replaced.transcript.error).toBeNull();
    const data = stored(replaced.transcript.compData)!;
    expect((data.presets as { name: string }[]).map((preset) => preset.name)).toEqual(["Old", "New"]);
    // Only the presets were replaced.
    expect(data.last).toEqual(named.last);
  });

  it("a presets value that is not a table: Save as Preset asks, and Cancel keeps it", async () => {
    const original = { schema: 1, presets: "garbage" };
    const kept = await run({ comp: ours(original) }, [set("PresetName", "Text", "New"), click("PresetSave"), click("KeepStored"), click("Cancel")]);
    expect(kept.transcript.error).toBeNull();
    expect(kept.window(MESSAGE).title).toBe("Replace Stored Settings");
    expect(stored(kept.transcript.compData)).toEqual(original);
    expect(kept.text(MAIN, "Notice")).toContain("Nothing was changed");
  });
});

describe("preset actions act on the preset clicked", () => {
  const twins = {
    schema: 1,
    presets: [
      { name: " A", settings: { framesPerTask: 3 } },
      { name: "A", settings: { framesPerTask: 7 } },
    ],
  };
  const clickSpaced: StandinAction = { do: "select", id: "PresetTree", row: 0 };

  it("Delete on \" A\" deletes \" A\", not \"A\"", async () => {
    const done = await run({ comp: ours(twins) }, [clickSpaced, click("PresetDelete"), click("ConfirmDelete"), click("Cancel")]);
    expect(done.transcript.error).toBeNull();
    expect(stored(done.transcript.compData)!.presets).toEqual([twins.presets[1]]);
  });

  it("Apply and Make Studio Default on \" A\" use \" A\"'s settings", async () => {
    const applied = await run({ comp: ours(twins) }, [clickSpaced, click("PresetApply"), click("Cancel")]);
    expect(applied.transcript.error).toBeNull();
    expect(applied.item(MAIN, "FramesPerTask").Value).toBe(3);

    const promoted = await run({ comp: ours(twins) }, [clickSpaced, click("PresetPromote"), click("Cancel")]);
    expect(promoted.transcript.error).toBeNull();
    expect((stored(promoted.transcript.fuData)!.defaults as Record<string, JsonValue>).framesPerTask).toBe(3);
  });

  it("Rename and Save as Preset on \" A\" change \" A\"", async () => {
    const renamed = await run({ comp: ours(twins) }, [clickSpaced, set("PresetName", "Text", "B"), click("PresetRename"), click("Cancel")]);
    expect(renamed.transcript.error).toBeNull();
    expect(stored(renamed.transcript.compData)!.presets).toEqual([{ name: "B", settings: { framesPerTask: 3 } }, twins.presets[1]]);

    const saved = await run({ comp: ours(twins) }, [clickSpaced, set("FramesPerTask", "Value", 9), click("PresetSave"), click("Cancel")]);
    expect(saved.transcript.error).toBeNull();
    const list = stored(saved.transcript.compData)!.presets as { name: string; settings: Record<string, JsonValue> }[];
    expect(list.map((preset) => preset.name)).toEqual([" A", "A"]);
    expect(list[0].settings.framesPerTask).toBe(9);
    expect(list[1]).toEqual(twins.presets[1]);
  });
});

describe("stored data that is not a table is left alone by Submit", () => {
  it("a stored `last` that is not a table: Submit keeps it and says the settings were not remembered", async () => {
    const original = { schema: 1, last: "garbage", presets: [{ name: "P", settings: { framesPerTask: 2 } }] };
    const done = await run({ comp: ours(original) }, [set("Server", "Text", "new:5000"), click("Submit"), close(MONITOR)]);
    expect(done.transcript.error).toBeNull();
    expect(done.callsOf("submit")).toHaveLength(1);
    // `last` stays as stored; the job itself is still added to the comp's recent jobs (a key of its own).
    const { jobs, ...rest } = stored(done.transcript.compData)!;
    expect(rest).toEqual(original);
    expect((jobs as Record<string, JsonValue>[]).map((job) => job.id)).toEqual([42]);
    expect(done.text(MAIN, "Notice")).toContain("Submit does not remember settings in this comp");
    expect(done.text(MAIN, "Notice")).not.toContain("until you submit");
    expect(done.text(MAIN, "Status")).toContain("not remembered in the comp");
    expect(done.text(MONITOR, "SubmitNotes")).toContain("not remembered in the comp");
  });

  it("comp data whose KartaLink parent is not a table: Submit keeps it and says so; Save as Preset asks", async () => {
    const original = { KartaLink: "mine" };
    const done = await run({ comp: original }, [set("Server", "Text", "new:5000"), click("Submit"), close(MONITOR)]);
    expect(done.transcript.error).toBeNull();
    expect(done.callsOf("submit")).toHaveLength(1);
    expect(done.transcript.compData).toEqual(original);
    expect(done.text(MAIN, "Notice")).toContain("KartaLink data is a string");
    expect(done.text(MAIN, "Status")).toContain("not remembered in the comp");

    const asked = await run({ comp: original }, [set("PresetName", "Text", "P"), click("PresetSave"), click("KeepStored"), click("Cancel")]);
    expect(asked.transcript.error).toBeNull();
    expect(asked.window(MESSAGE).title).toBe("Replace Stored Settings");
    expect(asked.transcript.compData).toEqual(original);
  });

  it("studio data whose KartaLink parent is not a table is left as it is by Submit", async () => {
    const original = { KartaLink: "studio" };
    const done = await run({ fuData: original }, [set("Server", "Text", "new:5000"), click("Submit"), close(MONITOR)]);
    expect(done.transcript.error).toBeNull();
    expect(done.transcript.fuData).toEqual(original);
    expect(done.text(MONITOR, "SubmitNotes")).toContain("not remembered on this computer");
  });
});
