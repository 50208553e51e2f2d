// Hostile requests and comp states, table-driven, against the BUILT helper as a process. Each case gets a clear
// error (the expected code, naming the field where one is at fault) or a correct job; never a crash (exit other
// than 0/1/2, an `internal` error, a stack trace), a hang (the run is bounded), or a wrong job. When a job is
// created, the job the HQueue stand-in received is checked: task frames, and the Linux command is EXECUTED with
// /bin/sh against a program that records its argv, so quoting is proved by what a real shell passes on; Windows
// commands go through the cmd.exe model (test/support/cmd-model.ts).
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorCode, Failure, HelperResponse, SubmitRequest, SubmitResult } from "../../types/request";
import { CMD_INVOCATIONS, cmdRunAs } from "../support/cmd-model";
import { type HQueueStandin, type StandinJob, startHQueueStandin } from "../support/hqueue-standin";
import { makeRequest } from "../support/requests";
import { type HelperRun, runHelper } from "../support/run-helper";

let standin: HQueueStandin;
let work: string;
/** A stand-in for the Fusion Render Node that writes its argv (NUL-separated) to $ARGV_DUMP. */
let argvDumper: string;

const ARGV_DUMP_SCRIPT = '#!/bin/sh\n: > "$ARGV_DUMP"\nfor a in "$@"; do printf \'%s\\0\' "$a" >> "$ARGV_DUMP"; done\nexit 0\n';

function installDumper(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "FusionRenderNode");
  writeFileSync(file, ARGV_DUMP_SCRIPT);
  chmodSync(file, 0o755);
  return file;
}

