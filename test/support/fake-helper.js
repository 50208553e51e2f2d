// A stand-in for hqueue-helper.js in comp-script dialog tests: it records every call (argv and the request
// document it was given) and answers canned JSON, so the dialog can be driven without an HQueue server.
// The real helper is exercised by the end-to-end tests.
//
// Use: a test writes a small wrapper script in its temp folder and points KARTALINK_HQUEUE_HELPER at it:
//   require("<repo>/test/support/fake-helper.js").main({ log: "<dir>/calls.jsonl", responses: { plan: {...} } })
// `responses[command]` is one response, or a list used in order (the last one repeats).
// Calls are appended to `log` as JSON lines: { command, argv, positionals, options, request }.
// Background-run contract (contract-8) and misbehaviour knobs: as test/lua/fake-helper.lua (phase file
// `started <pid>` / `sending` / `answered <id>`; delays, die, truncate, noPhase).
"use strict";
const fs = require("node:fs");

const DEFAULTS = {
  plan: { ok: true, command: "plan", frameCount: 10, taskCount: 1, tasks: [], warnings: [], notes: [], spec: { name: "fake" } },
  submit: {
    ok: true,
    command: "submit",
    jobId: 42,
    url: "http://localhost:5000/jobs/view/42",
    frameCount: 10,
    taskCount: 1,
    paused: false,
    warnings: [],
    notes: [],
  },
  ping: { ok: true, command: "ping", server: "http://localhost:5000", milliseconds: 3 },
  clients: { ok: true, command: "clients", clients: [] },
  groups: { ok: true, command: "groups", groups: [] },
  status: {
    ok: true,
    command: "status",
    job: { id: 42, name: "fake", status: "succeeded", progress: 1 },
    tasks: [],
    counts: {},
    finished: true,
    succeeded: true,
    url: "http://localhost:5000/jobs/view/42",
  },
  cancel: { ok: true, command: "cancel", jobId: 42 },
  // After Submit (issue 12, render package): what the Jobs view and the monitor ask.
  resume: { ok: true, command: "resume", jobId: 42, status: "waiting for machine", warnings: [] },
  pause: { ok: true, command: "pause", jobId: 42, status: "paused", warnings: [] },
  retry: {
    ok: true,
    command: "retry",
    jobId: 42,
    method: "rescheduled",
    tasks: [{ id: 44, name: "Frames 1-5", status: "failed" }],
    frames: "1-5",
    url: "http://localhost:5000/jobs/view/42",
    warnings: [],
  },
  log: { ok: true, command: "log", jobId: 42, output: "", tasks: [], failedTaskIds: [] },
  jobs: { ok: true, command: "jobs", jobs: [], user: "artist", scanned: 0, more: false, notes: [] },
  resubmit: {
    ok: true,
    command: "resubmit",
    jobFolder: "/tmp/hqueue/job",
    jobId: 43,
    url: "http://localhost:5000/jobs/view/43",
    frames: [3, 7],
    taskCount: 2,
    paused: false,
    warnings: [],
    notes: [],
  },
};

function parseArgs(argv) {
  const positionals = [];
  const options = {};
  let command;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith("--")) {
      const name = arg.slice(2);
      const next = argv[i + 1];
      if (name === "json" || name === "server-roots" || name === "missing" || name === "paused" || name === "server-clients") options[name] = true;
      else {
        options[name] = next;
        i++;
      }
    } else if (command === undefined) command = arg;
    else positionals.push(arg);
  }
  return { command, positionals, options };
}

function pick(responses, command, index) {
  const configured = responses && responses[command];
  if (configured === undefined) {
    return DEFAULTS[command] ?? { ok: false, error: { code: "usage", message: `fake helper: no answer for ${command}` } };
  }
  if (Array.isArray(configured)) return configured[Math.min(index, configured.length - 1)];
  return configured;
}

function main(config) {
  const argv = process.argv.slice(2);
  const { command, positionals, options } = parseArgs(argv);
  let request;
  if (options.request) request = JSON.parse(fs.readFileSync(options.request, "utf8"));
  let previous = [];
  if (fs.existsSync(config.log)) {
    previous = fs
      .readFileSync(config.log, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line));
  }
  const index = previous.filter((call) => call.command === command).length;
  fs.appendFileSync(config.log, JSON.stringify({ command, argv, positionals, options, request }) + "\n");
  const response = pick(config.responses, command, index);
  const text = JSON.stringify(response);
  const phasePath = options["response-file"] ? options["response-file"] + ".phase" : undefined;
  const phase = (line) => {
    if (phasePath && !config.noPhase) fs.appendFileSync(phasePath, line + "\n");
  };
  const die = (point) => {
    if (config.die === point) process.kill(process.pid, "SIGKILL");
  };
  phase(`started ${process.pid}`);
  if (command === "submit") {
    die("beforeSend");
    phase("sending");
    die("afterSend");
  }
  const delay = config.delays && config.delays[command];
  if (delay && !(config.delayOnce && index > 0)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay * 1000);
  if (command === "submit" && typeof response.jobId === "number") phase(`answered ${response.jobId}`);
  if (command === "submit") die("afterAnswer");
  if (options["response-file"] && !config.skipResponseFile) {
    fs.writeFileSync(options["response-file"], config.truncate === command ? text.slice(0, Math.floor(text.length / 2)) : text);
  }
  process.stdout.write(config.stdout ?? text + "\n");
  process.exitCode = response.ok ? 0 : 1;
}

module.exports = { main, DEFAULTS };
