import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isMovieFormat } from "../../src-node/core/savers";
import { parseCompText, readCompFile } from "../../src-node/core/comp-file";
import {
  CompFileError,
  getPath,
  isTable,
  MAX_NESTING,
  parseLuaValue,
  type LuaTable,
  type LuaValue,
} from "../../src-node/core/lua-table-parser";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const fixturesDir = path.resolve(repoRoot, "../shared/fixtures/comps");
const haveFixtures = existsSync(fixturesDir);
const compsDir = path.resolve(repoRoot, "test/comps");
const haveLuajit = spawnSync("luajit", ["-v"]).status === 0;

interface Expected {
  version: string;
  render: [number, number];
  global: [number, number];
  loaders: number;
  /** name → [enabled, raw Clip filename] in file order (from luajit loading each file, see SOURCES.md). */
  savers: [string, boolean, string][];
}

/** Expectations from ../shared/fixtures/comps/SOURCES.md (counts, ranges, versions) and from luajit loading each file. */
const FIXTURES: Record<string, Expected> = {
  "fu07.7_cgru_mandelbrot_jpg_saver_winpaths.comp": {
    version: "Fusion Studio 7.7 build 0", render: [1, 10], global: [1, 10], loaders: 0,
    savers: [["Saver1", true, "C:\\cgru\\examples\\Fusion\\render\\img.0001.jpg"]],
  },
  "fu08.2_kartavr_uvpass_stitching_passthrough_savers.comp": {
    version: "Fusion 8.2.1 build 6", render: [0, 0], global: [0, 300], loaders: 8,
    savers: [
      ["CameraMaskSaver2", false, "Macros:/KartaVR/camera2_mask.0000.png"],
      ["PanoramaSaver", true, "Macros:/KartaVR/stitched_video.0000.png"],
      ["CameraMaskSaver3", false, "Macros:/KartaVR/camera3_mask.0000.png"],
      ["CameraMaskSaver3_1", false, "Macros:/KartaVR/camera4_mask.0000.png"],
      ["CameraMaskSaver1", false, "Macros:/KartaVR/camera1_mask.0000.png"],
    ],
  },
  "fu08.2_kartavr_equirect2fisheye_mov_saver.comp": {
    version: "Fusion 8.2.1 build 6", render: [0, 144], global: [0, 144], loaders: 1,
    savers: [["Saver1", true, "Macros:/KartaVR/animated_fulldome.mov"]],
  },
  "fu08.2_kartavr_saverintool_no_filename_script_strings.comp": {
    version: "Fusion Studio 8.2.1 build 6", render: [0, 0], global: [0, 1000], loaders: 0,
    savers: [["SaverIntool", true, ""]],
  },
  "fu09.0_altus_denoiser_12_exr_savers_in_group.comp": {
    version: "Fusion Studio 9.0.2 build 15", render: [1, 1], global: [1, 2], loaders: 13,
    savers: ["b1", "b0"].flatMap((b) =>
      [["Reflection", "Reflection"], ["DiffuseFilter", "DiffuseFilter"], ["MatteShadow", "MatteShadow"],
        ["WorldNormals", "WorldNormals"], ["WorldPositions", "WorldPositions"], ["RGB", "rgb"]].map(
        ([tool, file]): [string, boolean, string] => [
          `${b.toUpperCase()}${tool}Saver`, true, `Comp:/Media/altus_input/${file}_${b}.0000.exr`,
        ],
      ),
    ),
  },
  "fu09.0_kartavr_imagegrid_fuse_non_utf8.comp": {
    version: "Fusion 9.0.2 build 15", render: [0, 130], global: [0, 130], loaders: 2,
    savers: [
      ["Saver1_1", true, "Temp:/KartaVR/generated_image_grid.0000.jpg"],
      ["Saver1", true, "Temp:/KartaVR/extracted_image_grid.0000.jpg"],
    ],
  },
  "fu09.0_siredric_blocks_subrange_previews_path.comp": {
    version: "Fusion Studio 9.0.1 build 3", render: [1, 200], global: [1, 1000], loaders: 0,
    savers: [["Saver1", true, "Previews:\\SirEdric\\BlocksOnAPlane\\blocks0000.jpg"]],
  },
  "fu09.0_hos_tiler_fuse_subrange.comp": {
    version: "Fusion 9.0.2 build 15", render: [0, 143], global: [0, 288], loaders: 0,
    savers: [["Saver1", true, "Previews:/Fusion/Tiles.0000.jpg"]],
  },
  "fu09.0_linux_posix_png_saver.comp": {
    version: "Fusion 9.0.2 build 15", render: [0, 3], global: [0, 3], loaders: 0,
    savers: [["MainOutput", true, "/render/Stupid-Fusion-OkayFucker/.png"]],
  },
  "fu10_teapot_tif_saver_group.comp": {
    version: "Fusion 10 build 2", render: [1, 1], global: [1, 2], loaders: 0,
    savers: [["Saver1", true, "Temp:/Teapot/Teapot.0001.tif"]],
  },
  "fu16.1_guinness_can_macro_loaders_no_savers.comp": {
    version: "Fusion Studio 16.1.1 build 5", render: [0, 90], global: [0, 90], loaders: 5, savers: [],
  },
  "fu18.0_paperdave_default_saver_without_clip.comp": {
    version: "Fusion Studio 18.0.4 build 5", render: [0, 0], global: [0, 1000], loaders: 1,
    savers: [["MainOutput", true, ""]],
  },
  "fu18.6_prism_empty_preset_no_tools.comp": {
    version: "Fusion Studio 18.6.6 build 4", render: [0, 1000], global: [0, 1000], loaders: 0, savers: [],
  },
  "fu19.0_kartaverse_stmap_3savers_jpg_exr_compmap.comp": {
    version: "Fusion Studio 19.0 build 52", render: [1, 1], global: [1, 2], loaders: 1,
    savers: [
      ["STMap_Saver", true, "Comp:/Render/STMap_RED_Digital_V-Raptor_RF5.2mm_DF_SRC_7680x4320_Hugh_Hou_LivingRoom.0001.exr"],
      ["SBS_Saver", true, "Comp:/Render/RED_Digital_V-Raptor_RF5.2mm_DF_SRC_7680x4320_Hugh_Hou_LivingRoom_SBS_180VR.0001.jpg"],
      ["Spatial_Saver", true, "Comp:/Render/RED_Digital_V-Raptor_RF5.2mm_DF_SRC_7680x4320_Hugh_Hou_LivingRoom_Spatial.0001.jpg"],
    ],
  },
  "fu19.0_rivelink_spatial_2_exr_savers_fuses.comp": {
    version: "Fusion Studio 19.0 build 44", render: [1, 120], global: [1, 120], loaders: 0,
    savers: [
      ["Saver1_1", true, "Previews:/Rive_R.0000.exr"],
      ["Saver1", true, "Previews:/Rive_L.0000.exr"],
    ],
  },
};

