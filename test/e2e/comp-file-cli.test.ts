// Pipeline use without Fusion: `plan COMP_FILE` reads the .comp text itself. Every real comp written by
// Fusion in ../shared/fixtures/comps must give a plan, or a clear bad_comp when it has nothing to render.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { PlanResult } from "../../types/request";
import { parseCompText } from "../../src-node/core/comp-file";
import { readFileSync } from "node:fs";
import { repoRoot, runHelper } from "../support/run-helper";

const fixtures = resolve(repoRoot, "../shared/fixtures/comps");
const haveFixtures = existsSync(fixtures);
if (!haveFixtures) console.warn(`skipping the real-comp CLI tests: ${fixtures} is absent (it comes with the shared folder beside the repo)`);

describe.skipIf(!haveFixtures)("plan on every real Fusion comp", () => {
  const files = haveFixtures ? readdirSync(fixtures).filter((f) => f.endsWith(".comp")).sort() : [];
  for (const file of files) {
    it(file, async () => {
      const path = join(fixtures, file);
      const comp = parseCompText(readFileSync(path));
      const run = await runHelper(["plan", path, "--platforms", "linux", "--per-task", "7", "--json"]);
      const enabled = comp.savers.filter((s) => s.enabled);
      if (enabled.length === 0 || enabled.every((s) => s.path === "")) {
        expect(run.status).toBe(1);
        expect(run.json).toMatchObject({ ok: false, error: { code: "bad_comp" } });
        return;
      }
      expect(run.status, run.stdout + run.stderr).toBe(0);
      const plan = run.json as PlanResult;
      const step = comp.step;
      const expectedFrames = Math.floor((comp.renderEnd - comp.renderStart) / step) + 1;
      expect(plan.frameCount).toBe(expectedFrames);
      expect(plan.tasks[0].runs[0].start).toBe(comp.renderStart);
      const last = plan.tasks[plan.tasks.length - 1].runs.at(-1)!;
      expect(last.end).toBe(comp.renderStart + (expectedFrames - 1) * step);
      expect(plan.spec.name).toBe(`${file.replace(/\.comp$/, "")} -> ${file}`);
    });
  }
});

describe("plan on a file that is not a comp", () => {
  it("explains, exit 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "notcomp-"));
    const file = join(dir, "notes.comp");
    writeFileSync(file, '{ "this": "is json" }');
    const run = await runHelper(["plan", file, "--json"]);
    expect(run.status).toBe(1);
    expect(run.json).toMatchObject({ ok: false, error: { code: "bad_comp" } });
    if (run.json && !run.json.ok) expect(run.json.error.message).toContain("not a Fusion composition");
  });

  it("a missing file says so", async () => {
    const run = await runHelper(["plan", "/nonexistent/shot.comp", "--json"]);
    expect(run.json).toMatchObject({ ok: false, error: { code: "bad_comp" } });
    if (run.json && !run.json.ok) expect(run.json.error.message).toContain("does not exist");
  });
});
