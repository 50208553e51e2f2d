/**
 * Captures the windows the docs show, exactly as the BUILT comp script constructs them: the script runs in the
 * LuaJIT Fusion stand-in, an artist's first submit is played as stand-in actions, and each `snapshot` action
 * records the visible windows' element trees (UI Manager types, properties, children in order; see
 * test/support/fusion-standin-ui.lua U.layoutOf). render.py lays those trees out with real Qt widgets.
 *
 * The helper is the test suite's fake (test/lua/fake-helper.lua under LuaJIT) with canned answers of a realistic
 * farm, so every run shows the same text: the real helper against the HQueue stand-in would put an ephemeral
 * 127.0.0.1 port and timing-dependent progress into the pictures. The comp is a fixed path that is never opened;
 * its Savers write through a `Renders:` path map into a temporary folder that exists, so no "missing folder"
 * warning appears.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ClientsResult, PingResult, PlanResult, StatusResult, SubmitResult } from "../../../types/request";
import { luajit, writeFakeHelper } from "../../lua/comp-script-harness";
import { type LayoutNode, type StandinAction, type Transcript, repoRoot, runFusionStandin } from "../../support/fusion-standin";

export const BUILT_SCRIPT = path.join(repoRoot, "dist/build/HQueue Render.lua");
export const TOOL_DIR = path.join(repoRoot, "test/tools/docs-images");
export const DOCS_COMP = path.join(TOOL_DIR, "sh010.comp");
/** Where the comp seems to live (shown in the dialog's first line). */
const COMP_PATH = "/mnt/projects/demo/sh010/comp/sh010_comp_v003.comp";

/** One picture: which snapshot, which window of it, the PNG (under Reactor/Docs/Images) and its alt text. */
export interface Picture {
  snapshot: string;
  window: string;
  file: string;
  alt: string;
}

export const PICTURES: Picture[] = [
  { snapshot: "opened", window: "KartaLinkHQueueRender", file: "dialog-opened.png", alt: "The HQueue Render dialog as it opens" },
  { snapshot: "ready", window: "KartaLinkHQueueRender", file: "dialog-ready.png", alt: "The dialog with the server tested, ready to submit" },
  {
    snapshot: "farm",
    window: "KartaLinkHQueueRender",
    file: "dialog-farm.png",
    alt: "The dialog for a farm with Linux and Windows clients, with the per-OS paths and the advanced options shown",
  },
  { snapshot: "monitor", window: "KartaLinkHQueueMonitor", file: "monitor.png", alt: "The job monitor after Submit" },
];

/** What render.py reads for one picture: the window's own properties (Geometry, Spacing, …) and its element tree. */
export interface CapturedWindow {
  picture: string;
  id: string;
  props: Record<string, unknown>;
  layout: LayoutNode[];
}

const SERVER = "hq-server:5000";
const URL = "http://hq-server:5000/jobs/view/1207";

const PING: PingResult = { ok: true, command: "ping", server: "http://hq-server:5000", milliseconds: 12 };
const PLAN: PlanResult = { ok: true, command: "plan", frameCount: 30, taskCount: 3, tasks: [], warnings: [], notes: [], spec: { name: "sh010_comp_v003" } };
const SUBMIT: SubmitResult = { ok: true, command: "submit", jobId: 1207, url: URL, frameCount: 30, taskCount: 3, paused: false, warnings: [], notes: [] };
const STATUS: StatusResult = {
  ok: true,
  command: "status",
  job: { id: 1207, name: "sh010_comp_v003", status: "running", progress: 0.47 },
  tasks: [
    { id: 1208, name: "Frames 1001-1010", status: "succeeded", progress: 1 },
    { id: 1209, name: "Frames 1011-1020", status: "running", progress: 0.4 },
    { id: 1210, name: "Frames 1021-1030", status: "waiting", progress: 0 },
  ],
  taskCount: 3,
  counts: { succeeded: 1, running: 1, waiting: 1 },
  finished: false,
  succeeded: false,
  url: URL,
};
/** The farm's clients, as `clients` lists them (types/request.ts ClientsResult). */
const CLIENTS: ClientsResult = {
  ok: true,
  command: "clients",
  clients: [
    { id: 1, hostname: "render-lx-01", platform: "linux-x86_64", os: "linux", state: "available" },
    { id: 2, hostname: "render-lx-02", platform: "linux-x86_64", os: "linux", state: "available" },
    { id: 3, hostname: "render-win-01", platform: "windows-x86_64", os: "windows", state: "available" },
  ],
};
/** Canned helper answers (types/request.ts): 30 frames at the default 10 frames per task, one task done. */
const RESPONSES: Record<string, unknown> = { ping: PING, plan: PLAN, submit: SUBMIT, status: STATUS, clients: CLIENTS };

