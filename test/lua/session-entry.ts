/**
 * Entry of the LuaJIT bundle of test/lua/helper-session.test.ts: HelperSession (src-lua/helper-session.ts) against a
 * fake Host whose clock and files the scenarios control, so time limits, grace periods and what an ended run means
 * are checked without waiting. Prints one JSON line per scenario.
 */
import type { HelperResponse } from "../../types/request";
import { type HelperCall, HelperSession, backgroundCommandLine, stopCommandLine } from "../../src-lua/helper-session";
import type { Host } from "../../src-lua/host";
import { encodeJson } from "../../src-lua/json";

declare const io: { write(this: void, ...parts: string[]): void };

interface World {
  host: Host;
  files: Map<string, string>;
  launched: string[];
  advance(seconds: number): void;
}

function world(os: "Linux" | "Windows" = "Linux"): World {
  const files = new Map<string, string>();
  const launched: string[] = [];
  let clock = 1000;
  let token = 0;
  // Typed as Host parts so that TypeScriptToLua compiles them as methods (host:launchBackground(line) passes self).
  const host: Partial<Host> = {
    os,
    platform: os === "Windows" ? "windows" : "linux",
    tempDir: () => (os === "Windows" ? "C:\\Temp" : "/tmp"),
    uniqueToken: () => {
      token++;
      return "t" + tostring(token);
    },
    writeFile: (path: string, text: string) => {
      files.set(path, text);
      return true;
    },
    readFile: (path: string) => files.get(path),
    fileExists: (path: string) => files.has(path),
    removeFile: (path: string) => {
      files.delete(path);
    },
    launchBackground: (line: string) => {
      launched.push(line);
      return undefined;
    },
    now: () => clock,
    sleep: () => undefined,
  };
  return { host: host as Host, files, launched, advance: (seconds) => (clock = clock + seconds) };
}

const tools = { node: "/usr/bin/node", helper: "/opt/h/hqueue-helper.js" };
const submitCall: HelperCall = { command: "submit", request: { server: "hq:5000" } as never };
const planCall: HelperCall = { command: "plan", request: { server: "hq:5000" } as never, options: ["--server-roots", "--timeout", "3"] };

function outcome(name: string, w: World, session: HelperSession, answer: HelperResponse | undefined, extra: Record<string, unknown> = {}): void {
  const result: Record<string, unknown> = { name, state: session.state, launched: w.launched, files: w.files.size, limit: session.limitSeconds };
  if (answer !== undefined) {
    result.ok = answer.ok;
    if (!answer.ok) {
      result.code = answer.error.code;
      result.message = answer.error.message;
      result.hint = answer.error.hint ?? "";
      result.field = answer.error.field ?? "";
    } else result.command = answer.command;
  }
  for (const key in extra) result[key] = extra[key];
  io.write(encodeJson(result), "\n");
}

function started(w: World, session: HelperSession, lines: string): void {
  w.files.set(session.phasePath, lines);
}

