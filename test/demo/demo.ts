/**
 * `npm run demo`: the whole product, end to end, on this machine.
 *
 *   HQueue stand-in (127.0.0.1)  ←  hqueue-helper.js (plain node)  ←  HQueue Render.lua (LuaJIT, Fusion stand-in)
 *        │ runs each task's linux command
 *        ▼
 *   Fusion Render Node stand-in → writes the frames the comp's Saver would write
 *
 * The comp script runs from the assembled Reactor atom tree, so it finds the helper the way an installed copy does.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runFusionStandin } from "../support/fusion-standin";
import { startHQueueStandin } from "../support/hqueue-standin";

const root = resolve(__dirname, "../..");
const atom = join(root, "dist/Reactor/Atoms/com.AndrewHazelden.KartaLink.HQueueRender");
const script = join(atom, "Scripts/Comp/KartaLink/HQueue Render.lua");
const renderNode = join(root, "dist/dev/render-node/FusionRenderNode");

function say(text = ""): void {
  process.stdout.write(`${text}\n`);
}

async function main(): Promise<number> {
  if (spawnSync("luajit", ["-v"]).status !== 0) {
    say("The demo runs the comp script under LuaJIT, as Fusion does, and luajit is not installed.");
    say("Install it (Debian/Ubuntu: sudo apt-get install -y luajit; macOS: brew install luajit) and run npm run demo again.");
    return 1;
  }
  const standin = await startHQueueStandin({ port: 0, clients: [{ hostname: "demo-linux-01", os: "linux", groups: ["Fusion"] }] });
  try {
    const project = mkdtempSync(join(tmpdir(), "kartalink-demo-"));
    mkdirSync(join(project, "shots", "sh010"), { recursive: true });
    const comp = join(project, "shots", "sh010", "sh010.comp");
    copyFileSync(join(root, "test/comps/e2e-basic.comp"), comp);

    say(`HQueue stand-in:   ${standin.url}  (one Linux client, group "Fusion")`);
    say(`Comp:              ${comp}  (render range 1-10, Saver1 → Comp:render/shot.0000.png)`);
    say(`Comp script:       ${script}`);
    say("");
    say("Fusion: Script > KartaLink > HQueue Render … the artist sets the server, 3 frames per task (client OS: this machine's, Linux),");
    say("        the render node path, and presses Submit; the monitor window follows the job.");

    const transcript = await runFusionStandin({
      script,
      platform: "Linux",
      comp: { file: comp, fileName: comp, modified: false },
      actions: [
        { do: "set", id: "Server", prop: "Text", value: standin.url },
        { do: "set", id: "FramesPerTask", prop: "Value", value: 3 },
        { do: "click", id: "ShowAdvanced" }, // the per-OS Render Node paths show with the advanced options
        { do: "set", id: "RenderNodeLinux", prop: "Text", value: renderNode },
        { do: "click", id: "Submit" },
        { do: "timers", maxTicks: 200, sleepMs: 150 },
        { do: "close" },
      ],
    });
    const text = (window: string, id: string): string => {
      const item = transcript.windows.find((w) => w.id === window)?.items[id] as { Text?: string } | undefined;
      return String(item?.Text ?? "").replace(/\s+/g, " ").trim();
    };
    say("");
    say("What the artist saw:");
    say(`  dialog:  ${text("KartaLinkHQueueRender", "FramesSummary")}`);
    say(`  monitor: ${text("KartaLinkHQueueMonitor", "JobTitle")}`);
    say(`           ${text("KartaLinkHQueueMonitor", "Overall")}`);
    say("Fusion console:");
    for (const line of transcript.console) say(`  ${line}`);
    if (transcript.error) {
      say(`The comp script failed: ${transcript.error}`);
      return 1;
    }
    const jobs = [...standin.jobs.values()].filter((j) => j.parentId === null);
    if (jobs.length !== 1) {
      say(`Expected one submitted job, the stand-in has ${jobs.length}.`);
      return 1;
    }
    const job = await standin.waitForJob(jobs[0].id, 60_000);
    say("");
    say(`Job ${job.id} "${job.name}": ${job.status}`);
    for (const childId of job.childIds) {
      const child = standin.jobs.get(childId)!;
      say(`  task ${child.id}  ${child.name.padEnd(14)} ${child.status}`);
    }
    const renderDir = join(project, "shots", "sh010", "render");
    const frames = readdirSync(renderDir).sort();
    say("");
    say(`Frames written to ${renderDir}:`);
    say(`  ${frames.join("  ")}`);
    const expected = Array.from({ length: 10 }, (_, i) => `shot.${String(i + 1).padStart(4, "0")}.png`);
    const exact = frames.length === expected.length && frames.every((f, i) => f === expected[i]);
    say(exact ? "All 10 frames of the render range, no more, no less." : `Expected ${expected.join(" ")}`);

    // The job folder the helper made before sending: what the farm rendered, and the proof that it did.
    const jobRoot = join(project, "shots", "sh010", "hqueue");
    const folders = readdirSync(jobRoot).map((name) => join(jobRoot, name));
    say("");
    say(`Job folder: ${folders[0]}`);
    for (const name of readdirSync(folders[0]).sort()) say(`  ${name}`);
    const first = standin.jobs.get(job.childIds[0])!;
    const command = typeof first.command === "string" ? first.command : (first.command?.linux ?? "");
    say(`Each task runs one line: ${command}`);
    const verify = spawnSync(process.execPath, [join(root, "dist/build/hqueue-helper.js"), "verify", folders[0]], { encoding: "utf8" });
    say("");
    say("hqueue-helper verify <job folder>:");
    for (const line of (verify.stdout + verify.stderr).trim().split("\n")) say(`  ${line}`);
    return job.status === "succeeded" && exact && verify.status === 0 ? 0 : 1;
  } finally {
    await standin.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`demo failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
