// Pre-flight checks on paths and names: local-only locations, Saver file names, output folders (in the dialog's own
// words), and Loaders (read from the fixture comps and from synthetic ones; files checked through a fake file system).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLoaders, firstMissingFile, loadersInCompText } from "../../../src-node/core/preflight/loaders";
import { checkLocalPaths, localOnlyReason, othersMayRender } from "../../../src-node/core/preflight/local-paths";
import { checkableOn, checkOutputFolders, folderOf, missingFolderMessage } from "../../../src-node/core/preflight/output-folders";
import { checkSaverNames, looksLikeFramePlaceholder } from "../../../src-node/core/preflight/saver-names";
import { readCompFile } from "../../../src-node/core/comp-file";
import { readdirSync } from "node:fs";
import { runPreflight } from "../../../src-node/core/preflight/index";
import type { SaverInfo } from "../../../types/request";
import { makeRequest } from "../../support/requests";

const FIXTURES = join(__dirname, "../../../../shared/fixtures/comps");
const haveFixtures = existsSync(FIXTURES);
if (!haveFixtures) console.warn(`skipping the fixture-comp pre-flight tests: ${FIXTURES} is absent (it comes with ../shared)`);

describe("local-only paths", () => {
  it("home folders, temporary folders and the start-up disk are local on Linux and macOS", () => {
    expect(localOnlyReason("/home/artist/sh010.comp", "linux", [])).toBe("a home folder (/home) of this computer");
    expect(localOnlyReason("/Users/artist/sh010.comp", "macosx", [])).toBe("a home folder (/Users) of this computer");
    expect(localOnlyReason("/tmp/x.exr", "linux", [])).toBe("a temporary folder (/tmp) of this computer");
    expect(localOnlyReason("/private/var/folders/ab/T/x.exr", "macosx", [])).toContain("temporary folder");
    expect(localOnlyReason("/Volumes/Macintosh HD/x.exr", "macosx", [])).toBe("the local disk /Volumes/Macintosh HD of this computer");
    expect(localOnlyReason("/Volumes/Scratch/x.exr", "macosx", [], ["Scratch"])).toContain("/Volumes/Scratch");
  });

  it("network locations, shared roots and relative paths are not", () => {
    expect(localOnlyReason("/Volumes/hq/x.exr", "macosx", [])).toBeUndefined();
    expect(localOnlyReason("/mnt/hq/x.exr", "linux", [])).toBeUndefined();
    expect(localOnlyReason("/home/shared/x.exr", "linux", [{ linux: "/home/shared", windows: "H:\\" }])).toBeUndefined();
    expect(localOnlyReason("\\\\fs\\hq\\x.exr", "windows", [])).toBeUndefined();
    expect(localOnlyReason("render/x.exr", "linux", [])).toBeUndefined();
    expect(localOnlyReason("Comp:/render/x.exr", "windows", [])).toBeUndefined();
  });

  it("a Windows drive letter is local unless it is in a shared root", () => {
    expect(localOnlyReason("C:\\Users\\a\\sh010.comp", "windows", [])).toMatch(/^drive C:, which is not in a shared root/);
    expect(localOnlyReason("d:/renders/x.exr", "windows", [])).toMatch(/^drive D:/);
    expect(localOnlyReason("H:\\proj\\x.exr", "windows", [{ windows: "H:\\", linux: "/mnt/hq" }])).toBeUndefined();
  });

  it("names the tool and the path; enabled tools only; nothing when the job stays on this computer", () => {
    const request = makeRequest({
      comp: {
        path: "/home/artist/sh010.comp",
        savers: [
          { name: "Out", enabled: true, path: "/tmp/out/sh010.0000.exr" },
          { name: "Off", enabled: false, path: "/tmp/off/sh010.0000.exr" },
        ],
        loaders: [{ name: "Plate", enabled: true, path: "/Users/a/plate.0001.exr" }],
      },
      farm: { platforms: ["linux", "macosx"] },
    });
    const checks = checkLocalPaths(request, { hostname: "ws01" });
    expect(checks.map((c) => [c.code, c.field, c.tool, c.path])).toEqual([
      ["local_path", "comp.path", undefined, "/home/artist/sh010.comp"],
      ["local_path", "comp.savers", "Out", "/tmp/out/sh010.0000.exr"],
      ["local_path", "comp.loaders", "Plate", "/Users/a/plate.0001.exr"],
    ]);
    expect(checks[1].message).toBe("Saver Out writes to /tmp/out/sh010.0000.exr, on a temporary folder (/tmp) of this computer: render nodes on other machines cannot reach it.");
    const local = { ...request, farm: { ...request.farm, assign: { mode: "clients" as const, names: ["WS01.studio.lan"] } } };
    expect(checkLocalPaths(local, { hostname: "ws01" })).toEqual([]);
    expect(othersMayRender({ mode: "clients", names: ["ws01", "ws02"] }, "ws01")).toBe(true);
    expect(othersMayRender({ mode: "any" }, "ws01")).toBe(true);
  });
});

