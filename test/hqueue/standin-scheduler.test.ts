// The HQueue stand-in's scheduler: jobs run on fake clients, as the real server runs them (hqueue.md §3–8).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HQueueClient } from "../../src-node/hqueue/client";
import { startHQueueStandin, type HQueueStandin, type StandinOptions } from "../support/hqueue-standin";

const WAIT_MS = 10_000;
let standin: HQueueStandin | undefined;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "hq-standin-"));
});
afterEach(async () => {
  await standin?.close();
  standin = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: StandinOptions = {}): Promise<{ standin: HQueueStandin; client: HQueueClient }> {
  standin = await startHQueueStandin(options);
  return { standin, client: new HQueueClient(standin.url, { timeoutMs: 5000 }) };
}

/** Polls until `predicate` holds; fails with `what` after WAIT_MS. */
async function waitUntil(what: string, predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The process state letter from ps (R, S, T stopped, Z zombie…), or undefined when there is no such process. */
function processState(pid: number): string | undefined {
  try {
    return execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).trim().charAt(0) || undefined;
  } catch {
    return undefined; // ps exits 1 when the process does not exist
  }
}

/** A shell loop that waits (bounded) for a file to exist. */
function awaitFile(path: string): string {
  return `i=0; while [ ! -e '${path}' ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i+1)); done; [ -e '${path}' ]`;
}

describe("HQueue stand-in scheduler", () => {
  it("runs chunk children, then the parent's own command after all of them", async () => {
    const { standin, client } = await start();
    const [root] = await client.newjob({
      name: "Render -> shot.comp",
      command: `ls '${dir}' | grep -c '^chunk-'`,
      children: [1, 2, 3].map((n) => ({ name: `Render (Frames: ${n})`, command: `echo "chunk $JOBID of $ROOTJOBID"; touch '${dir}/chunk-${n}'` })),
    });
    const parent = await standin.waitForJob(root, WAIT_MS);
    expect(parent.status).toBe("succeeded");
    expect(parent.output.trim()).toBe("3"); // all three children had finished when the parent ran
    for (const id of parent.childIds) {
      const child = standin.jobs.get(id)!;
      expect(child.status).toBe("succeeded");
      expect(child.output).toBe(`chunk ${id} of ${root}\n`);
      expect(child.endTime!.getTime()).toBeLessThanOrEqual(parent.endTime!.getTime());
    }
    expect(await client.getJob(root, ["status", "progress"])).toEqual({ status: "succeeded", progress: 1 });
  });

  it("a parent without a command succeeds once its children have; conditions are not inherited", async () => {
    const { standin, client } = await start();
    const [root] = await client.newjob({
      name: "container",
      conditions: [{ type: "client", name: "group", op: "==", value: "NoSuchGroup" }],
      children: [{ name: "child", command: "echo ran" }],
    });
    const parent = await standin.waitForJob(root, WAIT_MS);
    expect(parent.status).toBe("succeeded");
    expect(standin.jobs.get(parent.childIds[0])?.output).toBe("ran\n");
  });

  it("a failing command fails with its output, and so does its parent", async () => {
    const { standin, client } = await start();
    const [root] = await client.newjob({ name: "p", children: [{ name: "bad", command: "echo about to fail; echo boom >&2; exit 3" }] });
    const parent = await standin.waitForJob(root, WAIT_MS);
    const childId = parent.childIds[0];
    expect(standin.jobs.get(childId)?.status).toBe("failed");
    expect(parent.status).toBe("failed");
    const output = await client.getJobOutput(childId);
    expect(output).toContain("about to fail\n");
    expect(output).toContain("boom\n");
    expect(output).toContain("status 3");
  });

  it("gives the command the HQueue environment and the job's own variables", async () => {
    const { standin, client } = await start({ hqRoot: { linux: "/mnt/farm" } });
    const [id] = await client.newjob({
      name: "env",
      command: 'echo "$HQROOT|$HQCLIENTARCH|$JOBID|$ROOTJOBID|$HQSERVER|$EXTRA"',
      environment: { EXTRA: "from spec" },
    });
    const job = await standin.waitForJob(id, WAIT_MS);
    expect(job.output).toBe(`/mnt/farm|linux-x86_64|${id}|${id}|${standin.url}|from spec\n`);
  });

  it("turns ALF_PROGRESS and PROGRESS: lines into progress", async () => {
    const { standin, client } = await start({ slotsPerClient: 2 });
    const go = join(dir, "go");
    const [root] = await client.newjob({
      name: "p",
      children: [
        { name: "alf", command: `echo 'ALF_PROGRESS 40%'; ${awaitFile(go)}` },
        { name: "hq", command: `echo 'PROGRESS: 1/4'; ${awaitFile(go)}` },
      ],
    });
    const [alf, hq] = standin.jobs.get(root)!.childIds;
    await waitUntil("both children report progress", () => standin.jobs.get(alf)!.progress > 0 && standin.jobs.get(hq)!.progress > 0);
    const states = await client.getJobs([alf, hq, root], ["status", "progress", "overallProgress"]);
    expect(states.map((s) => s.status)).toEqual(["running", "running", "running"]);
    // A job without a command has progress 0.0 (documented); overallProgress covers its descendants.
    expect(states.map((s) => s.progress)).toEqual([0.4, 0.25, 0]);
    expect(states.map((s) => s.overallProgress)).toEqual([0.4, 0.25, (0.4 + 0.25) / 2]);
    writeFileSync(go, "");
    expect((await standin.waitForJob(root, WAIT_MS)).status).toBe("succeeded");
    expect((await client.getJob(alf, ["progress"])).progress).toBe(1);
  });

  it("cancel kills the running command and cancels the subtree", async () => {
    const { standin, client } = await start();
    const pidFile = join(dir, "pid");
    const [root] = await client.newjob({
      name: "p",
      children: [
        { name: "long", command: `echo $$ > '${pidFile}'; exec sleep 30` },
        { name: "queued", command: "echo never" },
      ],
    });
    await waitUntil("the long job runs", () => existsSync(pidFile) && readFileSync(pidFile, "utf8").endsWith("\n"));
    const pid = Number(readFileSync(pidFile, "utf8"));
    await client.cancelJobs([root]);
    const [long, queued] = standin.jobs.get(root)!.childIds;
    expect(standin.jobs.get(root)?.status).toBe("cancelled");
    expect(standin.jobs.get(long)?.status).toBe("cancelled");
    expect(standin.jobs.get(queued)?.status).toBe("cancelled");
    // Gone, or killed and not yet reaped.
    await waitUntil(`process ${pid} is gone`, () => [undefined, "Z"].includes(processState(pid)));
    expect(await client.call("getJobIdsByStatus", [["cancelled"]])).toEqual([root, long, queued]);
  });

  it("paused jobs are not started; resumed ones are", async () => {
    const { standin, client } = await start();
    const [blocker] = await client.newjob({ name: "blocker", command: "exec sleep 30" });
    await waitUntil("the blocker runs", () => standin.jobs.get(blocker)!.status === "running");
    const [paused] = await client.newjob({ name: "paused", priority: 9, command: "echo resumed" });
    await client.pauseJobs([paused]);
    expect((await client.getJob(paused, ["status"])).status).toBe("paused");
    await client.cancelJobs([blocker]);
    // A later, lower-priority job gets the client: the paused one was passed over.
    const [later] = await client.newjob({ name: "later", priority: 0, command: "echo later" });
    expect((await standin.waitForJob(later, WAIT_MS)).status).toBe("succeeded");
    expect(standin.jobs.get(paused)).toMatchObject({ status: "paused", startTime: null });
    await client.resumeJobs([paused]);
    const resumed = await standin.waitForJob(paused, WAIT_MS);
    expect(resumed).toMatchObject({ status: "succeeded", output: "resumed\n" });
  });

  it("pausing a running job stops its process (SIGSTOP) until it is resumed (SIGCONT)", async () => {
    const { standin, client } = await start();
    const pidFile = join(dir, "pid");
    // exec: a single process that does not fork, so its state is simply sleeping or stopped.
    const [id] = await client.newjob({ name: "long", command: `echo $$ > '${pidFile}'; exec sleep 30` });
    await waitUntil("the job runs", () => existsSync(pidFile) && readFileSync(pidFile, "utf8").endsWith("\n"));
    const pid = Number(readFileSync(pidFile, "utf8"));
    await waitUntil("the shell has become sleep", () => processState(pid) === "S");
    await client.pauseJobs([id]);
    expect((await client.getJob(id, ["status"])).status).toBe("paused");
    await waitUntil("the process is stopped", () => processState(pid) === "T");
    await client.resumeJobs([id]);
    expect((await client.getJob(id, ["status"])).status).toBe("running");
    await waitUntil("the process runs again", () => processState(pid) === "S");
    await client.cancelJobs([id]);
    expect(standin.jobs.get(id)?.status).toBe("cancelled");
  });

  it("conditions choose the client (group ==, hostname any, os ==) and per-platform commands follow it", async () => {
    const { standin, client } = await start({
      clients: [
        { hostname: "lin-a", os: "linux", groups: ["A"] },
        { hostname: "lin-b", os: "linux", groups: ["B", "Fusion"] },
        { hostname: "mac-c", os: "macos", groups: ["A"] },
      ],
    });
    const command = { linux: "echo linux $HQCLIENTARCH", macosx: "echo macosx $HQCLIENTARCH", windows: "echo windows" };
    const ids = await client.newjob([
      { name: "group B", command, conditions: [{ type: "client", name: "group", op: "==", value: "B" }] },
      { name: "listed", command, conditions: [{ type: "client", name: "hostname", op: "any", value: "nobody mac-c" }] },
      {
        name: "linux in A",
        command,
        conditions: [
          { type: "client", name: "os", op: "==", value: "linux" },
          { type: "client", name: "group", op: "==", value: "A" },
        ],
      },
    ]);
    const jobs = await Promise.all(ids.map((id) => standin.waitForJob(id, WAIT_MS)));
    expect(jobs.map((j) => [j.clientHostname, j.output])).toEqual([
      ["lin-b", "linux linux-x86_64\n"],
      ["mac-c", "macosx macos-x86_64\n"],
      ["lin-a", "linux linux-x86_64\n"],
    ]);
    // No client matches (a group name with a stray space, pain point 7): the job waits for a machine.
    const [stuck] = await client.newjob({ name: "stuck", command: "true", conditions: [{ type: "client", name: "group", op: "==", value: "Fusion " }] });
    const [after] = await client.newjob({ name: "after", command: "true" });
    await standin.waitForJob(after, WAIT_MS);
    expect(standin.jobs.get(stuck)?.status).toBe("waiting for machine");
  });

  it("a Windows client fails a job with a shell like the real one, and records the Windows command", async () => {
    const { standin, client } = await start({ clients: [{ hostname: "win-01", os: "windows", groups: ["Fusion"] }] });
    const exe = '"C:\\Program Files\\Blackmagic Design\\Fusion Render Node 19\\FusionRenderNode.exe" "\\\\nas\\comp.comp" -render';
    const [withShell, withoutShell, dict] = await client.newjob([
      { name: "bash on windows", shell: "bash", command: exe },
      { name: "cmd", command: exe },
      { name: "dict", command: { linux: "echo no", windows: exe } },
    ]);
    const failed = await standin.waitForJob(withShell, WAIT_MS);
    expect(failed.status).toBe("failed");
    expect(failed.output).toBe("[WinError 2] The system cannot find the file specified\nERROR: Could not run command.\n");
    for (const id of [withoutShell, dict]) {
      const job = await standin.waitForJob(id, WAIT_MS);
      expect(job.status).toBe("failed");
      expect(job.windowsCommand).toBe(exe);
      expect(job.output).toContain("cannot run commands here");
    }
  });

  it("uses the spec's shell, and fails with 'Could not run command' when it does not exist", async () => {
    const { standin, client } = await start();
    const [bash, missing] = await client.newjob([
      { name: "bash", shell: "bash", command: 'echo "${BASH_VERSION:+bash}"' },
      { name: "missing", shell: "no-such-shell-xyz", command: "true" },
    ]);
    expect(await standin.waitForJob(bash, WAIT_MS)).toMatchObject({ status: "succeeded", output: "bash\n" });
    const job = await standin.waitForJob(missing, WAIT_MS);
    expect(job.status).toBe("failed");
    expect(job.output).toContain("ERROR: Could not run command.");
  });

  it("runs as many jobs at once as a client has slots", async () => {
    const { standin, client } = await start({ slotsPerClient: 2 });
    // Each job waits for the other's file: they can only both succeed when they run at the same time.
    const ids = await client.newjob(
      ["a", "b"].map((name) => ({ name, command: `touch '${dir}/${name}'; ${awaitFile(join(dir, name === "a" ? "b" : "a"))}` })),
    );
    const jobs = await Promise.all(ids.map((id) => standin.waitForJob(id, WAIT_MS)));
    expect(jobs.map((j) => j.status)).toEqual(["succeeded", "succeeded"]);
  });

  it("retries a failed job while triesLeft > 0", async () => {
    const { standin, client } = await start();
    const marker = join(dir, "tried");
    const [id] = await client.newjob({ name: "flaky", triesLeft: 1, command: `if [ -e '${marker}' ]; then echo second; else touch '${marker}'; echo first; exit 1; fi` });
    const job = await standin.waitForJob(id, WAIT_MS);
    expect(job.status).toBe("succeeded");
    expect(job.output).toMatch(/^first\n[^]*retrying[^]*second\n$/);
    expect(job.triesLeft).toBe(0);
  });

  it("deleteJobs removes the subtree; unknown ids fault", async () => {
    const { standin, client } = await start({ runJobs: false });
    const [root] = await client.newjob({ name: "p", children: [{ name: "c", command: "true" }] });
    const [child] = standin.jobs.get(root)!.childIds;
    await client.call("deleteJobs", [[root]]);
    expect(standin.jobs.has(root)).toBe(false);
    expect(standin.jobs.has(child)).toBe(false);
    await expect(client.getJob(child)).rejects.toMatchObject({ kind: "fault" });
  });

  it("serves the web UI: job list and job page", async () => {
    const { standin, client } = await start();
    const [id] = await client.newjob({ name: "Web <job>", command: "echo '<b>out</b>'" });
    await standin.waitForJob(id, WAIT_MS);
    const list = await fetch(`${standin.url}/`);
    expect(list.status).toBe(200);
    expect(await list.text()).toContain(`/jobs/view/${id}`);
    const page = await fetch(`${standin.url}/jobs/view/${id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Web &lt;job&gt;");
    expect(html).toContain("&lt;b&gt;out&lt;/b&gt;");
    expect((await fetch(`${standin.url}/jobs/view/${id + 1000}`)).status).toBe(404);
  });
});
