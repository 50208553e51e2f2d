/**
 * The dialog's routing of pre-flight findings (src-lua/dialog/check-routing.ts) and its client-OS proposal
 * (src-lua/dialog/os-proposal.ts), compiled by TypeScriptToLua and run under real LuaJIT as in the comp script.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transpileLuaModule } from "../support/lua-module";

let work = "";

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "hq-routing-"));
  transpileLuaModule("src-lua/dialog/check-routing.ts", path.join(work, "lua"), ".");
  transpileLuaModule("src-lua/dialog/os-proposal.ts", path.join(work, "lua"), ".");
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs Lua with the modules on the path; the script prints its result with `out(...)` (tab-separated lines). */
function lua(body: string): string[] {
  const script = `
    package.path = ${JSON.stringify(path.join(work, "lua") + "/?.lua")} .. ";" .. package.path
    local routing = require("src-lua.dialog.check-routing")
    local proposal = require("src-lua.dialog.os-proposal")
    local function out(...) io.write(table.concat({...}, "\\t"), "\\n") end
    ${body}
  `;
  const run = spawnSync("luajit", ["-e", script], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout.split("\n").filter((l) => l !== "");
}

const FOLDER = "Saver Out: its folder /mnt/x does not exist on this computer.";

describe("check routing (LuaJIT)", () => {
  it("sends each check to the label of its field, most serious first, and every sentence once", () => {
    const lines = lua(`
      local folder = { code = "output_folder_missing", level = "warning", field = "comp.savers", tool = "Out", path = "/mnt/x", message = ${JSON.stringify(FOLDER)} }
      local checks = {
        { code = "clients_not_ready", level = "warning", field = "farm.assign.names", message = "Group GPU: every client is disabled." },
        { code = "loader_missing", level = "warning", field = "comp.loaders", tool = "Plate", message = "Loader Plate: its file /p.exr does not exist on this computer." },
        { code = "farm_oses", level = "note", field = "farm.platforms", message = "The farm's 2 client(s) run Linux (2)." },
        { code = "clients_not_checked", level = "note", field = "farm.assign", message = "Not checked." },
        { code = "local_path", level = "warning", field = "farm.sharedRoots", message = "Roots warning." },
        folder,
      }
      local plan = {
        warnings = { "Group GPU: every client is disabled.", "Loader Plate: its file /p.exr does not exist on this computer.", "Roots warning.", ${JSON.stringify(FOLDER)}, "Saver Movie writes a movie." },
        notes = { "The farm's 2 client(s) run Linux (2).", "Not checked.", "Submit creates the job folder." },
        checks = checks,
      }
      local r = routing.routeChecks({ blockers = { "This comp has no Saver." }, checks = { folder } }, plan, { "farm_oses" }, "Client OSes set.")
      for _, id in ipairs(routing.CHECK_LABELS) do
        for _, line in ipairs(r.lines[id]) do out(id, line) end
        out(id, "blocking", tostring(r.blocking[id]))
      end
    `);
    expect(lines).toEqual([
      "AssignStatus\tWarning: Group GPU: every client is disabled.",
      "AssignStatus\tNote: Not checked.",
      "AssignStatus\tblocking\tfalse",
      "RootsStatus\tClient OSes set.",
      "RootsStatus\tWarning: Roots warning.",
      "RootsStatus\tblocking\tfalse",
      "Checks\tCannot submit: This comp has no Saver.",
      `Checks\tWarning: ${FOLDER}`,
      "Checks\tWarning: Loader Plate: its file /p.exr does not exist on this computer.",
      "Checks\tWarning: Saver Movie writes a movie.",
      "Checks\tNote: Submit creates the job folder.",
      "Checks\tblocking\ttrue",
    ]);
  });

  it("a refusal blocks its label; no findings leave only the dialog's own", () => {
    const lines = lua(`
      local r = routing.routeChecks({ blockers = {}, checks = {} }, { checks = { { code = "no_client", level = "refusal", field = "farm.platforms", message = "No client." } } })
      out(r.lines.RootsStatus[1], tostring(r.blocking.RootsStatus), tostring(r.blocking.Checks))
      local empty = routing.routeChecks({ blockers = {}, checks = {} }, nil)
      out(#empty.lines.Checks, #empty.lines.AssignStatus, #empty.lines.RootsStatus)
      out(routing.labelFor({ field = "farm.assignment" }), routing.labelFor({}), routing.labelFor({ field = "farm.sameOsOnly" }))
    `);
    expect(lines).toEqual(["Cannot submit: No client.\ttrue\tfalse", "0\t0\t0", "Checks\tChecks\tRootsStatus"]);
  });
});

describe("client OS proposal (LuaJIT)", () => {
  const farm = `{ clients = 3, byOs = { linux = 2, windows = 1 }, unknown = 0, platforms = { "windows", "linux" }, sharedRootsNeeded = true }`;
  const run = (args: string): string[] =>
    lua(`
      local p = proposal.proposeOses(${args})
      out(p.platforms and table.concat(p.platforms, ",") or "-", p.note)
    `);

  it("a fresh dialog takes the farm's OSes and says shared roots are needed for the other OS", () => {
    expect(run(`{ farm = ${farm}, here = "linux", ticked = { "linux" }, initial = { "linux" }, mayPropose = true, sharedRoots = 0 }`)).toEqual([
      "linux,windows\tThe farm's clients run Linux and Windows. Client OSes set to match (no settings were stored for this comp or computer). " +
        "This computer runs Linux: for Windows clients to find the comp, fill in a shared root under Per-OS paths (the same folder as each OS mounts it).",
    ]);
  });

  it("never over the artist's ticks: a tick that differs, or a dialog with stored settings, only gets the sentence", () => {
    expect(run(`{ farm = ${farm}, here = "linux", ticked = { "macosx" }, initial = { "linux" }, mayPropose = true, sharedRoots = 1 }`)).toEqual([
      "-\tThe farm's clients run Linux and Windows. Linux and Windows are not ticked: those clients will not take this job.",
    ]);
    expect(run(`{ farm = ${farm}, here = "windows", ticked = { "windows" }, initial = { "windows" }, mayPropose = false, sharedRoots = 0 }`)).toEqual([
      "-\tThe farm's clients run Linux and Windows. Linux is not ticked: those clients will not take this job.",
    ]);
  });

  it("after the proposal, while the ticks are still the proposed ones, it still says they were set to match", () => {
    expect(run(`{ farm = ${farm}, here = "linux", ticked = { "windows", "linux" }, initial = { "linux" }, mayPropose = false, sharedRoots = 1, proposed = { "linux", "windows" } }`)).toEqual([
      "-\tThe farm's clients run Linux and Windows. Client OSes set to match (no settings were stored for this comp or computer).",
    ]);
  });

  it("roots the helper took from the server (it says none are needed): no call to fill one in", () => {
    const served = farm.replace("sharedRootsNeeded = true", "sharedRootsNeeded = false");
    expect(run(`{ farm = ${served}, here = "linux", ticked = { "linux" }, initial = { "linux" }, mayPropose = true, sharedRoots = 0 }`)).toEqual([
      "linux,windows\tThe farm's clients run Linux and Windows. Client OSes set to match (no settings were stored for this comp or computer).",
    ]);
  });

  it("no farm (server not answering): the submitting OS stays, nothing said", () => {
    expect(run(`{ here = "macosx", ticked = { "macosx" }, initial = { "macosx" }, mayPropose = true, sharedRoots = 0 }`)).toEqual(["-\t"]);
  });
});
