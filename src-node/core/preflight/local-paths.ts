/**
 * Pre-flight: files on locations only the submitting computer can reach. A render node on another machine cannot open
 * a comp or a Loader's file on this computer's own disk, and what a Saver writes there lands on the render node's own
 * disk (or nowhere). Warned about, naming the tool and the path, whenever machines other than this one may render.
 * Pure: whether a /Volumes disk is local is told by the caller (it can only be seen on the machine itself).
 */
import type { Assign, Platform, PreflightCheck, SharedRoot, SubmitRequest } from "../../../types/request";
import { isAbsolutePath, mapPath } from "../path-map";

export interface LocalPathContext {
  /** This computer's host name (the job may stay local when it is assigned to this computer alone). */
  hostname: string;
  /** Names of /Volumes entries known to be local disks on this computer ("Macintosh HD" is always taken as one). */
  localVolumes?: readonly string[];
}

/** POSIX folders that are per-machine on every Linux and macOS computer (`/private/…` is macOS's real /tmp). */
const LOCAL_POSIX_PREFIXES: readonly [string, string][] = [
  ["/home/", "a home folder"],
  ["/Users/", "a home folder"],
  ["/root/", "a home folder"],
  ["/tmp/", "a temporary folder"],
  ["/private/tmp/", "a temporary folder"],
  ["/var/tmp/", "a temporary folder"],
  ["/private/var/folders/", "a temporary folder"],
  ["/var/folders/", "a temporary folder"],
];

/** The short host name, lower-cased: "Render01.studio.lan" and "render01" are the same machine. */
function shortHost(name: string): string {
  return name.trim().toLowerCase().split(".")[0];
}

/**
 * True unless the job is assigned to this computer alone (by host name): only then can nothing but this machine
 * render it.
 */
export function othersMayRender(assign: Assign, hostname: string): boolean {
  if (assign.mode !== "clients" || hostname.trim() === "") return true;
  return !assign.names.every((n) => shortHost(n) === shortHost(hostname));
}

/**
 * Why `path` (as `platform` writes it) is only reachable from this computer, or undefined when it is not (under a
 * shared root, a UNC path, a network mount we cannot tell from a local one, or not absolute).
 */
export function localOnlyReason(path: string, platform: Platform, roots: readonly SharedRoot[], localVolumes: readonly string[] = []): string | undefined {
  if (path === "" || !isAbsolutePath(path, platform)) return undefined;
  const held = mapPath(path, platform, platform, roots);
  if (held.ok && held.viaRoot !== undefined) return undefined;
  if (platform === "windows") {
    const p = path.startsWith("\\\\?\\") ? path.slice(4) : path;
    const drive = p.length >= 2 && p[1] === ":" ? p.slice(0, 2).toUpperCase() : undefined;
    return drive === undefined ? undefined : `drive ${drive}, which is not in a shared root (other machines have their own ${drive} or none)`;
  }
  const withSlash = path.endsWith("/") ? path : `${path}/`;
  for (const [prefix, what] of LOCAL_POSIX_PREFIXES) {
    if (withSlash.startsWith(prefix)) return `${what} (${prefix.slice(0, -1)}) of this computer`;
  }
  if (withSlash.startsWith("/Volumes/")) {
    const volume = withSlash.slice("/Volumes/".length).split("/")[0];
    if (volume === "Macintosh HD" || localVolumes.includes(volume)) return `the local disk /Volumes/${volume} of this computer`;
  }
  return undefined;
}

interface Place {
  what: string;
  verb: string;
  path: string;
  field: string;
  tool?: string;
}

/** The comp, the log folder, enabled Savers and enabled Loaders that only this computer can reach. */
export function checkLocalPaths(request: SubmitRequest, context: LocalPathContext): PreflightCheck[] {
  const { comp, farm, job } = request;
  if (!othersMayRender(farm.assign, context.hostname)) return [];
  const places: Place[] = [{ what: "The comp", verb: "is saved in", path: comp.path, field: "comp.path" }];
  if (job.logDir) places.push({ what: "The log folder", verb: "is", path: job.logDir, field: "job.logDir" });
  for (const saver of comp.savers) {
    if (saver.enabled) places.push({ what: `Saver ${saver.name}`, verb: "writes to", path: saver.path || saver.rawPath || "", field: "comp.savers", tool: saver.name });
  }
  for (const loader of comp.loaders ?? []) {
    if (loader.enabled) places.push({ what: `Loader ${loader.name}`, verb: "reads", path: loader.path, field: "comp.loaders", tool: loader.name });
  }
  const checks: PreflightCheck[] = [];
  for (const place of places) {
    const reason = localOnlyReason(place.path, comp.platform, farm.sharedRoots, context.localVolumes);
    if (reason === undefined) continue;
    checks.push({
      code: "local_path",
      level: "warning",
      field: place.field,
      ...(place.tool !== undefined ? { tool: place.tool } : {}),
      path: place.path,
      message: `${place.what} ${place.verb} ${place.path}, on ${reason}: render nodes on other machines cannot reach it.`,
      hint: "move it to storage the whole farm mounts (and name that as a shared root), or assign the job to this computer only",
    });
  }
  return checks;
}