/** SOURCES.md's table: Savers total (PassThrough). */
const SOURCES_COUNTS: Record<string, [number, number]> = {
  "fu07.7_cgru_mandelbrot_jpg_saver_winpaths.comp": [1, 0],
  "fu08.2_kartavr_uvpass_stitching_passthrough_savers.comp": [5, 4],
  "fu08.2_kartavr_equirect2fisheye_mov_saver.comp": [1, 0],
  "fu08.2_kartavr_saverintool_no_filename_script_strings.comp": [1, 0],
  "fu09.0_altus_denoiser_12_exr_savers_in_group.comp": [12, 0],
  "fu09.0_kartavr_imagegrid_fuse_non_utf8.comp": [2, 0],
  "fu09.0_siredric_blocks_subrange_previews_path.comp": [1, 0],
  "fu09.0_hos_tiler_fuse_subrange.comp": [1, 0],
  "fu09.0_linux_posix_png_saver.comp": [1, 0],
  "fu10_teapot_tif_saver_group.comp": [1, 0],
  "fu16.1_guinness_can_macro_loaders_no_savers.comp": [0, 0],
  "fu18.0_paperdave_default_saver_without_clip.comp": [1, 0],
  "fu18.6_prism_empty_preset_no_tools.comp": [0, 0],
  "fu19.0_kartaverse_stmap_3savers_jpg_exr_compmap.comp": [3, 0],
  "fu19.0_rivelink_spatial_2_exr_savers_fuses.comp": [2, 0],
};

const fixturesTitle = haveFixtures
  ? "real Fusion comps (../shared/fixtures/comps)"
  : `real Fusion comps — SKIPPED: ${fixturesDir} not found (the shared fixtures sit next to the repository)`;

