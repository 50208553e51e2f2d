/**
 * hqueue-helper: the Node side of KartaLink | HQueue Render.
 * The comp script runs it with a request file; pipeline tools run it directly.
 * One command per file under commands/; this file only parses the command line and reports errors.
 */
// First: refuses a Node.js that is too old before any other module runs.
import "./node-guard";
import { rmSync } from "node:fs";
import type { Failure } from "../types/request";
import { formatOptionsHelp, parseArgs, optionValue } from "./args";
import { type Command } from "./commands/common";
import { planCommand } from "./commands/plan";
import { jobsCommand } from "./commands/jobs";
import { logCommand } from "./commands/log";
import { pauseCommand } from "./commands/pause";
import { priorityCommand } from "./commands/priority";
import { resumeCommand } from "./commands/resume";
import { retryCommand } from "./commands/retry";
import { cancelCommand, clientsCommand, groupsCommand, pingCommand } from "./commands/simple";
import { statusCommand } from "./commands/status";
import { submitCommand } from "./commands/submit";
import { watchCommand } from "./commands/watch";
import { verifyCommand } from "./commands/verify";
import { resubmitCommand } from "./commands/resubmit";
import { exitCodeFor, HelperError } from "./errors";
import { Output } from "./output";

export const COMMANDS: readonly Command[] = [
  pingCommand,
  clientsCommand,
  groupsCommand,
  planCommand,
  submitCommand,
  statusCommand,
  watchCommand,
  logCommand,
  jobsCommand,
  pauseCommand,
  resumeCommand,
  retryCommand,
  priorityCommand,
  cancelCommand,
  verifyCommand,
  resubmitCommand,
];

export const VERSION = "6.0.0";

function mainHelp(): string {
  return [
    `hqueue-helper ${VERSION}: submit Fusion comps to a Houdini HQueue farm, and follow them.`,
    "",
    "usage: hqueue-helper COMMAND [options]       (hqueue-helper COMMAND --help for its options)",
    "",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(9)} ${c.summary}`),
    "",
    "Every command takes --json (one JSON document on stdout) and --server HOST[:PORT] (default $HQUEUE_SERVER, then localhost:5000).",
    "Exit status: 0 ok, 1 failed, 2 wrong usage.",
  ].join("\n");
}

function commandHelp(c: Command): string {
  const examples = c.examples && c.examples.length > 0 ? ["", "examples:", ...c.examples.map((e) => `  ${e}`)] : [];
  return [`usage: ${c.usage}`, "", c.summary, ...examples, "", "options:", formatOptionsHelp(c.options), ...(c.notes ? ["", ...c.notes] : [])].join("\n");
}

/**
 * Removes an old response file, then writes `started <pid>` to the phase file: in this order, so that a caller that
 * sees `started` can never take an old answer for this run's. Fails (a usage error, before anything is done, a submit
 * above all) when the answer could not be delivered.
 */
export function startResponseFiles(out: Output): void {
  try {
    rmSync(out.responseFile as string, { force: true });
    out.phase?.start();
  } catch (e) {
    throw new HelperError("usage", `cannot write the response file ${out.responseFile}: ${(e as Error).message}`, {
      hint: "pass a path in a folder that exists and is writable",
    });
  }
}

/** Runs one command line; returns the exit status. Never throws. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  // --json and --response-file are honoured even when the command line itself is wrong.
  const wantsJson = argv.includes("--json");
  const fileIndex = argv.findIndex((a) => a === "--response-file" || a.startsWith("--response-file="));
  const responseFile = fileIndex < 0 ? undefined : argv[fileIndex].includes("=") ? argv[fileIndex].split("=").slice(1).join("=") : argv[fileIndex + 1];
  let out = new Output(wantsJson, responseFile);
  try {
    // Before anything else (and any network I/O): a caller running the helper in the background learns that it
    // started, and its pid. This also proves the response file's folder writable, before a submit sends anything.
    if (out.responseFile !== undefined) startResponseFiles(out);
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      if (wantsJson) {
        out.result({ ok: true, command: "help", text: mainHelp() }, mainHelp());
        return 0;
      }
      process.stdout.write(`${mainHelp()}\n`);
      return name === undefined ? 2 : 0;
    }
    if (name === "--version") {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      throw new HelperError("usage", `unknown command "${name}"`, {
        hint: `the command comes first, then its options; commands: ${COMMANDS.map((c) => c.name).join(", ")}`,
      });
    }
    const args = parseArgs(rest, command.options);
    out = new Output(args.flags.has("json"), optionValue(args, "response-file"));
    if (args.flags.has("help")) {
      out.json ? out.result({ ok: true, command: "help", text: commandHelp(command) }, "") : process.stdout.write(`${commandHelp(command)}\n`);
      return 0;
    }
    return await command.run({ args, out, env });
  } catch (e) {
    const error = e instanceof HelperError
      ? e
      : new HelperError("internal", `unexpected error: ${(e as Error)?.stack ?? String(e)}`, {
          hint: "this is a bug in hqueue-helper; please report it with the command you ran",
        });
    const doc: Failure = { ok: false, error: error.toBody() };
    try {
      out.failure(doc);
    } catch (writeError) {
      process.stderr.write(`error: ${error.message}\n(could not write the response: ${(writeError as Error).message})\n`);
    }
    return exitCodeFor(error.code);
  }
}

if (require.main === module) {
  // A reader that goes away (`hqueue-helper log 12 | head`) is not an error of ours.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`fatal: ${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
