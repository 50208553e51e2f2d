import { resolve } from "node:path";
import type { Assign, FrameSource, Platform, SharedRoot, SubmitRequest } from "../../types/request";
import { type OptionSpecs, optionValue, optionValues } from "../args";
import { readCompFile } from "../core/comp-file";
import { CompFileError } from "../core/lua-table-parser";
import { resolveCompRelative } from "../core/savers";
import { HelperError } from "../errors";
import { COMP_FILE_LIMIT_BYTES, megabytes, readRegularFile, readStandardInput, REQUEST_FILE_LIMIT_BYTES } from "../input-file";
import { textRow } from "../portable/fields";
import { PLATFORMS, parseRequestText, validateRequest } from "../request";
import { type CommandContext, currentPlatform } from "./common";
import { boolFieldOption, fieldOptions, intFieldOption, textFieldOption } from "./field-options";

/**
 * Options shared by `plan` and `submit`: a request file, or a .comp file plus options. The scalar fields' options
 * (name, priority, frames, per-task, tries, …) come from the field table; the structured ones are written here.
 */
export const REQUEST_OPTIONS: OptionSpecs = {
  request: {
    value: true,
    meta: "FILE",
    help: `read the request JSON the comp script writes (- for stdin); a regular file of at most ${megabytes(REQUEST_FILE_LIMIT_BYTES)}`,
  },
  ...fieldOptions("request"),
  platforms: { value: true, meta: "LIST", help: "client OSes to write commands for: linux,macosx,windows (default: the submitting OS)" },
  clients: { value: true, meta: "LIST", help: "only these clients (hostnames, comma-separated)" },
  groups: { value: true, meta: "LIST", help: "only clients in these client groups (comma-separated)" },
  "render-node": { value: true, repeat: true, meta: "OS=PATH", help: "custom Fusion Render Node executable for one OS" },
  root: { value: true, repeat: true, meta: "OS=PATH|OS=PATH", help: "a shared root as each OS mounts it, e.g. linux=/mnt/hq|windows=\\\\srv\\hq" },
  "comp-path": { value: true, meta: "PATH", help: "the comp's path as the submitting machine sees it (default: the file's path)" },
  "submitter-os": { value: true, meta: "OS", help: "OS whose paths the comp and Savers use (default: this machine's)" },
  "email-reasons": { value: true, meta: "LIST", help: "statuses/events that send e-mail, comma-separated" },
  env: { value: true, repeat: true, meta: "NAME=VALUE", help: "environment variable for every task" },
  "in-place": { help: "render the comp where it is: no job folder, snapshot or per-OS copies (not recommended)" },
};

/** --help of plan and submit: what the input files may be (src-node/input-file.ts). */
export const INPUT_NOTES = [
  `COMP_FILE must be a regular file of at most ${megabytes(COMP_FILE_LIMIT_BYTES)}, the request (--request FILE or -) at most ${megabytes(REQUEST_FILE_LIMIT_BYTES)};`,
  "a FIFO, a device or a folder is refused at once (exit status 2), and standard input is read no further than the limit.",
];

const COMP_ONLY = Object.keys(REQUEST_OPTIONS).filter((k) => k !== "request");

function list(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return text.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

function platformOf(text: string, option: string): Platform {
  const p = text.trim().toLowerCase();
  const alias: Record<string, Platform> = { mac: "macosx", macos: "macosx", darwin: "macosx", win: "windows", win32: "windows" };
  const platform = (PLATFORMS as readonly string[]).includes(p) ? (p as Platform) : alias[p];
  if (!platform) throw new HelperError("usage", `--${option}: "${text}" is not an OS; use linux, macosx or windows`);
  return platform;
}

function pair(text: string, option: string): [Platform, string] {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new HelperError("usage", `--${option} takes OS=PATH, got "${text}"`);
  return [platformOf(text.slice(0, eq), option), text.slice(eq + 1)];
}

function frameSource(text: string | undefined): FrameSource {
  if (text === undefined || text.trim() === "render") return { kind: "render" };
  if (text.trim() === "global") return { kind: "global" };
  return { kind: "custom", set: text };
}

function requestFromComp(ctx: CommandContext, file: string): SubmitRequest {
  const { args } = ctx;
  let comp;
  try {
    comp = readCompFile(file);
  } catch (e) {
    if (e instanceof CompFileError) throw new HelperError("bad_comp", e.message, { hint: "pass a .comp file saved by Fusion (File > Save in Fusion writes one)" });
    if (e instanceof HelperError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new HelperError("bad_comp", `Cannot read ${file}: ${err.code === "ENOENT" ? "no such file" : err.message}`);
  }
  const platform = optionValue(args, "submitter-os") ? platformOf(optionValue(args, "submitter-os")!, "submitter-os") : currentPlatform();
  const compPath = optionValue(args, "comp-path") ?? resolve(file);
  const assign: Assign = optionValue(args, "clients")
    ? { mode: "clients", names: list(optionValue(args, "clients"))! }
    : optionValue(args, "groups")
      ? { mode: "groups", names: list(optionValue(args, "groups"))! }
      : { mode: "any" };
  if (optionValue(args, "clients") && optionValue(args, "groups")) {
    throw new HelperError("usage", "--clients and --groups cannot be combined: HQueue assigns to listed clients or to client groups");
  }
  const renderNodePaths: Partial<Record<Platform, string>> = {};
  for (const item of optionValues(args, "render-node")) {
    const [p, path] = pair(item, "render-node");
    renderNodePaths[p] = path;
  }
  const sharedRoots: SharedRoot[] = optionValues(args, "root").map((item) => {
    const root: SharedRoot = {};
    for (const part of item.split("|")) {
      const [p, path] = pair(part, "root");
      root[p] = path;
    }
    return root;
  });
  // Null prototype: a variable named __proto__ is a plain key, as it is in a --request document.
  const environment: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const item of optionValues(args, "env")) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new HelperError("usage", `--env takes NAME=VALUE, got "${item}"`);
    environment[item.slice(0, eq)] = item.slice(eq + 1);
  }
  const name = textFieldOption(args, "jobName") ?? compPath.split(/[\\/]/).pop()!.replace(/\.comp$/i, "");
  const doc = {
    kind: "kartalink.hqueue.request",
    version: 1,
    server: textFieldOption(args, "server") || ctx.env.HQUEUE_SERVER || textRow("server").default,
    comp: {
      path: compPath,
      platform,
      renderStart: comp.renderStart,
      renderEnd: comp.renderEnd,
      globalStart: comp.globalStart,
      globalEnd: comp.globalEnd,
      step: comp.step,
      savers: comp.savers.map((s) => ({
        name: s.name,
        enabled: s.enabled,
        rawPath: s.rawPath ?? s.path,
        path: s.path ? resolveCompRelative(s.path, compPath, platform) : "",
      })),
    },
    job: {
      name,
      description: textFieldOption(args, "description"),
      priority: intFieldOption(args, "priority"),
      frames: frameSource(textFieldOption(args, "frameChoice")),
      framesPerTask: intFieldOption(args, "framesPerTask"),
      tries: intFieldOption(args, "tries"),
      cpus: intFieldOption(args, "cpus"),
      emailTo: textFieldOption(args, "emailTo"),
      emailReasons: list(optionValue(args, "email-reasons")),
      environment,
      paused: boolFieldOption(args, "paused"),
      logDir: textFieldOption(args, "logDir"),
      jobRoot: textFieldOption(args, "jobRoot"),
      inPlace: args.flags.has("in-place") || undefined,
      progress: boolFieldOption(args, "progress"),
    },
    farm: {
      // Default: the submitting OS only (no path mapping needed); name the others with --platforms and --root.
      platforms: list(optionValue(args, "platforms"))?.map((p) => platformOf(p, "platforms")) ?? [platform],
      assign,
      sameOsOnly: boolFieldOption(args, "sameOsOnly"),
      renderNode: { version: textFieldOption(args, "renderNodeVersion") ?? textRow("renderNodeVersion").default, paths: renderNodePaths },
      sharedRoots,
    },
  };
  return validateRequest(doc);
}