// 1. A submit that sent newjob and then hangs: the limit stops it (kill <pid>), the exit shows, not confirmed.
{
  const w = world();
  const s = new HelperSession(w.host, tools, submitCall, "hq:5000");
  const first = s.launch();
  started(w, s, "started 4321\nsending\n");
  w.advance(s.limitSeconds - 1);
  const before = s.poll();
  w.advance(1);
  const atLimit = s.poll();
  const stateAtLimit = s.state;
  w.files.set(s.exitPath, "exited\n");
  outcome("limit-after-sending", w, s, s.poll(), { first: first === undefined, before: before === undefined, atLimit: atLimit === undefined, stateAtLimit });
}
// 2. A plan that hangs: limit 10 + 3 × 3 s; a timeout failure once it is gone.
{
  const w = world();
  const s = new HelperSession(w.host, tools, planCall, "hq:5000");
  s.launch();
  started(w, s, "started 77\n");
  w.advance(19);
  s.poll();
  w.files.set(s.exitPath, "exited\n");
  outcome("limit-plan", w, s, s.poll());
}
// 3. No sign of life: "did not start" after 20 s, nothing to kill; a plan (limit 19 s) says so at its limit.
{
  const w = world();
  const p = new HelperSession(w.host, tools, planCall, "hq:5000");
  p.launch();
  w.advance(19);
  const planAnswer = p.poll();
  io.write(encodeJson({ name: "not-started-plan", message: planAnswer !== undefined && !planAnswer.ok ? planAnswer.error.message : "" }), "\n");
}
{
  const w = world();
  const s = new HelperSession(w.host, tools, submitCall, "hq:5000");
  s.launch();
  w.advance(19);
  const early = s.poll();
  w.advance(1);
  outcome("not-started", w, s, s.poll(), { early: early === undefined });
}
// 4. Stopped (not sending yet) but never seen to end: a submit may still send → not confirmed.
{
  const w = world();
  const s = new HelperSession(w.host, tools, submitCall, "hq:5000");
  s.launch();
  started(w, s, "started 55\n");
  s.stop();
  w.advance(4);
  const waiting = s.poll();
  w.advance(1);
  outcome("stop-not-seen-to-end", w, s, s.poll(), { waiting: waiting === undefined });
}
// 5. Stopped before sending and seen to end: nothing was submitted.
{
  const w = world();
  const s = new HelperSession(w.host, tools, submitCall, "hq:5000");
  s.launch();
  started(w, s, "started 56\n");
  s.stop();
  w.files.set(s.exitPath, "exited\n");
  outcome("stop-before-sending", w, s, s.poll());
}
// 6. A complete answer: waits a moment for the exit marker, then gives it (even without the marker).
{
  const w = world();
  const s = new HelperSession(w.host, tools, planCall, "hq:5000");
  s.launch();
  started(w, s, "started 57\n");
  w.files.set(s.responsePath, '{"ok":true,"command":"plan","frameCount":1,"taskCount":1,"tasks":[],"warnings":[],"notes":[]}');
  const waiting = s.poll();
  w.advance(2);
  outcome("answer-without-exit", w, s, s.poll(), { waiting: waiting === undefined });
}
// 7. A truncated answer after `answered 42`: not confirmed, naming job 42 and its page.
{
  const w = world();
  const s = new HelperSession(w.host, tools, submitCall, "hq:5000");
  s.launch();
  started(w, s, "started 58\nsending\nanswered 42\n");
  w.files.set(s.responsePath, '{"ok":true,"command":"sub');
  w.files.set(s.exitPath, "exited\n");
  outcome("truncated-answered", w, s, s.poll());
}
// 8. A phase line that is not a pid is never put in a kill command line.
{
  const w = world();
  const s = new HelperSession(w.host, tools, planCall, "hq:5000");
  s.launch();
  started(w, s, "started 12; rm -rf /\n");
  s.stop();
  w.advance(5);
  outcome("bad-pid", w, s, s.poll());
}
// 9. Command lines.
{
  const w = world("Windows");
  const line = backgroundCommandLine("Windows", ["C:\\Program Files\\nodejs\\node.exe", "C:\\a b\\h.js", "ping"], "C:\\T\\r.json.exited", "C:\\T\\r.json.output");
  const bad = backgroundCommandLine("Windows", ["C:\\n!de\\node.exe", "h.js"], "x", "y");
  const posix = backgroundCommandLine("Linux", ["/usr/bin/node", "/opt/it's/h.js", "ping"], "/tmp/r.json.exited", "/tmp/r.json.output");
  io.write(
    encodeJson({
      name: "lines",
      windows: line.ok ? line.line : "",
      windowsBad: bad.ok ? "" : bad.error.code,
      posix: posix.ok ? posix.line : "",
      stopWindows: stopCommandLine("Windows", "123") ?? "",
      stopPosix: stopCommandLine("Linux", "123") ?? "",
      stopBad: stopCommandLine("Linux", "1 2") ?? "none",
      files: w.files.size,
    }),
    "\n",
  );
}
