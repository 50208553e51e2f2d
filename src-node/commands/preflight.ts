/**
 * The thin side of the pre-flight (src-node/core/preflight/): reads what only this machine and the HQueue server can
 * tell (files, folders, host name, the farm's clients and groups, the comp file's Loaders), runs the checks, and puts
 * their findings into a plan or submit result. A server that cannot list its clients never blocks: the client check is
 * skipped with a note.
 */
import { readFileSync, readdirSync, realpathSync, statSync } from "node:fs";
import { hostname } from "node:os";
import type { LoaderInfo, PlanResult, PreflightCheck, SubmitRequest } from "../../types/request";
import { loadersInCompText } from "../core/preflight/loaders";
import { type FarmSnapshot, type PreflightReport, refusalOf, runPreflight } from "../core/preflight/index";
import { HelperError } from "../errors";
import type { HQueueClient } from "../hqueue/client";
import { CLIENT_ATTRIBS, GROUP_ATTRIBS, readClients, readGroups } from "../hqueue/farm";
import { type CommandContext, currentPlatform } from "./common";

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** macOS: /Volumes entries on the start-up disk (the boot volume's alias resolves to "/" or shares its device). */
function localVolumes(): string[] {
  if (process.platform !== "darwin") return [];
  try {
    const rootDev = statSync("/").dev;
    return readdirSync("/Volumes").filter((name) => {
      try {
        const path = `/Volumes/${name}`;
        return realpathSync(path) === "/" || statSync(path).dev === rootDev;
      } catch {
        return false;
      }
    });
  } catch {
    return [];
  }
}

/** The farm's clients (documented attributes only) and, for group assignments, its groups. */
export async function readFarm(client: HQueueClient, withGroups: boolean): Promise<FarmSnapshot | { skipped: string }> {
  let groups;
  if (withGroups) {
    try {
      groups = readGroups(await client.getClientGroups(GROUP_ATTRIBS));
    } catch {
      groups = undefined;
    }
  }
  try {
    return { clients: readClients(await client.getClients(CLIENT_ATTRIBS), groups), groups };
  } catch (e) {
    return { skipped: `the HQueue server did not list its clients (${(e as Error).message}).` };
  }
}

/**
 * The request's Loaders: as the comp script sent them, else read from the comp file (the CLI's COMP_FILE, or the
 * request's comp path) when it is this machine's. Undefined when they cannot be read (nothing is checked then).
 */
function withLoaders(ctx: CommandContext, request: SubmitRequest, notes: PreflightCheck[]): SubmitRequest {
  if (request.comp.platform !== currentPlatform()) return request;
  const file = ctx.args.positionals[0] ?? request.comp.path;
  if (request.comp.loaders !== undefined) return withFileFrames(request, file);
  try {
    return { ...request, comp: { ...request.comp, loaders: loadersInCompText(readFileSync(file), request.comp.path, request.comp.platform) } };
  } catch (e) {
    notes.push({ code: "loader_not_checked", level: "note", field: "comp.loaders", message: `The Loaders were not checked: the comp file could not be read (${(e as Error).message}).` });
    return request;
  }
}

/**
 * The comp script sends Loaders from the live comp without their frame range (Fusion documents no attribute for it):
 * a sent Loader without `frames` takes them from the saved comp file's Loader of the same name and file name, so a
 * sequence is still checked frame by frame. A comp file that cannot be read, or a Loader changed since the save,
 * leaves the Loader as sent (its first file is checked).
 */
function withFileFrames(request: SubmitRequest, file: string): SubmitRequest {
  const sent = request.comp.loaders ?? [];
  if (sent.every((l) => l.frames !== undefined || l.path === "")) return request;
  let saved: LoaderInfo[];
  try {
    saved = loadersInCompText(readFileSync(file), request.comp.path, request.comp.platform);
  } catch {
    return request;
  }
  const loaders = sent.map((loader) => {
    if (loader.frames !== undefined) return loader;
    const match = saved.find((s) => s.name === loader.name && s.frames !== undefined && (s.rawPath === loader.rawPath || s.path === loader.path));
    return match?.frames !== undefined ? { ...loader, frames: match.frames } : loader;
  });
  return { ...request, comp: { ...request.comp, loaders } };
}

/** First and last frame of a plan (its tasks' runs). */
function frameBounds(plan: PlanResult): { first: number; last: number } {
  let first = Infinity;
  let last = -Infinity;
  for (const task of plan.tasks) {
    for (const run of task.runs) {
      first = Math.min(first, run.start);
      last = Math.max(last, run.end);
    }
  }
  return { first, last };
}

export interface PreflightOptions {
  /** Ask this server for its clients (and groups); without it the client checks are not made. */
  client?: HQueueClient;
  /** Also report the OSes the farm's clients run. */
  describeFarm?: boolean;
}

/** Runs the pre-flight for a planned request. */
export async function preflight(ctx: CommandContext, request: SubmitRequest, plan: PlanResult, options: PreflightOptions = {}): Promise<PreflightReport> {
  const early: PreflightCheck[] = [];
  const withFiles = withLoaders(ctx, request, early);
  const farm = options.client ? await readFarm(options.client, request.farm.assign.mode === "groups") : undefined;
  const report = runPreflight({
    request: withFiles,
    frames: frameBounds(plan),
    machine: { platform: currentPlatform(), hostname: hostname(), localVolumes: localVolumes(), fileExists: isFile, dirExists: isDir },
    farm,
    describeFarm: options.describeFarm,
  });
  return { ...report, checks: [...report.checks, ...early] };
}

/** Copies the findings into a result: warnings and notes as text (what older front ends show), and `checks`. */
export function addFindings(result: { warnings: string[]; notes: string[]; checks?: PreflightCheck[] }, checks: readonly PreflightCheck[]): void {
  for (const check of checks) {
    if (check.level === "note") result.notes.push(check.message);
    else if (check.level === "warning") result.warnings.push(check.message);
  }
  result.checks = [...checks];
}

/** Throws the refusal, if the pre-flight found one, as an error that carries every finding. */
export function throwIfRefused(checks: readonly PreflightCheck[], suffix = ""): void {
  const refusal = refusalOf(checks);
  if (refusal === undefined) return;
  throw new HelperError(refusal.code === "no_client" ? "no_client" : "bad_request", `${refusal.message}${suffix}`, {
    field: refusal.field,
    hint: refusal.hint,
    checks: [...checks],
  });
}
