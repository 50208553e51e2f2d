// The job folder at submit: the built helper against the HQueue stand-in (and the render-node stand-in for Linux).
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobSpec, SubmitRequest, SubmitResult } from "../../types/request";
import type { Manifest } from "../../src-node/core/job-package";
import { getPath, parseLuaValue } from "../../src-node/core/lua-table-parser";
import { type HQueueStandin, startHQueueStandin } from "../support/hqueue-standin";
import { makeRequest, type RequestOverrides } from "../support/requests";
import { repoRoot, runHelper, writeRequest } from "../support/run-helper";
import { startFaultyServer } from "../support/faulty-server";

const renderNode = join(repoRoot, "dist/dev/render-node/FusionRenderNode");
let standin: HQueueStandin;
let recorder: HQueueStandin;

beforeAll(async () => {
  standin = await startHQueueStandin({ port: 0 });
  recorder = await startHQueueStandin({ port: 0, runJobs: false });
});
afterAll(async () => {
  await standin?.close();
  await recorder?.close();
});

/** A fresh project holding e2e-basic.comp, and a request that renders it with the job folder (not in place). */
function project(over: RequestOverrides = {}, server = standin.url): { dir: string; compPath: string; request: SubmitRequest } {
  const dir = mkdtempSync(join(tmpdir(), "hq-jobfolder-"));
  const compPath = join(dir, "e2e-basic.comp");
  copyFileSync(join(repoRoot, "test/comps/e2e-basic.comp"), compPath);
  const request = makeRequest({
    server,
    ...over,
    comp: { path: compPath, savers: [{ name: "Saver1", enabled: true, path: join(dir, "render", "shot.0000.png"), rawPath: "Comp:render/shot.0000.png" }], ...over.comp },
    job: { inPlace: false, ...over.job },
    farm: { renderNode: { version: "19", paths: { linux: renderNode } }, ...over.farm },
  });
  return { dir, compPath, request };
}

function jobFolders(dir: string): string[] {
  const root = join(dir, "hqueue");
  return existsSync(root) ? readdirSync(root).map((n) => join(root, n)) : [];
}

function newjobsOn(server: HQueueStandin): number {
  return server.calls.filter((c) => c.method === "newjob").length;
}

