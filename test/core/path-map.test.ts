import { describe, expect, it } from "vitest";
import type { Platform, SharedRoot } from "../../types/request";
import { dirnameOf, isAbsolutePath, joinPath, mapPath, type MapResult } from "../../src-node/core/path-map";

const HQ: SharedRoot = { linux: "/mnt/hq", macosx: "/Volumes/hq", windows: "\\\\server\\hq" };
const PROJ: SharedRoot = { linux: "/mnt/hq/proj", macosx: "/Volumes/proj", windows: "P:\\" };
const DRIVE: SharedRoot = { linux: "/mnt/h", windows: "H:\\" };
const LINUX_ONLY: SharedRoot = { linux: "/srv/local", macosx: "/Volumes/local" };
const ROOTS = [HQ, PROJ, DRIVE, LINUX_ONLY];

function mapped(result: MapResult): string {
  if (!result.ok) throw new Error(`expected a mapping, got: ${result.error}`);
  return result.path;
}

describe("mapPath: mapping through shared roots", () => {
  it.each([
    ["/mnt/hq/shots/a.comp", "linux", "windows", "\\\\server\\hq\\shots\\a.comp"],
    ["/mnt/hq/shots/a.comp", "linux", "macosx", "/Volumes/hq/shots/a.comp"],
    ["/Volumes/hq/shots/a.comp", "macosx", "linux", "/mnt/hq/shots/a.comp"],
    ["\\\\server\\hq\\shots\\a.comp", "windows", "linux", "/mnt/hq/shots/a.comp"],
    ["//server/hq/shots/a.comp", "windows", "linux", "/mnt/hq/shots/a.comp"],
    ["\\\\SERVER\\HQ\\shots\\a.comp", "windows", "macosx", "/Volumes/hq/shots/a.comp"],
    ["\\\\server/hq\\shots//a.comp", "windows", "linux", "/mnt/hq/shots/a.comp"],
    // the longest matching root wins
    ["/mnt/hq/proj/a.comp", "linux", "windows", "P:\\a.comp"],
    ["/mnt/hq/proj/a.comp", "linux", "macosx", "/Volumes/proj/a.comp"],
    ["P:\\a.comp", "windows", "linux", "/mnt/hq/proj/a.comp"],
    ["p:/sub/a.comp", "windows", "linux", "/mnt/hq/proj/sub/a.comp"],
    // drive roots: H: and H:\ are the same; case-insensitive
    ["H:\\x\\y.png", "windows", "linux", "/mnt/h/x/y.png"],
    ["h:/x/y.png", "windows", "linux", "/mnt/h/x/y.png"],
    ["/mnt/h/x/y.png", "linux", "windows", "H:\\x\\y.png"],
    // the root itself
    ["/mnt/hq", "linux", "windows", "\\\\server\\hq"],
    ["/mnt/hq/", "linux", "windows", "\\\\server\\hq"],
    ["/mnt/h", "linux", "windows", "H:\\"],
    // unicode and spaces pass through unchanged
    ["/mnt/hq/Überprüfung/shot 010/ñandú ✊.comp", "linux", "windows", "\\\\server\\hq\\Überprüfung\\shot 010\\ñandú ✊.comp"],
    ["\\\\server\\hq\\日本語 フォルダ\\a b.comp", "windows", "macosx", "/Volumes/hq/日本語 フォルダ/a b.comp"],
    // repeated separators collapse
    ["/mnt//hq///a.comp", "linux", "windows", "\\\\server\\hq\\a.comp"],
  ] as [string, Platform, Platform, string][])("%s (%s → %s)", (path, from, to, expected) => {
    expect(mapped(mapPath(path, from, to, ROOTS))).toBe(expected);
  });

  it("reports the root used", () => {
    const result = mapPath("/mnt/hq/proj/a.comp", "linux", "windows", ROOTS);
    expect(result).toEqual({ ok: true, path: "P:\\a.comp", viaRoot: PROJ });
  });

  it("matches only at a component boundary", () => {
    const result = mapPath("/mnt/hqx/a.comp", "linux", "windows", ROOTS);
    expect(result.ok).toBe(false);
    expect(mapPath("/mnt/hq/projx/a.comp", "linux", "windows", ROOTS)).toEqual({
      ok: true,
      path: "\\\\server\\hq\\projx\\a.comp",
      viaRoot: HQ,
    });
    expect(mapPath("H:x\\a.comp", "windows", "linux", [{ windows: "H:\\x", linux: "/x" }]).ok).toBe(true);
    expect(mapPath("H:\\xy\\a.comp", "windows", "linux", [{ windows: "H:\\x", linux: "/x" }]).ok).toBe(false);
  });

  it("POSIX compares case-sensitively, Windows case-insensitively", () => {
    expect(mapPath("/MNT/hq/a.comp", "linux", "windows", ROOTS).ok).toBe(false);
    expect(mapPath("/volumes/hq/a.comp", "macosx", "linux", ROOTS).ok).toBe(false);
    expect(mapped(mapPath("\\\\Server\\Hq\\A.comp", "windows", "linux", ROOTS))).toBe("/mnt/hq/A.comp");
  });

  it("tolerates trailing separators and either slash in roots", () => {
    const roots: SharedRoot[] = [{ linux: "/mnt/hq///", windows: "//server/hq/" }];
    expect(mapped(mapPath("/mnt/hq/a/b.exr", "linux", "windows", roots))).toBe("\\\\server\\hq\\a\\b.exr");
    expect(mapped(mapPath("\\\\server\\hq\\a\\b.exr", "windows", "linux", roots))).toBe("/mnt/hq/a/b.exr");
    expect(mapped(mapPath("H:\\a.exr", "windows", "linux", [{ windows: "H:", linux: "/h/" }]))).toBe("/h/a.exr");
    expect(mapped(mapPath("/h/a.exr", "linux", "windows", [{ windows: "H:", linux: "/h/" }]))).toBe("H:\\a.exr");
  });

  it("accepts Win32 namespace prefixes", () => {
    expect(mapped(mapPath("\\\\?\\H:\\a.exr", "windows", "linux", ROOTS))).toBe("/mnt/h/a.exr");
    expect(mapped(mapPath("\\\\?\\UNC\\server\\hq\\a.exr", "windows", "linux", ROOTS))).toBe("/mnt/hq/a.exr");
  });

  it("a POSIX root of / holds every absolute path", () => {
    expect(mapped(mapPath("/any/where.comp", "linux", "windows", [{ linux: "/", windows: "Z:\\" }]))).toBe("Z:\\any\\where.comp");
  });

  it("prefers the longest root that has a path for the target OS", () => {
    // PROJ_NO_WIN is longer but has no windows path, so HQ maps it
    const projNoWin: SharedRoot = { linux: "/mnt/hq/proj", macosx: "/Volumes/proj" };
    expect(mapPath("/mnt/hq/proj/a.comp", "linux", "windows", [HQ, projNoWin])).toEqual({
      ok: true,
      path: "\\\\server\\hq\\proj\\a.comp",
      viaRoot: HQ,
    });
    expect(mapped(mapPath("/mnt/hq/proj/a.comp", "linux", "macosx", [HQ, projNoWin]))).toBe("/Volumes/proj/a.comp");
  });

  it("keeps . and .. components as written", () => {
    expect(mapped(mapPath("/mnt/hq/a/../b/./c.png", "linux", "windows", ROOTS))).toBe("\\\\server\\hq\\a\\..\\b\\.\\c.png");
  });
});

