/**
 * The pre-flight that `plan` and `submit` run (and that the dialog shows through them): every check of this folder
 * applied to one request, in a fixed order. Pure: what only the machine or the server can tell (files, folders, host
 * name, the farm's clients) comes in as data and callbacks from src-node/commands/preflight.ts.
 */
import type { FarmOses, Platform, PreflightCheck, SubmitRequest } from "../../../types/request";
import { checkClients, type FarmSnapshot } from "./clients";
import { farmOses, farmOsesCheck } from "./farm-oses";
import { checkLoaders } from "./loaders";
import { checkLocalPaths } from "./local-paths";
import { checkOutputFolders } from "./output-folders";
import { checkSaverNames } from "./saver-names";

export type { FarmSnapshot } from "./clients";

export interface MachineFacts {
  /** The OS of the computer running the helper: files are only checked when the request's paths are its own. */
  platform: Platform;
  hostname: string;
  /** /Volumes entries that are local disks (macOS). */
  localVolumes?: readonly string[];
  fileExists(path: string): boolean;
  dirExists(path: string): boolean;
}

export interface PreflightInput {
  request: SubmitRequest;
  /** First and last frame the job renders (for the file names Savers will write). */
  frames: { first: number; last: number };
  machine: MachineFacts;
  /** The farm as listed by the server; `{ skipped }` when it could not be read (why, in words); absent: not asked. */
  farm?: FarmSnapshot | { skipped: string };
  /** Also summarise the OSes the farm's clients run (`plan --server-clients`). */
  describeFarm?: boolean;
}

export interface PreflightReport {
  checks: PreflightCheck[];
  farm?: FarmOses;
}

export function runPreflight(input: PreflightInput): PreflightReport {
  const { request, machine } = input;
  const checks: PreflightCheck[] = [];
  let farm: FarmOses | undefined;
  if (input.farm !== undefined) {
    if ("skipped" in input.farm) {
      checks.push({ code: "clients_not_checked", level: "note", field: "farm.assign", message: `Not checked whether a client can take this job: ${input.farm.skipped}` });
    } else {
      checks.push(...checkClients(request, input.farm));
      if (input.describeFarm) {
        farm = farmOses(input.farm.clients, request);
        checks.push(farmOsesCheck(farm, request));
      }
    }
  }
  const here = request.comp.platform === machine.platform;
  checks.push(...checkLocalPaths(request, { hostname: machine.hostname, localVolumes: machine.localVolumes }));
  if (here) checks.push(...checkOutputFolders(request.comp.savers, machine.dirExists, machine.platform));
  checks.push(...checkSaverNames(request.comp.savers, input.frames.first, input.frames.last));
  checks.push(...checkLoaders(request.comp.loaders ?? [], request.comp.platform, here, machine.fileExists));
  return farm === undefined ? { checks } : { checks, farm };
}

/** The check that makes submit refuse the job, if any. */
export function refusalOf(checks: readonly PreflightCheck[]): PreflightCheck | undefined {
  return checks.find((c) => c.level === "refusal");
}