describe("the job folder", () => {
  it("holds the snapshot, one copy per OS and the manifest; tasks render the copies; Windows copy names only Windows paths", async () => {
    const { dir, compPath, request } = project(
      { farm: { platforms: ["linux", "windows"], sharedRoots: [{ linux: "/", windows: "S:\\" }] } },
      recorder.url,
    );
    const original = readFileSync(compPath);
    const run = await runHelper(["submit", "--request", writeRequest(request), "--json"]);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const result = run.json as SubmitResult;
    const folders = jobFolders(dir);
    expect(folders).toHaveLength(1);
    const folder = folders[0];
    expect(result.jobFolder).toBe(folder);
    expect(folder).toMatch(/\/hqueue\/e2e-basic_\d{8}-\d{6}_[0-9a-f]{6}$/);
    expect(readdirSync(folder).sort()).toEqual([
      "e2e-basic.linux.comp", "e2e-basic.snapshot.comp", "e2e-basic.windows.comp", "manifest.json", "render-linux.sh", "render-windows.cmd",
    ]);
    expect(readFileSync(join(folder, "e2e-basic.snapshot.comp")).equals(original)).toBe(true);

    const linux = parseLuaValue(readFileSync(join(folder, "e2e-basic.linux.comp")));
    expect(getPath(linux, "Tools", "Saver1", "Inputs", "Clip", "Value", "Filename")).toBe(join(dir, "render/shot.0000.png"));
    const windowsText = readFileSync(join(folder, "e2e-basic.windows.comp"), "latin1");
    const windows = parseLuaValue(Buffer.from(windowsText, "latin1"));
    const winDir = "S:\\" + dir.slice(1).replace(/\//g, "\\");
    expect(getPath(windows, "Tools", "Saver1", "Inputs", "Clip", "Value", "Filename")).toBe(`${winDir}\\render\\shot.0000.png`);
    expect(getPath(windows, "Tools", "Disabled1", "Inputs", "Clip", "Value", "Filename")).toBe(`${winDir}\\render\\disabled.0000.exr`);
    expect(windowsText).not.toContain(dir); // no Linux spelling of the project left
    expect(windowsText).not.toMatch(/Comp:/i);

    const spec = recorder.calls.filter((c) => c.method === "newjob").at(-1)!.params[0] as JobSpec;
    const command = spec.children![0].command as Record<string, string>;
    const winFolder = `S:\\${folder.slice(1).replace(/\//g, "\\")}`;
    // Each task runs its OS's runner; each runner renders its OS's copy and checks its OS's spelling of the frames.
    expect(command.linux).toBe(`/bin/sh ${join(folder, "render-linux.sh")} 1 5 1`);
    expect(command.windows.replace(/"/g, "")).toBe(`${winFolder}\\render-windows.cmd 1 5 1`);
    const linuxRunner = readFileSync(join(folder, "render-linux.sh"), "utf8");
    expect(linuxRunner).toContain(join(folder, "e2e-basic.linux.comp"));
    expect(linuxRunner).toContain(join(dir, "render/shot."));
    const windowsRunner = readFileSync(join(folder, "render-windows.cmd"), "latin1").replace(/"/g, "");
    expect(windowsRunner).toContain(`${winFolder}\\e2e-basic.windows.comp`);
    expect(windowsRunner).toContain(`${winDir}\\render\\shot.`);
    expect(windowsRunner).not.toContain(dir);

    const manifest = JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8")) as Manifest;
    expect(manifest).toMatchObject({ kind: "kartalink.hqueue.job", state: "submitted", jobId: result.jobId, folder });
    expect(manifest.plan.tasks.map((t) => t.frames)).toEqual([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]);
    expect(manifest.plan.tasks[0].files).toEqual([1, 2, 3, 4, 5].map((f) => join(dir, `render/shot.${String(f).padStart(4, "0")}.png`)));
    expect(manifest.mapping.copyPaths).toEqual({ linux: join(folder, "e2e-basic.linux.comp"), windows: `${winFolder}\\e2e-basic.windows.comp` });
    expect(manifest.mapping.runnerPaths).toEqual({ linux: join(folder, "render-linux.sh"), windows: `${winFolder}\\render-windows.cmd` });
  });

  it("plan shows the job submit would send (runner lines, the same refusals) and writes nothing", async () => {
    const { dir, request } = project({ farm: { platforms: ["linux", "windows"], sharedRoots: [{ linux: "/", windows: "S:\\" }] } }, recorder.url);
    const run = await runHelper(["plan", "--request", writeRequest(request), "--json"]);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const plan = run.json as unknown as { spec: JobSpec; notes: string[] };
    const command = plan.spec.children![0].command as Record<string, string>;
    expect(command.linux).toMatch(new RegExp(`^/bin/sh ${dir}/hqueue/e2e-basic_\\d{8}-\\d{6}_xxxxxx/render-linux\\.sh 1 5 1$`));
    expect(plan.notes.some((n) => n.startsWith("Submit creates the job folder"))).toBe(true);
    expect(jobFolders(dir)).toEqual([]);

    const refused = project({ farm: { platforms: ["linux", "windows"], sharedRoots: [{ linux: "/nowhere", windows: "N:\\" }] }, job: { jobRoot: "/nowhere/jobs" } });
    const bad = await runHelper(["plan", "--request", writeRequest(refused.request), "--json"]);
    expect(bad.status).toBe(1);
    expect((bad.json as { error: { message: string } }).error.message).toContain("Saver Saver1 (for Windows clients)");
  });

  it("editing and saving the original comp after submit does not change what renders", async () => {
    const { dir, compPath, request } = project({ job: { paused: true } });
    const run = await runHelper(["submit", "--request", writeRequest(request), "--json"]);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const result = run.json as SubmitResult;
    // The artist renames the Saver's output and saves, while the job waits.
    writeFileSync(compPath, readFileSync(compPath, "utf8").replace("Comp:render/shot.0000.png", "Comp:render/edited.0000.png"));
    await fetchResume(result.jobId);
    const job = await standin.waitForJob(result.jobId, 30_000);
    expect(job.status).toBe("succeeded");
    const rendered = readdirSync(join(dir, "render")).sort();
    expect(rendered).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((f) => `shot.${String(f).padStart(4, "0")}.png`));
  }, 60_000);

  it("a task whose render leaves a frame unwritten fails listing it, and succeeds on its next try when it writes it", async () => {
    const { dir, request } = project({ job: { inPlace: false, framesPerTask: 0, tries: 2 } });
    // First run: the Render Node reports every frame but writes no file for frame 2; later runs write them all.
    const marker = join(dir, "first-run-done");
    const wrapper = join(dir, "render-node-once-short.sh");
    writeFileSync(wrapper, `#!/bin/sh\nif [ ! -e '${marker}' ]; then : > '${marker}'; FUSION_STANDIN_SKIP_FRAMES=2 exec '${renderNode}' "$@"; fi\nexec '${renderNode}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    request.farm.renderNode = { version: "19", paths: { linux: wrapper } };
    const run = await runHelper(["submit", "--request", writeRequest(request), "--json"]);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const result = run.json as SubmitResult;
    const job = await standin.waitForJob(result.jobId, 60_000);
    expect(job.status).toBe("succeeded");
    const task = standin.jobs.get(job.childIds[0])!;
    expect(task.output).toContain(`KartaLink: missing or empty: Saver1: ${join(dir, "render", "shot.0002.png")}`);
    expect(task.output).toContain("retrying");
    expect(readdirSync(join(dir, "render")).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((f) => `shot.${String(f).padStart(4, "0")}.png`));
  }, 60_000);

  it("refuses Savers outside every shared root when Windows clients take part, naming them; nothing is sent or left", async () => {
    const { dir, request } = project({ farm: { platforms: ["linux", "windows"], sharedRoots: [{ linux: "/nowhere", windows: "N:\\" }] } }, recorder.url);
    const before = newjobsOn(recorder);
    const run = await runHelper(["submit", "--request", writeRequest(request), "--json"]);
    expect(run.status).toBe(1);
    const error = (run.json as { error: { code: string; message: string; hint?: string } }).error;
    expect(error.code).toBe("path_unmapped");
    // The job folder is checked first: it is not under a root either.
    expect(error.message).toContain(join(dir, "hqueue"));
    // The fix names the field as the dialog shows it and as the command line spells it.
    expect(error.hint).toContain('Or set "Job folders in" (--job-root) to a folder under a shared root.');
    expect(newjobsOn(recorder)).toBe(before);
    expect(jobFolders(dir)).toEqual([]);

    const shared = project({ farm: { platforms: ["linux", "windows"], sharedRoots: [{ linux: "/nowhere", windows: "N:\\" }] }, job: { jobRoot: "/nowhere/jobs" } }, recorder.url);
    const saverRun = await runHelper(["submit", "--request", writeRequest(shared.request), "--json"]);
    const saverError = (saverRun.json as { error: { code: string; message: string } }).error;
    expect(saverError.code).toBe("path_unmapped");
    expect(saverError.message).toContain("Saver Saver1 (for Windows clients)");
    expect(saverError.message).not.toContain("Disabled1");
    expect(newjobsOn(recorder)).toBe(before);
  });

  it("an unwritable job folder fails before newjob, naming the folder", async () => {
    const { dir, request } = project({ job: { jobRoot: "" } }, recorder.url);
    const blocker = join(dir, "not-a-folder");
    writeFileSync(blocker, "");
    request.job.jobRoot = join(blocker, "jobs");
    const before = newjobsOn(recorder);
    const run = await runHelper(["submit", "--request", writeRequest(request), "--json"]);
    expect(run.status).toBe(1);
    const error = (run.json as { error: { message: string; hint?: string; field?: string } }).error;
    expect(error.message).toContain(join(blocker, "jobs", "e2e-basic_"));
    expect(error.field).toBe("job.jobRoot");
    expect(error.hint).toBe('set "Job folders in" (--job-root) to a folder on writable shared storage, or free space there');
    expect(error.message).toContain("Nothing was submitted");
    expect(newjobsOn(recorder)).toBe(before);
    chmodSync(blocker, 0o644);
  });

  it("a refused newjob leaves no job folder; a lost answer keeps it, marked unconfirmed", async () => {
    const refused = project({ job: { environment: { BAD: "\u0001" } } }, recorder.url);
    const run = await runHelper(["submit", "--request", writeRequest(refused.request), "--json"]);
    expect(run.status).toBe(1);
    expect(jobFolders(refused.dir)).toEqual([]);

    const server = await startFaultyServer({ methods: { newjob: { kind: "reset" } } });
    try {
      const lost = project({}, server.url);
      const lostRun = await runHelper(["submit", "--request", writeRequest(lost.request), "--json"]);
      expect(lostRun.status).toBe(1);
      expect((lostRun.json as { error: { code: string } }).error.code).toBe("submit_unconfirmed");
      const folders = jobFolders(lost.dir);
      expect(folders).toHaveLength(1);
      expect((JSON.parse(readFileSync(join(folders[0], "manifest.json"), "utf8")) as Manifest).state).toBe("unconfirmed");
    } finally {
      await server.close();
    }
  });
});

/** Resumes a job on the stand-in through XML-RPC (resumeJobs). */
async function fetchResume(id: number): Promise<void> {
  const body = `<?xml version="1.0"?><methodCall><methodName>resumeJobs</methodName><params><param><value><array><data><value><int>${id}</int></value></data></array></value></param></params></methodCall>`;
  const response = await fetch(`${standin.url}/RPC2`, { method: "POST", body, headers: { "Content-Type": "text/xml" } });
  expect(response.status).toBe(200);
}