/**
 * For "Submit Last Saved Version": the farm renders the comp file on disk, so its Savers (not the ones of the
 * modified comp in memory) decide movie handling and the Saver checks. A Saver whose raw path is unchanged keeps
 * the path Fusion resolved (its path maps expanded); others are resolved here (`Comp:` only).
 */
export function withSavedFileSavers(request: SubmitRequest): SubmitRequest {
  const { comp } = request;
  if (!comp.savedFileOnly) return request;
  let saved;
  try {
    saved = readCompFile(comp.path);
  } catch (e) {
    throw new HelperError("bad_comp", `The last saved version of the comp cannot be read: ${(e as Error).message}`, {
      field: "comp.path",
      hint: "save the comp (Save and Submit), or check that the file is still there",
    });
  }
  const inMemory = new Map(comp.savers.map((s) => [s.name, s]));
  const savers = saved.savers.map((s) => {
    const raw = s.rawPath ?? s.path;
    const known = inMemory.get(s.name);
    const path = known && (known.rawPath ?? known.path) === raw ? known.path : raw ? resolveCompRelative(raw, comp.path, comp.platform) : "";
    return { name: s.name, enabled: s.enabled, path, rawPath: raw };
  });
  return { ...request, comp: { ...comp, savers } };
}

const REQUEST_INPUT = {
  what: "The request",
  hint: `pass the request file the comp script wrote, or - for standard input (JSON, at most ${megabytes(REQUEST_FILE_LIMIT_BYTES)})`,
  limit: REQUEST_FILE_LIMIT_BYTES,
};

/** The request document's text: a regular file, or standard input, within the limit (src-node/input-file.ts). */
async function readRequestText(requestFile: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = requestFile === "-" ? await readStandardInput(REQUEST_INPUT) : readRegularFile(requestFile, { ...REQUEST_INPUT, what: "The request file" });
  } catch (e) {
    if (e instanceof HelperError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new HelperError("bad_request", `Cannot read the request file ${requestFile}: ${err.code === "ENOENT" ? "it does not exist" : err.message}`);
  }
  return bytes.toString("utf8");
}

/** The request a plan/submit command works on, from --request or from a .comp file and options. */
export async function loadRequest(ctx: CommandContext): Promise<SubmitRequest> {
  const { args } = ctx;
  const requestFile = optionValue(args, "request");
  if (requestFile !== undefined) {
    const extra = COMP_ONLY.find((k) => args.values.has(k) || args.flags.has(k));
    if (extra) throw new HelperError("usage", `--${extra} cannot be combined with --request: the request file already says it`);
    if (args.positionals.length > 0) throw new HelperError("usage", `unexpected argument "${args.positionals[0]}" next to --request`);
    const text = await readRequestText(requestFile);
    return withSavedFileSavers(parseRequestText(text, requestFile === "-" ? "standard input" : requestFile));
  }
  if (args.positionals.length === 0) {
    throw new HelperError("usage", "give a .comp file or --request FILE", { hint: "e.g. hqueue-helper plan shot.comp --frames 1-100 --per-task 10" });
  }
  if (args.positionals.length > 1) throw new HelperError("usage", `unexpected argument "${args.positionals[1]}"`);
  return requestFromComp(ctx, args.positionals[0]);
}
