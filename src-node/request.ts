import type {
  Assign,
  CompInfo,
  FarmOptions,
  FrameSource,
  JobOptions,
  LoaderInfo,
  Platform,
  SaverInfo,
  SharedRoot,
  SubmitRequest,
} from "../types/request";
import { HelperError } from "./errors";
import { type IntRow, choiceRow, choicesText, fieldRow, formatProblem, intRow, textRow } from "./portable/fields";
import { LIST_ITEMS_LIMIT, PLATFORMS, bad, bool, describe, hostName, int, isRecord, list, optInt, optStr, platform, platformKey, str } from "./request-values";

export { PLATFORMS, controlCharacterIn } from "./request-values";

/**
 * Validation of a request document (from the comp script, or written by a pipeline tool).
 * Everything is checked before anything is planned or sent: a wrong type or an unsafe value is an
 * error naming the field, never a silently different job.
 */

/**
 * Sizes a request may have (characters, items). Exported for the tests that feed the limits to both sides. The
 * scalar fields' limits are rows of the field table (src-node/portable/fields.ts), written there once.
 */
export const REQUEST_LIMITS = {
  server: textRow("server").maxLength,
  name: textRow("jobName").maxLength,
  description: textRow("description").maxLength,
  frameSet: textRow("customFrames").maxLength,
  hostName: 255,
  path: 4_096,
  logDir: textRow("logDir").maxLength,
  jobRoot: textRow("jobRoot").maxLength,
  emailTo: textRow("emailTo").maxLength,
  emailReason: 100,
  envValue: 32_768,
  envCount: 200,
  savers: 10_000,
  listItems: LIST_ITEMS_LIMIT,
};
const LIMITS = REQUEST_LIMITS;

/** A whole-number field as a request carries it: the row's limits, from `requestMin` (see IntRow). */
function intField(v: unknown, row: IntRow): number {
  return int(v, row.request, row.requestMin, row.max);
}

function optIntField(v: unknown, row: IntRow): number | undefined {
  return optInt(v, row.request, row.requestMin, row.max);
}

function validateFrames(v: unknown): FrameSource {
  if (!isRecord(v)) bad("job.frames", `must be an object like {"kind":"render"}, got ${describe(v)}`);
  switch (v.kind) {
    case "render":
    case "global":
      return { kind: v.kind };
    case "custom":
      return { kind: "custom", set: str(v.set, "job.frames.set", { max: LIMITS.frameSet }) };
    default:
      return bad("job.frames.kind", `must be ${choicesText(choiceRow("frameChoice"))}, got ${describe(v.kind)}`);
  }
}

function validateEnvironment(v: unknown): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) bad("job.environment", `must be an object of NAME: value, got ${describe(v)}`);
  const entries = Object.entries(v);
  if (entries.length > LIMITS.envCount) bad("job.environment", `has ${entries.length} variables; the limit is ${LIMITS.envCount}`);
  const env: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of entries) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) bad(`job.environment.${name}`, "is not a valid name", "use letters, digits and _, not starting with a digit");
    env[name] = str(value, `job.environment.${name}`, { max: LIMITS.envValue, empty: true });
  }
  return env;
}

function validateJob(v: unknown): JobOptions {
  if (!isRecord(v)) bad("job", `must be an object, got ${describe(v)}`);
  const job: JobOptions = {
    name: str(v.name, "job.name", { max: LIMITS.name }).trim(),
    priority: intField(v.priority, intRow("priority")),
    frames: validateFrames(v.frames),
    framesPerTask: intField(v.framesPerTask, intRow("framesPerTask")),
  };
  const description = optStr(v.description, "job.description", { max: LIMITS.description, multiline: true });
  if (description) job.description = description;
  const submittedBy = optStr(v.submittedBy, "job.submittedBy", { max: LIMITS.name });
  if (submittedBy?.trim()) job.submittedBy = submittedBy.trim();
  const tries = optIntField(v.tries, intRow("tries"));
  if (tries !== undefined) job.tries = tries;
  const cpus = optIntField(v.cpus, intRow("cpus"));
  if (cpus !== undefined) job.cpus = cpus;
  const emailTo = optStr(v.emailTo, "job.emailTo", { max: LIMITS.emailTo });
  if (emailTo?.trim()) job.emailTo = emailTo.trim();
  if (v.emailReasons !== undefined && v.emailReasons !== null) {
    job.emailReasons = list(v.emailReasons, "job.emailReasons").map((r, i) => str(r, `job.emailReasons[${i}]`, { max: LIMITS.emailReason }));
  }
  const environment = validateEnvironment(v.environment);
  if (environment) job.environment = environment;
  const paused = bool(v.paused, "job.paused");
  if (paused !== undefined) job.paused = paused;
  const logDir = optStr(v.logDir, "job.logDir", { max: LIMITS.logDir });
  if (logDir?.trim()) job.logDir = logDir.trim();
  const jobRoot = optStr(v.jobRoot, "job.jobRoot", { max: LIMITS.jobRoot });
  if (jobRoot?.trim()) job.jobRoot = jobRoot.trim();
  const inPlace = bool(v.inPlace, "job.inPlace");
  if (inPlace !== undefined) job.inPlace = inPlace;
  const progress = bool(v.progress, "job.progress");
  if (progress !== undefined) job.progress = progress;
  return job;
}