describe("Saver file names", () => {
  const saver = (path: string, enabled = true): SaverInfo => ({ name: "Out", enabled, path });

  it("a name ending in digits: warns with the names the render writes (frameFileName's rule)", () => {
    const [check] = checkSaverNames([saver("/mnt/hq/render/shot_v2.exr")], 1, 100);
    expect(check).toMatchObject({ code: "saver_name_digits", level: "warning", tool: "Out", field: "comp.savers" });
    expect(check.message).toBe('Saver Out: the file name "shot_v2.exr" ends in digits, which Fusion takes for the frame number, so the render writes shot_v1.exr … shot_v100.exr.');
    expect(check.hint).toContain("shot_v2.0000.exr");
    expect(checkSaverNames([saver("/r/sh010.exr")], 7, 7)[0].message).toContain("the render writes sh007.exr.");
  });

  it("no extension (or only a number after the dot): warns with the names the render writes", () => {
    const [check] = checkSaverNames([saver("/mnt/hq/render/beauty")], 1, 3);
    expect(check).toMatchObject({ code: "saver_name_no_extension" });
    expect(check.message).toContain("the render writes beauty0001 … beauty0003 with no file type");
    expect(checkSaverNames([saver("/r/beauty.0000")], 1, 2)[0].code).toBe("saver_name_no_extension");
  });

  it("frame placeholders, movies, disabled Savers and empty names are fine", () => {
    const fine = ["/r/sh010.0000.exr", "/r/sh010_0000.exr", "/r/img0001.png", "/r/0000.png", "/r/beauty.exr", "C:\\r\\sh010.####.exr", "/r/sh010_v2.mov"];
    expect(checkSaverNames(fine.map((p) => saver(p)), 1, 10)).toEqual([]);
    expect(checkSaverNames([saver("/r/shot_v2.exr", false), saver("")], 1, 10)).toEqual([]);
    expect(["take12", "sh010", "v2", "render_01"].filter(looksLikeFramePlaceholder)).toEqual([]);
  });
});

describe.skipIf(!haveFixtures)("fixture comps: Saver names and local paths", () => {
  it("no real comp's Saver name is taken for a name ending in digits; the CGRU comp's C: Saver is local-only", () => {
    const found: string[][] = [];
    for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith(".comp"))) {
      const comp = readCompFile(join(FIXTURES, file));
      for (const check of checkSaverNames(comp.savers, comp.renderStart, comp.renderEnd)) found.push([file, check.code]);
      const platform = file.includes("winpaths") ? "windows" : "linux";
      const request = makeRequest({ comp: { path: platform === "windows" ? "\\\\fs\\hq\\x.comp" : "/mnt/hq/x.comp", platform, savers: comp.savers } });
      for (const check of checkLocalPaths(request, { hostname: "ws" })) found.push([file, check.code, check.tool ?? ""]);
    }
    expect(found).toEqual([["fu07.7_cgru_mandelbrot_jpg_saver_winpaths.comp", "local_path", "Saver1"]]);
  });
});

