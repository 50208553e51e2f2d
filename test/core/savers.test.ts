import { describe, expect, it } from "vitest";
import type { Platform } from "../../types/request";
import { frameFileName, isMovieOutput, MOVIE_EXTENSIONS, resolveCompRelative } from "../../src-node/core/savers";

describe("isMovieOutput", () => {
  it.each([
    ["Macros:/KartaVR/animated_fulldome.mov", true],
    ["/render/out.MP4", true],
    ["C:\\render\\out.Mov", true],
    ["/r/a.mxf", true],
    ["/r/a.avi", true],
    ["/r/a.mkv", true],
    ["/r/a.webm", true],
    ["/r/a.gif", true],
    ["/r/a.wav", true],
    ["/r/a.omfi", true],
    ["/r/shot.0000.exr", false],
    ["/r/shot.0001.dpx", false],
    ["Previews:\\SirEdric\\blocks0000.jpg", false],
    ["/render/x/.png", false],
    ["/render/mov", false],
    ["/render.mov/shot.0001.png", false],
    ["C:\\render.mov\\shot.png", false],
    ["", false],
  ])("%s → %s", (path, expected) => {
    expect(isMovieOutput(path)).toBe(expected);
  });

  it("lists lower-case extensions without dots, Deadline's movie list included", () => {
    for (const ext of MOVIE_EXTENSIONS) expect(ext).toMatch(/^[a-z0-9]+$/);
    for (const ext of ["avi", "mov", "vdr", "wav", "dvs", "fb", "omf", "omfi", "stm", "tar", "vpv"]) {
      expect(MOVIE_EXTENSIONS).toContain(ext);
    }
    expect(new Set(MOVIE_EXTENSIONS).size).toBe(MOVIE_EXTENSIONS.length);
  });
});

describe("resolveCompRelative", () => {
  it.each([
    ["Comp:/Render/x.0001.jpg", "/mnt/hq/shot/a.comp", "linux", "/mnt/hq/shot/Render/x.0001.jpg"],
    ["Comp:Render/x.jpg", "/mnt/hq/shot/a.comp", "linux", "/mnt/hq/shot/Render/x.jpg"],
    ["comp:\\Render\\x.jpg", "/mnt/hq/shot/a.comp", "macosx", "/mnt/hq/shot/Render/x.jpg"],
    ["COMP:/x.jpg", "/a.comp", "linux", "/x.jpg"],
    ["Comp:/Media/altus_input/rgb_b0.0000.exr", "C:\\proj\\altus.comp", "windows", "C:\\proj\\Media\\altus_input\\rgb_b0.0000.exr"],
    ["Comp:\\Render\\x.jpg", "\\\\server\\hq\\shot\\a.comp", "windows", "\\\\server\\hq\\shot\\Render\\x.jpg"],
    ["Comp:x.jpg", "H:\\a.comp", "windows", "H:\\x.jpg"],
    ["Comp:", "/mnt/hq/a.comp", "linux", "/mnt/hq"],
    ["Comp:/", "/mnt/hq/a.comp", "linux", "/mnt/hq"],
    ["Comp:/Render/ünï cödé 1.jpg", "/mnt/hq/shot 1/a.comp", "linux", "/mnt/hq/shot 1/Render/ünï cödé 1.jpg"],
  ] as [string, string, Platform, string][])("%s in %s (%s) → %s", (raw, comp, platform, expected) => {
    expect(resolveCompRelative(raw, comp, platform)).toBe(expected);
  });

  it.each([
    ["/abs/x.png", "/mnt/a.comp", "linux"],
    ["Temp:/x.png", "/mnt/a.comp", "linux"],
    ["Macros:/KartaVR/x.png", "C:\\a.comp", "windows"],
    ["MyComp:/x.png", "/mnt/a.comp", "linux"],
    ["", "/mnt/a.comp", "linux"],
    ["Comp:/x.png", "", "linux"],
  ] as [string, string, Platform][])("leaves %s alone (comp %j)", (raw, comp, platform) => {
    expect(resolveCompRelative(raw, comp, platform)).toBe(raw);
  });
});

describe("frameFileName", () => {
  it.each([
    ["/r/img0001.png", 7, "/r/img0007.png"],
    ["/r/img.0001.png", 7, "/r/img.0007.png"],
    ["/r/img.0000.exr", 123, "/r/img.0123.exr"],
    ["/r/img.png", 7, "/r/img0007.png"],
    ["/r/.png", 7, "/r/0007.png"],
    ["/render/Stupid-Fusion-OkayFucker/.png", 3, "/render/Stupid-Fusion-OkayFucker/0003.png"],
    ["/r/img_1.png", 7, "/r/img_7.png"],
    ["/r/img_1.png", 12, "/r/img_12.png"],
    ["/r/img.00001.tif", 42, "/r/img.00042.tif"],
    ["/r/img.0001.jpg", 123456, "/r/img.123456.jpg"],
    ["/r/shot_v2.png", 7, "/r/shot_v7.png"],
    ["/r/img", 7, "/r/img0007"],
    ["/r/0000.png", 9, "/r/0009.png"],
    ["C:\\r\\img.0001.jpg", 10, "C:\\r\\img.0010.jpg"],
    ["Previews:\\SirEdric\\BlocksOnAPlane\\blocks0000.jpg", 200, "Previews:\\SirEdric\\BlocksOnAPlane\\blocks0200.jpg"],
    ["/r.0001/img.png", 5, "/r.0001/img0005.png"],
    ["/r/img.0001.png", 0, "/r/img.0000.png"],
    // negative frames: '-' before the padded digits
    ["/r/img.0001.png", -7, "/r/img.-0007.png"],
    ["/r/img.png", -12, "/r/img-0012.png"],
    ["/r/img1.png", -3, "/r/img-3.png"],
  ])("%s frame %i → %s", (path, frame, expected) => {
    expect(frameFileName(path, frame)).toBe(expected);
  });

  it("gives every frame of a range its own file", () => {
    const names = new Set<string>();
    for (let f = -50; f <= 50; f++) names.add(frameFileName("/r/img.0000.png", f));
    expect(names.size).toBe(101);
  });
});