/**
 * What a Saver and a Loader both carry (name, pass-through, path, the path as written), checked alike; `words` names
 * the tool in messages about its other members, as the artist sees it in the comp.
 */
type ClipTool = Pick<SaverInfo, "name" | "enabled" | "path" | "rawPath">;

function validateClipTool(v: unknown, field: string): { tool: ClipTool; record: Record<string, unknown>; words: { toolName: string } } {
  if (!isRecord(v)) bad(field, `must be an object, got ${describe(v)}`);
  const name = str(v.name, `${field}.name`, { max: LIMITS.name });
  const words = { toolName: name };
  const tool: ClipTool = {
    name,
    enabled: bool(v.enabled, `${field}.enabled`, { words }) ?? bad(`${field}.enabled`, "is missing (true or false)", undefined, words),
    path: str(v.path ?? "", `${field}.path`, { max: LIMITS.path, empty: true, words }),
  };
  const raw = optStr(v.rawPath, `${field}.rawPath`, { max: LIMITS.path, words });
  if (raw !== undefined) tool.rawPath = raw;
  return { tool, record: v, words };
}

function validateSaver(v: unknown, i: number): SaverInfo {
  const field = `comp.savers[${i}]`;
  const { tool, record, words } = validateClipTool(v, field);
  const saver: SaverInfo = { ...tool };
  const format = optStr(record.outputFormat, `${field}.outputFormat`, { max: LIMITS.name, words });
  if (format !== undefined) saver.outputFormat = format;
  return saver;
}

function validateLoader(v: unknown, i: number): LoaderInfo {
  const field = `comp.loaders[${i}]`;
  const { tool, record, words } = validateClipTool(v, field);
  const loader: LoaderInfo = { ...tool };
  const frames = record.frames;
  if (frames !== undefined && frames !== null) {
    if (!isRecord(frames)) bad(`${field}.frames`, `must be an object like {"first": 1, "last": 100}, got ${describe(frames)}`, undefined, words);
    const first = int(frames.first, `${field}.frames.first`, -1_000_000_000, 1_000_000_000, { words });
    const last = int(frames.last, `${field}.frames.last`, first, 1_000_000_000, { words });
    loader.frames = { first, last };
  }
  return loader;
}

function validateComp(v: unknown): CompInfo {
  if (!isRecord(v)) bad("comp", `must be an object, got ${describe(v)}`);
  const frame = (x: unknown, f: string) => int(x, f, -1_000_000_000, 1_000_000_000);
  const savers = list(v.savers ?? [], "comp.savers");
  if (savers.length > LIMITS.savers) bad("comp.savers", `number ${savers.length}; the limit is ${LIMITS.savers}`);
  const comp: CompInfo = {
    path: str(v.path, "comp.path", { max: LIMITS.path }),
    platform: platform(v.platform, "comp.platform"),
    renderStart: frame(v.renderStart, "comp.renderStart"),
    renderEnd: frame(v.renderEnd, "comp.renderEnd"),
    globalStart: frame(v.globalStart, "comp.globalStart"),
    globalEnd: frame(v.globalEnd, "comp.globalEnd"),
    step: v.step === undefined || v.step === null ? 1 : int(v.step, "comp.step", 1, 1_000_000),
    savers: savers.map(validateSaver),
  };
  const modified = bool(v.modified, "comp.modified");
  if (modified !== undefined) comp.modified = modified;
  const savedFileOnly = bool(v.savedFileOnly, "comp.savedFileOnly");
  if (savedFileOnly) comp.savedFileOnly = true;
  if (v.loaders !== undefined && v.loaders !== null) {
    const loaders = list(v.loaders, "comp.loaders");
    if (loaders.length > LIMITS.savers) bad("comp.loaders", `number ${loaders.length}; the limit is ${LIMITS.savers}`);
    comp.loaders = loaders.map(validateLoader);
  }
  return comp;
}

function validateAssign(v: unknown): Assign {
  if (v === undefined || v === null) return { mode: "any" };
  if (!isRecord(v)) bad("farm.assign", `must be an object like {"mode":"any"}, got ${describe(v)}`);
  switch (v.mode) {
    case "any":
      return { mode: "any" };
    case "clients":
    case "groups": {
      const field = `farm.assign.names`;
      const words = { assignMode: v.mode };
      const names = list(v.names, field, { words }).map((n, i) => hostName(n, `${field}[${i}]`, LIMITS.hostName, { words }));
      const what = v.mode === "groups" ? "client group" : "client";
      if (names.length === 0) bad(field, "is empty", `name at least one ${what}, or let any client render the job`, words);
      return { mode: v.mode, names: [...new Set(names)] };
    }
    default:
      return bad("farm.assign.mode", `must be ${choicesText(choiceRow("assignMode"))}, got ${describe(v.mode)}`);
  }
}

