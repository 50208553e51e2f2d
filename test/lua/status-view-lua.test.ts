/**
 * The submit dialog's status area (src-lua/dialog/status-view.ts): one state, one function deciding every label.
 * Compiled by TypeScriptToLua and run under real LuaJIT as a module, as in the comp script.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIELDS } from "../../src-node/portable/fields";
import { transpileLuaModule } from "../support/lua-module";

let work = "";

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "hq-status-"));
  transpileLuaModule("src-lua/dialog/status-view.ts", path.join(work, "lua"), ".");
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const RANGES = "Render range 1-10, global range 1-20";

/**
 * Runs Lua with `sv` (the module), `m` (a StatusModel with no notices) and `show()` printing every non-empty label
 * as "Label<TAB>text (newlines as |)<TAB>style", in STATUS_LABELS order; an empty label that is not plain prints
 * "<Label> empty but <style>". `show()` calls are separated by a "--" line.
 */
function lua(body: string, notices: string[] = []): string[] {
  const script = `
    package.path = ${JSON.stringify(path.join(work, "lua") + "/?.lua")} .. ";" .. package.path
    local sv = require("src-lua.dialog.status-view")
    local function out(...) io.write(table.concat({...}, "\\t"), "\\n") end
    -- What TypeScriptToLua's \`new StatusModel(...)\` compiles to (its lualib is inlined in the module, not exported).
    local m = setmetatable({}, sv.StatusModel.prototype)
    m:____constructor({ ${notices.map((n) => JSON.stringify(n)).join(", ")} }, ${JSON.stringify(RANGES)})
    local function show()
      local r = sv.renderStatus(m.state)
      for _, id in ipairs(sv.STATUS_LABELS) do
        local label = r[id]
        if label.text ~= "" then out(id, (label.text:gsub("\\n", "|")), label.style)
        elseif label.style ~= "plain" then out(id .. " empty but " .. label.style) end
      end
      out("--")
    end
    local function msg(text, style) return { text = text, style = style } end
    ${body}
  `;
  const run = spawnSync("luajit", ["-e", script], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout.split("\n").filter((l) => l !== "");
}

/** The lines of each show(), as arrays. */
function shows(lines: string[]): string[][] {
  const groups: string[][] = [[]];
  for (const line of lines) {
    if (line === "--") groups.push([]);
    else groups[groups.length - 1].push(line);
  }
  groups.pop();
  return groups;
}

const SERVER_EMPTY = "Enter the HQueue server, e.g. hq-server:5000.";
const UNREACHABLE = "Cannot reach the HQueue server at http://hq:5000/RPC2.\nCheck that it runs.";

describe("status view (LuaJIT)", () => {
  it("a fresh dialog: the frame ranges, and the stored-data notices in note style", () => {
    expect(shows(lua(`show()`, ["Stored settings damaged.", "2 presets could not be read."]))).toEqual([
      ["Notice\tStored settings damaged.|2 presets could not be read.\tnote", `FrameRanges\t${RANGES}\tplain`],
    ]);
    expect(shows(lua(`show()`))).toEqual([[`FrameRanges\t${RANGES}\tplain`]]);
  });

  it("ServerStatus: field error over plan failure over the Test answer, which shows only for its server", () => {
    const out = shows(
      lua(`
        m:testAnswered("hq:5000", msg("Connected: hq:5000 answered in 3 ms.", "ok")); show()
        m:planStarted("hq:5000", {}, "R", nil); m:planFailed("ServerStatus", ${JSON.stringify(UNREACHABLE)}); show()
        -- A newer Test answer about the server replaces the plan's older word about it.
        m:testAnswered("hq:5000", msg("Connected again.", "ok")); show()
        m:planStarted("", { Server = ${JSON.stringify(SERVER_EMPTY)} }, "R", nil); show()
        -- Back to the tested server: its old answer does not come back (the server changed in between).
        m:planStarted("hq:5000", {}, "R", nil); show()
      `),
    );
    expect(out.map((lines) => lines.filter((l) => l.startsWith("ServerStatus")))).toEqual([
      ["ServerStatus\tConnected: hq:5000 answered in 3 ms.\tok"],
      ["ServerStatus\tCannot reach the HQueue server at http://hq:5000/RPC2.|Check that it runs.\terror"],
      ["ServerStatus\tConnected again.\tok"],
      [`ServerStatus\t${SERVER_EMPTY}\terror`],
      [],
    ]);
  });

  it("a Test answer stays across plans while its server is in the field; a plan failure about it wins until the next plan", () => {
    const out = shows(
      lua(`
        m:testAnswered("hq:5000", msg("Connected.", "ok"))
        m:planStarted("hq:5000", {}, "R", nil); show()
        m:planFailed("ServerStatus", "Timed out."); show()
        m:planStarted("hq:5000", {}, "R", nil); show()
        m:planStarted("other:5000", {}, "R", nil); show()
      `),
    );
    expect(out.map((lines) => lines.filter((l) => l.startsWith("ServerStatus")))).toEqual([
      ["ServerStatus\tConnected.\tok"],
      ["ServerStatus\tTimed out.\terror"],
      ["ServerStatus\tConnected.\tok"],
      [],
    ]);
  });

  it("FramesSummary: frames field error over plan failure over the summary; a new estimate replaces both", () => {
    const out = shows(
      lua(`
        m:planStarted("hq", {}, "R", msg("10 frames in 2 tasks", "ok")); show()
        m:planCounted(msg("10 frames in 1 task", "ok")); show()
        m:planStarted("hq", {}, "R", msg("10 frames in 2 tasks", "ok")); m:planFailed("FramesSummary", "Frame 11 is outside the comp."); show()
        m:framesEstimated(msg("5 frames in 1 task", "ok")); show()
        m:planStarted("hq", { CustomFrames = "Type the frames to render." }, "R", nil); show()
        m:framesEstimated(msg("The frame set is empty: there is nothing to render.", "error")); show()
      `),
    );
    expect(out.map((lines) => lines.filter((l) => l.startsWith("FramesSummary")))).toEqual([
      ["FramesSummary\t10 frames in 2 tasks\tok"],
      ["FramesSummary\t10 frames in 1 task\tok"],
      ["FramesSummary\tFrame 11 is outside the comp.\terror"],
      ["FramesSummary\t5 frames in 1 task\tok"],
      ["FramesSummary\tType the frames to render.\terror"],
      ["FramesSummary\tThe frame set is empty: there is nothing to render.\terror"],
    ]);
  });

  it("a field error wins over a finding on the same label; the finding comes back once the field is fixed", () => {
    const out = shows(
      lua(`
        local helper = { checks = {
          { code = "clients_not_ready", level = "warning", field = "farm.assign.names", message = "Group GPU: every client is disabled." },
          { code = "local_path", level = "warning", field = "farm.sharedRoots", message = "Roots warning." },
        } }
        m:setFindings({ blockers = {}, checks = {} }, helper, nil)
        m:planStarted("hq", { AssignNames = "List at least one client group.", Platforms = "Tick at least one client OS." }, "R", nil); show()
        m:planStarted("hq", {}, "R", nil); show()
      `),
    );
    expect(out[0].filter((l) => /^(Assign|Roots)Status/.test(l))).toEqual([
      "AssignStatus\tList at least one client group.\terror",
      "RootsStatus\tTick at least one client OS.\terror",
    ]);
    expect(out[1].filter((l) => /^(Assign|Roots)Status/.test(l))).toEqual([
      "AssignStatus\tWarning: Group GPU: every client is disabled.\tnote",
      "RootsStatus\tWarning: Roots warning.\tnote",
    ]);
  });

  it("a plan's refusal and the warnings routed to the same label both show, refusal first; each sentence once", () => {
    const lines = lua(`
      m:planStarted("hq", {}, "R", nil)
      m:planFailed("RootsStatus", "Saver Beauty writes outside every shared root.\\nAdd a shared root.")
      -- The helper's refusal also lists the same sentence as a warning, and copies its warnings into the plain list.
      m:setFindings({ blockers = { "This comp has no Saver." }, checks = {} }, {
        warnings = { "Roots warning.", "Saver Beauty writes outside every shared root.", "This comp has no Saver." },
        checks = {
          { code = "local_path", level = "warning", field = "farm.sharedRoots", message = "Roots warning." },
          { code = "x", level = "warning", field = "farm.sharedRoots", message = "Saver Beauty writes outside every shared root." },
        },
      }, nil)
      show()
    `);
    expect(shows(lines)).toEqual([
      [
        `FrameRanges\tR\tplain`,
        "RootsStatus\tSaver Beauty writes outside every shared root.|Add a shared root.|Warning: Roots warning.\terror",
        "Checks\tCannot submit: This comp has no Saver.\terror",
      ],
    ]);
  });

  it("the Fetch answer shows with the names field's error and the findings; a new plan or an added name clears it", () => {
    const out = shows(
      lua(`
        m:setFindings({ blockers = {}, checks = {} }, { checks = { { code = "c", level = "note", field = "farm.assign", message = "Not checked." } } }, nil)
        m:planStarted("hq", { AssignNames = "List at least one client group." }, "R", nil)
        m:fetchAnswered(msg("The server has 3 client groups: click a name to add it.", "ok")); show()
        m:assignEdited(); show()
        m:fetchAnswered(msg("The server has no clients yet.", "note")); show()
        m:planStarted("hq", {}, "R", nil); show()
      `),
    );
    expect(out.map((lines) => lines.filter((l) => l.startsWith("AssignStatus")))).toEqual([
      ["AssignStatus\tList at least one client group.|The server has 3 client groups: click a name to add it.\terror"],
      ["AssignStatus\tNote: Not checked.\tnote"],
      ["AssignStatus\tThe server has no clients yet.|Note: Not checked.\tnote"],
      ["AssignStatus\tNote: Not checked.\tnote"],
    ]);
  });

  it("Status: the running command's line hides the rest until it ends; a plan failure then shows again", () => {
    const out = shows(
      lua(`
        m:planStarted("hq", {}, "R", nil)
        m:planFailed("Status", "Cannot start the helper: node.exe contains !.")
        m:setOutcome(msg("Fix the problems shown above, then submit again.", "error")); show()
        m:setActivity(msg("Checking the request…", "plain")); show()
        m:setActivity(msg("Stopping the helper…", "note")); show()
        m:activityEnded(); show()
        m:setOutcome(msg("Not submitted.", "plain")); show()
      `),
    );
    expect(out.map((lines) => lines.filter((l) => l.startsWith("Status")))).toEqual([
      ["Status\tCannot start the helper: node.exe contains !.|Fix the problems shown above, then submit again.\terror"],
      ["Status\tChecking the request…\tplain"],
      ["Status\tStopping the helper…\tnote"],
      // The activity ended the previous outcome: only the plan failure is left.
      ["Status\tCannot start the helper: node.exe contains !.\terror"],
      ["Status\tCannot start the helper: node.exe contains !.|Not submitted.\terror"],
    ]);
  });

  it("one sentence once across labels: a tools problem the Test answer already shows is not repeated on Status", () => {
    const tools = "Node.js was not found on this computer.\nInstall Node.js 18 or newer.";
    const lines = lua(`
      m:showToolsProblem(${JSON.stringify(tools)})
      m:testAnswered("hq", msg(${JSON.stringify(tools)}, "error")); show()
      m:testAnswered("hq", msg("Connected.", "ok")); show()
    `);
    expect(shows(lines).map((l) => l.filter((line) => /^(ServerStatus|Status)\t/.test(line)))).toEqual([
      ["ServerStatus\tNode.js was not found on this computer.|Install Node.js 18 or newer.\terror"],
      ["ServerStatus\tConnected.\tok", "Status\tNode.js was not found on this computer.|Install Node.js 18 or newer.\terror"],
    ]);
  });

  it("clearing: a fixed field error, a new plan's findings and the tools problem disappear; nothing stale stays", () => {
    const out = shows(
      lua(`
        m:planStarted("hq", { Environment = "Environment line 2: write NAME=value.", Server = "x" }, "R", nil)
        m:showToolsProblem("The helper was not found.")
        m:setFindings({ blockers = {}, checks = {} }, { warnings = { "Old warning." } }, nil); show()
        m:planStarted("hq", {}, "R2", msg("1 frame in 1 task", "ok"))
        m:setFindings({ blockers = {}, checks = {} }, nil, nil); show()
      `),
    );
    expect(out).toEqual([
      [
        "ServerStatus\tx\terror",
        "FrameRanges\tR\tplain",
        "EnvironmentStatus\tEnvironment line 2: write NAME=value.\terror",
        "Checks\tWarning: Old warning.\tnote",
        "Status\tThe helper was not found.\terror",
      ],
      ["FramesSummary\t1 frame in 1 task\tok", "FrameRanges\tR2\tplain"],
    ]);
  });

  it("Notice: the presets panel's answer replaces the notices until they are shown again", () => {
    const out = shows(
      lua(
        `
        m:setPresetMessage(msg('Preset "A" applied.', "ok")); show()
        table.insert(m.state.notices, "The settings hold 9 shared roots.")
        m:showNotices(); show()
        m:setPresetMessage(msg("Type a name for the preset first.", "error")); show()
      `,
        ["Stored settings damaged."],
      ),
    );
    expect(out.map((lines) => lines.filter((l) => l.startsWith("Notice")))).toEqual([
      ['Notice\tPreset "A" applied.\tok'],
      ["Notice\tStored settings damaged.|The settings hold 9 shared roots.\tnote"],
      ["Notice\tType a name for the preset first.\terror"],
    ]);
  });

  it("the OS proposal's note leads RootsStatus; farm_oses checks are the dialog's to word; blocking findings are errors", () => {
    const lines = lua(`
      m:setFindings({ blockers = {}, checks = {} }, {
        notes = { "The farm's 2 client(s) run Linux (2)." },
        checks = {
          { code = "farm_oses", level = "note", field = "farm.platforms", message = "The farm's 2 client(s) run Linux (2)." },
          { code = "no_client", level = "refusal", field = "farm.assign", message = "No client can run it." },
        },
      }, "The farm's clients run Linux.")
      show()
    `);
    expect(shows(lines)).toEqual([
      [`FrameRanges\t${RANGES}\tplain`, "AssignStatus\tCannot submit: No client can run it.\terror", "RootsStatus\tThe farm's clients run Linux.\tnote"],
    ]);
  });

  it("field errors of widgets it does not know go to Status, in a fixed order after the known ones", () => {
    const lines = lua(`
      m:planStarted("hq", { Zeta = "Zeta is wrong.", Alpha = "Alpha is wrong.", Server = "Server is wrong." }, "", nil)
      show()
    `);
    expect(shows(lines)).toEqual([["ServerStatus\tServer is wrong.\terror", "Status\tAlpha is wrong.|Zeta is wrong.\terror"]]);
  });

  it("routes a plan failure to the label of the field it names or its code", () => {
    const cases: [string, string, string][] = [
      ["job.frames.set", "invalid_request", "FramesSummary"],
      ["", "bad_frames", "FramesSummary"],
      ["server", "invalid_request", "ServerStatus"],
      ["", "unreachable", "ServerStatus"],
      ["", "timeout", "ServerStatus"],
      ["farm.sharedRoots.0", "invalid_request", "RootsStatus"],
      ["job.logDir", "invalid_request", "RootsStatus"],
      ["", "path_unmapped", "RootsStatus"],
      ["", "unsafe_path", "RootsStatus"],
      ["farm.assign.names", "invalid_request", "AssignStatus"],
      ["job.environment.FOO", "invalid_request", "EnvironmentStatus"],
      ["job.priority", "invalid_request", "Status"],
      ["", "internal", "Status"],
      ["farm.sharedRoots[1].windows", "bad_request", "RootsStatus"],
      ["farm.platforms[0]", "bad_request", "RootsStatus"],
      ["job.frames", "bad_request", "FramesSummary"],
      ["farm.assignment", "bad_request", "Status"],
      ["farm.renderNode.paths.linux", "bad_request", "Status"],
    ];
    const body = cases.map(([field, code]) => `out(sv.failureLabel({ field = ${field === "" ? "nil" : JSON.stringify(field)}, code = ${JSON.stringify(code)} }))`).join("\n");
    expect(lua(body)).toEqual(cases.map((c) => c[2]));
  });

  it("every row of the field table: its refusals and its own errors show on the row's line (shownAt), else Status", () => {
    const rows = FIELDS.filter((row) => row.widget !== undefined);
    const body = rows
      .map((row) => `out(${JSON.stringify(row.key)}, sv.failureLabel({ field = ${JSON.stringify(row.request)}, code = "bad_request" }), sv.FIELD_ERROR_LABEL[${JSON.stringify(row.widget!.id)}] or "Status")`)
      .join("\n");
    const expected = rows.map((row) => [row.key, row.shownAt ?? "Status", row.shownAt ?? "Status"].join("\t"));
    expect(lua(body)).toEqual(expected);
    // The table routes somewhere other than Status (else this test could not tell a table-driven route from none).
    expect(rows.filter((row) => row.shownAt !== undefined).length).toBeGreaterThanOrEqual(5);
  });
});
