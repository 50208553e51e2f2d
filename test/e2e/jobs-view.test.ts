// After Submit, end to end: the BUILT comp script (Reactor atom tree, LuaJIT, Fusion stand-in) runs the BUILT helper
// against the HQueue stand-in with the Render Node stand-in. A job submitted paused is listed in the Jobs view after
// the comp is reopened, resumed from there, followed to its end in the reopened monitor (one console line), and its
// deleted frames are rendered again with Render Missing Frames.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type JsonValue, runFusionStandin, type StandinAction, type Transcript } from "../support/fusion-standin";
import { type HQueueStandin, startHQueueStandin } from "../support/hqueue-standin";
import { repoRoot } from "../support/run-helper";

const atom = join(repoRoot, "dist/Reactor/Atoms/com.AndrewHazelden.KartaLink.HQueueRender");
const script = join(atom, "Scripts/Comp/KartaLink/HQueue Render.lua");
const renderNode = join(repoRoot, "dist/dev/render-node/FusionRenderNode");
const MONITOR = "KartaLinkHQueueMonitor";
const JOBS = "KartaLinkHQueueJobs";

let farm: HQueueStandin;
beforeAll(async () => {
  farm = await startHQueueStandin({ port: 0, clients: [{ hostname: "rn-linux-01", os: "linux", groups: ["Fusion"] }] });
});
afterAll(async () => {
  await farm?.close();
});

function item(t: Transcript, window: string, id: string): Record<string, unknown> {
  const w = [...t.windows].reverse().find((x) => x.id === window);
  if (!w) throw new Error(`no window ${window}; windows: ${t.windows.map((x) => x.id).join(", ")}; error: ${t.error}`);
  return w.items[id] as Record<string, unknown>;
}

function artist(compPath: string, data: unknown, actions: StandinAction[]): Promise<Transcript> {
  const comp = { file: compPath, fileName: compPath, modified: false, ...(data !== undefined ? { data: data as Record<string, JsonValue> } : {}) };
  return runFusionStandin({ script, platform: "Linux", comp, actions });
}

type StoredJob = { id: number; server: string; jobFolder?: string };
const recentJobs = (t: Transcript): StoredJob[] =>
  ((t.compData as { KartaLink?: { HQueueRender?: { jobs?: StoredJob[] } } }).KartaLink?.HQueueRender?.jobs ?? []) as StoredJob[];

const timers = (maxTicks: number): StandinAction => ({ do: "timers", maxTicks, sleepMs: 50 });

describe("Jobs view → helper → HQueue", () => {
  it("a paused job is resumed from the Jobs view after a reopen, followed to its end, and its missing frames rendered again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobs-view-e2e-"));
    mkdirSync(join(dir, "sh030"));
    const comp = join(dir, "sh030", "sh030.comp");
    copyFileSync(join(repoRoot, "test/comps/e2e-basic.comp"), comp);
    const renders = join(dir, "sh030", "render");

    // 1. Submit paused; the monitor is closed at once.
    const submitted = await artist(comp, undefined, [
      { do: "set", id: "Server", prop: "Text", value: farm.url },
      { do: "set", id: "FramesPerTask", prop: "Value", value: 5 },
      // The per-OS rows (Render Node paths) show with the advanced options.
      { do: "click", id: "ShowAdvanced" },
      { do: "set", id: "RenderNodeLinux", prop: "Text", value: renderNode },
      { do: "click", id: "Paused" },
      // Slow enough that the job still renders when the monitor is reopened (it prints only a finish it saw happen).
      { do: "set", id: "Environment", prop: "PlainText", value: "FUSION_STANDIN_FRAME_MS=600" },
      { do: "click", id: "Submit" },
      timers(200),
      { do: "close", window: MONITOR },
    ]);
    expect(submitted.error).toBeNull();
    const [recorded] = recentJobs(submitted);
    expect(recorded).toBeDefined();
    const job = farm.jobs.get(recorded.id)!;
    expect(job.status).toBe("paused");
    expect(recorded.jobFolder).toBeDefined();

    // 2. Reopen the comp: the Jobs view lists the job as paused; Resume; the reopened monitor follows it to its end.
    const resumed = await artist(comp, submitted.compData, [
      timers(20),
      { do: "click", id: "OpenJobs" },
      timers(200),
      { do: "click", id: "ResumeJob", window: JOBS },
      timers(200),
      { do: "click", id: "OpenMonitor", window: JOBS },
      timers(1200),
      { do: "close", window: MONITOR },
      { do: "close", window: JOBS },
      { do: "close" },
    ]);
    expect(resumed.error).toBeNull();
    expect(farm.calls.some((c) => c.method === "resumeJobs")).toBe(true);
    expect(String(item(resumed, JOBS, "JobAnswer").Text)).toContain(`Job ${recorded.id} was resumed`);
    expect((await farm.waitForJob(recorded.id, 60_000)).status).toBe("succeeded");
    const finished = resumed.console.filter((line) => line.includes("finished"));
    expect(finished).toEqual([`KartaLink | HQueue Render: job ${recorded.id} finished: every task succeeded. ${farm.url}/jobs/view/${recorded.id}`]);
    const frames = readdirSync(renders).sort();
    expect(frames).toHaveLength(10);

    // 3. Two frames go missing: Render Missing Frames in the Jobs view renders exactly those again.
    const gone = [frames[2], frames[7]];
    for (const name of gone) rmSync(join(renders, name));
    const before = farm.calls.filter((c) => c.method === "newjob").length;
    const again = await artist(comp, resumed.compData, [
      timers(20),
      { do: "click", id: "OpenJobs" },
      timers(200),
      { do: "click", id: "RenderMissing", window: JOBS },
      { do: "click", id: "ConfirmRenderMissing" },
      timers(300),
      { do: "close", window: JOBS },
      { do: "close" },
    ]);
    expect(again.error).toBeNull();
    expect(farm.calls.filter((c) => c.method === "newjob").length).toBe(before + 1);
    const list = recentJobs(again);
    expect(list.map((j) => j.id)).toEqual([list[0].id, recorded.id]);
    expect(list[0].id).not.toBe(recorded.id);
    expect(String(item(again, JOBS, "JobAnswer").Text).replace(/\s+/g, " ")).toContain(`renders the 2 missing frames of job ${recorded.id}`);
    expect((await farm.waitForJob(list[0].id, 60_000)).status).toBe("succeeded");
    expect(readdirSync(renders).sort()).toEqual(frames);
  }, 180_000);
});
