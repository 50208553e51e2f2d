// Every real-world comp in ../shared/fixtures/comps: the comp script opens its dialog and writes a correct
// request for it. "Correct" is checked against the helper's own .comp reader (src-node/core/comp-file.ts), an
// implementation independent of the stand-in's Lua loader and of the comp script's Fusion API reads.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCompFile } from "../../src-node/core/comp-file";
import { repoRoot } from "../support/fusion-standin";
import { MAIN, MESSAGE, MONITOR, buildCompScript, click, runCompScript, timers } from "./comp-script-harness";
import { removeRunDirs } from "./comp-script-harness";

const fixturesDir = path.resolve(repoRoot, "../shared/fixtures/comps");
const fixtures = fs.existsSync(fixturesDir) ? fs.readdirSync(fixturesDir).filter((name) => name.endsWith(".comp")).sort() : [];

if (fixtures.length === 0) {
  console.warn(`comp-script fixtures: ${fixturesDir} is absent; skipping the real-comp tests`);
}

/** Global path maps the fixtures use, pointed at folders of the run (as a studio's Fusion prefs would). */
const MAP_NAMES = ["Previews", "Macros", "Temp", "Reactor"];

afterAll(() => removeRunDirs());

beforeAll(() => {
  if (fixtures.length > 0) buildCompScript();
});

describe.skipIf(fixtures.length === 0)("comp script on every fixture comp", () => {
  it.each(fixtures)("%s: dialog opens, plan and submit get the comp as it is", async (name) => {
    const file = path.join(fixturesDir, name);
    const expected = readCompFile(file);
    const enabled = expected.savers.filter((s) => s.enabled);
    // An enabled Saver without a file name writes nothing: a comp with only such Savers is refused before submitting.
    const writing = enabled.filter((s) => (s.rawPath ?? s.path) !== "");
    const run = await runCompScript((dir) => {
      const prefs: Record<string, string> = {};
      for (const map of MAP_NAMES) prefs[`Global.Paths.Map.${map}:`] = path.join(dir, "maps", map) + "/";
      // Also covers a UI Manager that does not report programmatic writes as events (the other tests assume it does).
      const actions = [timers, click("Submit")];
      if (writing.length === 0) actions.push(click("MessageOk"));
      return { comp: { file, fileName: path.join(dir, "shots", name) }, prefs, actions, uiProgrammaticEvents: false };
    });
    expect(run.transcript.error).toBeNull();
    expect(run.transcript.warnings).toEqual([]);
    expect(run.window(MAIN).shown).toBe(1);
    expect(run.text(MAIN, "CompSummary")).toContain(`${expected.savers.length} Saver`);
    if (name.startsWith("fu18.6_prism")) expect(run.text(MAIN, "CompSummary")).toContain("24 fps");

    const plans = run.callsOf("plan");
    expect(plans.length).toBeGreaterThanOrEqual(1);
    const request = plans[0].request!;
    const comp = request.comp;
    expect(comp.path).toBe(path.join(run.dir, "shots", name));
    expect(comp.platform).toBe("linux");
    expect([comp.renderStart, comp.renderEnd, comp.globalStart, comp.globalEnd, comp.step]).toEqual([
      expected.renderStart,
      expected.renderEnd,
      expected.globalStart,
      expected.globalEnd,
      expected.step,
    ]);
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    expect(comp.savers.map((s) => ({ name: s.name, enabled: s.enabled, rawPath: s.rawPath ?? "" })).sort(byName)).toEqual(
      expected.savers.map((s) => ({ name: s.name, enabled: s.enabled, rawPath: s.rawPath ?? s.path })).sort(byName),
    );
    for (const saver of comp.savers) {
      const raw = saver.rawPath ?? "";
      if (raw === "") expect(saver.path).toBe("");
      else if (/^comp:/i.test(raw)) expect(saver.path.startsWith(path.join(run.dir, "shots"))).toBe(true);
      else if (/^(Previews|Macros|Temp|Reactor):/i.test(raw)) expect(saver.path.startsWith(path.join(run.dir, "maps"))).toBe(true);
      else expect(saver.path).toBe(raw);
    }
    expect(request.job.name).toBe(name.replace(/\.comp$/, ""));
    expect(request.job.frames).toEqual({ kind: "render" });

    const submits = run.callsOf("submit");
    if (writing.length > 0) {
      expect(submits).toHaveLength(1);
      expect(submits[0].request).toEqual(request);
      expect(run.text(MONITOR, "JobTitle")).toContain("Submitted job 42");
    } else {
      expect(submits).toEqual([]);
      expect(run.window(MESSAGE).title).toBe("Cannot Submit");
      expect(run.transcript.actionsLeft).toBe(0);
      expect(run.text(MAIN, "Checks")).toMatch(
        /Cannot submit: (This comp has no Saver|Every Saver in this comp is disabled|None of the enabled Savers \(.*\) has a file name|The enabled Saver \S+ has no file name)/,
      );
    }
  });
});