describe.skipIf(!haveFixtures)(fixturesTitle, () => {
  it("every fixture file has expectations here (a new fixture must be added to the table)", () => {
    const files = readdirSync(fixturesDir).filter((f) => f.endsWith(".comp")).sort();
    expect(files).toEqual(Object.keys(FIXTURES).sort());
    expect(Object.keys(SOURCES_COUNTS).sort()).toEqual(files);
  });

  it.each(Object.entries(FIXTURES))("%s", (file, expected) => {
    const comp = readCompFile(path.join(fixturesDir, file));
    expect(comp.version).toBe(expected.version);
    expect([comp.renderStart, comp.renderEnd]).toEqual(expected.render);
    expect([comp.globalStart, comp.globalEnd]).toEqual(expected.global);
    // every fixture stores StepSize = 5 with StepRender = false (or no RenderSettings): step 1
    expect(comp.step).toBe(1);
    expect(comp.loaders).toBe(expected.loaders);
    expect(comp.savers.map(({ outputFormat: _format, ...rest }) => rest)).toEqual(
      expected.savers.map(([name, enabled, p]) => ({ name, enabled, path: p, rawPath: p })),
    );
    const [total, passThrough] = SOURCES_COUNTS[file];
    expect(comp.savers).toHaveLength(total);
    expect(comp.savers.filter((s) => !s.enabled)).toHaveLength(passThrough);
  });

  it("ignores the Saver snapshots inside CustomData (a naive search finds 3 Savers in the CGRU comp)", () => {
    const text = readFileSync(path.join(fixturesDir, "fu07.7_cgru_mandelbrot_jpg_saver_winpaths.comp"), "latin1");
    expect(text.match(/Saver \{/g)?.length).toBe(3);
    expect(parseCompText(text).savers).toHaveLength(1);
  });

  it("reads invalid UTF-8 without failing: such strings decode as Windows-1252", () => {
    for (const file of ["fu09.0_kartavr_imagegrid_fuse_non_utf8.comp", "fu08.2_kartavr_saverintool_no_filename_script_strings.comp"]) {
      const bytes = readFileSync(path.join(fixturesDir, file));
      expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
      const tree = parseLuaValue(bytes);
      const found: string[] = [];
      walkStrings(tree, (s) => {
        if (/[\u0080-\uffff]/.test(s)) found.push(s);
      });
      expect(found.length).toBeGreaterThan(0);
      expect(found.join("")).not.toContain("\ufffd");
    }
  });

  it("decodes valid UTF-8 strings (the dingbats in the SirEdric comp, ° in the Kartaverse comp)", () => {
    const blocks = parseLuaValue(readFileSync(path.join(fixturesDir, "fu09.0_siredric_blocks_subrange_previews_path.comp")));
    const stmap = parseLuaValue(readFileSync(path.join(fixturesDir, "fu19.0_kartaverse_stmap_3savers_jpg_exr_compmap.comp")));
    const all: string[] = [];
    walkStrings(blocks, (s) => all.push(s));
    walkStrings(stmap, (s) => all.push(s));
    const text = all.join("\n");
    expect(text).toContain("✊");
    expect(text).toContain("✌");
    expect(text).toContain("°");
  });

  it("a comp with its trailing NUL removed, or with more NULs, reads the same", () => {
    const file = path.join(fixturesDir, "fu09.0_linux_posix_png_saver.comp");
    const bytes = readFileSync(file);
    expect(bytes[bytes.length - 1]).toBe(0);
    const expected = parseCompText(bytes);
    expect(parseCompText(bytes.subarray(0, bytes.length - 1))).toEqual(expected);
    expect(parseCompText(Buffer.concat([bytes, Buffer.from([0, 0, 0])]))).toEqual(expected);
  });
});

function walkStrings(v: LuaValue, visit: (s: string) => void): void {
  if (typeof v === "string") visit(v);
  else if (isTable(v)) {
    v.items.forEach((x) => walkStrings(x, visit));
    for (const [, x] of v.fields) walkStrings(x, visit);
  }
}

/* ------------------------------------------------------------------------------------------------
 * Oracle: the whole value tree equals what LuaJIT builds when it loads the same file
 * ---------------------------------------------------------------------------------------------- */

/** Loads a comp in a sandbox (constructors record their type) and prints every value with its path. */
const CANONICAL_DUMP_LUA = String.raw`
local f = assert(io.open(arg[1], "rb")); local text = f:read("*a"); f:close()
text = text:gsub("%z+$", "")
if text:sub(1, 3) == "\239\187\191" then text = text:sub(4) end
local types = setmetatable({}, { __mode = "k" })
local function ctor(name)
  return setmetatable({}, {
    __call = function(_, t) if type(t) == "table" then types[t] = name end return t end,
    __index = function(_, k) return ctor(name .. "." .. k) end })
end
local env = setmetatable({}, { __index = function(_, k)
  if k == "ordered" then return function() return function(t) return t end end end
  return ctor(k) end })
local fn = assert(loadstring("return " .. text))
setfenv(fn, env)
local out = {}
local function hex(s) return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end
local function key(k)
  if type(k) == "string" then return "s:" .. hex(k) end
  if type(k) == "number" then return "n:" .. string.format("%.17g", k) end
  return "b:" .. tostring(k)
end
local function walk(v, p)
  local tv = type(v)
  if tv == "table" then
    out[#out + 1] = p .. "\tt\t" .. (types[v] or "")
    for k, x in pairs(v) do walk(x, p .. "/" .. key(k)) end
  elseif tv == "string" then out[#out + 1] = p .. "\ts\t" .. hex(v)
  elseif tv == "number" then out[#out + 1] = p .. "\tn\t" .. string.format("%.17g", v)
  elseif tv == "boolean" then out[#out + 1] = p .. "\tb\t" .. tostring(v)
  end
end
walk(fn(), "")
io.write(table.concat(out, "\n"), "\n")
`;

function hexOfBinary(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += s.charCodeAt(i).toString(16).padStart(2, "0");
  return out;
}

/** Same listing from our tree (strings kept as bytes); numbers are compared by value. */
function canonicalLines(v: LuaValue, p: string, out: string[]): void {
  if (typeof v === "string") out.push(`${p}\ts\t${hexOfBinary(v)}`);
  else if (typeof v === "number") out.push(`${p}\tn\t${v}`);
  else if (typeof v === "boolean") out.push(`${p}\tb\t${v}`);
  else if (isTable(v)) {
    // ordered() only returns a plain constructor in the sandbox, so it has no type there
    out.push(`${p}\tt\t${v.type && v.type !== "ordered()" ? v.type : ""}`);
    const merged = new Map<string, LuaValue>();
    const keyText = (k: string | number | boolean): string =>
      typeof k === "string" ? `s:${hexOfBinary(k)}` : typeof k === "number" ? `n:${k}` : `b:${k}`;
    for (const [k, x] of v.fields) merged.set(keyText(k), x);
    v.items.forEach((x, i) => merged.set(keyText(i + 1), x));
    for (const [k, x] of merged) if (x !== null) canonicalLines(x, `${p}/${k}`, out);
  }
}

function luaNumbersAsJs(line: string): string {
  const [p, kind, value] = line.split("\t");
  const keys = p.replace(/\/n:([^/]+)/g, (_, n: string) => `/n:${Number(n)}`);
  return `${keys}\t${kind}\t${kind === "n" ? String(Number(value)) : value}`;
}

function oracleFiles(): string[] {
  const own = readdirSync(compsDir).filter((f) => f.startsWith("synthetic-") && f.endsWith(".comp")).map((f) => path.join(compsDir, f));
  const shared = haveFixtures ? readdirSync(fixturesDir).filter((f) => f.endsWith(".comp")).map((f) => path.join(fixturesDir, f)) : [];
  return [...shared, ...own];
}

describe.skipIf(!haveLuajit)("the value tree matches LuaJIT loading the same file", () => {
  it.each(oracleFiles().map((f) => [path.basename(f), f]))("%s", (_name, file) => {
    const lua = spawnSync("luajit", ["-", file], { input: CANONICAL_DUMP_LUA, encoding: "latin1", maxBuffer: 64 << 20 });
    expect(lua.stderr).toBe("");
    expect(lua.status).toBe(0);
    const expected = lua.stdout.replace(/\n$/, "").split("\n").map(luaNumbersAsJs).sort();
    const ours: string[] = [];
    canonicalLines(parseLuaValue(readFileSync(file), { binaryStrings: true }), "", ours);
    ours.sort();
    expect(ours.length).toBe(expected.length);
    expect(ours).toEqual(expected);
  });
});

/* ------------------------------------------------------------------------------------------------
 * Synthetic comps and syntax
 * ---------------------------------------------------------------------------------------------- */

describe("Saver OutputFormat (fusion.md §11: `OutputFormat = Input { Value = FuID { id } }`)", () => {
  // One entry per Saver in file order (null: no OutputFormat input), read off the fixtures by hand.
  const EXR = "OpenEXRFormat";
  const FORMATS: Record<string, (string | null)[]> = {
    "fu07.7_cgru_mandelbrot_jpg_saver_winpaths.comp": ["JpegFormat"],
    "fu08.2_kartavr_equirect2fisheye_mov_saver.comp": ["QuickTimeMovies"],
    "fu08.2_kartavr_saverintool_no_filename_script_strings.comp": [EXR],
    "fu08.2_kartavr_uvpass_stitching_passthrough_savers.comp": Array(5).fill("PNGFormat"),
    "fu09.0_altus_denoiser_12_exr_savers_in_group.comp": Array(12).fill(EXR),
    "fu09.0_hos_tiler_fuse_subrange.comp": ["JpegFormat"],
    "fu09.0_kartavr_imagegrid_fuse_non_utf8.comp": ["JpegFormat", "JpegFormat"],
    "fu09.0_linux_posix_png_saver.comp": ["PNGFormat"],
    "fu09.0_siredric_blocks_subrange_previews_path.comp": ["JpegFormat"],
    "fu10_teapot_tif_saver_group.comp": ["TiffFormat"],
    "fu16.1_guinness_can_macro_loaders_no_savers.comp": [],
    "fu18.0_paperdave_default_saver_without_clip.comp": [EXR],
    "fu18.6_prism_empty_preset_no_tools.comp": [],
    "fu19.0_kartaverse_stmap_3savers_jpg_exr_compmap.comp": [EXR, "JpegFormat", "JpegFormat"],
    "fu19.0_rivelink_spatial_2_exr_savers_fuses.comp": [EXR, EXR],
  };
  for (const [file, formats] of Object.entries(FORMATS)) {
    it(file, () => {
      expect(readCompFile(path.join(fixturesDir, file)).savers.map((s) => s.outputFormat ?? null)).toEqual(formats);
    });
  }
  it("covers every fixture; the one movie Saver is a movie by its format", () => {
    expect(Object.keys(FORMATS).sort()).toEqual(Object.keys(FIXTURES).sort());
    const mov = readCompFile(path.join(fixturesDir, "fu08.2_kartavr_equirect2fisheye_mov_saver.comp")).savers[0];
    expect(isMovieFormat(mov.outputFormat)).toBe(true);
    expect(isMovieFormat("OpenEXRFormat") || isMovieFormat("JpegFormat") || isMovieFormat(undefined)).toBe(false);
  });
});

describe("synthetic comps (test/comps)", () => {
  it("synthetic-parser-torture.comp: nested groups and macros, UNC, no Clip, movie, odd names, step", () => {
    const comp = readCompFile(path.join(compsDir, "synthetic-parser-torture.comp"));
    expect(comp).toEqual({
      version: "Fusion Studio 17.4.1 build 6 (synthetic)",
      renderStart: -10,
      renderEnd: 20,
      globalStart: -20,
      globalEnd: 40,
      step: 2,
      loaders: 2,
      savers: [
        { name: "UNCSaver", enabled: true, path: "\\\\server\\share\\render\\shot.0001.dpx", rawPath: "\\\\server\\share\\render\\shot.0001.dpx" },
        { name: "Disabled", enabled: false, path: "Comp:/render/off.0000.exr", rawPath: "Comp:/render/off.0000.exr" },
        { name: "NoClip", enabled: true, path: "", rawPath: "", outputFormat: "OpenEXRFormat" },
        { name: "Movie", enabled: true, path: "Comp:\\render\\movie.mov", rawPath: "Comp:\\render\\movie.mov" },
        { name: "Inner", enabled: true, path: "/mnt/hq/render/inner.0000.png", rawPath: "/mnt/hq/render/inner.0000.png" },
        { name: "Deep", enabled: true, path: "/mnt/hq/ünï cödé/deep.0000.tif", rawPath: "/mnt/hq/ünï cödé/deep.0000.tif" },
        { name: "Odd Name", enabled: true, path: "/mnt/hq/render/odd.0000.jpg", rawPath: "/mnt/hq/render/odd.0000.jpg" },
      ],
    });
  });

  it("synthetic-parser-torture.comp: string escapes, long strings, numbers, typed constructors", () => {
    const tree = parseLuaValue(readFileSync(path.join(compsDir, "synthetic-parser-torture.comp")));
    const fuse = getPath(tree, "Tools", "Fuse1") as LuaTable;
    expect(fuse.type).toBe("Fuse.MyFuse");
    expect(getPath(fuse, "Inputs", "Text", "Value")).toBe("tab\there \"quoted\" 'single' AB\u00431 Ajoined \nnewline \\ end");
    expect(getPath(fuse, "Inputs", "Long", "Value")).toBe('has ]] and ]=] inside, and "quotes" and -- not a comment\n');
    expect(getPath(fuse, "Inputs", "Latin", "Value")).toBe("café ùÝº");
    expect(getPath(fuse, "Inputs", "Script", "Value")).toBe('if x then print("}") end -- { [[ ]] }');
    const keys = getPath(tree, "Tools", "Spline", "KeyFrames") as LuaTable;
    expect(keys.fields.get(0)).toMatchObject({ items: [1e-5] });
    expect(getPath(keys.fields.get(0), "RH")).toMatchObject({ items: [0.5, -0.5] });
    expect(keys.fields.get(-1)).toMatchObject({ items: [1000] });
    expect(getPath(keys.fields.get(-1), "LH")).toMatchObject({ items: [2, -2.5] });
    expect(keys.fields.get(2.5)).toMatchObject({ items: [16, 21, -3] });
    expect((getPath(tree, "Tools", "Align") as LuaTable).type).toBe("Dimension.GlobalAlign");
    expect((getPath(tree, "Tools") as LuaTable).type).toBe("ordered()");
    expect(getPath(tree, "CurrentID")).toBe(31);
    expect(getPath(tree, "CurrentTime")).toBe(-0.5);
    expect(getPath(tree, "Nothing")).toBeNull();
    expect((getPath(tree, "OutputClips") as LuaTable).items).toEqual(["\\\\server\\share\\render\\shot.0001.dpx", ""]);
  });

  it("synthetic-render-node.comp (used by the render-node stand-in test)", () => {
    const comp = readCompFile(path.join(compsDir, "synthetic-render-node.comp"));
    expect(comp.savers.map((s) => [s.name, s.enabled, s.path])).toEqual([
      ["Main", true, "Comp:/render/shot.0000.png"],
      ["Movie", true, "Comp:/render/movie.mov"],
      ["Off", false, "Comp:/render/off.0000.png"],
      ["NoName", true, ""],
      ["Mapped", true, "Temp:/standin/mapped.0000.png"],
      ["Nested", true, "Comp:/render/nested/n_0.tif"],
    ]);
    expect([comp.renderStart, comp.renderEnd, comp.step]).toEqual([1, 5, 1]);
  });
});

function comp(body: string): string {
  return `Composition {\n\tRenderRange = { 1, 10 },\n\tGlobalRange = { 1, 20 },\n${body}\n}\n`;
}

describe("parseCompText: syntax", () => {
  it("accepts a string or bytes, a BOM, CRLF line ends, comments anywhere", () => {
    const text = "\ufeff-- header\r\nComposition { --[[ a\r\n block ]] RenderRange = { 5, 6 }, --[==[ x ]==]\r\n GlobalRange = { 1, 9 } } -- end\r\n";
    const fromString = parseCompText(text);
    expect(fromString).toMatchObject({ renderStart: 5, renderEnd: 6, globalStart: 1, globalEnd: 9, step: 1, savers: [], loaders: 0 });
    expect(parseCompText(new TextEncoder().encode(text))).toEqual(fromString);
  });

  it("uses the Final config's StepSize only when StepRender is on", () => {
    const prefs = (final: string): string =>
      comp(`Prefs = { Comp = { Unsorted = { RenderSettings = { Configs = { Final = { ${final} } } } } } },`);
    expect(parseCompText(prefs("StepRender = true, StepSize = 3")).step).toBe(3);
    expect(parseCompText(prefs("StepRender = false, StepSize = 3")).step).toBe(1);
    expect(parseCompText(prefs("StepSize = 3")).step).toBe(1);
    expect(parseCompText(prefs("StepRender = true, StepSize = 0")).step).toBe(1);
    expect(parseCompText(prefs("StepRender = true, StepSize = 2.5")).step).toBe(1);
  });

  it("takes a missing range from the other one, and fails when both are missing", () => {
    expect(parseCompText("Composition { GlobalRange = { 3, 9 } }")).toMatchObject({ renderStart: 3, renderEnd: 9, globalStart: 3, globalEnd: 9 });
    expect(parseCompText("Composition { RenderRange = { 3, 9 } }")).toMatchObject({ globalStart: 3, globalEnd: 9 });
    expect(() => parseCompText("Composition { Tools = {} }")).toThrow(/neither a RenderRange nor a GlobalRange/);
  });

  it("a Saver whose Clip has no Filename, or an animated Clip, has path \"\"", () => {
    const c = parseCompText(comp(`Tools = {
      A = Saver { Inputs = { Clip = Input { Value = Clip { Length = 0 } } } },
      B = Saver { Inputs = { Clip = Input { SourceOp = "ClipAnim", Source = "Value" } } },
      C = Saver { Inputs = { Clip = Input { Value = Clip { Filename = 5 } } } },
      D = Saver { },
    }`));
    expect(c.savers.map((s) => s.path)).toEqual(["", "", "", ""]);
    expect(c.savers.map((s) => s.enabled)).toEqual([true, true, true, true]);
  });

  it("only PassThrough = true disables a Saver", () => {
    const c = parseCompText(comp(`Tools = {
      A = Saver { PassThrough = true }, B = Saver { PassThrough = false }, C = Saver { PassThrough = 1 }, D = Saver { PassThrough = "true" },
    }`));
    expect(c.savers.map((s) => s.enabled)).toEqual([false, true, true, true]);
  });

  it("a repeated key keeps the last value, as in Lua", () => {
    expect(parseCompText("Composition { RenderRange = { 1, 2 }, RenderRange = { 7, 8 } }").renderStart).toBe(7);
  });

  it.each([
    ["\"\\065\\066\\067\"", "ABC"],
    ["'\\0651'", "A1"],
    ["\"\\226\\130\\172\"", "€"],
    ["\"\\xe2\\x82\\xac\"", "€"],
    ["\"a\\z   \n  b\"", "ab"],
    ["\"a\\\r\nb\"", "a\nb"],
    ["[[\nfirst newline dropped]]", "first newline dropped"],
    ["[=[a]]b]=]", "a]]b"],
    ["\"\\\\\"", "\\"],
    ["'\\\"'", '"'],
    ['"-- not a comment"', "-- not a comment"],
  ])("string %s", (literal, value) => {
    expect(parseLuaValue(`{ ${literal} }`)).toEqual({ kind: "table", items: [value], fields: new Map() });
  });

  it.each([
    ["0", 0], ["-0.5", -0.5], ["1e-05", 1e-5], ["1E+3", 1000], [".5", 0.5], ["5.", 5], ["0xff", 255], ["0XA", 10],
    ["0x.8", 0.5], ["0x1p4", 16], ["- 3", -3], ["- -3", 3], ["123456789012", 123456789012],
  ])("number %s", (literal, value) => {
    expect(parseLuaValue(`{ ${literal} }`)).toEqual({ kind: "table", items: [value], fields: new Map() });
  });

  it("typed constructors and bare names", () => {
    const v = parseLuaValue(`{ a = FuID { "x" }, b = FuID "y", c = ordered() { 1 }, d = Fuse.Name { }, e = f(1, "2"), g = SomeName, [true] = false }`);
    expect(isTable(v)).toBe(true);
    const t = v as LuaTable;
    expect(t.fields.get("a")).toEqual({ kind: "table", type: "FuID", items: ["x"], fields: new Map() });
    expect(t.fields.get("b")).toEqual({ kind: "table", type: "FuID", items: ["y"], fields: new Map() });
    expect(t.fields.get("c")).toEqual({ kind: "table", type: "ordered()", items: [1], fields: new Map() });
    expect(t.fields.get("d")).toEqual({ kind: "table", type: "Fuse.Name", items: [], fields: new Map() });
    expect(t.fields.get("e")).toEqual({ kind: "table", type: "f", items: [1, "2"], fields: new Map() });
    expect(t.fields.get("g")).toEqual({ kind: "name", name: "SomeName" });
    expect(t.fields.get(true)).toBe(false);
  });
});

describe("parseCompText: errors", () => {
  // The reader keeps only the parts of the comp it uses (ranges, step, Savers) and drops the rest while parsing it:
  // damage inside a dropped part (an animation spline, a Loader) is still found.
  it.each([
    ["a spline's keyframes", "\t\tBezierSpline1 = BezierSpline { KeyFrames = { [1] = { 0.5, RH = { 1 .. 2 } } } },\n", 4],
    ["a Loader's clip", '\t\tLoader1 = Loader { Clips = { Clip { Filename = "a" "b" } } },\n', 4],
    ["an unknown top-level field", "", 2],
  ])("damage in %s (a part that is dropped) is refused with its line", (_, tool, line) => {
    const head = tool === "" ? "Composition {\n\tCustomData = { x = { 1 2 } },\n" : "Composition {\n\tRenderRange = { 1, 10 },\n";
    const text = `${head}\tTools = ordered() {\n${tool}\t},\n}\n`;
    expect(() => parseCompText(text)).toThrow(CompFileError);
    expect(() => parseCompText(text)).toThrow(new RegExp(`is damaged: .* at line ${line}\\.`));
  });

  it("what is dropped does not change what is read; parseLuaValue still keeps everything", () => {
    const saver = '\t\tSaver1 = Saver { PassThrough = true, Inputs = { Clip = Input { Value = Clip { Filename = "/out/a.exr" } } } },\n';
    const spline = "\t\tBezierSpline1 = BezierSpline { KeyFrames = { [1] = { 0.5, Flags = { Linear = true } } } },\n";
    const text = `Composition {\n\tRenderRange = { 1, 10 },\n\tTools = ordered() {\n${spline}${saver}\t},\n}\n`;
    const tree = parseLuaValue(text);
    expect(isTable(getPath(tree, "Tools", "BezierSpline1", "KeyFrames"))).toBe(true);
    expect(parseCompText(text).savers).toEqual([{ name: "Saver1", enabled: false, path: "/out/a.exr", rawPath: "/out/a.exr" }]);
  });
  it.each([
    ["", /The file is not a Fusion composition \(expected 'Composition \{' at the start, found an empty file\)/],
    [" \n\t ", /found an empty file/],
    ["-- only a comment\n", /found only comments/],
    ["hello world", /is not a Fusion composition .*found 'hello'/],
    ['{"RenderRange": [1, 10]}', /is not a Fusion composition .*found '\{'/],
    ["{\n\tTools = ordered() {\n\t\tBlur1 = Blur { },\n\t},\n}", /is not a Fusion composition .*found '\{'/],
    ["Atom {\n\tName = \"x\",\n}", /is not a Fusion composition .*found 'Atom \{'/],
    ["return Composition { }", /found 'return'/],
    ["Composition = { }", /found 'Composition'/],
    ["\x00\x01\x02binary", /is not a Fusion composition .*unexpected character byte 0x00/],
    ["@@@", /is not a Fusion composition .*unexpected character '@'/],
  ])("not a comp: %j", (text, message) => {
    expect(() => parseCompText(text)).toThrow(CompFileError);
    expect(() => parseCompText(text)).toThrow(message);
  });

  it.each([
    ["Composition {\n\tPrefs = {\n\t\tLastFile = \",\n\t},\n}", /damaged: unfinished string at line 3/],
    ["Composition {\n\tRenderRange = { 1, 2 }\n\tGlobalRange = { 1, 2 },\n}", /expected ',' or '\}' in the table opened at line 1, found 'GlobalRange' at line 3/],
    ["Composition {\n\tA = { 1, 2 },\n", /found the end of the file at line 3/],
    ["Composition { A = [[never closed }", /unfinished long string at line 1/],
    ["Composition { --[[ never closed }", /unfinished long comment at line 1/],
    ["Composition { A = 1..2 }", /malformed number/],
    ["Composition { A = 1 .. 2 }", /expected ',' or '\}'.*found '\.\.'/],
    ["Composition { A = 1 + 2 }", /unexpected character '\+'/],
    ["Composition { A = 0x }", /malformed number/],
    ["Composition { A = 3abc }", /malformed number/],
    ["Composition { A = \"\\q\" }", /invalid escape sequence '\\q'/],
    ["Composition { A = \"\\300\" }", /escape sequence too large/],
    ["Composition { A = - \"x\" }", /'-' must be followed by a number/],
    ["Composition { [{}] = 1 }", /table keys must be strings, numbers or booleans/],
    ["Composition { A = 1 } extra", /unexpected 'extra' after the end/],
    ["Composition { A == 1 }", /expected ',' or '\}'.*found '=='/],
    ["Composition { A = }", /expected a value, found '\}'/],
    ["Composition { RenderRange = { 1, 2 } } Composition { }", /after the end/],
  ])("damaged: %j", (text, message) => {
    expect(() => parseCompText(text)).toThrow(CompFileError);
    expect(() => parseCompText(text)).toThrow(message);
  });

  it(`refuses nesting deeper than ${MAX_NESTING} levels instead of overflowing the stack`, () => {
    const deep = (n: number): string => `Composition { RenderRange = { 1, 2 }, X = ${"{".repeat(n)}${"}".repeat(n)} }`;
    expect(parseCompText(deep(MAX_NESTING - 2)).renderStart).toBe(1);
    expect(() => parseCompText(deep(100_000))).toThrow(/nested deeper than 500 levels/);
    expect(() => parseCompText(`Composition { X = ${"- ".repeat(100_000)}1 }`)).toThrow(CompFileError);
    expect(() => parseCompText(`Composition { X = ${"f(".repeat(100_000)} }`)).toThrow(CompFileError);
  });

  it("names the file in messages (readCompFile)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "comp-file-"));
    try {
      const notComp = path.join(dir, "notes.txt");
      writeFileSync(notComp, "just some notes");
      expect(() => readCompFile(notComp)).toThrow(`"${notComp}" is not a Fusion composition`);
      expect(() => readCompFile(path.join(dir, "missing.comp"))).toThrow(/Cannot read the comp ".*missing\.comp": it does not exist/);
      expect(() => readCompFile(dir)).toThrow(/"[^"]*" is a folder, not a file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("never throws anything but CompFileError on random bytes (seeded)", () => {
    let seed = 99;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    const pieces = ["Composition {", "{", "}", "=", ",", '"', "'", "[[", "]]", "--", "\\", "x", "1", "-", ".", "[", "]", "\n", "\xff", "0x", "e"];
    for (let c = 0; c < 2000; c++) {
      let text = random(2) === 0 ? "Composition {" : "";
      const n = random(30);
      for (let k = 0; k < n; k++) text += pieces[random(pieces.length)];
      try {
        parseCompText(text);
      } catch (e) {
        if (!(e instanceof CompFileError)) throw new Error(`${String(e)} for ${JSON.stringify(text)}`);
      }
    }
  });
});
