import type { CancelResult, ClientInfo, ClientsResult, GroupInfo, GroupsResult, PingResult } from "../../types/request";
import type { HQueueClient } from "../hqueue/client";
import { HQueueError } from "../hqueue/hqueue-error";
import { CLIENT_ATTRIBS, GROUP_ATTRIBS, readClients, readGroups, withHostnames } from "../hqueue/farm";
import { platformLabel } from "../hqueue/platform";
import { type FinishedNames, finishedNames } from "./status";
import { type Command, jobIdArgument, makeClient, noPositionals, OUTPUT_OPTIONS, SERVER_OPTIONS, serverError } from "./common";
import { readJob } from "./job-lookup";

export const pingCommand: Command = {
  name: "ping",
  summary: "check that the HQueue server answers",
  usage: "hqueue-helper ping [--server HOST[:PORT]] [--json]",
  options: { ...SERVER_OPTIONS, ...OUTPUT_OPTIONS },
  async run(ctx) {
    noPositionals(ctx);
    const client = makeClient(ctx);
    const started = performance.now();
    try {
      await client.ping();
    } catch (e) {
      throw serverError(e, client, "pinging the server");
    }
    const ms = Math.round(performance.now() - started);
    const result: PingResult = { ok: true, command: "ping", server: client.address.baseUrl, milliseconds: ms, nodeVersion: process.version };
    ctx.out.result(result, `HQueue server ${client.address.baseUrl} answered in ${ms} ms`);
    return 0;
  },
};

/** A command that reads one list from the server and prints it sorted by name. */
function listCommand<Item, Result extends ClientsResult | GroupsResult>(spec: {
  name: string;
  summary: string;
  doing: string;
  load: (client: HQueueClient) => Promise<Item[]>;
  key: (item: Item) => string;
  result: (items: Item[]) => Result;
  line: (item: Item) => string;
  empty: string;
}): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: `hqueue-helper ${spec.name} [--server HOST[:PORT]] [--json]`,
    options: { ...SERVER_OPTIONS, ...OUTPUT_OPTIONS },
    async run(ctx) {
      noPositionals(ctx);
      const client = makeClient(ctx);
      let items: Item[];
      try {
        items = await spec.load(client);
      } catch (e) {
        throw serverError(e, client, spec.doing);
      }
      items.sort((a, b) => spec.key(a).localeCompare(spec.key(b)));
      ctx.out.result(spec.result(items), items.length === 0 ? spec.empty : items.map(spec.line).join("\n"));
      return 0;
    },
  };
}

/**
 * The groups, or undefined when the server faults on getClientGroups (the clients are still worth listing; their
 * group ids stay in `groupIds`). A server that cannot be reached fails the command.
 */
async function groupsIfAny(client: HQueueClient): Promise<GroupInfo[] | undefined> {
  try {
    return readGroups(await client.getClientGroups(GROUP_ATTRIBS));
  } catch (e) {
    if (e instanceof HQueueError && e.kind === "fault") return undefined;
    throw e;
  }
}

export const clientsCommand = listCommand<ClientInfo, ClientsResult>({
  name: "clients",
  summary: "list the farm's clients (hostname, OS, state, groups)",
  doing: "listing the clients",
  load: async (client) => {
    const raw = await client.getClients(CLIENT_ATTRIBS);
    return readClients(raw, await groupsIfAny(client));
  },
  key: (c) => c.hostname,
  result: (clients) => ({ ok: true, command: "clients", clients }),
  line: (c) => {
    // Without a group list (the server faulted on getClientGroups) the group ids are shown, marked with #.
    const groups = c.groups ?? (c.groupIds ?? []).map((id) => `#${id}`);
    return `${c.hostname.padEnd(32)} ${platformLabel(c.platform).padEnd(14)} ${(c.state ?? "").padEnd(11)} ${groups.join(" ")}`.trimEnd();
  },
  empty: "The server lists no clients.",
});

export const groupsCommand = listCommand<GroupInfo, GroupsResult>({
  name: "groups",
  summary: "list the client groups and the hostnames of their clients",
  doing: "listing the client groups",
  load: async (client) => {
    const groups = readGroups(await client.getClientGroups(GROUP_ATTRIBS));
    if (groups.every((g) => g.clients.length === 0)) return groups;
    let clients: Record<string, unknown>[];
    try {
      clients = await client.getClients(CLIENT_ATTRIBS);
    } catch (e) {
      // The groups are still worth listing, with their client ids (members shown as unknown).
      if (e instanceof HQueueError && e.kind === "fault") return groups;
      throw e;
    }
    return withHostnames(groups, readClients(clients));
  },
  key: (g) => g.name,
  result: (groups) => ({ ok: true, command: "groups", groups }),
  line: (g) => {
    const members = g.hostnames ?? [];
    const unknown = g.clients.length - members.length;
    const names = [...members].sort((a, b) => a.localeCompare(b)).join(" ") + (unknown > 0 ? `${members.length > 0 ? " " : ""}(+${unknown} unknown)` : "");
    return `${g.name.padEnd(32)} ${`${g.clients.length} client(s)`.padEnd(12)} ${names}`.trimEnd();
  },
  empty: "The server has no client groups.",
});

export const cancelCommand: Command = {
  name: "cancel",
  summary: "cancel a job and all its tasks",
  usage: "hqueue-helper cancel JOB_ID [--server HOST[:PORT]] [--json]",
  options: { ...SERVER_OPTIONS, ...OUTPUT_OPTIONS },
  async run(ctx) {
    const id = jobIdArgument(ctx);
    const client = makeClient(ctx);
    const job = await readJob(client, id, ["id", "status"]);
    let names: FinishedNames;
    try {
      names = await finishedNames(client);
    } catch (e) {
      throw serverError(e, client, `reading job ${id}`);
    }
    const status = String(job.status ?? "");
    if (names.succeeded.includes(status) || names.failed.includes(status)) {
      const result: CancelResult = { ok: true, command: "cancel", jobId: id, alreadyFinished: status };
      ctx.out.result(result, `Job ${id} had already finished (${status}); nothing was cancelled.`);
      return 0;
    }
    try {
      await client.cancelJobs([id]);
    } catch (e) {
      throw serverError(e, client, `cancelling job ${id}`);
    }
    const result: CancelResult = { ok: true, command: "cancel", jobId: id };
    ctx.out.result(result, `Cancelled job ${id} and its tasks.`);
    return 0;
  },
};