describe("output folders", () => {
  // The dialog's own words for the same Savers are compared under LuaJIT in test/lua/preflight-words-lua.test.ts.
  it("enabled Savers with an absolute path whose folder is missing, in the dialog's words", () => {
    const savers = [
      { name: "A", enabled: true, path: "/mnt/hq/missing/a.0000.exr" },
      { name: "B", enabled: true, path: "C:\\out.0000.exr" },
      { name: "C", enabled: false, path: "/nope/c.0000.exr" },
      { name: "D", enabled: true, path: "relative/d.0000.exr" },
      { name: "E", enabled: true, path: "/exists/e.0000.exr" },
    ];
    const helper = checkOutputFolders(savers, "windows", (p) => p === "/exists");
    expect(helper.map((c) => [c.code, c.tool, c.path])).toEqual([["output_folder_missing", "A", "/mnt/hq/missing"], ["output_folder_missing", "B", "C:\\"]]);
    expect(helper[0].message).toBe("Saver A: its folder /mnt/hq/missing does not exist on this computer.");
    expect(helper.map((c) => c.message)).toEqual([missingFolderMessage("A", "/mnt/hq/missing"), missingFolderMessage("B", "C:\\")]);
    expect([folderOf("/a.exr"), folderOf("a.exr"), folderOf("C:\\a.exr"), folderOf("\\\\s\\h\\a.exr")]).toEqual(["/", "", "C:\\", "\\\\s\\h"]);
    // On Linux and macOS a Windows path is another OS's: never "missing here" (job-spec.ts warns about it instead).
    for (const platform of ["linux", "macosx"] as const) {
      expect(checkOutputFolders(savers, platform, (p) => p === "/exists").map((c) => c.tool)).toEqual(["A"]);
    }
  });

  it("checks only paths this computer's OS can check", () => {
    const paths = ["/mnt/x", "\\renders\\x", "C:\\x", "c:/x", "\\\\fs\\share\\x", "relative\\x", "C:x", "Comp:/x"];
    expect(paths.filter((p) => checkableOn(p, "windows"))).toEqual(["/mnt/x", "\\renders\\x", "C:\\x", "c:/x", "\\\\fs\\share\\x"]);
    expect(paths.filter((p) => checkableOn(p, "linux"))).toEqual(["/mnt/x"]);
    expect(paths.filter((p) => checkableOn(p, "macosx"))).toEqual(["/mnt/x"]);
  });

  it("the plan on Linux: a Saver writing to C:\\renders gets no missing-folder warning", () => {
    const request = makeRequest({ comp: { path: "/mnt/hq/x.comp", platform: "linux", savers: [{ name: "Win", enabled: true, path: "C:\\renders\\b.0000.exr" }] } });
    const report = runPreflight({
      request,
      frames: { first: 1, last: 1 },
      machine: { platform: "linux", hostname: "ws", fileExists: () => false, dirExists: () => false },
    });
    expect(report.checks.map((c) => c.code)).not.toContain("output_folder_missing");
  });
});

