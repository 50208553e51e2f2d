/**
 * src-lua/helper-session.ts compiled by TypeScriptToLua and run by LuaJIT against a fake Host (test/lua/session-entry.ts):
 * the time limit, the start limit, the stop grace, and what a run that ended without a complete answer means.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ts from "typescript";
import * as tstl from "typescript-to-lua";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cmdParse, cmdSlashC } from "../support/cmd-model";

const repoRoot = path.resolve(__dirname, "../..");
type Outcome = Record<string, unknown> & { name: string };

describe("HelperSession under LuaJIT (fake clock and files)", () => {
  let dir = "";
  const results = new Map<string, Outcome>();

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "session-lua-"));
    const bundle = path.join(dir, "session.lua");
    const result = tstl.transpileProject(path.join(repoRoot, "test/lua/tsconfig.session.json"), { luaBundle: bundle, outDir: dir });
    const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0 || result.emitSkipped) {
      throw new Error(`tstl failed:\n${ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => repoRoot, getNewLine: () => "\n" })}`);
    }
    const run = spawnSync("luajit", [bundle], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`luajit failed: ${run.stderr}`);
    for (const line of run.stdout.split("\n").filter((l) => l !== "")) {
      const outcome = JSON.parse(line) as Outcome;
      results.set(outcome.name, outcome);
    }
  }, 60_000);

  afterAll(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  const get = (name: string): Outcome => {
    const found = results.get(name);
    if (found === undefined) throw new Error(`no scenario ${name}`);
    return found;
  };

  it("a submit that sent newjob and hangs: stopped at the limit (kill <pid>), then not confirmed, files removed", () => {
    const r = get("limit-after-sending");
    expect([r.first, r.before, r.atLimit, r.stateAtLimit]).toEqual([true, true, true, "stopping"]);
    expect(r.limit).toBe(40);
    expect(r.launched).toHaveLength(2);
    expect((r.launched as string[])[1]).toBe("kill 4321 >/dev/null 2>&1 &");
    expect(r.code).toBe("submit_unconfirmed");
    expect(r.message).toBe("The helper sent the job to the server but got no answer within 40 s, and was stopped. The job may or may not have been created.");
    expect(r.hint).toBe("Open http://hq:5000/ and look for the job before submitting again, so that it does not render twice.");
    expect(r.files).toBe(0);
  });

  it("a plan that hangs: its limit follows --timeout, and it ends as a timeout", () => {
    const r = get("limit-plan");
    expect(r.limit).toBe(19);
    expect(r.code).toBe("timeout");
    expect(r.message).toBe("The helper did not finish within 19 s and was stopped.");
    expect((r.launched as string[])[1]).toBe("kill 77 >/dev/null 2>&1 &");
  });

  it("no phase file after 20 s: the helper did not start (naming node), nothing to kill", () => {
    const r = get("not-started");
    expect(r.early).toBe(true);
    expect(r.field).toBe("(launch)");
    expect(r.message).toBe("The helper did not start (no sign of it after 20 s). It had not sent the job, so nothing was submitted; it is safe to submit again.");
    expect(get("not-started-plan").message).toBe("The helper did not start (no sign of it after 19 s).");
    expect(r.hint).toContain("/usr/bin/node");
    expect(r.launched).toHaveLength(1);
  });

  it("a stopped submit that is not seen to end may still send: not confirmed", () => {
    const r = get("stop-not-seen-to-end");
    expect(r.waiting).toBe(true);
    expect(r.code).toBe("submit_unconfirmed");
    expect(r.message).toContain("could not be seen to end: it may still send the job");
  });

  it("a submit stopped before sending and seen to end: nothing was submitted", () => {
    const r = get("stop-before-sending");
    expect(r.field).toBe("(stopped)");
    expect(r.message).toBe("Stopped. It had not sent the job, so nothing was submitted; it is safe to submit again.");
  });

  it("a complete answer is given once the exit marker is there, or 2 s later", () => {
    const r = get("answer-without-exit");
    expect([r.waiting, r.ok, r.command, r.state, r.files]).toEqual([true, true, "plan", "done", 0]);
  });

  it("a truncated answer after `answered 42`: not confirmed, naming the job and its page", () => {
    const r = get("truncated-answered");
    expect(r.code).toBe("submit_unconfirmed");
    expect(r.message).toBe("The helper stopped after it had sent the job to the server, before it could report the answer. The server created job 42.");
    expect(r.hint).toBe("Check it at http://hq:5000/jobs/view/42 before submitting again, so that it does not render twice.");
  });

  it("a phase line that is not a pid never reaches a kill command", () => {
    const r = get("bad-pid");
    expect(r.launched).toHaveLength(1);
    expect(r.field).toBe("(stopped)");
  });

  it("command lines: cmd.exe /s /c with quoted paths and redirections; sh with a subshell; kill lines", () => {
    const r = get("lines");
    const windows = r.windows as string;
    expect(windows.startsWith('cmd.exe /d /s /c "')).toBe(true);
    const inner = windows.slice('cmd.exe /d /s /c "'.length, -1);
    const [command, rest] = inner.split(" <NUL >");
    expect(rest).toBe('"C:\\T\\r.json.output" 2>&1 & echo exited>"C:\\T\\r.json.exited"');
    expect(cmdParse(cmdSlashC(`"${command}"`), { env: {}, delayedExpansion: false }).argv).toEqual(["C:\\Program Files\\nodejs\\node.exe", "C:\\a b\\h.js", "ping"]);
    expect(r.windowsBad).toBe("unsafe_path");
    expect(r.posix).toBe("( /usr/bin/node '/opt/it'\\''s/h.js' ping; echo exited > /tmp/r.json.exited ) </dev/null >/tmp/r.json.output 2>&1 &");
    expect(r.stopWindows).toBe('cmd.exe /d /s /c "taskkill /PID 123 /T /F >NUL 2>&1"');
    expect(r.stopPosix).toBe("kill 123 >/dev/null 2>&1 &");
    expect(r.stopBad).toBe("none");
  });
});
