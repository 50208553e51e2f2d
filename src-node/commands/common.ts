import { userInfo } from "node:os";
import type { Platform } from "../../types/request";
import { type OptionSpecs, type ParsedArgs, optionValue } from "../args";
import { HelperError } from "../errors";
import { textRow } from "../portable/fields";
import { fieldOptions } from "./field-options";
import { parseServerAddress, type ServerAddress } from "../hqueue/address";
import { HQueueClient } from "../hqueue/client";
import { HQueueError } from "../hqueue/hqueue-error";
import type { Output } from "../output";

export interface CommandContext {
  args: ParsedArgs;
  out: Output;
  /** Environment of the helper process (tests pass their own). */
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Command lines shown under "examples:" in --help. */
  examples?: string[];
  options: OptionSpecs;
  /** Lines printed after the options in --help. */
  notes?: string[];
  run(ctx: CommandContext): Promise<number>;
}

export const OUTPUT_OPTIONS: OptionSpecs = {
  json: { help: "print exactly one JSON document on stdout (for scripts and the comp script)" },
  "response-file": { value: true, meta: "FILE", help: "also write the JSON document to FILE" },
  help: { help: "show this help" },
};

export const SERVER_OPTIONS: OptionSpecs = {
  ...fieldOptions("server"),
  timeout: { value: true, meta: "SECONDS", help: "timeout for each call to the server (default 10)" },
};

export const DEFAULT_TIMEOUT_SECONDS = 10;

export function serverAddress(ctx: CommandContext, fromRequest?: string): ServerAddress {
  const option = optionValue(ctx.args, "server");
  const text = option || fromRequest || ctx.env.HQUEUE_SERVER || textRow("server").default;
  try {
    return parseServerAddress(text);
  } catch (e) {
    // A bad --server is a usage error; a bad address inside a request document is a bad request.
    const inRequest = !option && !!fromRequest;
    throw new HelperError(inRequest ? "bad_request" : "usage", `The server address "${text}" is not valid: ${(e as Error).message}`, {
      field: "server",
      hint: "write it as host:port, e.g. hq-server:5000 or http://hq-server:5000",
    });
  }
}

export function timeoutSeconds(ctx: CommandContext, fromRequest?: number): number {
  const text = optionValue(ctx.args, "timeout");
  if (text === undefined) return fromRequest ?? DEFAULT_TIMEOUT_SECONDS;
  const n = Number(text);
  if (!(n > 0 && n <= 600)) throw new HelperError("usage", `--timeout must be a number of seconds from 0 to 600 (got "${text}")`);
  return n;
}

export function makeClient(ctx: CommandContext, fromRequest?: { server?: string; timeoutSeconds?: number }): HQueueClient {
  const address = serverAddress(ctx, fromRequest?.server);
  return new HQueueClient(address, { timeoutMs: Math.round(timeoutSeconds(ctx, fromRequest?.timeoutSeconds) * 1000) });
}

/**
 * Turns a transport error into words the artist can act on. The client's messages already name the
 * server and the call; `doing` says what the helper was in the middle of.
 */
export function serverError(e: unknown, client: HQueueClient, doing: string): HelperError {
  if (e instanceof HelperError) return e;
  if (!(e instanceof HQueueError)) return new HelperError("internal", `${doing}: ${(e as Error)?.message ?? String(e)}`);
  const message = `While ${doing}: ${e.message}`;
  switch (e.kind) {
    case "unreachable":
      return new HelperError("unreachable", message, {
        hint: "HQueue listens on port 5000 unless configured otherwise (on macOS, AirPlay Receiver also takes port 5000)",
      });
    case "timeout":
      return new HelperError("timeout", message, { hint: "if the server is just slow, raise the timeout (--timeout SECONDS)" });
    case "http":
      return new HelperError("http", message, {
        hint: `check that ${client.address.baseUrl} is the HQueue server itself, not a proxy or another web service`,
      });
    case "fault":
      return new HelperError("fault", `${message} (server ${client.address.baseUrl})`, { hint: "the HQueue server's log has the details" });
    case "bad_request":
      return new HelperError("bad_request", message, { hint: "remove the character it names and try again" });
    default:
      return new HelperError("malformed_response", message, { hint: `check that ${client.address.baseUrl} is the HQueue server` });
  }
}

export function currentUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.USERNAME ?? "unknown";
  }
}

/** Local submission time as `YYYYMMDD-HHMMSS`, for names that must differ between submissions (log files). */
export function submissionStamp(now = new Date()): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}-${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
}

export function currentPlatform(): Platform {
  return process.platform === "win32" ? "windows" : process.platform === "darwin" ? "macosx" : "linux";
}

/**
 * The job id, the first argument; `following` more arguments may come after it (`priority JOB_ID N`), none else.
 * `example` is shown when the id is missing.
 */
export function jobIdArgument(ctx: CommandContext, following = 0, example = "hqueue-helper status 1234"): number {
  const text = ctx.args.positionals[0];
  if (text === undefined) throw new HelperError("usage", "a job id is needed", { hint: `e.g. ${example}` });
  const id = Number(text);
  if (!Number.isInteger(id) || id < 0 || id > 2 ** 31 - 1) throw new HelperError("usage", `"${text}" is not a job id (a whole number)`);
  const extra = ctx.args.positionals[1 + following];
  if (extra !== undefined) throw new HelperError("usage", `unexpected argument "${extra}"`);
  return id;
}

export function noPositionals(ctx: CommandContext): void {
  if (ctx.args.positionals.length > 0) throw new HelperError("usage", `unexpected argument "${ctx.args.positionals[0]}"`);
}