beforeAll(async () => {
  // Clients whose hostnames are hostile too: names a submission may target must exist on the server.
  standin = await startHQueueStandin({
    port: 0,
    runJobs: false,
    clients: [
      { hostname: "standin-linux-01", os: "linux", groups: ["Fusion"] },
      { hostname: "a<b>&c", os: "linux" },
      { hostname: "$(id)", os: "linux" },
      { hostname: "`x`", os: "linux" },
    ],
  });
  work = mkdtempSync(join(tmpdir(), "hq-hostile-"));
  argvDumper = installDumper(join(work, "bin"));
});
afterAll(async () => {
  await standin?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/* ------------------------------------------------------------------------------------------------
 * Case model
 * --------------------------------------------------------------------------------------------- */

type Doc = Record<string, unknown>;

/** What the helper must answer. */
type Expectation =
  | { error: ErrorCode | readonly ErrorCode[]; field?: string | RegExp; words?: RegExp }
  | { job: (job: CreatedJob) => void }
  /** Either a clear error with one of these codes, or a job that passes the check. */
  | { errorOrJob: readonly ErrorCode[]; job: (job: CreatedJob) => void };

interface HostileCase {
  name: string;
  /** A request document (object), raw request text, or a command line of its own (args after the command). */
  request?: (doc: Doc) => void;
  /** The request file's bytes, instead of a document. */
  raw?: string | Buffer;
  /** Edits the JSON text of the document (for what JSON.stringify cannot write). */
  text?: (json: string) => string;
  argv?: () => string[];
  command?: "plan" | "submit";
  expect: Expectation;
  /**
   * A product bug this case shows, not fixed yet: the case runs as `it.fails`, so it turns red (remove the marker)
   * once the product is fixed.
   */
  knownBug?: string;
}

interface CreatedJob {
  result: SubmitResult;
  parent: StandinJob;
  tasks: StandinJob[];
  /** argv the Render Node receives when the Linux command of task `i` runs under /bin/sh. */
  linuxArgv(i?: number): string[];
  /** argv the Render Node receives when the Windows command of task `i` runs under cmd.exe (model). */
  windowsArgv(i?: number, env?: Record<string, string>): string[];
}

function baseDoc(): Doc {
  const doc = makeRequest({
    server: standin.url,
    comp: { path: "/mnt/hq/shots/sh010/comp/sh010.comp", renderStart: 1, renderEnd: 10, globalStart: 1, globalEnd: 100 },
    job: { name: "hostile", framesPerTask: 5 },
    farm: { renderNode: { version: "19", paths: { linux: argvDumper } } },
  });
  return JSON.parse(JSON.stringify(doc)) as Doc;
}

/** Sets (or with `undefined`, deletes) a dotted path such as "job.frames.set" or "comp.savers.0.name". */
function setPath(doc: Doc, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = doc as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}

const set = (path: string, value: unknown) => (doc: Doc) => setPath(doc, path, value);
const unset = (path: string) => (doc: Doc) => setPath(doc, path, undefined);
const all = (...edits: ((doc: Doc) => void)[]) => (doc: Doc) => edits.forEach((edit) => edit(doc));
const customFrames = (text: string, perTask = 5) => all(set("job.frames", { kind: "custom", set: text }), set("job.framesPerTask", perTask));
const linuxWindowsRoots = all(
  set("farm.platforms", ["linux", "windows"]),
  set("farm.sharedRoots", [{ linux: "/mnt/hq", windows: "\\\\srv\\hq" }]),
);

function taskNames(job: CreatedJob): string[] {
  return job.tasks.map((t) => t.name);
}

function expectFrames(names: string[]) {
  return (job: CreatedJob) => expect(taskNames(job)).toEqual(names);
}

/** The command's render arguments: comp path, then -render -start S -end E -step K … */
function expectLinuxComp(compPath: string, start = 1, end = 5) {
  return (job: CreatedJob) => {
    const argv = job.linuxArgv(0);
    expect(argv[0]).toBe(compPath);
    expect(argv.slice(1, 8)).toEqual(["-render", "-start", String(start), "-end", String(end), "-step", "1"]);
  };
}

const HOSTILE_CHARS = `it's "quoted" $HOME \`id\` $(id) !x %PATH% ; & | > < * ? [a] {b,c} ~ # \\ end`;

/* ------------------------------------------------------------------------------------------------
 * The cases
 * --------------------------------------------------------------------------------------------- */

const CASES: HostileCase[] = [
  // The document itself
  { name: "not JSON at all", raw: "hello, HQueue", expect: { error: "bad_request", words: /not valid JSON/ } },
  { name: "a JSON list instead of an object", raw: "[]", expect: { error: "bad_request", field: "request" } },
  { name: "an empty object", raw: "{}", expect: { error: "bad_request", field: "kind" } },
  { name: "JSON null", raw: "null", expect: { error: "bad_request", field: "request" } },
  { name: "an empty file", raw: "", expect: { error: "bad_request", words: /not valid JSON/ } },
  { name: "binary garbage", raw: Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x7b, 0x00]), expect: { error: "bad_request" } },
  { name: "100,000 nested lists", raw: "[".repeat(100_000) + "]".repeat(100_000), expect: { error: "bad_request" } },
  { name: "a .comp file given as the request", raw: 'Composition {\n\tCurrentTime = 0,\n\tRenderRange = { 0, 10 },\n}\n', expect: { error: "bad_request", words: /not valid JSON/ } },
  { name: "the wrong kind", request: set("kind", "kartalink.deadline.request"), expect: { error: "bad_request", field: "kind" } },
  { name: "a future version", request: set("version", 2), expect: { error: "bad_request", field: "version" } },
  { name: "a byte-order mark before the JSON: accepted", text: (json) => "\ufeff" + json, expect: { job: expectFrames(["Frames 1-5", "Frames 6-10"]) } },

  // Missing and wrongly typed fields
  { name: "no server", request: unset("server"), expect: { error: "bad_request", field: "server" } },
  { name: "server is a number", request: set("server", 5000), expect: { error: "bad_request", field: "server" } },
  { name: "server is not an address", request: set("server", "http://[::1"), expect: { error: ["usage", "bad_request"], field: "server" } },
  { name: "no comp", request: unset("comp"), expect: { error: "bad_request", field: "comp" } },
  { name: "no comp path", request: unset("comp.path"), expect: { error: "bad_request", field: "comp.path" } },
  { name: "an unknown comp platform", request: set("comp.platform", "amiga"), expect: { error: "bad_request", field: "comp.platform" } },
  { name: "render start as a string", request: set("comp.renderStart", "1"), expect: { error: "bad_request", field: "comp.renderStart" } },
  { name: "render start fractional", request: set("comp.renderStart", 1.5), expect: { error: "bad_request", field: "comp.renderStart" } },
  { name: "render end 1e309 (Infinity)", text: (json) => json.replace('"renderEnd":10', '"renderEnd":1e309'), expect: { error: "bad_request", field: "comp.renderEnd" } },
  { name: "step 0", request: set("comp.step", 0), expect: { error: "bad_request", field: "comp.step" } },
  { name: "negative step", request: set("comp.step", -1), expect: { error: "bad_request", field: "comp.step" } },
  { name: "savers is an object", request: set("comp.savers", { Saver1: {} }), expect: { error: "bad_request", field: "comp.savers" } },
  { name: "a Saver without enabled", request: unset("comp.savers.0.enabled"), expect: { error: "bad_request", field: "comp.savers[0].enabled" } },
  { name: "a Saver name that is a number", request: set("comp.savers.0.name", 7), expect: { error: "bad_request", field: "comp.savers[0].name" } },
  { name: "20,000 Savers", request: set("comp.savers", Array.from({ length: 20_000 }, (_, i) => ({ name: `S${i}`, enabled: true, path: "/mnt/hq/x.exr" }))), expect: { error: "bad_request", field: "comp.savers" } },
  { name: "every Saver disabled", request: set("comp.savers.0.enabled", false), expect: { error: "bad_comp", field: "comp.savers" } },
  { name: "no job", request: unset("job"), expect: { error: "bad_request", field: "job" } },
  { name: "paused as a string", request: set("job.paused", "yes"), expect: { error: "bad_request", field: "job.paused" } },
  { name: "sameOsOnly as a string", request: set("farm.sameOsOnly", "true"), expect: { error: "bad_request", field: "farm.sameOsOnly" } },
  { name: "no client OS", request: set("farm.platforms", []), expect: { error: "bad_request", field: "farm.platforms" } },
  { name: "an unknown client OS", request: set("farm.platforms", ["linux", "beos"]), expect: { error: "bad_request", field: "farm.platforms[1]" } },
  { name: "a shared root for an unknown OS", request: set("farm.sharedRoots", [{ linux: "/mnt/hq", amiga: "DH0:" }]), expect: { error: "bad_request", field: /farm\.sharedRoots\[0\]/ } },
  { name: "timeout of -5 s", request: set("timeoutSeconds", -5), expect: { error: "bad_request", field: "timeoutSeconds" } },
  { name: "timeout of a million seconds", request: set("timeoutSeconds", 1e6), expect: { error: "bad_request", field: "timeoutSeconds" } },

  // Names, descriptions and environment values
  { name: "a blank job name", request: set("job.name", "   "), expect: { error: "bad_request", field: "job.name" } },
  { name: "a 10,000-character job name", request: set("job.name", "x".repeat(10_000)), expect: { error: "bad_request", field: "job.name" } },
  { name: "NUL in the job name", request: set("job.name", "shot\u0000010"), expect: { error: "bad_request", field: "job.name", words: /NUL/ } },
  { name: "BEL in the job name", request: set("job.name", "shot\u0007"), expect: { error: "bad_request", field: "job.name" } },
  { name: "ESC sequences in the job name", request: set("job.name", "\u001b[31mred\u001b[0m"), expect: { error: "bad_request", field: "job.name" } },
  { name: "a lone surrogate in the job name", request: set("job.name", "shot \ud800"), expect: { error: "bad_request", field: "job.name" } },
  { name: "U+FFFE in the job name", request: set("job.name", "shot \ufffe"), expect: { error: "bad_request", field: "job.name" } },
  { name: "NUL in the description", request: set("job.description", "line\u0000"), expect: { error: "bad_request", field: "job.description" } },
  { name: "a 1 MB description", request: set("job.description", "d".repeat(1_000_000)), expect: { error: "bad_request", field: "job.description" } },
  {
    name: "XML-special text, CR/LF and tabs in the description: carried exactly",
    request: set("job.description", "a]]>b <![CDATA[ &amp; </string>\r\nline 2\ttab\rCR"),
    expect: { job: (job) => expect(job.parent.description).toBe("a]]>b <![CDATA[ &amp; </string>\r\nline 2\ttab\rCR") },
  },
  {
    name: "unicode job name (RTL override, emoji, CJK): carried exactly",
    request: set("job.name", "ショット \u202ereversed\u202c 🎬 é"),
    expect: { job: (job) => expect(job.parent.name.startsWith("ショット \u202ereversed\u202c 🎬 é")).toBe(true) },
  },
  { name: "submittedBy with NUL", request: set("job.submittedBy", "ann\u0000"), expect: { error: "bad_request", field: "job.submittedBy" } },
  { name: "e-mail recipients with a newline", request: set("job.emailTo", "a@b.c\nBcc: x@y.z"), expect: { error: "bad_request", field: "job.emailTo" } },
  { name: "NUL in an environment value", request: set("job.environment", { OCIO: "/mnt/ocio\u0000x" }), expect: { error: "bad_request", field: "job.environment.OCIO" } },
  { name: "a newline in an environment value", request: set("job.environment", { OCIO: "a\nb" }), expect: { error: "bad_request", field: "job.environment.OCIO" } },
  { name: "an environment name with =", request: set("job.environment", { "A=B": "x" }), expect: { error: "bad_request", field: /job\.environment/ } },
  { name: "an environment name with a shell command", request: set("job.environment", { "X;rm -rf /": "x" }), expect: { error: "bad_request", field: /job\.environment/ } },
  { name: "201 environment variables", request: set("job.environment", Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`V${i}`, "x"]))), expect: { error: "bad_request", field: "job.environment" } },
  { name: "a 40,000-character environment value", request: set("job.environment", { BIG: "v".repeat(40_000) }), expect: { error: "bad_request", field: "job.environment.BIG" } },
  { name: "an environment value that is a number", request: set("job.environment", { N: 5 }), expect: { error: "bad_request", field: "job.environment.N" } },
  {
    name: "shell and XML metacharacters in environment values: carried exactly",
    request: set("job.environment", { TRICKY: HOSTILE_CHARS, UNI: "ünï 🎬 ]]> </value>" }),
    expect: { job: (job) => expect(job.tasks[0].environment).toEqual({ TRICKY: HOSTILE_CHARS, UNI: "ünï 🎬 ]]> </value>" }) },
  },
  {
    name: "an environment variable named __proto__: kept or refused, never silently dropped",
    text: (json) => json.replace('"framesPerTask":5', '"framesPerTask":5,"environment":{"__proto__":"x","OCIO":"/mnt/ocio"}'),
    expect: { errorOrJob: ["bad_request"], job: (job) => expect(Object.keys(job.tasks[0].environment)).toContain("__proto__") },
  },

  // Priorities and chunk sizes
  { name: "priority -1", request: set("job.priority", -1), expect: { error: "bad_request", field: "job.priority" } },
  { name: "priority 11", request: set("job.priority", 11), expect: { error: "bad_request", field: "job.priority" } },
  { name: "priority 1e12", request: set("job.priority", 1e12), expect: { error: "bad_request", field: "job.priority" } },
  { name: "priority as a string", request: set("job.priority", "5"), expect: { error: "bad_request", field: "job.priority" } },
  { name: "priority 5.5", request: set("job.priority", 5.5), expect: { error: "bad_request", field: "job.priority" } },
  { name: "frames per task -1", request: set("job.framesPerTask", -1), expect: { error: "bad_request", field: "job.framesPerTask" } },
  { name: "frames per task a billion", request: set("job.framesPerTask", 1e9), expect: { error: "bad_request", field: "job.framesPerTask" } },
  { name: "frames per task 2.5", request: set("job.framesPerTask", 2.5), expect: { error: "bad_request", field: "job.framesPerTask" } },
  { name: "tries 0", request: set("job.tries", 0), expect: { error: "bad_request", field: "job.tries" } },
  { name: "cpus -1", request: set("job.cpus", -1), expect: { error: "bad_request", field: "job.cpus" } },
  {
    name: "frames per task far above the frame count: one task",
    request: customFrames("1-10", 1_000_000),
    expect: { job: expectFrames(["Frames 1-10"]) },
  },

  // Frame sets
  { name: "an unknown frame source", request: set("job.frames", { kind: "all" }), expect: { error: "bad_request", field: "job.frames.kind" } },
  { name: "an empty frame set", request: customFrames(""), expect: { error: ["bad_request", "bad_frames"], field: /job\.frames/ } },
  { name: "a billion frames", request: customFrames("1-1000000000"), expect: { error: "bad_frames", field: "job.frames.set" } },
  { name: "the whole 32-bit range", request: customFrames("-2147483648-2147483647"), expect: { error: "bad_frames", field: "job.frames.set" } },
  { name: "many ranges that add up to billions", request: customFrames(Array.from({ length: 200 }, (_, i) => `${i * 10_000_000}-${i * 10_000_000 + 9_999_999}`).join(",")), expect: { error: "bad_frames", field: "job.frames.set" } },
  { name: "an exponent in a frame number", request: customFrames("1e3"), expect: { error: "bad_frames", field: "job.frames.set" } },
  { name: "step 0 in a frame set", request: customFrames("1-10x0"), expect: { error: "bad_frames", field: "job.frames.set" } },
  { name: "a 100,000-character frame set", request: customFrames("1,".repeat(50_000) + "1"), expect: { error: "bad_request", field: "job.frames.set" } },
  { name: "a frame set with letters", request: customFrames("1-10;rm -rf /"), expect: { error: "bad_frames", field: "job.frames.set" } },
  { name: "a comp range of two billion frames", request: all(set("comp.renderStart", -1_000_000_000), set("comp.renderEnd", 1_000_000_000)), expect: { error: "bad_frames", field: "job.frames" } },
  { name: "a reversed comp range", request: all(set("comp.renderStart", 10), set("comp.renderEnd", 1)), expect: { error: "bad_frames", field: "job.frames" } },
  {
    name: "a reversed custom range: an error or exactly frames 1-10",
    request: customFrames("10-1", 5),
    expect: { errorOrJob: ["bad_frames"], job: expectFrames(["Frames 1-5", "Frames 6-10"]) },
  },
  { name: "negative frames, step 2, chunks of 2", request: customFrames("-9--1x2", 2), expect: { job: expectFrames(["Frames -9--7x2", "Frames -5--3x2", "Frames -1"]) } },
  { name: "overlapping ranges render each frame once", request: customFrames("1-6,4-8,8", 4), expect: { job: expectFrames(["Frames 1-4", "Frames 5-8"]) } },

  // Paths: quotes, $, %, !, backticks, newlines, unicode
  { name: "a newline in the comp path", request: set("comp.path", "/mnt/hq/shot\nrm -rf ~.comp"), expect: { error: "bad_request", field: "comp.path" } },
  { name: "a tab in the comp path", request: set("comp.path", "/mnt/hq/a\tb.comp"), expect: { error: "bad_request", field: "comp.path" } },
  { name: "NUL in the comp path", request: set("comp.path", "/mnt/hq/shot\u0000.comp"), expect: { error: "bad_request", field: "comp.path" } },
  { name: "a relative comp path", request: set("comp.path", "shots/sh010.comp"), expect: { error: "bad_comp", field: "comp.path" } },
  { name: "a Windows comp path on a Linux submitter", request: set("comp.path", "C:\\shots\\sh010.comp"), expect: { error: "bad_comp", field: "comp.path" } },
  { name: "a 5,000-character comp path", request: set("comp.path", "/mnt/hq/" + "d/".repeat(2_500) + "x.comp"), expect: { error: "bad_request", field: "comp.path" } },
  {
    name: "quotes, $, backticks, !, % and globs in the comp path: the render node gets it exactly (Linux)",
    request: set("comp.path", `/mnt/hq/${HOSTILE_CHARS}/shot.comp`),
    expect: { job: expectLinuxComp(`/mnt/hq/${HOSTILE_CHARS}/shot.comp`) },
  },
  {
    name: "a comp path starting with - and = segments (Linux)",
    request: set("comp.path", "/mnt/hq/-render/=x/--quit.comp"),
    expect: { job: expectLinuxComp("/mnt/hq/-render/=x/--quit.comp") },
  },
  {
    name: "unicode comp path (NFD accents, CJK, emoji) (Linux)",
    request: set("comp.path", "/mnt/hq/ショット/e\u0301te\u0301 🎬/shot.comp"),
    expect: { job: expectLinuxComp("/mnt/hq/ショット/e\u0301te\u0301 🎬/shot.comp") },
  },
  {
    name: "quotes, $, backticks and spaces in the comp path (Windows via cmd.exe)",
    request: all(linuxWindowsRoots, set("comp.path", "/mnt/hq/it's \"q\" $x `id` (1) & more/shot.comp")),
    expect: {
      errorOrJob: ["unsafe_path"],
      job: (job) => {
        expect(job.windowsArgv(0)[1]).toBe("\\\\srv\\hq\\it's \"q\" $x `id` (1) & more\\shot.comp");
        expect(job.linuxArgv(0)[0]).toBe("/mnt/hq/it's \"q\" $x `id` (1) & more/shot.comp");
      },
    },
  },
  {
    name: "% in the comp path for Windows clients: refused (cmd.exe reads it differently on a command line and in a batch file) or exact",
    request: all(linuxWindowsRoots, set("comp.path", "/mnt/hq/%USERNAME%/100%/shot.comp")),
    expect: {
      errorOrJob: ["unsafe_path"],
      job: (job) => expect(job.windowsArgv(0, { USERNAME: "render01" })[1]).toBe("\\\\srv\\hq\\%USERNAME%\\100%\\shot.comp"),
    },
  },
  {
    name: "! in the comp path for Windows clients: refused or exact",
    request: all(linuxWindowsRoots, set("comp.path", "/mnt/hq/wow!/shot!x!.comp")),
    expect: { errorOrJob: ["unsafe_path"], job: (job) => expect(job.windowsArgv(0)[1]).toBe("\\\\srv\\hq\\wow!\\shot!x!.comp") },
  },
  {
    name: "a comp outside every shared root for Windows clients",
    request: all(linuxWindowsRoots, set("comp.path", "/home/artist/shot.comp")),
    expect: { error: "path_unmapped" },
  },
  {
    name: "a Render Node path full of shell metacharacters: that exact program runs",
    request: (doc) => setPath(doc, "farm.renderNode.paths", { linux: installDumper(join(work, "it's $HOME `id` !x", "a b")) }),
    expect: { job: expectLinuxComp("/mnt/hq/shots/sh010/comp/sh010.comp") },
  },
  { name: "a Render Node version that is a command", request: set("farm.renderNode.version", "19; rm -rf /"), expect: { error: "bad_request", field: "farm.renderNode.version" } },
  {
    name: "a log folder with quotes and $: passed exactly as -log",
    request: set("job.logDir", "/mnt/hq/logs/it's $HOME `id`"),
    expect: {
      job: (job) => {
        const argv = job.linuxArgv(0);
        expect(argv[argv.indexOf("-log") + 1]).toMatch(/^\/mnt\/hq\/logs\/it's \$HOME `id`\/sh010\.\d{8}-\d{6}\.task1\.f1-5\.log$/);
      },
    },
  },
  { name: "Saver paths with metacharacters do not disturb the job", request: set("comp.savers.0.path", `/mnt/hq/${HOSTILE_CHARS}/out.####.exr`), expect: { job: expectFrames(["Frames 1-5", "Frames 6-10"]) } },

  // Client selection
  { name: "a client group name with a space", request: set("farm.assign", { mode: "groups", names: ["Render Farm"] }), expect: { error: "bad_request", field: "farm.assign.names[0]" } },
  { name: "a client group list that is empty", request: set("farm.assign", { mode: "groups", names: [] }), expect: { error: "bad_request", field: "farm.assign.names" } },
  { name: "an unknown assign mode", request: set("farm.assign", { mode: "all" }), expect: { error: "bad_request", field: "farm.assign.mode" } },
  {
    name: "a client group the farm does not have: an error, or a job whose condition names exactly that group",
    request: set("farm.assign", { mode: "groups", names: ["NoSuchGroup"] }),
    expect: {
      errorOrJob: ["bad_request"],
      job: (job) => expect(job.tasks[0].conditions).toContainEqual({ type: "client", name: "group", op: "==", value: "NoSuchGroup" }),
    },
  },
  {
    name: "hostnames with shell and XML metacharacters in a condition: carried exactly",
    request: set("farm.assign", { mode: "clients", names: ["a<b>&c", "$(id)", "`x`"] }),
    expect: { job: (job) => expect(job.tasks[0].conditions[0]).toMatchObject({ name: "hostname", op: "any", value: "a<b>&c $(id) `x`" }) },
  },

  // .comp files that are not comps (the pipeline form: hqueue-helper plan FILE.comp)
  { name: "a .comp file that is empty", argv: () => ["plan", compFile("empty.comp", ""), "--json"], expect: { error: "bad_comp" } },
  { name: "a .comp file that is JSON", argv: () => ["plan", compFile("json.comp", '{"Tools": {}}'), "--json"], expect: { error: "bad_comp" } },
  { name: "a .comp file that is binary", argv: () => ["plan", compFile("binary.comp", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0xff, 0x0d, 0x0a])), "--json"], expect: { error: "bad_comp" } },
  { name: "a .comp file that is Lua code", argv: () => ["plan", compFile("code.comp", 'os.execute("rm -rf ~")\nreturn Composition {}'), "--json"], expect: { error: "bad_comp" } },
  { name: "a .comp file nested 100,000 tables deep", argv: () => ["plan", compFile("deep.comp", "Composition { " + "{ ".repeat(100_000) + "}".repeat(100_000) + " }"), "--json"], expect: { error: "bad_comp" } },
  { name: "a .comp file cut in the middle", argv: () => ["plan", compFile("cut.comp", 'Composition {\n\tRenderRange = { 0, 10 },\n\tTools = ordered() {\n\t\tSaver1 = Saver {\n\t\t\tInputs = { Clip = Input { Value = Clip { Filename = "/mnt/x'), "--json"], expect: { error: "bad_comp" } },
  { name: "a .comp path that is a folder", argv: () => ["plan", work, "--json"], expect: { error: "usage" } },
  { name: "a .comp file that does not exist", argv: () => ["plan", join(work, "missing.comp"), "--json"], expect: { error: "bad_comp" } },
];