function validateRoot(v: unknown, i: number): SharedRoot {
  const field = `farm.sharedRoots[${i}]`;
  if (!isRecord(v)) bad(field, `must be an object like {"linux":"/mnt/hq","windows":"\\\\\\\\srv\\\\hq"}, got ${describe(v)}`);
  const root: SharedRoot = {};
  for (const [key, value] of Object.entries(v)) {
    const p = platformKey(key, field);
    const path = optStr(value, `${field}.${key}`, { max: LIMITS.path });
    if (path?.trim()) root[p] = path.trim();
  }
  if (Object.keys(root).length === 0) bad(field, "names no folder", "enter the folder as at least one OS mounts it, or remove the row");
  return root;
}

function validateFarm(v: unknown): FarmOptions {
  if (!isRecord(v)) bad("farm", `must be an object, got ${describe(v)}`);
  const platforms = [...new Set(list(v.platforms, "farm.platforms").map((p, i) => platform(p, `farm.platforms[${i}]`)))];
  const sameOs = bool(v.sameOsOnly, "farm.sameOsOnly");
  // "Same OS only" renders on the submitting OS whatever the list says (job-spec.ts), so it needs no OS ticked.
  if (platforms.length === 0 && sameOs !== true) {
    bad("farm.platforms", "has none chosen", `choose at least one client OS, or "${fieldRow("sameOsOnly").label}"`);
  }
  const rn = v.renderNode;
  if (!isRecord(rn)) bad("farm.renderNode", `must be an object like {"version":"19"}, got ${describe(rn)}`);
  const versionRow = textRow("renderNodeVersion");
  const version = str(rn.version, versionRow.request, { max: versionRow.maxLength }).trim();
  const versionProblem = formatProblem(versionRow, version);
  if (versionProblem !== undefined) bad(versionRow.request, versionProblem);
  const renderNode: FarmOptions["renderNode"] = { version };
  if (rn.paths !== undefined && rn.paths !== null) {
    if (!isRecord(rn.paths)) bad("farm.renderNode.paths", `must be an object of OS: path, got ${describe(rn.paths)}`);
    const paths: Partial<Record<Platform, string>> = {};
    for (const [key, value] of Object.entries(rn.paths)) {
      const p = platformKey(key, "farm.renderNode.paths");
      const path = optStr(value, `farm.renderNode.paths.${key}`, { max: LIMITS.path });
      if (path?.trim()) paths[p] = path.trim();
    }
    renderNode.paths = paths;
  }
  const farm: FarmOptions = {
    platforms,
    assign: validateAssign(v.assign),
    renderNode,
    sharedRoots: list(v.sharedRoots ?? [], "farm.sharedRoots").map(validateRoot),
  };
  if (sameOs !== undefined) farm.sameOsOnly = sameOs;
  return farm;
}

/** Checks a parsed request document; throws HelperError("bad_request") naming the first bad field. */
export function validateRequest(doc: unknown): SubmitRequest {
  if (!isRecord(doc)) bad("request", `must be a JSON object, got ${describe(doc)}`);
  if (doc.kind !== "kartalink.hqueue.request") {
    bad("kind", `must be "kartalink.hqueue.request", got ${describe(doc.kind)}`, "is this file a KartaLink HQueue request?");
  }
  if (doc.version !== 1) bad("version", `is ${describe(doc.version)}, but this helper reads version 1`, "update the helper and the comp script together");
  const request: SubmitRequest = {
    kind: "kartalink.hqueue.request",
    version: 1,
    server: str(doc.server, "server", { max: LIMITS.server }).trim(),
    comp: validateComp(doc.comp),
    job: validateJob(doc.job),
    farm: validateFarm(doc.farm),
  };
  if (doc.timeoutSeconds !== undefined && doc.timeoutSeconds !== null) {
    const t = doc.timeoutSeconds;
    if (typeof t !== "number" || !(t > 0 && t <= 600)) bad("timeoutSeconds", `must be a number of seconds from 0 to 600, got ${describe(t)}`);
    request.timeoutSeconds = t;
  }
  if (doc.maxBodyBytes !== undefined && doc.maxBodyBytes !== null) {
    const m = doc.maxBodyBytes;
    if (typeof m !== "number" || !Number.isInteger(m) || m < MIN_MAX_BODY || m > MAX_MAX_BODY) {
      bad("maxBodyBytes", `must be a whole number of bytes from ${MIN_MAX_BODY} to ${MAX_MAX_BODY}, got ${describe(m)}`);
    }
    request.maxBodyBytes = m;
  }
  return request;
}

/** Limits of `maxBodyBytes` / `--max-body`: a body must hold at least one task; above 1 GB is not a limit. */
export const MIN_MAX_BODY = 16 * 1024;
export const MAX_MAX_BODY = 1024 * 1024 * 1024;

/** Parses request JSON text; syntax errors become bad_request with the position. */
export function parseRequestText(text: string, source: string): SubmitRequest {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new HelperError("bad_request", `${source} is not valid JSON: ${(e as Error).message}`, {
      hint: "the comp script writes this file; if you wrote it by hand, check it with a JSON validator",
    });
  }
  return validateRequest(doc);
}
