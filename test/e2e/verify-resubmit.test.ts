// verify and resubmit --missing, end to end: the built helper, the HQueue stand-in and the render-node stand-in.
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResubmitResult, SubmitResult, VerifyResult } from "../../types/request";
import { type HQueueStandin, startHQueueStandin } from "../support/hqueue-standin";
import { makeRequest } from "../support/requests";
import { repoRoot, runHelper, writeRequest } from "../support/run-helper";

const renderNode = join(repoRoot, "dist/dev/render-node/FusionRenderNode");
let standin: HQueueStandin;

beforeAll(async () => {
  standin = await startHQueueStandin({ port: 0 });
});
afterAll(async () => {
  await standin?.close();
});

const frameFile = (f: number) => `shot.${String(f).padStart(4, "0")}.png`;

describe("verify and resubmit --missing", () => {
  it("a finished job verifies complete; two deleted frames are listed exactly and resubmit renders exactly those", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hq-verify-"));
    const compPath = join(dir, "e2e-basic.comp");
    copyFileSync(join(repoRoot, "test/comps/e2e-basic.comp"), compPath);
    const record = join(dir, "render-node-runs.jsonl");
    const request = makeRequest({
      server: standin.url,
      comp: { path: compPath, savers: [{ name: "Saver1", enabled: true, path: join(dir, "render", "shot.0000.png"), rawPath: "Comp:render/shot.0000.png" }] },
      job: { inPlace: false, environment: { FUSION_STANDIN_RECORD: record } },
      farm: { renderNode: { version: "19", paths: { linux: renderNode } } },
    });
    const submit = await runHelper(["submit", "--request", writeRequest(request), "--json"]);
    expect(submit.status, submit.stdout + submit.stderr).toBe(0);
    const submitted = submit.json as SubmitResult;
    expect((await standin.waitForJob(submitted.jobId, 60_000)).status).toBe("succeeded");
    const folder = submitted.jobFolder!;

    const complete = await runHelper(["verify", folder, "--json"]);
    expect(complete.status, complete.stdout).toBe(0);
    expect(complete.json).toMatchObject({ ok: true, command: "verify", complete: true, missingFrames: [], frameCount: 10, jobId: submitted.jobId });

    rmSync(join(dir, "render", frameFile(3)));
    writeFileSync(join(dir, "render", frameFile(7)), ""); // an empty file is no frame either
    const byId = await runHelper(["verify", String(submitted.jobId), "--json"]);
    expect(byId.status).toBe(1);
    const report = byId.json as VerifyResult;
    expect(report.missingFrames).toEqual([3, 7]);
    expect(report.savers).toEqual([
      {
        saver: "Saver1",
        path: join(dir, "render", "shot.0000.png"),
        movie: false,
        expected: 10,
        problems: [
          { frame: 3, file: join(dir, "render", frameFile(3)), state: "missing" },
          { frame: 7, file: join(dir, "render", frameFile(7)), state: "empty" },
        ],
      },
    ]);
    const human = await runHelper(["verify", folder]);
    expect(human.stdout).toContain("Saver1: 2 of 10 file(s) missing or empty");
    expect(human.stdout).toContain(`frame 3: missing  ${join(dir, "render", frameFile(3))}`);

    // The artist edits the original comp meanwhile: the resubmit still renders the job folder's copy.
    writeFileSync(compPath, readFileSync(compPath, "utf8").replace("Comp:render/shot.0000.png", "Comp:render/edited.0000.png"));
    const runsBefore = readFileSync(record, "utf8").trim().split("\n").length;
    const resubmit = await runHelper(["resubmit", folder, "--missing", "--json"]);
    expect(resubmit.status, resubmit.stdout + resubmit.stderr).toBe(0);
    const again = resubmit.json as ResubmitResult;
    expect(again).toMatchObject({ ok: true, command: "resubmit", frames: [3, 7], taskCount: 1 });
    expect((await standin.waitForJob(again.jobId!, 60_000)).status).toBe("succeeded");
    const runs = readFileSync(record, "utf8").trim().split("\n").slice(runsBefore).map((l) => JSON.parse(l) as { argv: string[] });
    // Exactly frames 3 and 7, whatever runs they were grouped in (3-7 by 4 is one run).
    const rendered = runs.flatMap((r) => {
      const arg = (flag: string) => Number(r.argv[r.argv.indexOf(flag) + 1]);
      const frames: number[] = [];
      for (let f = arg("-start"); f <= arg("-end"); f += arg("-step")) frames.push(f);
      return frames;
    });
    expect(rendered.sort((a, b) => a - b)).toEqual([3, 7]);
    expect(runs.every((r) => r.argv.includes(join(folder, "e2e-basic.linux.comp")))).toBe(true);
    expect(readdirSync(join(dir, "render")).filter((f) => f.startsWith("edited"))).toEqual([]);
    expect(readdirSync(folder)).toContain(`resubmit-${again.jobId}.json`);

    const after = await runHelper(["verify", folder, "--json"]);
    expect(after.status).toBe(0);
    expect((after.json as VerifyResult).complete).toBe(true);
    const nothing = await runHelper(["resubmit", folder, "--missing", "--json"]);
    expect(nothing.json).toMatchObject({ ok: true, frames: [], taskCount: 0 });
  }, 120_000);

  it("refuses what is not a job folder, an unknown job id, and resubmit without --missing", async () => {
    const empty = mkdtempSync(join(tmpdir(), "hq-notjob-"));
    const notJob = await runHelper(["verify", empty, "--json"]);
    expect(notJob.status).toBe(1);
    expect((notJob.json as { error: { message: string } }).error.message).toContain("has no manifest.json");
    const unknown = await runHelper(["verify", "987654", "--json"]);
    expect(unknown.status).toBe(2);
    const noFlag = await runHelper(["resubmit", empty, "--json"]);
    expect(noFlag.status).toBe(2);
  });
});
