// The built helper, run as a separate process, against the HQueue stand-in on loopback; jobs really
// render with the Fusion Render Node stand-in and write frames.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobSpec, PlanResult, StatusResult, SubmitRequest, SubmitResult } from "../../types/request";
import { type HQueueStandin, startHQueueStandin } from "../support/hqueue-standin";
import { makeRequest, type RequestOverrides } from "../support/requests";
import { renderingRequest } from "../support/render-request";
import { helperPath, repoRoot, runHelper, writeRequest } from "../support/run-helper";

const renderNode = join(repoRoot, "dist/dev/render-node/FusionRenderNode");
let standin: HQueueStandin;
/** A second server that records jobs without running them, for checking job specs. */
let recorder: HQueueStandin;

beforeAll(async () => {
  standin = await startHQueueStandin({ port: 0 });
  recorder = await startHQueueStandin({ port: 0, runJobs: false });
});
afterAll(async () => {
  await standin?.close();
  await recorder?.close();
});

function newjobSpecs(): JobSpec[] {
  return recorder.calls.filter((c) => c.method === "newjob").map((c) => c.params[0] as JobSpec);
}

/** A request that really renders e2e-basic.comp (copied into a fresh project) with the render-node stand-in. */
function renderRequest(prefix: string, job: RequestOverrides["job"]): SubmitRequest {
  return renderingRequest(standin.url, prefix, job).request;
}

function childFrames(spec: JobSpec): string[] {
  return (spec.children ?? []).map((c) => c.name);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe("hqueue-helper ping", () => {
  it("answers ok against the stand-in", async () => {
    const run = await runHelper(["ping", "--server", standin.url, "--json"]);
    expect(run.status).toBe(0);
    expect(run.json).toMatchObject({ ok: true, command: "ping", server: standin.url });
  });

  it("reports an unreachable server with a clear error and exit 1", async () => {
    const port = await closedPort();
    const run = await runHelper(["ping", "--server", `127.0.0.1:${port}`, "--json"]);
    expect(run.status).toBe(1);
    expect(run.json).toMatchObject({ ok: false, error: { code: "unreachable" } });
    if (run.json && !run.json.ok) expect(run.json.error.message).toContain(`127.0.0.1:${port}`);
  });

  it("prints readable text without --json", async () => {
    const run = await runHelper(["ping", "--server", standin.url]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/answered in \d+ ms/);
  });
});

describe("hqueue-helper clients / groups", () => {
  it("lists the farm's clients with OS and groups, and the groups with their members", async () => {
    const farm = await startHQueueStandin({
      port: 0,
      runJobs: false,
      clients: [
        { hostname: "rn-win-01", os: "windows", groups: ["Fusion", "GPU"] },
        { hostname: "rn-lin-01", os: "linux", groups: ["Fusion"] },
      ],
    });
    try {
      const clients = await runHelper(["clients", "--server", farm.url, "--json"]);
      expect(clients.status).toBe(0);
      expect(clients.json).toMatchObject({
        ok: true,
        command: "clients",
        clients: [
          { hostname: "rn-lin-01", os: "linux", groups: ["Fusion"] },
          { hostname: "rn-win-01", os: "windows", groups: ["Fusion", "GPU"] },
        ],
      });
      const groups = await runHelper(["groups", "--server", farm.url, "--json"]);
      expect(groups.status).toBe(0);
      const list = (groups.json as { groups: { name: string; clients: number[] }[] }).groups;
      expect(list.map((g) => [g.name, g.clients.length])).toEqual([["Fusion", 2], ["GPU", 1]]);
      const human = await runHelper(["groups", "--server", farm.url]);
      expect(human.stdout).toMatch(/^Fusion\s+2 client\(s\)\s+rn-lin-01 rn-win-01$/m);
    } finally {
      await farm.close();
    }
  });
});

describe("frame chunking as sent to HQueue", () => {
  const cases: { name: string; frames: string; step?: number; perTask: number; expected: string[] }[] = [
    { name: "the old script's off-by-one: 1-5 by 3", frames: "1-5", perTask: 3, expected: ["Frames 1-3", "Frames 4-5"] },
    { name: "(frames+1) divisible by the chunk: 1-5 by 2", frames: "1-5", perTask: 2, expected: ["Frames 1-2", "Frames 3-4", "Frames 5"] },
    { name: "(frames+1) divisible by the chunk: 0-8 by 5", frames: "0-8", perTask: 5, expected: ["Frames 0-4", "Frames 5-8"] },
    { name: "a step > 1", frames: "1-10x2", perTask: 2, expected: ["Frames 1-3x2", "Frames 5-7x2", "Frames 9"] },
    { name: "a single frame", frames: "42", perTask: 10, expected: ["Frames 42"] },
    { name: "all frames in one task", frames: "1-100", perTask: 0, expected: ["Frames 1-100"] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const request = makeRequest({ server: recorder.url, job: { frames: { kind: "custom", set: c.frames }, framesPerTask: c.perTask } });
      const plan = await runHelper(["plan", "--request", writeRequest(request), "--json"]);
      expect(plan.status).toBe(0);
      expect((plan.json as PlanResult).tasks.map((t) => t.name)).toEqual(c.expected);
      const before = newjobSpecs().length;
      const submit = await runHelper(["submit", "--request", writeRequest(request), "--json"]);
      expect(submit.status).toBe(0);
      const specs = newjobSpecs();
      expect(specs.length).toBe(before + 1);
      expect(childFrames(specs[specs.length - 1])).toEqual(c.expected);
    });
  }

  it("uses the comp's render range and step", async () => {
    const request = makeRequest({ comp: { renderStart: 1, renderEnd: 9, step: 4 }, job: { framesPerTask: 2 } });
    const plan = await runHelper(["plan", "--request", writeRequest(request), "--json"]);
    const result = plan.json as PlanResult;
    expect(result.frameCount).toBe(3);
    expect(result.tasks.map((t) => t.runs)).toEqual([[{ start: 1, end: 5, step: 4 }], [{ start: 9, end: 9, step: 1 }]]);
    const linux = (result.spec.children?.[0].command as Record<string, string>).linux;
    expect(linux).toContain("-start 1 -end 5 -step 4");
  });
});

