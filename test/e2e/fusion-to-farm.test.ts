// The whole product as an artist uses it: the BUILT comp script, run from the assembled Reactor atom tree
// under LuaJIT in the Fusion stand-in, finds and runs the BUILT helper with node, which submits to the HQueue
// stand-in; the farm renders with the Fusion Render Node stand-in; the monitor window follows the job.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFusionStandin, type StandinAction, type Transcript } from "../support/fusion-standin";
import { type HQueueStandin, startHQueueStandin } from "../support/hqueue-standin";
import { repoRoot } from "../support/run-helper";

const atom = join(repoRoot, "dist/Reactor/Atoms/com.AndrewHazelden.KartaLink.HQueueRender");
const script = join(atom, "Scripts/Comp/KartaLink/HQueue Render.lua");
const renderNode = join(repoRoot, "dist/dev/render-node/FusionRenderNode");
const MAIN = "KartaLinkHQueueRender";
const MONITOR = "KartaLinkHQueueMonitor";

let farm: HQueueStandin;
beforeAll(async () => {
  farm = await startHQueueStandin({ port: 0, clients: [{ hostname: "rn-linux-01", os: "linux", groups: ["Fusion"] }, { hostname: "rn-linux-02", os: "linux", groups: ["Fusion"] }] });
});
afterAll(async () => {
  await farm?.close();
});

function project(): { comp: string; renders: string } {
  const dir = mkdtempSync(join(tmpdir(), "fusion-to-farm-"));
  mkdirSync(join(dir, "sh020"));
  const comp = join(dir, "sh020", "sh020.comp");
  copyFileSync(join(repoRoot, "test/comps/e2e-basic.comp"), comp);
  return { comp, renders: join(dir, "sh020", "render") };
}

function item(t: Transcript, window: string, id: string): Record<string, unknown> {
  const w = t.windows.find((x) => x.id === window);
  if (!w) throw new Error(`no window ${window}; windows: ${t.windows.map((x) => x.id).join(", ")}`);
  return w.items[id] as Record<string, unknown>;
}

function artist(compPath: string, actions: StandinAction[]): Promise<Transcript> {
  return runFusionStandin({ script, platform: "Linux", comp: { file: compPath, fileName: compPath, modified: false }, actions });
}

describe("Fusion → helper → HQueue → render nodes", () => {
  it("submits from the dialog, renders exactly the chosen frames, and the monitor shows the finished job", async () => {
    const { comp, renders } = project();
    const before = farm.calls.filter((c) => c.method === "newjob").length;
    const t = await artist(comp, [
      { do: "set", id: "Server", prop: "Text", value: farm.url },
      { do: "set", id: "FrameSource", prop: "CurrentIndex", value: 2 },
      { do: "set", id: "CustomFrames", prop: "Text", value: "2-8x3,10" },
      { do: "set", id: "FramesPerTask", prop: "Value", value: 2 },
      { do: "set", id: "AssignMode", prop: "CurrentIndex", value: 2 },
      { do: "set", id: "AssignNames", prop: "Text", value: "Fusion" },
      { do: "click", id: "ShowAdvanced" }, // the per-OS Render Node paths show with the advanced options
      { do: "set", id: "RenderNodeLinux", prop: "Text", value: renderNode },
      { do: "click", id: "Submit" },
      { do: "timers", maxTicks: 300, sleepMs: 100 },
      { do: "close" },
    ]);
    expect(t.error).toBeNull();
    const newjobs = farm.calls.filter((c) => c.method === "newjob");
    expect(newjobs.length).toBe(before + 1);

    const overall = String(item(t, MONITOR, "Overall").Text);
    expect(overall).toContain("Job succeeded, 100%");
    const rows = (item(t, MONITOR, "TaskTree") as { rows: string[][] }).rows;
    expect(rows).toEqual([
      ["Frames 2-5x3", "succeeded", "100%"],
      ["Frames 8", "succeeded", "100%"],
      ["Frames 10", "succeeded", "100%"],
    ]);
    expect(readdirSync(renders).sort()).toEqual(["shot.0002.png", "shot.0005.png", "shot.0008.png", "shot.0010.png"]);

    const spec = newjobs[newjobs.length - 1].params[0] as { children: { conditions: unknown[] }[] };
    expect(spec.children[0].conditions).toEqual([
      { type: "client", name: "group", op: "==", value: "Fusion" },
      { type: "client", name: "os", op: "==", value: "linux" },
    ]);
    // The settings went into the comp's data for next time.
    const stored = (t.compData as { KartaLink?: { HQueueRender?: { last?: { customFrames?: string } } } }).KartaLink?.HQueueRender?.last;
    expect(stored?.customFrames).toBe("2-8x3,10");
  });

  it("Cancel Job in the monitor cancels the job on the farm; the frames not yet rendered are never written", async () => {
    const { comp, renders } = project();
    const t = await artist(comp, [
      { do: "set", id: "Server", prop: "Text", value: farm.url },
      { do: "set", id: "FramesPerTask", prop: "Value", value: 5 },
      { do: "click", id: "ShowAdvanced" }, // the per-OS Render Node paths show with the advanced options
      { do: "set", id: "RenderNodeLinux", prop: "Text", value: renderNode },
      { do: "set", id: "Environment", prop: "PlainText", value: "FUSION_STANDIN_FRAME_MS=400" },
      { do: "click", id: "Submit" },
      { do: "click", id: "CancelJob", window: MONITOR },
      { do: "click", id: "ConfirmCancelJob" },
      { do: "close", window: MONITOR },
    ]);
    expect(t.error).toBeNull();
    expect(String(item(t, MONITOR, "MonitorStatus").Text)).toContain("was cancelled");
    const parents = [...farm.jobs.values()].filter((j) => j.parentId === null);
    const job = parents[parents.length - 1];
    expect(job.status).toBe("cancelled");
    for (const id of job.childIds) {
      expect(farm.jobs.get(id)!.status).toBe("cancelled");
      expect(farm.jobs.get(id)!.environment).toEqual({ FUSION_STANDIN_FRAME_MS: "400" });
    }
    // 10 frames at 400 ms each cannot all have rendered before the cancel.
    const written = existsSync(renders) ? readdirSync(renders).length : 0;
    expect(written).toBeLessThan(10);
  });

  it("refuses an unsaved comp before anything reaches the farm", async () => {
    const { comp } = project();
    const before = farm.calls.length;
    const t = await runFusionStandin({ script, platform: "Linux", comp: { file: comp, fileName: "" }, actions: [] });
    expect(t.error).toBeNull();
    expect(t.windows.some((w) => w.id === MAIN)).toBe(false);
    const message = t.windows.find((w) => w.id.startsWith("KartaLinkHQueueMessage"));
    expect(String((message?.items.MessageText as { Text?: string })?.Text)).toMatch(/save/i);
    expect(t.executed).toEqual([]);
    expect(farm.calls.length).toBe(before);
  });
});
