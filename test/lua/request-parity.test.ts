/**
 * One set of rules for both sides: the dialog's request builder (src-lua/build-request.ts, compiled by tstl and run
 * under real LuaJIT, encoded by the comp script's own json.ts) is fed every edge case of every field the dialog can
 * produce (empty, zero, limits, combinations such as same-OS-only with no OS ticked), and the helper's validator
 * (src-node/request.ts validateRequest) must accept exactly the requests the dialog accepts.
 *
 * What the dialog accepts: its own checks before it asks the helper (src-lua/field-checks.ts fieldProblems, the module
 * the dialog's readFields uses, compiled and run here under LuaJIT next to the builder): a server, at least one client
 * OS unless "same OS only", names when assigning to clients or groups, a frame set when "custom".
 * Values the dialog cannot produce are not fed (its spin boxes clamp, its text fields are trimmed, names are split).
 *
 * Sizes and characters the dialog does not check itself (a 300-character job name, a tab pasted into a field) are
 * left to the helper, which the dialog asks (plan) before it enables Submit; for those the helper's refusal must name
 * the field, so that the dialog shows it next to that field. The limits are read from the field table
 * (src-node/portable/fields.ts, compiled into both runtimes) through the helper's REQUEST_LIMITS: no copy here.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planJob } from "../../src-node/core/job-spec";
import { RENDER_NODE_VERSIONS, intRow } from "../../src-node/portable/fields";
import { REQUEST_LIMITS, validateRequest } from "../../src-node/request";
import { HelperError } from "../../src-node/errors";
import type { Platform, SharedRoot } from "../../types/request";
import { transpileLuaModule } from "../support/lua-module";

const repoRoot = path.resolve(__dirname, "../..");
let work = "";
let moduleDir = "";

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "hq-parity-"));
  transpileLuaModule("src-lua/build-request.ts", path.join(work, "lua"), ".");
  transpileLuaModule("src-lua/field-checks.ts", path.join(work, "lua"), ".");
  moduleDir = path.join(work, "lua");
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

// The shapes of src-lua/settings.ts Settings and src-lua/host.ts CompSnapshot (not imported: the Node type check
// must not pull in Lua-only modules).
interface Settings {
  server: string;
  jobName: string;
  description: string;
  priority: number;
  frameChoice: "render" | "global" | "custom";
  customFrames: string;
  framesPerTask: number;
  assignMode: "any" | "clients" | "groups";
  assignNames: string[];
  platforms: Platform[];
  sameOsOnly: boolean;
  renderNodeVersion: string;
  renderNodePaths: Partial<Record<Platform, string>>;
  sharedRoots: SharedRoot[];
  tries: number;
  cpus: number;
  logDir: string;
  jobRoot: string;
  emailTo: string;
  emailReasons: string[];
  environment: Record<string, string>;
}

interface CompSnapshot {
  fileName: string;
  name: string;
  modified: boolean;
  renderStart: number;
  renderEnd: number;
  globalStart: number;
  globalEnd: number;
  step: number;
  savers: { name: string; enabled: boolean; rawPath: string; path: string }[];
}

interface Case {
  name: string;
  settings: Settings;
  comp: CompSnapshot;
  platform: Platform;
  paused: boolean;
  /** The dialog leaves this one to the helper (a size or character it does not check): the field it must name. */
  helperField?: string;
}

function baseSettings(): Settings {
  return {
    server: "hq-server:5000",
    jobName: "",
    description: "",
    priority: 5,
    frameChoice: "render",
    customFrames: "",
    framesPerTask: 10,
    assignMode: "any",
    assignNames: [],
    platforms: ["linux"],
    sameOsOnly: false,
    renderNodeVersion: "19",
    renderNodePaths: {},
    sharedRoots: [],
    tries: 0,
    cpus: 0,
    logDir: "",
    jobRoot: "",
    emailTo: "",
    emailReasons: [],
    environment: {},
  };
}

function baseComp(): CompSnapshot {
  return {
    fileName: "/mnt/hq/shots/sh010/sh010.comp",
    name: "sh010.comp",
    modified: false,
    renderStart: 1,
    renderEnd: 100,
    globalStart: 1,
    globalEnd: 200,
    step: 1,
    savers: [{ name: "Saver1", enabled: true, rawPath: "Comp:render/sh010.0000.exr", path: "/mnt/hq/shots/sh010/render/sh010.0000.exr" }],
  };
}

const PLATFORM_SETS: Platform[][] = [[], ["linux"], ["windows"], ["macosx", "windows"], ["linux", "macosx", "windows"]];
const x = (n: number): string => "x".repeat(n);