describe("mapPath: same OS and failures", () => {
  it("from === to returns the path verbatim, with or without a root", () => {
    expect(mapPath("/home/me/a.comp", "linux", "linux", ROOTS)).toEqual({ ok: true, path: "/home/me/a.comp" });
    expect(mapPath("h:/x//y.png", "windows", "windows", ROOTS)).toEqual({ ok: true, path: "h:/x//y.png", viaRoot: DRIVE });
    expect(mapPath("relative/a.png", "macosx", "macosx", [])).toEqual({ ok: true, path: "relative/a.png" });
  });

  it("no root: the error names the path and the target OS; the hint says how to add one", () => {
    const result = mapPath("/home/me/proj/a.comp", "linux", "windows", ROOTS);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBe('"/home/me/proj/a.comp" is not under any shared root that has a Windows path.');
    expect(result.hint).toContain('"/home/me/proj"');
    expect(result.hint).toMatch(/Add a shared root/);
  });

  it("a matching root without the target OS: the error names that root", () => {
    const result = mapPath("/srv/local/a.comp", "linux", "windows", ROOTS);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain('"/srv/local/a.comp" is under the shared root "/srv/local"');
    expect(result.error).toContain("which has no Windows path");
    expect(result.hint).toContain('Add the Windows path of "/srv/local"');
    // The other fix names the check boxes as the dialog shows them.
    expect(result.hint).toContain("or untick Windows in Client OSes.");
  });

  it("relative paths and an empty path do not map across OSes", () => {
    expect(mapPath("shots/a.comp", "linux", "windows", ROOTS).ok).toBe(false);
    expect(mapPath("a.comp", "windows", "linux", ROOTS).ok).toBe(false);
    const empty = mapPath("", "linux", "windows", ROOTS);
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(empty.error).toMatch(/empty/);
  });

  it("ignores relative or empty roots", () => {
    expect(mapPath("/mnt/hq/a", "linux", "windows", [{ linux: "mnt/hq", windows: "H:\\" }]).ok).toBe(false);
    expect(mapPath("/mnt/hq/a", "linux", "windows", [{ linux: "", windows: "H:\\" }]).ok).toBe(false);
    expect(mapPath("/mnt/hq/a", "linux", "windows", [{ linux: "/mnt/hq", windows: "" }]).ok).toBe(false);
  });
});