describe("Loaders", () => {
  const comp = (tools: string) => `Composition { RenderRange = { 1, 10 }, GlobalRange = { 1, 10 }, Tools = ordered() { ${tools} } }`;
  const loader = (name: string, file: string, extra = "", clip = "GlobalStart = 1, GlobalEnd = 5, TrimIn = 0,") =>
    `${name} = Loader { ${extra} Clips = { Clip { ID = "Clip1", Filename = "${file}", ${clip} }, }, },`;

  it("reads the first clip, pass-through, Comp: paths, nested groups and sequence numbering", () => {
    const text = comp(
      loader("Plate", "Comp:/plates/plate.0001.exr") +
        loader("Off", "/x/off.exr", "PassThrough = true,") +
        loader("Still", "/x/still.jpg", "", "GlobalStart = 0, GlobalEnd = 0,") +
        `Group1 = GroupOperator { Tools = ordered() { ${loader("Inner", "/x/inner_0010.dpx", "", "GlobalStart = 1, GlobalEnd = 3, TrimIn = 5,")} } },` +
        "Empty = Loader { },",
    );
    expect(loadersInCompText(text, "/mnt/hq/sh010/sh010.comp", "linux")).toEqual([
      { name: "Plate", enabled: true, path: "/mnt/hq/sh010/plates/plate.0001.exr", rawPath: "Comp:/plates/plate.0001.exr", frames: { first: 1, last: 5 } },
      { name: "Off", enabled: false, path: "/x/off.exr", rawPath: "/x/off.exr", frames: undefined },
      { name: "Still", enabled: true, path: "/x/still.jpg", rawPath: "/x/still.jpg" },
      { name: "Inner", enabled: true, path: "/x/inner_0010.dpx", rawPath: "/x/inner_0010.dpx", frames: { first: 15, last: 17 } },
      { name: "Empty", enabled: true, path: "", rawPath: "" },
    ].map((l) => (l.frames === undefined ? (({ frames, ...rest }) => rest)(l) : l)));
  });

  it("the first missing frame of a sequence, a missing single file; disabled Loaders ignored", () => {
    const files = new Set(["/p/plate.0001.exr", "/p/plate.0002.exr", "/p/plate.0003.exr", "/p/plate.0005.exr"]);
    const exists = (p: string) => files.has(p);
    expect(firstMissingFile({ name: "P", enabled: true, path: "/p/plate.0001.exr", frames: { first: 1, last: 5 } }, exists)).toBe("/p/plate.0004.exr");
    const checks = checkLoaders(
      [
        { name: "P", enabled: true, path: "/p/plate.0001.exr", frames: { first: 1, last: 5 } },
        { name: "Gone", enabled: true, path: "/p/gone.exr" },
        { name: "Off", enabled: false, path: "/p/off.exr" },
        { name: "Ok", enabled: true, path: "/p/plate.0001.exr", frames: { first: 1, last: 3 } },
        { name: "Mapped", enabled: true, path: "Macros:/x.exr" },
      ],
      "linux",
      true,
      exists,
    );
    expect(checks).toEqual([
      expect.objectContaining({ code: "loader_missing", level: "warning", tool: "P", path: "/p/plate.0004.exr", message: "Loader P: its first missing frame /p/plate.0004.exr does not exist on this computer." }),
      expect.objectContaining({ code: "loader_missing", tool: "Gone", message: "Loader Gone: its file /p/gone.exr does not exist on this computer." }),
      expect.objectContaining({ code: "loader_not_checked", level: "note", message: expect.stringContaining("Mapped") }),
    ]);
    expect(checkLoaders([{ name: "P", enabled: true, path: "/p/gone.exr" }], "linux", false, exists)[0]).toMatchObject({ code: "loader_not_checked" });
  });

  it.skipIf(!haveFixtures)("fixture comps: every Loader read, none disabled, relative and path-mapped ones noted, not guessed", () => {
    const read = (file: string) => loadersInCompText(readFileSync(join(FIXTURES, file)), `/mnt/hq/${file}`, "linux");
    const uv = read("fu08.2_kartavr_uvpass_stitching_passthrough_savers.comp");
    expect(uv.map((l) => l.name)).toEqual(["CameraLoader1", "CameraLoader3", "UVPassLoader3", "UVPassLoader4", "UVPassLoader1", "UVPassLoader2", "CameraLoader4", "CameraLoader2"]);
    expect(uv.every((l) => l.enabled && l.frames === undefined)).toBe(true);
    const altus = read("fu09.0_altus_denoiser_12_exr_savers_in_group.comp");
    expect(altus[0]).toEqual({ name: "B0WorldPositions", enabled: true, path: "/mnt/hq/Media/satellite_lighting_b0.0001.exr", rawPath: "Comp:/Media/satellite_lighting_b0.0001.exr" });
    expect(read("fu18.0_paperdave_default_saver_without_clip.comp")).toEqual([{ name: "MainInput", enabled: true, path: "", rawPath: "" }]);
    // Nothing exists under /mnt/hq here: Comp: Loaders are missing, Macros:/relative ones noted, the clip-less one skipped.
    const none = () => false;
    expect(checkLoaders(altus, "linux", true, none).filter((c) => c.code === "loader_missing")).toHaveLength(altus.length);
    const notes = checkLoaders([...uv, ...read("fu16.1_guinness_can_macro_loaders_no_savers.comp")], "linux", true, none);
    expect(notes).toEqual([expect.objectContaining({ code: "loader_not_checked", message: expect.stringContaining("CameraLoader1") })]);
    // A pass-through Loader, made by adding PassThrough to a real one, is ignored.
    const text = readFileSync(join(FIXTURES, "fu19.0_kartaverse_stmap_3savers_jpg_exr_compmap.comp"), "latin1").replace("Loader = Loader {", "Loader = Loader { PassThrough = true,");
    const [off] = loadersInCompText(Buffer.from(text, "latin1"), "/mnt/hq/x.comp", "linux");
    expect(off).toMatchObject({ name: "Loader", enabled: false });
    expect(checkLoaders([off], "linux", true, none)).toEqual([]);
  });
});

describe("runPreflight", () => {
  it("file checks only when the request's paths are this machine's; the farm only when asked", () => {
    const request = makeRequest({ comp: { savers: [{ name: "S", enabled: true, path: "/mnt/hq/none/s.0000.exr" }], loaders: [{ name: "L", enabled: true, path: "/mnt/hq/l.exr" }] } });
    const machine = { platform: "linux" as const, hostname: "ws", fileExists: () => false, dirExists: () => false };
    const here = runPreflight({ request, frames: { first: 1, last: 10 }, machine }).checks.map((c) => c.code);
    expect(here).toEqual(["output_folder_missing", "loader_missing"]);
    const elsewhere = runPreflight({ request, frames: { first: 1, last: 10 }, machine: { ...machine, platform: "windows" } }).checks.map((c) => c.code);
    expect(elsewhere).toEqual(["loader_not_checked"]);
    const skipped = runPreflight({ request, frames: { first: 1, last: 10 }, machine, farm: { skipped: "no answer." } }).checks[0];
    expect(skipped).toMatchObject({ code: "clients_not_checked", level: "note", message: "Not checked whether a client can take this job: no answer." });
  });
});
