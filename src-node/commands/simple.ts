import type { CancelResult, ClientInfo, ClientsResult, GroupInfo, GroupsResult, LogResult, PingResult } from "../../types/request";
import { HelperError } from "../errors";
import { type HQueueClient, HQueueError } from "../hqueue/client";
import { type FinishedNames, finishedNames } from "./status";
import { type Command, jobIdArgument, makeClient, noPositionals, OUTPUT_OPTIONS, SERVER_OPTIONS, serverError } from "./common";

function num(v: unknown): number {
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : -1;
}

function strings(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === "string" && v.trim() !== "") return v.split(/[,\s]+/).filter(Boolean);
  return undefined;
}

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

/** A command that reads one list from the server, maps it, and prints it sorted by name. */
function listCommand<Item, Result extends ClientsResult | GroupsResult>(spec: {
  name: string;
  summary: string;
  doing: string;
  fetch: (client: HQueueClient) => Promise<Record<string, unknown>[]>;
  map: (raw: Record<string, unknown>) => Item;
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
      let raw: Record<string, unknown>[];
      try {
        raw = await spec.fetch(client);
      } catch (e) {
        throw serverError(e, client, spec.doing);
      }
      const items = raw.map(spec.map).sort((a, b) => spec.key(a).localeCompare(spec.key(b)));
      ctx.out.result(spec.result(items), items.length === 0 ? spec.empty : items.map(spec.line).join("\n"));
      return 0;
    },
  };
}

export const clientsCommand = listCommand<ClientInfo, ClientsResult>({
  name: "clients",
  summary: "list the farm's clients (hostname, OS, groups)",
  doing: "listing the clients",
  fetch: (client) => client.getClients(),
  map: (c) => {
    const info: ClientInfo = { id: num(c.id), hostname: String(c.hostname ?? c.name ?? "") };
    if (typeof c.os === "string") info.os = c.os;
    const groups = strings(c.groups);
    if (groups) info.groups = groups;
    return info;
  },
  key: (c) => c.hostname,
  result: (clients) => ({ ok: true, command: "clients", clients }),
  line: (c) => `${c.hostname.padEnd(32)} ${(c.os ?? "").padEnd(8)} ${(c.groups ?? []).join(" ")}`,
  empty: "The server lists no clients.",
});

export const groupsCommand = listCommand<GroupInfo, GroupsResult>({
  name: "groups",
  summary: "list the client groups",
  doing: "listing the client groups",
  fetch: (client) => client.getClientGroups(),
  map: (g) => ({ id: num(g.id), name: String(g.name ?? ""), clients: Array.isArray(g.clients) ? g.clients.map(num) : [] }),
  key: (g) => g.name,
  result: (groups) => ({ ok: true, command: "groups", groups }),
  line: (g) => `${g.name.padEnd(32)} ${g.clients.length} client(s)`,
  empty: "The server has no client groups.",
});

function faultAsNotFound(e: unknown, id: number): never {
  if (e instanceof HQueueError && e.kind === "fault") {
    throw new HelperError("not_found", `The HQueue server has no job ${id} (${e.faultString ?? e.message}).`);
  }
  throw e;
}

export const cancelCommand: Command = {
  name: "cancel",
  summary: "cancel a job and all its tasks",
  usage: "hqueue-helper cancel JOB_ID [--server HOST[:PORT]] [--json]",
  options: { ...SERVER_OPTIONS, ...OUTPUT_OPTIONS },
  async run(ctx) {
    const id = jobIdArgument(ctx);
    const client = makeClient(ctx);
    let job: Record<string, unknown>;
    let names: FinishedNames;
    try {
      job = await client.getJob(id, ["id", "status"]).catch((e) => faultAsNotFound(e, id));
      names = await finishedNames(client);
    } catch (e) {
      throw serverError(e, client, `reading job ${id}`);
    }
    if (Object.keys(job).length === 0) throw new HelperError("not_found", `The HQueue server has no job ${id}.`, { hint: "check the job id on the HQueue web page" });
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

export const logCommand: Command = {
  name: "log",
  summary: "print a job's output (for a parent job, the output of each task)",
  usage: "hqueue-helper log JOB_ID [--server HOST[:PORT]] [--json]",
  options: { ...SERVER_OPTIONS, ...OUTPUT_OPTIONS },
  async run(ctx) {
    const id = jobIdArgument(ctx);
    const client = makeClient(ctx);
    let output = "";
    try {
      const job = await client.getJob(id, ["id", "name", "children"]).catch((e) => faultAsNotFound(e, id));
      output = String((await client.getJobOutput(id)) ?? "");
      const children = Array.isArray(job.children) ? job.children.map(num).filter((c) => c >= 0) : [];
      if (output.trim() === "" && children.length > 0) {
        const infos = await client.getJobs(children, ["id", "name", "status"]);
        const parts: string[] = [];
        for (let i = 0; i < children.length; i++) {
          const info = infos[i] ?? {};
          parts.push(`===== task ${children[i]} ${String(info.name ?? "")} (${String(info.status ?? "")}) =====`);
          parts.push(String((await client.getJobOutput(children[i])) ?? ""));
        }
        output = parts.join("\n");
      }
    } catch (e) {
      throw serverError(e, client, `reading the output of job ${id}`);
    }
    const result: LogResult = { ok: true, command: "log", jobId: id, output };
    ctx.out.result(result, output);
    return 0;
  },
};