describe("isAbsolutePath", () => {
  it.each([
    ["/a/b", "linux", true],
    ["/", "macosx", true],
    ["a/b", "linux", false],
    ["", "linux", false],
    ["C:\\a", "linux", false],
    ["C:\\a", "windows", true],
    ["c:/a", "windows", true],
    ["C:\\", "windows", true],
    ["C:", "windows", false],
    ["C:a", "windows", false],
    ["\\a", "windows", false],
    ["a\\b", "windows", false],
    ["\\\\server\\share", "windows", true],
    ["\\\\server\\share\\x", "windows", true],
    ["//server/share/x", "windows", true],
    ["\\\\server", "windows", false],
    ["\\\\?\\C:\\x", "windows", true],
    ["Comp:/a.png", "windows", false],
    ["Comp:/a.png", "linux", false],
  ] as [string, Platform, boolean][])("%s on %s → %s", (path, platform, expected) => {
    expect(isAbsolutePath(path, platform)).toBe(expected);
  });
});

describe("dirnameOf / joinPath", () => {
  it.each([
    ["/mnt/hq/a.comp", "linux", "/mnt/hq"],
    ["/a.comp", "linux", "/"],
    ["a.comp", "macosx", "."],
    ["C:\\proj\\a.comp", "windows", "C:\\proj"],
    ["C:\\a.comp", "windows", "C:\\"],
    ["C:/proj/a.comp", "windows", "C:/proj"],
    ["\\\\server\\share\\a.comp", "windows", "\\\\server\\share\\"],
    ["\\\\server\\share\\x\\a.comp", "windows", "\\\\server\\share\\x"],
  ] as [string, Platform, string][])("dirnameOf(%s, %s) → %s", (path, platform, expected) => {
    expect(dirnameOf(path, platform)).toBe(expected);
  });

  it.each([
    ["linux", "/mnt/hq", "a.png", "/mnt/hq/a.png"],
    ["linux", "/mnt/hq/", "/a.png", "/mnt/hq/a.png"],
    ["linux", "/", "a.png", "/a.png"],
    ["linux", "/mnt", "x\\y.png", "/mnt/x\\y.png"],
    ["windows", "C:\\proj", "Render/x.jpg", "C:\\proj\\Render\\x.jpg"],
    ["windows", "C:\\", "\\x.jpg", "C:\\x.jpg"],
    ["windows", "\\\\server\\share\\", "/x.jpg", "\\\\server\\share\\x.jpg"],
    ["windows", "C:/proj", "x.jpg", "C:/proj\\x.jpg"],
    ["macosx", "/Volumes/hq", "", "/Volumes/hq"],
    ["macosx", "", "a.png", "a.png"],
    ["linux", "/mnt", "../up/a.png", "/mnt/../up/a.png"],
  ] as [Platform, string, string, string][])("joinPath(%s, %s, %s) → %s", (platform, dir, name, expected) => {
    expect(joinPath(platform, dir, name)).toBe(expected);
  });
});