function cases(): Case[] {
  const out: Case[] = [];
  const add = (name: string, edit: (s: Settings, c: CompSnapshot) => void, options: { platform?: Platform; paused?: boolean; helperField?: string } = {}): void => {
    const settings = baseSettings();
    const comp = baseComp();
    edit(settings, comp);
    out.push({ name, settings, comp, platform: options.platform ?? "linux", paused: options.paused ?? false, helperField: options.helperField });
  };
  const L = REQUEST_LIMITS;

  add("the base settings", () => undefined);
  add("paused", () => undefined, { paused: true });
  // server
  add("server empty", (s) => (s.server = ""));
  add("server as a URL", (s) => (s.server = "http://hq-server:5000/RPC2"));
  add(`server at the limit (${L.server})`, (s) => (s.server = x(L.server)));
  add("server over the limit", (s) => (s.server = x(L.server + 1)), { helperField: "server" });
  // job name and description
  add("job name empty: the comp's name", (s) => (s.jobName = ""));
  add("job name empty and an unsaved comp's name empty", (s, c) => ((s.jobName = ""), (c.name = "")));
  add(`job name at the limit (${L.name})`, (s) => (s.jobName = x(L.name)));
  add("job name over the limit", (s) => (s.jobName = x(L.name + 1)), { helperField: "job.name" });
  add("job name with a tab inside", (s) => (s.jobName = "sh010\tcomp"), { helperField: "job.name" });
  add("job name in Unicode", (s) => (s.jobName = "shot ünï 中文 😀"));
  add(`description at the limit (${L.description})`, (s) => (s.description = x(L.description)));
  add("description over the limit", (s) => (s.description = x(L.description + 1)), { helperField: "job.description" });
  // priority, frames, frames per task (spin boxes: always within their range)
  // Whole-number edges from the field table (src-node/portable/fields.ts), the one place they are written.
  const edges = (key: string): number[] => [intRow(key).min, intRow(key).min + 1, intRow(key).max];
  for (const priority of edges("priority")) add(`priority ${priority}`, (s) => (s.priority = priority));
  add("frames: render range", (s) => (s.frameChoice = "render"));
  add("frames: global range", (s) => (s.frameChoice = "global"));
  add("frames: custom, empty", (s) => ((s.frameChoice = "custom"), (s.customFrames = "")));
  add("frames: custom 1-100x2,120", (s) => ((s.frameChoice = "custom"), (s.customFrames = "1-100x2,120")));
  add("frames: custom text kept while render is chosen", (s) => ((s.frameChoice = "render"), (s.customFrames = "")));
  add(`frames: custom set at the limit (${L.frameSet})`, (s) => ((s.frameChoice = "custom"), (s.customFrames = `1${",1".repeat((L.frameSet - 1) / 2)}`)));
  add("frames: custom set over the limit", (s) => ((s.frameChoice = "custom"), (s.customFrames = `1${",1".repeat(L.frameSet / 2)}`)), { helperField: "job.frames.set" });
  for (const perTask of edges("framesPerTask")) add(`frames per task ${perTask}`, (s) => (s.framesPerTask = perTask));
  // clients and groups
  add("any client, names left over", (s) => ((s.assignMode = "any"), (s.assignNames = ["render01"])));
  for (const mode of ["clients", "groups"] as const) {
    add(`${mode}: none named`, (s) => ((s.assignMode = mode), (s.assignNames = [])));
    add(`${mode}: one`, (s) => ((s.assignMode = mode), (s.assignNames = ["render01"])));
    add(`${mode}: a name at the limit (${L.hostName})`, (s) => ((s.assignMode = mode), (s.assignNames = [x(L.hostName)])));
    add(`${mode}: a name over the limit`, (s) => ((s.assignMode = mode), (s.assignNames = [x(L.hostName + 1)])), { helperField: "farm.assign.names[0]" });
    add(`${mode}: ${L.listItems} names`, (s) => ((s.assignMode = mode), (s.assignNames = Array.from({ length: L.listItems }, (_, i) => `r${i}`))));
    add(`${mode}: too many names`, (s) => ((s.assignMode = mode), (s.assignNames = Array.from({ length: L.listItems + 1 }, (_, i) => `r${i}`))), { helperField: "farm.assign.names" });
  }
  // client OSes × same OS only × the submitting OS: every combination
  for (const platforms of PLATFORM_SETS) {
    for (const sameOsOnly of [false, true]) {
      for (const platform of ["linux", "windows"] as const) {
        const roots = platforms.some((p) => p !== platform);
        add(`OSes [${platforms.join(",")}], same OS only ${sameOsOnly}, submitted from ${platform}`, (s, c) => {
          s.platforms = [...platforms];
          s.sameOsOnly = sameOsOnly;
          if (platform === "windows") c.fileName = "\\\\srv\\hq\\shots\\sh010\\sh010.comp";
          if (roots) s.sharedRoots = [{ linux: "/mnt/hq", macosx: "/Volumes/hq", windows: "\\\\srv\\hq" }];
        }, { platform });
      }
    }
  }
  // Render Node
  for (const version of RENDER_NODE_VERSIONS) add(`render node version ${version}`, (s) => (s.renderNodeVersion = version));
  add("render node version from stored settings, 19.5", (s) => (s.renderNodeVersion = "19.5"));
  add("render node version from stored settings, not a version", (s) => (s.renderNodeVersion = "latest"), { helperField: "farm.renderNode.version" });
  add("render node paths for every OS", (s) => (s.renderNodePaths = { linux: "/opt/rn", macosx: "/Applications/rn", windows: "C:\\rn\\rn.exe" }));
  add(`render node path at the limit (${L.path})`, (s) => (s.renderNodePaths = { linux: `/${x(L.path - 1)}` }));
  add("render node path over the limit", (s) => (s.renderNodePaths = { linux: `/${x(L.path)}` }), { helperField: "farm.renderNode.paths.linux" });
  // shared roots
  add("a shared root with one OS only", (s) => (s.sharedRoots = [{ linux: "/mnt/hq" }]));
  add("four shared roots", (s) => (s.sharedRoots = [1, 2, 3, 4].map((n) => ({ linux: `/mnt/hq${n}`, windows: `\\\\srv\\hq${n}` }))));
  add("a shared root path over the limit", (s) => (s.sharedRoots = [{ linux: `/${x(L.path)}` }]), { helperField: "farm.sharedRoots[0].linux" });
  // advanced
  for (const tries of edges("tries")) add(`tries ${tries}`, (s) => (s.tries = tries));
  for (const cpus of edges("cpus")) add(`CPUs ${cpus}`, (s) => (s.cpus = cpus));
  add("log folder", (s) => (s.logDir = "/mnt/hq/logs"));
  add("log folder over the limit", (s) => (s.logDir = `/${x(L.path)}`), { helperField: "job.logDir" });
  add("job folders in a folder of the artist's choice", (s) => (s.jobRoot = "/mnt/hq/jobs"));
  add("job folders' folder over the limit", (s) => (s.jobRoot = `/${x(L.path)}`), { helperField: "job.jobRoot" });
  add("e-mail reasons without an address: not sent", (s) => (s.emailReasons = ["failed"]));
  add("e-mail with reasons", (s) => ((s.emailTo = "comp@studio.example"), (s.emailReasons = ["failed", "succeeded"])));
  add(`e-mail address list at the limit (${L.emailTo})`, (s) => (s.emailTo = x(L.emailTo)));
  add("e-mail address list over the limit", (s) => (s.emailTo = x(L.emailTo + 1)), { helperField: "job.emailTo" });
  add("an e-mail reason over the limit", (s) => ((s.emailTo = "a@b"), (s.emailReasons = [x(L.emailReason + 1)])), { helperField: "job.emailReasons[0]" });
  add("environment: one variable, an empty value", (s) => (s.environment = { OCIO: "" }));
  add("environment: a variable named __proto__", (s) => (s.environment = JSON.parse('{"__proto__":"1","OCIO":"/mnt/ocio"}') as Record<string, string>));
  add(`environment: ${L.envCount} variables`, (s) => (s.environment = Object.fromEntries(Array.from({ length: L.envCount }, (_, i) => [`V${i}`, "1"]))));
  add("environment: too many variables", (s) => (s.environment = Object.fromEntries(Array.from({ length: L.envCount + 1 }, (_, i) => [`V${i}`, "1"]))), { helperField: "job.environment" });
  add(`environment: a value at the limit (${L.envValue})`, (s) => (s.environment = { BIG: x(L.envValue) }));
  add("environment: a value over the limit", (s) => (s.environment = { BIG: x(L.envValue + 1) }), { helperField: "job.environment.BIG" });
  add("environment: a value with a tab", (s) => (s.environment = { A: "x\ty" }), { helperField: "job.environment.A" });
  // the comp, as Fusion reports it
  add("a modified comp", (_, c) => (c.modified = true));
  add("negative frame ranges", (_, c) => ((c.renderStart = -100), (c.renderEnd = -1), (c.globalStart = -100), (c.globalEnd = 0)));
  add("a step of 5", (_, c) => (c.step = 5));
  add("no Savers", (_, c) => (c.savers = []));
  add("a pass-through Saver without a raw path", (_, c) => (c.savers = [{ name: "Saver1", enabled: false, rawPath: "", path: "" }]));
  return out;
}