describe("commands per client OS", () => {
  it("writes cmd.exe commands for Windows and never asks a Windows client for bash", async () => {
    const request = makeRequest({
      comp: { path: "/mnt/hq/shots/sh010/comp/sh010.comp" },
      farm: {
        platforms: ["linux", "windows", "macosx"],
        sharedRoots: [{ linux: "/mnt/hq", windows: "\\\\fileserver\\hq", macosx: "/Volumes/hq" }],
      },
    });
    const run = await runHelper(["plan", "--request", writeRequest(request), "--json"]);
    expect(run.status).toBe(0);
    const spec = (run.json as PlanResult).spec;
    expect(JSON.stringify(spec)).not.toContain('"shell"');
    const command = spec.children![0].command as Record<string, string>;
    expect(command.windows).toContain('C:\\"Program Files\\Blackmagic Design\\Fusion Render Node 19\\FusionRenderNode.exe"');
    expect(command.windows).toContain('"\\\\fileserver\\hq\\shots\\sh010\\comp\\sh010.comp"');
    expect(command.windows).toContain("/render /start 1 /end 5 /step 1");
    expect(command.macosx).toContain("/Volumes/hq/shots/sh010/comp/sh010.comp");
    expect(command.macosx).toContain("-render -start 1 -end 5 -step 1");
    expect(command.linux).toContain("/opt/BlackmagicDesign/FusionRenderNode19/FusionRenderNode");
  });

  it("refuses a comp outside every shared root when other OSes must read it, before sending anything", async () => {
    const before = standin.calls.length;
    const request = makeRequest({ server: standin.url, comp: { path: "/home/artist/local.comp" }, farm: { platforms: ["linux", "windows"], sharedRoots: [{ linux: "/mnt/hq", windows: "H:\\" }] } });
    const run = await runHelper(["submit", "--request", writeRequest(request), "--json"]);
    expect(run.status).toBe(1);
    expect(run.json).toMatchObject({ ok: false, error: { code: "path_unmapped" } });
    expect(standin.calls.slice(before).some((c) => c.method === "newjob")).toBe(false);
  });
});

