/**
 * The field table under real LuaJIT, and the comp script's pure modules that use it, driven as modules (not through
 * the dialog): settings (defaults, stored-value checks with the table's limits, labels in messages) and
 * build-request (what it sends passes the helper's validator with the same limits).
 * One tstl bundle (test/lua/lua-modules-entry.ts) holds them; small Lua scripts written here drive it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIELDS, type FieldRow, type IntRow, RENDER_NODE_VERSIONS } from "../../src-node/portable/fields";
import { ALL_PLATFORMS, PLATFORM_LABELS } from "../../src-node/portable/platforms";
import { validateRequest } from "../../src-node/request";
import { runWithBundle, transpileLuaBundle } from "../support/lua-module";
import { dumpFields } from "./fields-dump";

const STORED = FIELDS.filter((row) => row.stored !== "never");
const INT_ROWS = FIELDS.filter((row): row is IntRow => row.kind === "int");

let dir = "";
let bundle = "";

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "fields-lua-"));
  bundle = transpileLuaBundle("test/lua/lua-modules-entry.ts", dir);
}, 120_000);

afterAll(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

function lua(body: string): string[] {
  return runWithBundle(bundle, dir, body);
}

/** A JS value as a Lua literal (strings here are ASCII). */
function literal(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `{${value.map(literal).join(", ")}}`;
  throw new Error(`no literal for ${String(value)}`);
}

describe("the field table under LuaJIT", () => {
  it("has the same rows and helper results as on Node", () => {
    const node = dumpFields();
    expect(node.length).toBeGreaterThan(FIELDS.length + 20);
    expect(lua(`for _, line in ipairs(M.dumpFields()) do io.write(line, "\\n") end`)).toEqual(node);
  });
});

describe("settings (src-lua/settings.ts) as a module", () => {
  it("takes its defaults, comp-only keys and Render Node versions from the table", () => {
    const lines = lua(
      `local s = M.defaultSettings("linux")\n` +
        STORED.map((row) => `out(${literal(row.key)}, type(s.${row.key}), tostring(s.${row.key}))`).join("\n") +
        `\nout("comp-only", table.concat(M.COMP_ONLY_KEYS, ","))` +
        `\nout("versions", table.concat(M.RENDER_NODE_VERSIONS, ","))` +
        `\nout("env server", M.defaultSettings("linux", "farm:5000").server)` +
        `\nlocal stored = M.studioSettingsToStored(s); out("studio keeps", tostring(stored.jobName), tostring(stored.description), tostring(stored.priority))`,
    );
    const luaType = (v: unknown) => (typeof v === "number" ? "number" : typeof v === "boolean" ? "boolean" : "string");
    expect(lines).toEqual([
      ...STORED.map((row) => `${row.key} ${luaType(row.default)} ${String(row.default)}`),
      `comp-only ${STORED.filter((row) => row.stored === "comp").map((row) => row.key).join(",")}`,
      `versions ${RENDER_NODE_VERSIONS.join(",")}`,
      "env server farm:5000",
      "studio keeps nil nil 5",
    ]);
  });

  /** [row, stored value, accepted?, value read] for every row: limits, types, choices, migration. */
  function cases(): [FieldRow, unknown, boolean, string][] {
    const out: [FieldRow, unknown, boolean, string][] = [];
    for (const row of STORED) {
      if (row.kind === "int") {
        out.push([row, row.min, true, String(row.min)], [row, row.max, true, String(row.max)]);
        out.push([row, row.min - 1, false, ""], [row, row.max + 1, false, ""], [row, 2.5, false, ""], [row, String(row.min), false, ""]);
      } else if (row.kind === "bool") {
        out.push([row, !row.default, true, String(!row.default)], [row, "yes", false, ""]);
      } else if (row.kind === "choice") {
        for (const choice of row.choices) out.push([row, choice, true, choice]);
        out.push([row, "bogus", false, ""], [row, 1, false, ""]);
      } else if (row.format === "renderNodeVersion") {
        for (const version of RENDER_NODE_VERSIONS) out.push([row, version, true, version]);
        // An older script stored the version as a number.
        out.push([row, 18, true, "18"], [row, "abc", false, ""], [row, 123, false, ""], [row, true, false, ""]);
      } else {
        out.push([row, "some text", true, "some text"], [row, 5, false, ""], [row, ["a"], false, ""]);
      }
    }
    return out;
  }

  it("accepts a stored value exactly when the table's limits do (min and max in, one beyond out), naming bad fields by label", () => {
    const all = cases();
    const lines = lua(
      `local base = M.defaultSettings("linux")\n` +
        all
          .map(([row, value]) => `do local r = M.readSettings({ ${row.key} = ${literal(value)} }, base)\n` +
            `out(#r.badFields == 0 and "ok" or "bad", table.concat(r.badFields, ","), table.concat(r.badLabels, ","), tostring(r.settings.${row.key})) end`)
          .join("\n"),
    );
    expect(lines).toEqual(all.map(([row, , accepted, read]) => (accepted ? `ok   ${read}` : `bad ${row.key} ${row.label} ${String(row.default)}`)));
    // The int rows' limits are exactly the ones the helper's validator and command line use (test/core/fields.test.ts).
    expect(INT_ROWS.map((row) => row.key)).toEqual(["priority", "framesPerTask", "tries", "cpus"]);
  });

  it("names structured fields by label too, and ignores a stored `paused`", () => {
    const lines = lua(
      `local r = M.readSettings({ platforms = {"linux", "beos"}, sharedRoots = 7, environment = { [1] = 2 }, paused = true, priority = 11 }, M.defaultSettings("linux"))\n` +
        `out(table.concat(r.badLabels, ","))\nout(tostring(r.settings.paused))`,
    );
    expect(lines[0].split(",").sort()).toEqual(["Client OSes", "Environment", "Priority", "Shared roots"]);
    expect(lines[1]).toBe("nil");
  });

  it("advancedDiffers sees every advanced row; withoutCompOnly keeps the comp rows", () => {
    const advanced = STORED.filter((row) => row.section === "advanced");
    expect(advanced.map((row) => row.key)).toEqual(["tries", "cpus", "logDir", "jobRoot", "emailTo"]);
    const changed = (row: FieldRow) => (row.kind === "int" ? row.max : row.kind === "text" ? "x" : row.kind === "bool" ? !row.default : row.choices[1]);
    const lines = lua(
      `local b = M.defaultSettings("linux")\nout(tostring(M.advancedDiffers(b, b)))\n` +
        STORED.map((row) => `do local s = M.readSettings({ ${row.key} = ${literal(changed(row))} }, b).settings; out(${literal(row.key)}, tostring(M.advancedDiffers(s, b))) end`).join("\n") +
        `\nlocal s = M.readSettings({ jobName = "J", description = "D", priority = 9 }, b).settings\n` +
        `local w = M.withoutCompOnly(b, s); out(w.jobName, w.description, w.priority)`,
    );
    expect(lines).toEqual(["false", ...STORED.map((row) => `${row.key} ${row.section === "advanced"}`), "J D 5"]);
  });
});

