/**
 * The comp script's pure modules driven as modules under real LuaJIT (not through the dialog): store (reading comp
 * and studio data), preflight and text. Settings and build-request are in fields-lua.test.ts. The whole-dialog tests
 * (comp-script-*.test.ts) stay for behaviour.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWithBundle, transpileLuaBundle } from "../support/lua-module";

let dir = "";
let bundle = "";

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "pure-lua-"));
  bundle = transpileLuaBundle("test/lua/lua-modules-entry.ts", dir);
}, 120_000);

afterAll(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

const lua = (body: string): string[] => runWithBundle(bundle, dir, body);

describe("text", () => {
  it("trims, splits names, formats integers, joins paths and reads NAME=value lines", () => {
    expect(
      lua(`
        out("[" .. M.trimText("  a b \\t\\n") .. "]")
        out(table.concat(M.splitNames(" r01, r02;r03  r01,,"), "|"))
        out(M.formatInt(1000000), M.formatInt(-7), M.formatInt(1e15))
        out(M.compBaseName("/x/Shot.COMP"), M.compBaseName("C:\\\\y\\\\a.comp"), "[" .. M.compBaseName(".comp") .. "]")
        out(M.dirnameOf("/a/b.exr"), M.dirnameOf("C:\\\\f.exr"), "[" .. M.dirnameOf("f.exr") .. "]")
        out(M.joinPath("windows", "C:\\\\a", "b/c.log"), M.joinPath("linux", "/a/", "b.log"))
        local ok = M.parseEnvironment("# comment\\nOCIO=/mnt/ocio.cfg\\n\\n A_1 = x=y ")
        out(tostring(ok.ok), ok.environment.OCIO, "[" .. ok.environment.A_1 .. "]")
        local bad = M.parseEnvironment("GOOD=1\\n1BAD=2")
        out(tostring(bad.ok), bad.error)
        out((M.formatEnvironment({ B = "2", A = "1" }):gsub("\\n", "|")))
      `),
    ).toEqual([
      "[a b]",
      "r01|r02|r03",
      "1000000 -7 1000000000000000",
      "Shot a [.comp]",
      "/a C:\\ []",
      "C:\\a\\b\\c.log /a/b.log",
      "true /mnt/ocio.cfg [ x=y]",
      "false line 2: write NAME=value (a name of letters, digits and _)",
      "A=1|B=2",
    ]);
  });
});

describe("preflight", () => {
  const comp = (savers: string) =>
    `{ fileName = "/mnt/hq/sh010.comp", name = "sh010.comp", modified = false, renderStart = 1, renderEnd = 10, globalStart = 1, globalEnd = 10, step = 1, savers = ${savers} }`;

  it("blocks what cannot render and warns about missing output folders, once per folder", () => {
    const lines = lua(`
      local exists = function(p) return p == "/mnt/out" end
      local function show(r) out(#r.blockers, #r.warnings, table.concat(r.missingFolders, "|"), r.blockers[1] or "-", r.warnings[1] or "-") end
      show(M.preflight(${comp(`{ { name = "S1", enabled = true, path = "/mnt/out/a.exr", rawPath = "/mnt/out/a.exr" } }`)}, "linux", exists))
      show(M.preflight(${comp(`{ { name = "S1", enabled = true, path = "/mnt/gone/a.exr", rawPath = "" }, { name = "S2", enabled = true, path = "/mnt/gone/b.exr", rawPath = "" } }`)}, "linux", exists))
      show(M.preflight(${comp(`{}`)}, "linux", exists))
      show(M.preflight(${comp(`{ { name = "S1", enabled = false, path = "/mnt/out/a.exr", rawPath = "" } }`)}, "linux", exists))
      local unsaved = ${comp(`{ { name = "S1", enabled = true, path = "/mnt/out/a.exr", rawPath = "" } }`)}
      unsaved.fileName = ""
      show(M.preflight(unsaved, "linux", exists))
    `);
    expect(lines[0]).toBe("0 0  - -");
    expect(lines[1]).toBe("0 2 /mnt/gone - Saver S1: its folder /mnt/gone does not exist on this computer.");
    expect(lines[2]).toMatch(/^1 0  This comp has no Saver/);
    expect(lines[3]).toMatch(/^1 0  Every Saver in this comp is disabled/);
    expect(lines[4]).toMatch(/^1 0  This comp has never been saved/);
  });
});

describe("store", () => {
  it("reads comp data: last settings over the base, presets in order, unreadable ones kept, bad fields named by label", () => {
    const lines = lua(`
      local base = M.defaultSettings("linux")
      local s = M.parseCompData({ schema = 1, last = { priority = 8, cpus = 9999, framesPerTask = 3 },
        presets = { { name = "Fast", settings = { framesPerTask = 1 } }, 12, { name = "Slow", settings = { tries = 5 } } } }, base)
      out(s.state.kind, s.lastKind, s.last.priority, s.last.framesPerTask, s.last.cpus)
      local names = {}
      for _, p in ipairs(M.readablePresets(s.entries)) do names[#names + 1] = p.name .. "=" .. p.settings.framesPerTask .. "/" .. p.settings.tries end
      out(#s.entries, table.concat(names, ","))
      for _, n in ipairs(s.notices) do out(n) end
    `);
    expect(lines[0]).toBe("current table 8 3 0");
    expect(lines[1]).toBe("3 Fast=1/0,Slow=10/5");
    expect(lines.slice(2).join("\n")).toContain("could not be read (CPUs per task)");
    expect(lines.slice(2).join("\n")).toContain("1 stored preset(s) could not be read");
    expect(lines.join("\n")).not.toContain("cpus");
  });

  it("classifies stored data: absent, current, newer schema, not a table", () => {
    const lines = lua(`
      for _, raw in ipairs({ "absent", { schema = 1 }, { schema = 7 }, "text" }) do
        local state = M.classifyStored(raw ~= "absent" and raw or nil, "studio defaults")
        out(state.kind, state.reason or "-")
      end
    `);
    expect(lines[0]).toBe("absent -");
    expect(lines[1]).toBe("current -");
    expect(lines[2]).toMatch(/^unreadable The studio defaults have schema 7, written by a newer version/);
    expect(lines[3]).toMatch(/^unreadable The studio defaults are not in a form this version understands \(a string/);
  });

  it("reads studio data: defaults without the comp's own fields, the machine's node path, the $HQUEUE_SERVER default", () => {
    const lines = lua(`
      local st = M.parseStudioData({ schema = 1, nodePath = "/usr/bin/node", defaults = { jobName = "X", priority = 2, server = "farm:1" } }, "linux", "env:5000")
      out(st.nodePath, st.defaults.priority, st.defaults.server, "[" .. st.defaults.jobName .. "]", #st.notices)
      local fresh = M.parseStudioData(nil, "linux", "env:5000")
      out(fresh.defaults.server, fresh.defaults.priority, fresh.defaultsKind)
    `);
    expect(lines).toEqual(["/usr/bin/node 2 farm:1 [] 0", "env:5000 5 absent"]);
  });
});

describe("dialog checks as the dialog bundles them (src-lua/dialog/check-routing.ts) and per-OS rows (field-binding.ts)", () => {
  it("writes the checks: blockers first, each finding once (a plan warning repeating a pre-flight one), plan lines only with a plan", () => {
    const lines = lua(`
      local function show(r)
        out((table.concat(r.lines.Checks, "|")), tostring(r.blocking.Checks), (table.concat(r.lines.RootsStatus, "|")), #r.lines.AssignStatus)
      end
      local w1 = { code = "output_folder_missing", level = "warning", message = "W1" }
      show(M.routeChecks({ blockers = {}, checks = {} }, nil, {}))
      show(M.routeChecks({ blockers = { "No Saver." }, checks = { w1 } }, { warnings = { "W1", "W2" }, notes = { "N1" } }, {}))
      show(M.routeChecks({ blockers = {}, checks = { w1 } }, nil, {}))
      show(M.routeChecks({ blockers = {}, checks = {} }, { checks = { { code = "x", level = "warning", field = "farm.sharedRoots", message = "R1" } }, warnings = { "R1" } }, {}))
    `);
    expect(lines).toEqual([
      " false  0",
      "Cannot submit: No Saver.|Warning: W1|Warning: W2|Note: N1 true  0",
      "Warning: W1 false  0",
      " false Warning: R1 0",
    ]);
  });

  it("shows the per-OS rows for more than one client OS or stored per-OS paths, not for one OS", () => {
    const lines = lua(`
      local function s(over) local d = M.defaultSettings("linux"); for k, v in pairs(over) do d[k] = v end; return d end
      out(tostring(M.perOsRowsWanted(s({}))))
      out(tostring(M.perOsRowsWanted(s({ platforms = { "linux", "windows" } }))))
      out(tostring(M.perOsRowsWanted(s({ platforms = { "linux", "windows" }, sameOsOnly = true }))))
      out(tostring(M.perOsRowsWanted(s({ sharedRoots = { { linux = "/mnt/p" } } }))))
      out(tostring(M.perOsRowsWanted(s({ renderNodePaths = { windows = "D:\\\\F.exe" } }))))
    `);
    expect(lines).toEqual(["false", "true", "false", "true", "true"]);
  });
});