describe("Submit Last Saved Version", () => {
  it("plans with the Savers of the comp file on disk, not those of the modified comp in memory", async () => {
    const project = mkdtempSync(join(tmpdir(), "hq-saved-"));
    const compPath = join(project, "e2e-basic.comp");
    copyFileSync(join(repoRoot, "test/comps/e2e-basic.comp"), compPath);
    // In memory the artist switched Saver1 to a movie (unsaved); on disk it still writes a PNG sequence.
    const memory = makeRequest({
      comp: { path: compPath, modified: true, savers: [{ name: "Saver1", enabled: true, path: join(project, "render", "shot.mov"), rawPath: "Comp:render/shot.mov" }] },
      job: { frames: { kind: "custom", set: "1-10" }, framesPerTask: 5 },
    });
    const asShown = (await runHelper(["plan", "--request", writeRequest(memory), "--json"])).json as PlanResult;
    expect(asShown.taskCount).toBe(1);
    const saved = await runHelper(["plan", "--request", writeRequest({ ...memory, comp: { ...memory.comp, savedFileOnly: true } }), "--json"]);
    expect(saved.status, saved.stdout).toBe(0);
    const plan = saved.json as PlanResult;
    expect(plan.taskCount).toBe(2);
    expect(plan.notes.join(" ")).toContain("its Savers were read from the file on disk");
  });

  it("says so when the saved file cannot be read", async () => {
    const request = makeRequest({ comp: { path: "/nonexistent/shot.comp", modified: true, savedFileOnly: true } });
    const run = await runHelper(["plan", "--request", writeRequest(request), "--json"]);
    expect(run.json).toMatchObject({ ok: false, error: { code: "bad_comp", field: "comp.path" } });
  });
});

describe("shared roots the server knows", () => {
  for (const serverVersion of ["19.5", "legacy"] as const) {
    it(`are used when the request has none (${serverVersion === "19.5" ? "getNetworkFolders" : "getHQRoot"})`, async () => {
      const farmServer = await startHQueueStandin({
        port: 0,
        runJobs: false,
        serverVersion,
        hqRoot: { linux: "/mnt/hq", macosx: "/Volumes/hq", windows: "\\\\fileserver\\hq" },
      });
      try {
        const request = makeRequest({ server: farmServer.url, farm: { platforms: ["linux", "macosx", "windows"], sharedRoots: [] } });
        const run = await runHelper(["submit", "--request", writeRequest(request), "--json"]);
        expect(run.status, run.stdout).toBe(0);
        expect((run.json as SubmitResult).notes.join(" ")).toContain("Shared roots taken from the HQueue server");
        const spec = farmServer.calls.find((c) => c.method === "newjob")!.params[0] as JobSpec;
        const command = spec.children![0].command as Record<string, string>;
        expect(command.windows).toContain('"\\\\fileserver\\hq\\shots\\sh010\\comp\\sh010.comp"');
        expect(command.macosx).toContain("/Volumes/hq/shots/sh010/comp/sh010.comp");
      } finally {
        await farmServer.close();
      }
    });
  }
});

describe("client groups and clients named in the request", () => {
  it("must exist on the server: a typo is refused before anything is sent, with the names the server has", async () => {
    const before = recorder.calls.filter((c) => c.method === "newjob").length;
    const typo = makeRequest({ server: recorder.url, farm: { assign: { mode: "groups", names: ["Fusoin"] } } });
    const run = await runHelper(["submit", "--request", writeRequest(typo), "--json"]);
    expect(run.status).toBe(1);
    expect(run.json).toMatchObject({ ok: false, error: { code: "bad_request", field: "farm.assign.names" } });
    if (run.json && !run.json.ok) expect(run.json.error.hint).toContain("Fusion");
    expect(recorder.calls.filter((c) => c.method === "newjob").length).toBe(before);
    const right = await runHelper(["submit", "--request", writeRequest(makeRequest({ server: recorder.url, farm: { assign: { mode: "groups", names: ["Fusion"] } } })), "--json"]);
    expect(right.status).toBe(0);
  });
});

