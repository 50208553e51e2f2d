/**
 * Settings + what the comp script read from the comp → the request document for the helper (types/request.ts).
 * Pure. Arrays and records that may be empty are tagged for the JSON encoder (json.ts: an empty untagged
 * table is written as []).
 */
import type {
  Assign,
  CompInfo,
  FrameSource,
  JobOptions,
  LoaderInfo,
  Platform,
  RenderNodeOptions,
  SaverInfo,
  SharedRoot,
  SubmitRequest,
} from "../types/request";
import type { CompSnapshot } from "./host";
import { jsonArray, jsonObject } from "./json";
import { ALL_PLATFORMS, type Settings } from "./settings";
import { compBaseName, trimText } from "./text";

export function compInfo(comp: CompSnapshot, platform: Platform): CompInfo {
  const savers: SaverInfo[] = comp.savers.map((saver) => {
    const info: SaverInfo = { name: saver.name, enabled: saver.enabled, path: saver.path };
    if (saver.rawPath !== "") info.rawPath = saver.rawPath;
    return info;
  });
  const info: CompInfo = {
    path: comp.fileName,
    platform,
    modified: comp.modified,
    renderStart: comp.renderStart,
    renderEnd: comp.renderEnd,
    globalStart: comp.globalStart,
    globalEnd: comp.globalEnd,
    step: comp.step,
    savers: jsonArray(savers),
  };
  // Read from the live comp (unsaved edits and Fusion's own path maps included); absent, the helper reads the file.
  if (comp.loaders !== undefined) {
    info.loaders = jsonArray(
      comp.loaders.map((loader) => {
        const entry: LoaderInfo = { name: loader.name, enabled: loader.enabled, path: loader.path };
        if (loader.rawPath !== "") entry.rawPath = loader.rawPath;
        return entry;
      }),
    );
  }
  return info;
}

/** The job name the dialog shows as placeholder and uses when the field is empty. */
export function defaultJobName(comp: CompSnapshot): string {
  const fromName = compBaseName(comp.name);
  if (fromName !== "") return fromName;
  const fromPath = compBaseName(comp.fileName);
  return fromPath !== "" ? fromPath : "Fusion Render";
}

export function frameSource(settings: Settings): FrameSource {
  if (settings.frameChoice === "custom") return { kind: "custom", set: settings.customFrames };
  return { kind: settings.frameChoice };
}

function assign(settings: Settings): Assign {
  if (settings.assignMode === "any") return { mode: "any" };
  return { mode: settings.assignMode, names: jsonArray([...settings.assignNames]) };
}

function renderNode(settings: Settings): RenderNodeOptions {
  const options: RenderNodeOptions = { version: trimText(settings.renderNodeVersion) };
  const paths: Partial<Record<Platform, string>> = {};
  let any = false;
  for (const platform of ALL_PLATFORMS) {
    const path = trimText(settings.renderNodePaths[platform] ?? "");
    if (path !== "") {
      paths[platform] = path;
      any = true;
    }
  }
  if (any) options.paths = jsonObject(paths);
  return options;
}

function sharedRoots(settings: Settings): SharedRoot[] {
  const roots: SharedRoot[] = [];
  for (const root of settings.sharedRoots) {
    const copy: SharedRoot = {};
    let count = 0;
    for (const platform of ALL_PLATFORMS) {
      const path = trimText(root[platform] ?? "");
      if (path !== "") {
        copy[platform] = path;
        count++;
      }
    }
    if (count > 0) roots.push(jsonObject(copy));
  }
  return jsonArray(roots);
}

/** `paused`: the artist's choice for this one submission (never part of the stored Settings). */
export function buildRequest(settings: Settings, comp: CompSnapshot, platform: Platform, paused = false): SubmitRequest {
  const name = trimText(settings.jobName);
  const job: JobOptions = {
    name: name !== "" ? name : defaultJobName(comp),
    priority: settings.priority,
    frames: frameSource(settings),
    framesPerTask: settings.framesPerTask,
  };
  const description = trimText(settings.description);
  if (description !== "") job.description = description;
  if (settings.tries > 0) job.tries = settings.tries;
  if (settings.cpus > 0) job.cpus = settings.cpus;
  const logDir = trimText(settings.logDir);
  if (logDir !== "") job.logDir = logDir;
  const jobRoot = trimText(settings.jobRoot);
  if (jobRoot !== "") job.jobRoot = jobRoot;
  const emailTo = trimText(settings.emailTo);
  if (emailTo !== "") {
    job.emailTo = emailTo;
    if (settings.emailReasons.length > 0) job.emailReasons = jsonArray([...settings.emailReasons]);
  }
  let envCount = 0;
  const environment: Record<string, string> = {};
  for (const key in settings.environment) {
    environment[key] = settings.environment[key];
    envCount++;
  }
  if (envCount > 0) job.environment = jsonObject(environment);
  if (paused) job.paused = true;

  const request: SubmitRequest = {
    kind: "kartalink.hqueue.request",
    version: 1,
    server: trimText(settings.server),
    comp: compInfo(comp, platform),
    job,
    farm: {
      platforms: jsonArray(ALL_PLATFORMS.filter((p) => settings.platforms.includes(p))),
      assign: assign(settings),
      renderNode: renderNode(settings),
      sharedRoots: sharedRoots(settings),
    },
  };
  if (settings.sameOsOnly) request.farm.sameOsOnly = true;
  return request;
}
