// The pre-flight's file checks through the built helper's `plan` and `submit`, on a comp saved in a temporary folder
// of this machine: local-only paths, a missing output folder, a Saver name ending in digits, Loaders with missing
// frames (from the comp file, or from the request when the comp script sends them), pass-through Loaders ignored.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanResult, PreflightCheck, SubmitResult } from "../../types/request";
import { startHQueueStandin, type HQueueStandin } from "../support/hqueue-standin";
import { makeRequest } from "../support/requests";
import { runHelper, writeRequest } from "../support/run-helper";

const COMP = `Composition {
	RenderRange = { 1, 5 },
	GlobalRange = { 1, 5 },
	Tools = ordered() {
		Plate = Loader {
			Clips = { Clip { ID = "Clip1", Filename = "Comp:plates/plate.0001.exr", GlobalStart = 1, GlobalEnd = 5, TrimIn = 0, }, },
		},
		OldPlate = Loader {
			PassThrough = true,
			Clips = { Clip { ID = "Clip1", Filename = "Comp:gone/old.0001.exr", GlobalStart = 1, GlobalEnd = 5, }, },
		},
		Saver1 = Saver {
			Inputs = { Clip = Input { Value = Clip { Filename = "Comp:render/shot_v2.exr", }, }, },
		},
	},
}
`;

let project: string;
let comp: string;
let farm: HQueueStandin;
beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), "hq-preflight-files-"));
  comp = join(project, "shot.comp");
  writeFileSync(comp, COMP);
  mkdirSync(join(project, "plates"));
  for (const frame of ["0001", "0002", "0003", "0005"]) writeFileSync(join(project, "plates", `plate.${frame}.exr`), "");
  farm = await startHQueueStandin({ runJobs: false });
});
afterAll(() => farm.close());

const codes = (checks: PreflightCheck[] | undefined) => (checks ?? []).map((c) => [c.code, c.tool ?? c.field]);

describe("plan and submit report the file checks", () => {
  it("plan --json: each finding with its code and the tool or field it concerns", async () => {
    const run = await runHelper(["plan", comp, "--json"]);
    const plan = run.json as PlanResult;
    expect(plan.ok, run.stderr).toBe(true);
    expect(codes(plan.checks)).toEqual([
      ["local_path", "comp.path"],
      ["local_path", "Saver1"],
      ["local_path", "Plate"],
      ["output_folder_missing", "Saver1"],
      ["saver_name_digits", "Saver1"],
      ["loader_missing", "Plate"],
    ]);
    const byCode = new Map(plan.checks!.map((c) => [c.code, c]));
    expect(byCode.get("loader_missing")).toMatchObject({ path: join(project, "plates", "plate.0004.exr"), message: expect.stringContaining("its first missing frame") });
    expect(byCode.get("output_folder_missing")?.message).toBe(`Saver Saver1: its folder ${join(project, "render")} does not exist on this computer.`);
    expect(byCode.get("saver_name_digits")?.message).toContain("the render writes shot_v1.exr … shot_v5.exr");
    // The same messages as plain warnings, for front ends that only read those.
    for (const check of plan.checks!) expect(plan.warnings).toContain(check.message);
  });

  it("human output lists them as warnings", async () => {
    const run = await runHelper(["plan", comp]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`warning: Loader Plate: its first missing frame ${join(project, "plates", "plate.0004.exr")} does not exist on this computer.`);
    expect(run.stdout).toContain("warning: Saver Saver1: the file name \"shot_v2.exr\" ends in digits");
  });

  it("a job assigned to this computer alone has no local-path warnings", async () => {
    const run = await runHelper(["plan", comp, "--clients", hostname(), "--json"]);
    expect(codes((run.json as PlanResult).checks).filter(([code]) => code === "local_path")).toEqual([]);
  });

  it("Loaders sent in the request are checked instead of the comp file's", async () => {
    const request = makeRequest({
      comp: {
        path: comp,
        savers: [{ name: "Saver1", enabled: true, path: join(project, "out.0000.exr") }],
        loaders: [
          { name: "FromScript", enabled: true, path: join(project, "plates", "plate.0001.exr"), frames: { first: 1, last: 3 } },
          { name: "Missing", enabled: true, path: join(project, "nothing.exr") },
          { name: "Off", enabled: false, path: join(project, "nothing.exr") },
        ],
      },
      farm: { assign: { mode: "clients", names: [hostname()] } },
    });
    const run = await runHelper(["plan", "--request", writeRequest(request), "--json"]);
    expect(codes((run.json as PlanResult).checks), run.stderr).toEqual([["loader_missing", "Missing"]]);
  });

  it("Loaders sent without frames (the comp script's) take the sequence range from the saved comp's Loader of that name", async () => {
    const request = makeRequest({
      comp: {
        path: comp,
        savers: [{ name: "Saver1", enabled: true, path: join(project, "out.0000.exr") }],
        loaders: [
          { name: "Plate", enabled: true, path: join(project, "plates", "plate.0001.exr"), rawPath: "Comp:plates/plate.0001.exr" },
          // Renamed or re-pointed since the save: checked as sent (its first file exists).
          { name: "Plate2", enabled: true, path: join(project, "plates", "plate.0001.exr"), rawPath: "Comp:plates/plate.0001.exr" },
        ],
      },
      farm: { assign: { mode: "clients", names: [hostname()] } },
    });
    const run = await runHelper(["plan", "--request", writeRequest(request), "--json"]);
    const checks = (run.json as PlanResult).checks ?? [];
    expect(codes(checks), run.stderr).toEqual([["loader_missing", "Plate"]]);
    expect(checks[0].path).toBe(join(project, "plates", "plate.0004.exr"));
  });

  it("a bad loaders list is a bad request naming the field", async () => {
    const request = { ...makeRequest(), comp: { ...makeRequest().comp, loaders: [{ name: "L", path: "/x" }] } };
    const run = await runHelper(["plan", "--request", writeRequest(request), "--json"]);
    expect(run.json).toMatchObject({ ok: false, error: { code: "bad_request", field: "comp.loaders[0].enabled" } });
  });

  it("submit sends the job and reports the same findings", async () => {
    const run = await runHelper(["submit", comp, "--server", farm.url, "--json"]);
    const result = run.json as SubmitResult;
    expect(result, run.stderr).toMatchObject({ ok: true, command: "submit" });
    expect(codes(result.checks).map(([code]) => code)).toEqual(["local_path", "local_path", "local_path", "output_folder_missing", "saver_name_digits", "loader_missing"]);
    expect(farm.jobs.size).toBeGreaterThan(0);
  });
});