describe("e-mail reasons", () => {
  it("are checked against the server's status names, before anything is sent", async () => {
    const before = recorder.calls.filter((c) => c.method === "newjob").length;
    const request = makeRequest({ server: recorder.url, job: { emailTo: "comp@studio", emailReasons: ["succeeded", "exploded"] } });
    const run = await runHelper(["submit", "--request", writeRequest(request), "--json"]);
    expect(run.status).toBe(1);
    expect(run.json).toMatchObject({ ok: false, error: { code: "bad_request", field: "job.emailReasons" } });
    if (run.json && !run.json.ok) {
      expect(run.json.error.message).toContain('"exploded"');
      expect(run.json.error.hint).toContain("failed");
    }
    expect(recorder.calls.filter((c) => c.method === "newjob").length).toBe(before);
    const good = await runHelper(["submit", "--request", writeRequest({ ...request, job: { ...request.job, emailReasons: ["succeeded", "failed"] } }), "--json"]);
    expect(good.status).toBe(0);
  });
});

describe("submit → render → status, end to end", () => {
  it("renders exactly the requested frames with the Fusion Render Node stand-in", async () => {
    const project = mkdtempSync(join(tmpdir(), "hq-e2e-"));
    mkdirSync(join(project, "comp"));
    const compPath = join(project, "comp", "e2e-basic.comp");
    copyFileSync(join(repoRoot, "test/comps/e2e-basic.comp"), compPath);
    const request = makeRequest({
      server: standin.url,
      comp: {
        path: compPath,
        renderStart: 1,
        renderEnd: 10,
        savers: [
          { name: "Saver1", enabled: true, path: join(project, "comp", "render", "shot.0000.png"), rawPath: "Comp:render/shot.0000.png" },
          { name: "Disabled1", enabled: false, path: join(project, "comp", "render", "disabled.0000.exr") },
        ],
      },
      job: { frames: { kind: "custom", set: "1-7,9" }, framesPerTask: 3 },
      farm: { renderNode: { version: "19", paths: { linux: renderNode } } },
    });
    const submit = await runHelper(["submit", "--request", writeRequest(request), "--json"]);
    expect(submit.status).toBe(0);
    const result = submit.json as SubmitResult;
    expect(result).toMatchObject({ ok: true, frameCount: 8, taskCount: 4 });
    expect(result.url).toBe(`${standin.url}/jobs/view/${result.jobId}`);

    const watch = await runHelper(["watch", String(result.jobId), "--server", standin.url, "--interval", "0.1", "--json"], { timeoutMs: 30000 });
    expect(watch.status).toBe(0);
    const status = watch.json as StatusResult;
    expect(status.succeeded).toBe(true);
    expect(status.tasks.map((t) => t.name)).toEqual(["Frames 1-3", "Frames 4-6", "Frames 7", "Frames 9"]);
    expect(status.counts).toEqual({ succeeded: 4 });

    const written = readdirSync(join(project, "comp", "render")).sort();
    expect(written).toEqual(["shot.0001.png", "shot.0002.png", "shot.0003.png", "shot.0004.png", "shot.0005.png", "shot.0006.png", "shot.0007.png", "shot.0009.png"]);
    expect(existsSync(join(project, "comp", "render", "disabled.0001.exr"))).toBe(false);

    const firstTwo = await runHelper(["status", String(result.jobId), "--server", standin.url, "--max-tasks", "2", "--json"]);
    const limited = firstTwo.json as StatusResult;
    expect(limited.tasks.map((t) => t.name)).toEqual(["Frames 1-3", "Frames 4-6"]);
    expect(limited.taskCount).toBe(4);
    expect(limited.counts).toEqual({ succeeded: 4 });

    const log = await runHelper(["log", String(result.jobId), "--server", standin.url]);
    expect(log.status).toBe(0);
    expect(log.stdout).toContain("Rendered frame 9 (1 of 1)");
  });

  it("cancels a running job and its tasks", async () => {
    const request = renderRequest("hq-e2e-cancel-", { frames: { kind: "custom", set: "1-40" }, framesPerTask: 10, environment: { FUSION_STANDIN_FRAME_MS: "500" } });
    const submit = await runHelper(["submit", "--request", writeRequest(request), "--json"]);
    const id = (submit.json as SubmitResult).jobId;
    const cancel = await runHelper(["cancel", String(id), "--server", standin.url, "--json"]);
    expect(cancel.status).toBe(0);
    expect(cancel.json).toEqual({ ok: true, command: "cancel", jobId: id });
    const status = await runHelper(["status", String(id), "--server", standin.url, "--json"]);
    const s = status.json as StatusResult;
    expect(s.job.status).toBe("cancelled");
    expect(s.finished).toBe(true);
    expect(s.succeeded).toBe(false);
    expect(Object.keys(s.counts)).toEqual(["cancelled"]);
    const again = await runHelper(["cancel", String(id), "--server", standin.url, "--json"]);
    expect(again.status).toBe(0);
    expect(again.json).toEqual({ ok: true, command: "cancel", jobId: id, alreadyFinished: "cancelled" });
  });

  it("watch draws a progress bar in a terminal and prints plain lines otherwise", async () => {
    const request = renderRequest("hq-e2e-watch-", { frames: { kind: "custom", set: "1-6" }, framesPerTask: 2, environment: { FUSION_STANDIN_FRAME_MS: "100" } });
    const id = ((await runHelper(["submit", "--request", writeRequest(request), "--json"])).json as SubmitResult).jobId;
    const plain = await runHelper(["watch", String(id), "--server", standin.url, "--interval", "0.1"]);
    expect(plain.status).toBe(0);
    expect(plain.stdout).not.toContain("\r");
    expect(plain.stdout).toMatch(/^job \d+ succeeded 100% \(3\/3 tasks done\)$/m);

    // `script` gives the helper a pseudo-terminal, as an interactive shell would.
    const haveScript = spawnSync("script", ["--version"]).status === 0;
    if (!haveScript) return;
    // Asynchronous: the stand-in answers from this very process.
    const tty = await new Promise<{ status: number | null; stdout: string }>((done) => {
      const child = spawn("script", ["-qec", `${process.execPath} ${helperPath()} watch ${id} --server ${standin.url} --interval 0.1`, "/dev/null"]);
      let stdout = "";
      child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
      child.on("close", (status) => done({ status, stdout }));
    });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toContain("\r[##############################]");
  });

  it("reports a failed render as a failed job", async () => {
    const request = renderRequest("hq-e2e-fail-", { frames: { kind: "custom", set: "1-4" }, framesPerTask: 2, environment: { FUSION_STANDIN_FAIL_AT: "3" } });
    const submit = await runHelper(["submit", "--request", writeRequest(request), "--json"]);
    expect(submit.status).toBe(0);
    const id = (submit.json as SubmitResult).jobId;
    const watch = await runHelper(["watch", String(id), "--server", standin.url, "--interval", "0.1", "--json"], { timeoutMs: 30000 });
    expect(watch.status).toBe(1);
    const status = watch.json as StatusResult;
    expect(status.succeeded).toBe(false);
    expect(status.counts).toEqual({ succeeded: 1, failed: 1 });
  });
});

