/**
 * The farm's clients and client groups as the helper shows and checks them, read only from the documented attributes
 * (SideFX 12 Python API: getClients `id`, `hostname`, `platform`, `groups` = group ids, `disabled`, `available`;
 * getClientGroups `id`, `name`, `clients` = client ids). Pure: the calls are made by the commands.
 *
 * Lenient where the documents leave room: ids may arrive as numbers or as decimal strings (`<i8>`), a missing or
 * mistyped attribute is left out rather than guessed, and a `groups` entry that is not an id is kept as the name the
 * server wrote.
 */
import type { ClientInfo, ClientState, GroupInfo, Platform } from "../../types/request";
import { platformFamily } from "./platform";

/** The getClients attributes the helper asks for (and the only ones it reads). */
export const CLIENT_ATTRIBS: readonly string[] = ["id", "hostname", "platform", "groups", "disabled", "available"];
/** The getClientGroups attributes the helper asks for (and the only ones it reads). */
export const GROUP_ATTRIBS: readonly string[] = ["id", "name", "clients"];

function idOf(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isInteger(n) ? n : undefined;
  }
  return undefined;
}

function flag(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === 0 || value === 1) return value === 1;
  return undefined;
}

/** getClientGroups entries → groups (entries without a name are kept with name ""). */
export function readGroups(raw: readonly Record<string, unknown>[]): GroupInfo[] {
  return raw.map((g) => ({
    id: idOf(g.id) ?? -1,
    name: typeof g.name === "string" ? g.name : g.name === undefined || g.name === null ? "" : String(g.name),
    clients: Array.isArray(g.clients) ? g.clients.map(idOf).filter((id): id is number => id !== undefined) : [],
  }));
}

/**
 * getClients entries → clients. With `groups` (from getClientGroups) the client's group ids are joined to names;
 * without it (the server could not list groups) only `groupIds` is filled.
 */
export function readClients(raw: readonly Record<string, unknown>[], groups?: readonly GroupInfo[]): ClientInfo[] {
  const groupName = new Map<number, string>();
  for (const group of groups ?? []) if (group.id >= 0) groupName.set(group.id, group.name);
  return raw.map((c) => {
    const info: ClientInfo = { id: idOf(c.id) ?? -1, hostname: typeof c.hostname === "string" ? c.hostname : String(c.hostname ?? "") };
    if (typeof c.platform === "string") {
      info.platform = c.platform;
      const family = platformFamily(c.platform);
      if (family !== undefined) info.os = family;
    }
    if (Array.isArray(c.groups)) {
      const ids: number[] = [];
      const names: string[] = [];
      for (const entry of c.groups) {
        const id = idOf(entry);
        if (id !== undefined) {
          ids.push(id);
          const name = groupName.get(id);
          if (name !== undefined) names.push(name);
        } else if (typeof entry === "string" && entry !== "") {
          names.push(entry);
        }
      }
      info.groupIds = ids;
      if (groups !== undefined || names.length > 0) info.groups = names;
    }
    const disabled = flag(c.disabled);
    if (disabled !== undefined) info.disabled = disabled;
    const available = flag(c.available);
    if (available !== undefined) info.available = available;
    const state = clientState(info);
    if (state !== undefined) info.state = state;
    return info;
  });
}

/** Adds each group's member hostnames (from its `clients` ids) where the clients are known. */
export function withHostnames(groups: readonly GroupInfo[], clients: readonly ClientInfo[]): GroupInfo[] {
  const hostname = new Map<number, string>();
  for (const client of clients) if (client.id >= 0) hostname.set(client.id, client.hostname);
  return groups.map((g) => ({ ...g, hostnames: g.clients.map((id) => hostname.get(id)).filter((h): h is string => h !== undefined) }));
}

/**
 * The clients of the group named `name`: those its `clients` list names, and those whose own `groups` list its id
 * or name (the two documented directions of the same membership; a server that fills only one still answers right).
 */
export function clientsOfGroup(name: string, groups: readonly GroupInfo[], clients: readonly ClientInfo[]): ClientInfo[] {
  const matching = groups.filter((g) => g.name === name);
  const ids = new Set<number>();
  for (const group of matching) for (const id of group.clients) ids.add(id);
  const groupIds = new Set(matching.map((g) => g.id));
  return clients.filter((c) => ids.has(c.id) || (c.groupIds ?? []).some((id) => groupIds.has(id)) || (c.groups ?? []).includes(name));
}

/** The OS family of a client (from its `platform`), or undefined when unknown. */
export function clientOs(client: ClientInfo): Platform | undefined {
  return client.os ?? platformFamily(client.platform);
}

/** "disabled" (whatever `available` says), "available", "unavailable", or undefined when neither was reported. */
export function clientState(client: Pick<ClientInfo, "disabled" | "available">): ClientState | undefined {
  if (client.disabled === true) return "disabled";
  if (client.available === true) return "available";
  if (client.available === false) return "unavailable";
  return undefined;
}