type LuaResult = ({ ok: true; json: string } | { ok: false; error: string }) & { dialogAccepts: boolean; problems: string[] };

/** Per case: the builder's request (or its error) and the dialog's own verdict, both from LuaJIT. */
function runLua(list: Case[]): LuaResult[] {
  const file = path.join(work, "cases.json");
  writeFileSync(file, JSON.stringify(list.map(({ settings, comp, platform, paused }) => ({ settings, comp, platform, paused }))));
  const run = spawnSync("luajit", [path.join(__dirname, "fixtures/build-request-cases.lua"), moduleDir, file], { cwd: repoRoot, maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`luajit failed: ${run.stderr.toString()}`);
  const parts = run.stdout.toString("utf8").split("\0");
  return parts.map((part) => {
    const split = part.indexOf("\u0001");
    const verdict = part.slice(0, split);
    const p = part.slice(split + 1);
    const problems = verdict.startsWith("REFUSE:") ? verdict.slice(7).split(",") : [];
    const dialog = { dialogAccepts: verdict === "ACCEPT", problems };
    return p.startsWith("OK:") ? { ok: true, json: p.slice(3), ...dialog } : { ok: false, error: p.replace(/^ERR:/, ""), ...dialog };
  });
}

function helperVerdict(json: string): { ok: true } | { ok: false; field?: string; message: string } {
  try {
    validateRequest(JSON.parse(json));
    return { ok: true };
  } catch (e) {
    if (e instanceof HelperError) return { ok: false, field: e.field, message: e.message };
    throw e;
  }
}

describe("the dialog's request builder and the helper's validator agree", () => {
  const all = cases();

  it("feeds at least 90 edge cases", () => {
    expect(all.length).toBeGreaterThanOrEqual(90);
  });

  // Found: "same OS only" with no OS ticked was accepted by the dialog and refused by the helper (fixed in the
  // validator: "same OS only" renders on the submitting OS whatever the list says, src-node/core/job-spec.ts).
  it("the helper accepts exactly what the dialog accepts; what the dialog leaves to the helper is refused naming its field", () => {
    const built = runLua(all);
    expect(built).toHaveLength(all.length);
    const disagreements: string[] = [];
    all.forEach((c, i) => {
      const lua = built[i];
      if (!lua.ok) {
        disagreements.push(`${c.name}: the builder failed under LuaJIT: ${lua.error}`);
        return;
      }
      const verdict = helperVerdict(lua.json);
      if (c.helperField !== undefined) {
        if (verdict.ok) disagreements.push(`${c.name}: expected the helper to refuse it naming ${c.helperField}, it accepted`);
        else if (verdict.field !== c.helperField) disagreements.push(`${c.name}: refused naming ${verdict.field ?? "no field"}, not ${c.helperField}: ${verdict.message}`);
        return;
      }
      const dialog = lua.dialogAccepts;
      if (dialog && !verdict.ok) disagreements.push(`${c.name}: the dialog accepts it, the helper refuses it: ${verdict.message}`);
      if (!dialog && verdict.ok) disagreements.push(`${c.name}: the dialog refuses it, the helper accepts it`);
    });
    expect(disagreements).toEqual([]);
  });
});

describe("the dialog's own checks (src-lua/field-checks.ts under LuaJIT)", () => {
  it("name the field each refusal is about, and only refuse those cases", () => {
    const all = cases();
    const built = runLua(all);
    const refusals = Object.fromEntries(all.map((c, i) => [c.name, built[i].problems]).filter(([, problems]) => problems.length > 0));
    expect(refusals).toEqual({
      "server empty": ["Server"],
      "frames: custom, empty": ["CustomFrames"],
      "clients: none named": ["AssignNames"],
      "groups: none named": ["AssignNames"],
      ...Object.fromEntries(all.filter((c) => c.settings.platforms.length === 0 && !c.settings.sameOsOnly).map((c) => [c.name, ["Platforms"]])),
    });
  });
});

describe("same OS only with no client OS ticked", () => {
  it("is planned for the submitting OS only", () => {
    const c = cases().find((k) => k.name === "OSes [], same OS only true, submitted from windows");
    expect(c).toBeDefined();
    const built = runLua([c as Case])[0];
    if (!built.ok) throw new Error(built.error);
    const plan = planJob(validateRequest(JSON.parse(built.json)), { user: "artist", stamp: "20260101-000000" });
    const child = plan.spec.children?.[0];
    expect(Object.keys(child?.command as object)).toEqual(["windows"]);
    expect(JSON.stringify(child?.conditions)).toContain("windows");
  });
});