function compFile(name: string, content: string | Buffer): string {
  const file = join(work, name);
  writeFileSync(file, content);
  return file;
}

/* ------------------------------------------------------------------------------------------------
 * Running a case
 * --------------------------------------------------------------------------------------------- */

function requestText(c: HostileCase): string | Buffer {
  if (c.raw !== undefined) return c.raw;
  const doc = baseDoc();
  c.request?.(doc);
  const json = JSON.stringify(doc);
  const text = c.text ? c.text(json) : json;
  if (c.text && text === json) throw new Error(`case "${c.name}": its text edit changed nothing`);
  return text;
}

function runLinuxCommand(command: string): string[] {
  const dump = join(mkdtempSync(join(work, "argv-")), "argv");
  const run = spawnSync("/bin/sh", ["-c", command], { env: { PATH: process.env.PATH, ARGV_DUMP: dump, HOME: "/nonexistent-home" }, encoding: "utf8" });
  expect(run.status, `the Linux task command failed: ${run.stderr}`).toBe(0);
  const argv = readFileSync(dump, "utf8").split("\0");
  argv.pop();
  return argv;
}

function createdJob(result: SubmitResult): CreatedJob {
  const parent = standin.jobs.get(result.jobId);
  if (!parent) throw new Error(`the stand-in has no job ${result.jobId}`);
  const tasks = parent.childIds.map((id) => standin.jobs.get(id) as StandinJob);
  const commandFor = (i: number, platform: "linux" | "windows"): string => {
    const command = tasks[i].command;
    const text = typeof command === "string" ? command : command?.[platform];
    if (typeof text !== "string") throw new Error(`task ${i} has no ${platform} command`);
    return text;
  };
  return {
    result,
    parent,
    tasks,
    linuxArgv: (i = 0) => runLinuxCommand(commandFor(i, "linux")),
    windowsArgv: (i = 0, env = {}) => {
      // Every way the client may start cmd.exe, both delayed-expansion modes: one and the same argv.
      const line = commandFor(i, "windows");
      const first = cmdRunAs("python-shell", line, { env, delayedExpansion: false }).argv;
      for (const form of CMD_INVOCATIONS) {
        for (const delayedExpansion of [false, true]) {
          expect(cmdRunAs(form, line, { env, delayedExpansion }).argv, `${form} ${delayedExpansion}: ${line}`).toEqual(first);
        }
      }
      return first;
    },
  };
}