describe("platform labels (src-node/portable/platforms.ts) under LuaJIT", () => {
  it("settings uses the portable table itself, with the same families and labels as on Node", () => {
    const lines = lua(
      `out(tostring(rawequal(M.PLATFORM_LABELS, M.PORTABLE_PLATFORM_LABELS)), tostring(rawequal(M.ALL_PLATFORMS, M.PORTABLE_PLATFORMS)))\n` +
        `for _, p in ipairs(M.ALL_PLATFORMS) do out(p, M.PLATFORM_LABELS[p]) end`,
    );
    expect(lines).toEqual(["true true", ...ALL_PLATFORMS.map((p) => `${p} ${PLATFORM_LABELS[p]}`)]);
  });
});

describe("build-request (src-lua/build-request.ts) as a module", () => {
  const comp = `{ fileName = "/mnt/hq/sh010.comp", name = "sh010.comp", modified = false, renderStart = 1, renderEnd = 10, globalStart = 1, globalEnd = 100, step = 1, savers = {} }`;

  /** The request the comp script builds from stored settings `values`, as JSON, then through the helper's validator. */
  function built(values: Record<string, unknown>): ReturnType<typeof validateRequest> {
    const fields = Object.entries(values).map(([key, value]) => `${key} = ${literal(value)}`).join(", ");
    const [json] = lua(
      `local r = M.readSettings({ ${fields} }, M.defaultSettings("linux"))\n` +
        `assert(#r.badFields == 0, table.concat(r.badFields, ","))\n` +
        `io.write(M.encodeJson(M.buildRequest(r.settings, ${comp}, "linux", false)), "\\n")`,
    );
    return validateRequest(JSON.parse(json));
  }

  it("what the settings accept at both ends of every whole-number row, the helper accepts", () => {
    for (const row of INT_ROWS) {
      for (const value of [row.min, row.max]) {
        const request = built({ [row.key]: value }) as unknown as Record<string, Record<string, unknown>>;
        const sent = request.job[row.request.split(".")[1]];
        // "Leave it to HQueue" (tries 0, CPUs 0) is sent as no member at all.
        expect(sent, `${row.key} = ${value}`).toBe(row.none?.value === value ? undefined : value);
      }
    }
  });

  it("sends the table's defaults and every offered Render Node version", () => {
    const request = built({});
    expect(request.job.priority).toBe(5);
    expect(request.job.framesPerTask).toBe(10);
    expect(request.farm.renderNode.version).toBe("19");
    for (const version of RENDER_NODE_VERSIONS) expect(built({ renderNodeVersion: version }).farm.renderNode.version).toBe(version);
  });
});
