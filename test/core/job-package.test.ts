import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SubmitRequest } from "../../types/request";
import { compCopies, compStem, copyPathsByOs, jobFolderLayout, type Manifest } from "../../src-node/core/job-package";
import { verifyJob, type FileState } from "../../src-node/core/verify";
import { HelperError } from "../../src-node/errors";
import { makeRequest } from "../support/requests";
import { repoRoot } from "../support/run-helper";

const comp = (body: string) =>
  Buffer.from(`Composition {\n\tRenderRange = { 1, 10 },\n\tTools = ordered() {\n${body}\n\t},\n}\n`, "utf8");
const saver = (name: string, file: string, extra = "") =>
  `\t\t${name} = Saver {${extra} Inputs = { Clip = Input { Value = Clip { Filename = "${file}", }, }, }, },`;

function request(over: Parameters<typeof makeRequest>[0] = {}): SubmitRequest {
  return makeRequest({ comp: { path: "/mnt/hq/sh010/sh010.comp" }, job: { inPlace: false }, farm: { platforms: ["linux", "windows"], sharedRoots: [{ linux: "/mnt/hq", windows: "H:\\" }] }, ...over });
}

describe("job folder layout", () => {
  it("goes to <comp folder>/hqueue or under the job root, named <comp>_<stamp>_<random>", () => {
    const r = request();
    expect(jobFolderLayout(r, "20261206-051500", "a1b2c3").folder).toBe("/mnt/hq/sh010/hqueue/sh010_20261206-051500_a1b2c3");
    const rooted = request({ job: { inPlace: false, jobRoot: "/mnt/hq/jobs/" } });
    expect(jobFolderLayout(rooted, "20261206-051500", "a1b2c3").folder).toBe("/mnt/hq/jobs/sh010_20261206-051500_a1b2c3");
    const layout = jobFolderLayout(r, "s", "r");
    expect(copyPathsByOs(r, layout)).toEqual({ linux: "/mnt/hq/sh010/hqueue/sh010_s_r/sh010.linux.comp", windows: "H:\\sh010\\hqueue\\sh010_s_r\\sh010.windows.comp" });
  });

  it("names of comps no OS accepts in a file name are made safe", () => {
    expect(compStem('/x/a:b*c?"d<e>|.comp')).toBe("a_b_c__d_e__");
    expect(compStem("C:\\x\\shot v2.COMP")).toBe("shot v2");
    expect(compStem("/x/.comp")).toBe("comp");
  });

  it("a job folder outside every root for Windows clients is refused, naming it", () => {
    const r = request({ job: { inPlace: false, jobRoot: "/local/jobs" } });
    expect(() => copyPathsByOs(r, jobFolderLayout(r, "s", "r"))).toThrow(/job folder \/local\/jobs\/sh010_s_r is not under a shared root/);
  });
});

describe("per-OS copies", () => {
  it("refuses every enabled Saver outside the roots (naming each), ignores disabled ones, warns for Loaders", () => {
    const bytes = comp([
      saver("Out1", "/local/a.exr"),
      saver("Out2", "/scratch/b.exr"),
      saver("Off", "/local/c.exr", " PassThrough = true,"),
      saver("Fine", "/mnt/hq/ok.exr"),
    ].join("\n"));
    let error: HelperError | undefined;
    try {
      compCopies(request(), bytes);
    } catch (e) {
      error = e as HelperError;
    }
    expect(error?.code).toBe("path_unmapped");
    expect(error?.message).toContain("Saver Out1 (for Windows clients); Saver Out2 (for Windows clients)");
    expect(error?.message).not.toContain("Off");

    const loaders = comp([saver("Fine", "/mnt/hq/ok.exr"), '\t\tPlate = Loader { Clips = { Clip { ID = "Clip1", Filename = "/local/plates/p.exr", }, }, },'].join("\n"));
    const result = compCopies(request(), loaders);
    expect(result.warnings).toEqual(["Loader Plate reads /local/plates/p.exr, which is outside every shared root: Windows render nodes find it only if the same path exists on them."]);
    expect(result.copies.windows!.toString("utf8")).toContain('Filename = "H:\\\\ok.exr"');
    expect(result.copies.linux!.equals(loaders)).toBe(true);
  });

  it("works on a real comp file", () => {
    const bytes = readFileSync(join(repoRoot, "test/comps/lua-basic.comp"));
    const result = compCopies(request({ comp: { path: "/mnt/hq/sh010/sh010.comp" } }), bytes);
    expect(result.copies.windows!.toString("utf8")).toContain('"H:\\\\sh010\\\\render\\\\beauty.0000.exr"');
  });
});

describe("verifyJob", () => {
  const manifest = (outputs: Manifest["outputs"]): Manifest =>
    ({
      mapping: { from: "linux", roots: [{ linux: "/mnt/hq", windows: "H:\\" }], compPath: "/mnt/hq/a.comp", copyPaths: {} },
      outputs,
      plan: { tasks: [{ name: "Frames 1-3", frames: [1, 2, 3], files: [] }, { name: "Frames 4-5", frames: [4, 5], files: [] }] },
    }) as unknown as Manifest;

  it("lists missing and empty frames per Saver, in the checking OS's spelling", () => {
    const seen: string[] = [];
    const stat = (file: string): FileState => {
      seen.push(file);
      return file.endsWith("0002.exr") ? "missing" : file.endsWith("0005.exr") ? "empty" : "ok";
    };
    const report = verifyJob(manifest([{ saver: "S", path: "/mnt/hq/r/s.0000.exr", movie: false }]), "windows", stat);
    expect(seen[0]).toBe("H:\\r\\s.0001.exr");
    expect(report.missingFrames).toEqual([2, 5]);
    expect(report.savers[0].problems.map((p) => [p.frame, p.state])).toEqual([[2, "missing"], [5, "empty"]]);
  });

  it("a missing movie makes every frame missing", () => {
    const report = verifyJob(manifest([{ saver: "M", path: "/mnt/hq/r/m.mov", movie: true }]), "linux", () => "missing");
    expect(report.missingFrames).toEqual([1, 2, 3, 4, 5]);
    expect(report.savers[0].problems).toEqual([{ frame: null, file: "/mnt/hq/r/m.mov", state: "missing" }]);
  });
});