function expectNoCrash(run: HelperRun): void {
  expect([0, 1, 2], `exit ${run.status}\n${run.stdout}\n${run.stderr}`).toContain(run.status);
  expect(run.json, `stdout is not one JSON document:\n${run.stdout.slice(0, 500)}\n${run.stderr.slice(0, 500)}`).toBeDefined();
  const doc = run.json as HelperResponse;
  if (!doc.ok) {
    expect(doc.error.code, doc.error.message).not.toBe("internal");
    expect(doc.error.message.length).toBeGreaterThan(10);
    expect(doc.error.message.length).toBeLessThan(2_000); // an enormous value is not echoed back whole
  }
  expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
}

async function runCase(c: HostileCase): Promise<void> {
  let argv: string[];
  if (c.argv) {
    argv = c.argv();
  } else {
    const file = join(mkdtempSync(join(work, "req-")), "request.json");
    writeFileSync(file, requestText(c));
    argv = [c.command ?? "submit", "--request", file, "--timeout", "10", "--json"];
  }
  const run = await runHelper(argv, { timeoutMs: 30_000 });
  expectNoCrash(run);
  const doc = run.json as HelperResponse;
  const e = c.expect;
  if ("error" in e) {
    expect(doc.ok, `expected an error, got ${run.stdout.slice(0, 300)}`).toBe(false);
    const error = (doc as Failure).error;
    const codes: readonly ErrorCode[] = typeof e.error === "string" ? [e.error] : e.error;
    expect(codes, error.message).toContain(error.code);
    if (typeof e.field === "string") expect(error.field).toBe(e.field);
    else if (e.field) expect(error.field ?? "").toMatch(e.field);
    if (e.words) expect(error.message).toMatch(e.words);
    return;
  }
  if ("errorOrJob" in e && !doc.ok) {
    expect(e.errorOrJob, (doc as Failure).error.message).toContain((doc as Failure).error.code);
    return;
  }
  expect(doc.ok, `expected a job, got ${run.stdout.slice(0, 500)}`).toBe(true);
  const result = doc as SubmitResult;
  expect(result.command).toBe("submit");
  const job = createdJob(result);
  expect(job.tasks.length).toBe(result.taskCount);
  e.job(job);
}

describe("hostile requests and comp states", () => {
  it("has at least 50 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  describe.concurrent("each gets a clear error or a correct job", () => {
    for (const c of CASES) {
      if (c.knownBug) it.fails(`${c.name} [known bug: ${c.knownBug}]`, () => runCase(c), 40_000);
      else it(c.name, () => runCase(c), 40_000);
    }
  });
});

// The request builder itself must produce a valid request, or every error case above would pass for the wrong reason.
describe("the hostile base request", () => {
  it("is accepted and becomes the expected job", async () => {
    await runCase({ name: "base", expect: { job: expectLinuxComp("/mnt/hq/shots/sh010/comp/sh010.comp") } });
  });

  it("matches the request type", () => {
    const doc = baseDoc() as unknown as SubmitRequest;
    expect(doc.kind).toBe("kartalink.hqueue.request");
  });
});