describe("errors", () => {
  it("submit to an unreachable server: clear error, exit 1, nothing submitted", async () => {
    const port = await closedPort();
    const run = await runHelper(["submit", "--request", writeRequest(makeRequest({ server: `127.0.0.1:${port}` })), "--json"]);
    expect(run.status).toBe(1);
    expect(run.json).toMatchObject({ ok: false, error: { code: "unreachable" } });
    if (run.json && !run.json.ok) expect(run.json.error.message).toContain("Nothing was submitted");
  });

  it("an XML-RPC fault from newjob is reported with the server's text", async () => {
    const server: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        const method = /<methodName>([^<]+)<\/methodName>/.exec(body)?.[1];
        res.writeHead(200, { "Content-Type": "text/xml" });
        if (method === "ping") {
          res.end("<?xml version='1.0'?><methodResponse><params><param><value><boolean>1</boolean></value></param></params></methodResponse>");
        } else {
          res.end(
            "<?xml version='1.0'?><methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member>" +
              "<member><name>faultString</name><value><string>&lt;class 'ValueError'&gt;:priority out of range</string></value></member></struct></value></fault></methodResponse>",
          );
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as { port: number }).port;
      const run = await runHelper(["submit", "--request", writeRequest(makeRequest({ server: `127.0.0.1:${port}` })), "--json"]);
      expect(run.status).toBe(1);
      expect(run.json).toMatchObject({ ok: false, error: { code: "fault" } });
      if (run.json && !run.json.ok) expect(run.json.error.message).toContain("priority out of range");
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("a job id the server does not know is not_found", async () => {
    const run = await runHelper(["status", "987654", "--server", standin.url, "--json"]);
    expect(run.status).toBe(1);
    expect(run.json).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("an invalid request names the field: in words for the artist, by path and option for a person at a terminal", async () => {
    const file = writeRequest(makeRequest({ job: { priority: 99 } }));
    const run = await runHelper(["plan", "--request", file, "--json"]);
    expect(run.status).toBe(1);
    expect(run.json).toEqual({ ok: false, error: { code: "bad_request", field: "job.priority", message: "Priority must be from 0 to 10, got 99." } });
    const human = await runHelper(["plan", "--request", file]);
    expect(human.status).toBe(1);
    expect(human.stdout).toBe("");
    expect(human.stderr).toBe("error: Priority must be from 0 to 10, got 99.\n(request field job.priority, option --priority)\n");
  });

  it("--json output is exactly one JSON document, even for --help and a misplaced option", async () => {
    const help = await runHelper(["status", "--help", "--json"]);
    expect(help.status).toBe(0);
    expect(help.json).toMatchObject({ ok: true, command: "help" });
    expect((help.json as { text: string }).text).toContain("usage: hqueue-helper status JOB_ID");
    const misplaced = await runHelper(["--json", "status", "1"]);
    expect(misplaced.status).toBe(2);
    expect(misplaced.json).toMatchObject({ ok: false, error: { code: "usage" } });
    if (misplaced.json && !misplaced.json.ok) expect(misplaced.json.error.hint).toContain("the command comes first");
  });

  it("refuses to submit when the response file cannot be written, before anything is sent", async () => {
    const before = recorder.calls.filter((c) => c.method === "newjob").length;
    const run = await runHelper(["submit", "--request", writeRequest(makeRequest({ server: recorder.url })), "--json", "--response-file", "/nonexistent/dir/answer.json"]);
    expect(run.status).toBe(2);
    expect(run.json).toMatchObject({ ok: false, error: { code: "usage" } });
    expect(recorder.calls.filter((c) => c.method === "newjob").length).toBe(before);
  });

  it("a bad server address inside a request file is a bad request, not wrong usage", async () => {
    const run = await runHelper(["plan", "--request", writeRequest(makeRequest({ server: "hq server:5000" })), "--server-roots", "--json"]);
    const submit = await runHelper(["submit", "--request", writeRequest(makeRequest({ server: "hq server:5000" })), "--json"]);
    expect(submit.status).toBe(1);
    expect(submit.json).toMatchObject({ ok: false, error: { code: "bad_request", field: "server" } });
    expect(run.status).toBe(0);
  });

  it("wrong usage exits 2", async () => {
    const run = await runHelper(["plan", "--no-such-option", "--json"]);
    expect(run.status).toBe(2);
    expect(run.json).toMatchObject({ ok: false, error: { code: "usage" } });
  });
});