/** The artist's first submit; `timers` lets background helper calls and the monitor's polling deliver. */
const ACTIONS: StandinAction[] = [
  { do: "timers", maxTicks: 6 },
  { do: "snapshot", name: "opened" },
  { do: "set", id: "Server", prop: "Text", value: SERVER },
  { do: "timers", maxTicks: 6 },
  { do: "click", id: "TestServer" },
  { do: "timers", maxTicks: 6 },
  { do: "snapshot", name: "ready" },
  // A mixed farm: a second client OS shows the per-OS table, the server's clients are listed (Fetch from Server) and
  // the advanced options are shown: the dialog at its largest, apart from the length of its messages.
  { do: "set", id: "AssignMode", prop: "CurrentIndex", value: 1 },
  { do: "click", id: "FetchNames" },
  { do: "timers", maxTicks: 6 },
  { do: "set", id: "AssignNames", prop: "Text", value: "render-lx-01, render-win-01" },
  { do: "click", id: "OsWindows" },
  { do: "set", id: "Root1Linux", prop: "Text", value: "/mnt/projects" },
  { do: "set", id: "Root1Windows", prop: "Text", value: "P:\\" },
  { do: "click", id: "ShowAdvanced" },
  { do: "timers", maxTicks: 6 },
  { do: "snapshot", name: "farm" },
  { do: "click", id: "Submit" },
  { do: "timers", maxTicks: 6 },
  // The monitor's first status is fetched in the background (issue 8): give its poll time to deliver.
  { do: "timers", maxTicks: 40, sleepMs: 50 },
  { do: "snapshot", name: "monitor" },
];

/** Runs the scenario once and returns the windows of PICTURES (throws, naming what is missing, when one is absent). */
export async function captureWindows(script = BUILT_SCRIPT): Promise<CapturedWindow[]> {
  if (!fs.existsSync(script)) throw new Error(`${script} does not exist: run npm run build first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kartalink-docs-images-"));
  try {
    const renders = path.join(dir, "renders");
    fs.mkdirSync(path.join(renders, "sh010"), { recursive: true });
    const helper = path.join(dir, "helper", "hqueue-helper.js");
    writeFakeHelper(helper, path.join(dir, "calls.jsonl"), RESPONSES);
    const transcript: Transcript = await runFusionStandin({
      script,
      platform: "Linux",
      comp: { file: DOCS_COMP, fileName: COMP_PATH, modified: false, pathMaps: { "Renders:": renders + "/" } },
      env: { KARTALINK_NODE: luajit(), KARTALINK_HQUEUE_HELPER: helper, TMPDIR: dir, TEMP: dir, TMP: dir, HQUEUE_SERVER: false },
      actions: ACTIONS,
      uiProgrammaticEvents: true,
    });
    const problems = [...transcript.warnings, ...(transcript.error ? [transcript.error] : [])];
    if (problems.length > 0) throw new Error(`the comp script did not run cleanly in the stand-in:\n${problems.join("\n")}`);
    return PICTURES.map((picture) => {
      const snapshot = transcript.snapshots.find((s) => s.name === picture.snapshot);
      const window = snapshot?.windows.find((w) => w.id === picture.window);
      if (window === undefined) {
        const seen = snapshot ? snapshot.windows.map((w) => w.id).join(", ") || "none" : "no such snapshot";
        throw new Error(`${picture.file}: window ${picture.window} is not visible at snapshot "${picture.snapshot}" (visible: ${seen}); ` +
          `if the dialog's flow changed, update ACTIONS in test/tools/docs-images/capture.ts`);
      }
      return { picture: picture.file, id: window.id, props: window.props, layout: window.layout.map(visual) };
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Properties that change nothing in a picture (event subscriptions, tooltips, the stand-in's Clear() count and creation numbers). */
const NOT_VISUAL = new Set(["Events", "ToolTip", "clears", "created"]);

function visual(node: LayoutNode): LayoutNode {
  const out: LayoutNode = { type: node.type, children: node.children.map(visual) };
  for (const [key, value] of Object.entries(node)) if (!NOT_VISUAL.has(key) && key !== "children") out[key] = typeof value === "string" ? asOnAWorkstation(value) : value;
  return out;
}

/**
 * The capture runs the fake helper under this machine's luajit through KARTALINK_NODE; the Node.js field's grey text
 * names what was found. The pictures show what an artist's workstation shows instead: a node found on PATH.
 */
function asOnAWorkstation(text: string): string {
  return text.split(luajit()).join("/usr/local/bin/node").split("(KARTALINK_NODE").join("(PATH");
}

/** JSON with sorted keys and two-space indent: the committed form (stable across runs and Lua table orders). */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) out[key] = sort((v as Record<string, unknown>)[key]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sort(value), null, 2) + "\n";
}
