/**
 * Pre-flight: can any client of the farm take this job? The job's conditions (assigned clients or groups, the client
 * OSes it has commands for, same-OS-only) are applied to the farm's clients as getClients reports them (hostname,
 * platform, groups, disabled, available; SideFX 12 Python API). A job no client can ever take waits "for a machine"
 * for ever, so that is a refusal naming which condition excludes whom; matching clients that are all disabled or
 * unavailable right now are a warning. Pure: the farm is read by the command (src-node/commands/preflight.ts).
 */
import type { Assign, ClientInfo, GroupInfo, Platform, PreflightCheck, SubmitRequest } from "../../../types/request";
import { clientState, clientsOfGroup } from "../../hqueue/farm";
import { PLATFORM_LABELS, platformLabel } from "../../hqueue/platform";
import { fieldRow } from "../../portable/fields";

/** The farm as the server listed it; `groups` is undefined when the server could not list groups. */
export interface FarmSnapshot {
  clients: ClientInfo[];
  groups?: GroupInfo[];
}

/** The client OSes the job has commands for, and whether an `os` condition keeps other clients off (as planJob). */
export function jobPlatforms(request: Pick<SubmitRequest, "comp" | "farm">): { platforms: Platform[]; osFiltered: boolean } {
  const platforms = request.farm.sameOsOnly ? [request.comp.platform] : [...new Set(request.farm.platforms)];
  return { platforms, osFiltered: platforms.length < 3 };
}

/** "render01 (Linux)"; the server's own platform text when it names no known OS. */
export function describeClient(client: ClientInfo): string {
  const os = platformLabel(client.platform);
  return `${client.hostname} (${os === "" ? "OS not reported" : os})`;
}

function listClients(clients: readonly ClientInfo[], describe: (c: ClientInfo) => string = describeClient): string {
  const shown = clients.slice(0, 8).map(describe);
  if (clients.length > shown.length) shown.push(`and ${clients.length - shown.length} more`);
  return shown.join(", ");
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/** The clients the Assign To choice allows, and those words for the artist ("group GPU has 1 client, …"). */
function assigned(assign: Assign, farm: FarmSnapshot): { clients: ClientInfo[]; words: string } | undefined {
  if (assign.mode === "any") {
    return { clients: farm.clients, words: `the farm has ${count(farm.clients.length, "client")}${farm.clients.length > 0 ? `, ${listClients(farm.clients)}` : ""}` };
  }
  if (assign.mode === "clients") {
    const clients = farm.clients.filter((c) => assign.names.includes(c.hostname));
    const words = clients.length === 0 ? `the farm has no client named ${orList(assign.names)}` : `the job is assigned to ${assign.names.length === 1 ? "client" : "clients"} ${listClients(clients)}`;
    return { clients, words };
  }
  // Group membership needs the group list (ids → names) unless the clients name their groups themselves.
  if (farm.groups === undefined && !farm.clients.some((c) => (c.groups ?? []).length > 0)) return undefined;
  const groups = farm.groups ?? [];
  const members = new Map<number, ClientInfo>();
  for (const name of assign.names) for (const c of clientsOfGroup(name, groups, farm.clients)) members.set(c.id, c);
  const clients = [...members.values()];
  const unknown = farm.groups !== undefined && assign.names.every((n) => !groups.some((g) => g.name === n));
  const label = `${assign.names.length === 1 ? "group" : "groups"} ${assign.names.join(" and ")}`;
  const words =
    unknown
      ? `the farm has no client group named ${orList(assign.names)}`
      : `${label} ${assign.names.length === 1 ? "has" : "have"} ${count(clients.length, "client")}${clients.length > 0 ? `, ${listClients(clients)}` : ""}`;
  return { clients, words };
}

/** True when the client is certainly excluded by the `os` condition; undefined when the server did not say. */
function excludedByOs(client: ClientInfo, platforms: readonly Platform[]): boolean | undefined {
  if (client.platform === undefined) return undefined;
  // A platform naming no known OS cannot match an os condition for linux, macos or windows.
  return client.os === undefined || !platforms.includes(client.os);
}

/**
 * The findings for one job on one farm: at most one refusal (no client can take it) or one warning (the clients that
 * can are all disabled or unavailable), or a note when the farm's answer does not allow a judgement.
 */
export function checkClients(request: SubmitRequest, farm: FarmSnapshot): PreflightCheck[] {
  const { assign } = request.farm;
  const { platforms, osFiltered } = jobPlatforms(request);
  const candidates = assigned(assign, farm);
  if (candidates === undefined) {
    return [{ code: "clients_not_checked", level: "note", field: "farm.assign.names", message: "The HQueue server did not list its client groups, so the pre-flight could not check which clients can take this job." }];
  }
  const assignField = assign.mode === "any" ? "farm.assign" : "farm.assign.names";
  if (candidates.clients.length === 0) {
    return [
      {
        code: "no_client",
        level: "refusal",
        field: assignField,
        message: `No client can take this job: ${candidates.words}, so it would wait for a machine for ever.`,
        hint:
          assign.mode === "any"
            ? "add render clients to the HQueue farm first"
            : `assign the job to ${assign.mode === "groups" ? "a group that has clients" : "clients the farm has"}, or add clients to ${assign.names.join(", ")} in HQueue's web page`,
      },
    ];
  }
  const osWords = request.farm.sameOsOnly
    ? `this job is for ${PLATFORM_LABELS[request.comp.platform]} clients only (same OS as this computer)`
    : `this job has commands only for ${orList(platforms.map((p) => PLATFORM_LABELS[p]))}`;
  const able = osFiltered ? candidates.clients.filter((c) => excludedByOs(c, platforms) !== true) : candidates.clients;
  if (able.length === 0) {
    const theirFamilies = [...new Set(candidates.clients.map((c) => c.os).filter((os): os is Platform => os !== undefined))];
    const theirOses = theirFamilies.length > 0 ? theirFamilies.map((p) => PLATFORM_LABELS[p]).join(", ") : "their OS";
    const rootsWords = theirFamilies.some((p) => p !== request.comp.platform) ? " (with shared roots so those clients find the comp)" : "";
    return [
      {
        code: "no_client",
        level: "refusal",
        field: request.farm.sameOsOnly ? "farm.sameOsOnly" : "farm.platforms",
        message: `No client can take this job: ${candidates.words}; ${osWords}, so it would wait for a machine for ever.`,
        hint: request.farm.sameOsOnly
          ? `turn off "${fieldRow("sameOsOnly").label}", or assign the job to ${PLATFORM_LABELS[request.comp.platform]} clients`
          : `add ${theirOses} to the client OSes${rootsWords}, or assign the job to clients that run ${orList(platforms.map((p) => PLATFORM_LABELS[p]))}`,
      },
    ];
  }
  const ready = able.filter((c) => clientState(c) !== "disabled" && clientState(c) !== "unavailable");
  if (ready.length === 0) {
    return [
      {
        code: "clients_not_ready",
        level: "warning",
        field: assignField,
        message: `Every client that can take this job is disabled or unavailable now: ${listClients(able, (c) => `${c.hostname} (${platformLabel(c.platform) || "OS not reported"}, ${clientState(c)})`)}. The job will wait until one of them is enabled and available.`,
        hint: "enable a client in HQueue's web page, or assign the job to clients that are available",
      },
    ];
  }
  return [];
}
