// The client's job-query and job-control calls (jobs, retry, priority, log) against the HQueue stand-in, and the
// stand-in's answers to them: root job lists, both spellings of the status query, rescheduleJobs, max_last_chars,
// and a server without the optional calls.
import { afterEach, describe, expect, it } from "vitest";
import { HQueueClient } from "../../src-node/hqueue/client";
import { startHQueueStandin, type HQueueStandin, type StandinOptions } from "../support/hqueue-standin";

let standin: HQueueStandin | undefined;
afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

async function start(options: StandinOptions = {}): Promise<HQueueClient> {
  standin = await startHQueueStandin(options);
  return new HQueueClient(standin.url, { timeoutMs: 5000 });
}

/** A parent with three tasks: the first succeeds, the second fails, the third fails (exit 3). */
async function mixedJob(client: HQueueClient): Promise<{ parent: number; tasks: number[] }> {
  const [parent] = await client.newjob({
    name: "mixed",
    children: [{ name: "ok", command: "echo fine" }, { name: "bad", command: "echo broken; exit 3" }, { name: "bad2", command: "exit 4" }],
  });
  await standin!.waitForJob(parent, 10_000);
  return { parent, tasks: standin!.jobs.get(parent)!.childIds };
}

describe("root job lists and status queries", () => {
  it("lists unfinished and finished root jobs only (never tasks)", async () => {
    const client = await start({ runJobs: false });
    const [waiting] = await client.newjob({ name: "waits", children: [{ name: "t", command: "true" }] });
    const [done] = await client.newjob({ name: "no command" });
    await standin!.waitForJob(done, 5000);
    expect(await client.rootJobIds("unfinished")).toEqual([waiting]);
    expect(await client.rootJobIds("finished")).toEqual([done]);
  });

  it("asks getJobIdsBySatus (the reference's spelling) first, getJobIdsByStatus when that faults, and neither is undefined", async () => {
    let client = await start({ runJobs: false });
    const [id] = await client.newjob({ name: "no command" });
    await standin!.waitForJob(id, 5000);
    expect(await client.jobIdsByStatus(["succeeded"])).toEqual([id]);
    expect(standin!.calls.filter((c) => c.method.startsWith("getJobIdsBy")).map((c) => c.method)).toEqual(["getJobIdsBySatus"]);
    await standin!.close();
    client = await start({ runJobs: false, without: ["getJobIdsBySatus"] });
    await client.newjob({ name: "no command" });
    expect(await client.jobIdsByStatus(["runnable", "queued", "succeeded"])).toHaveLength(1);
    expect(standin!.calls.filter((c) => c.method.startsWith("getJobIdsBy")).map((c) => c.method)).toEqual(["getJobIdsBySatus", "getJobIdsByStatus"]);
    await standin!.close();
    client = await start({ runJobs: false, without: ["getJobIdsBySatus", "getJobIdsByStatus", "getUnfinishedRootJobIds"] });
    expect(await client.jobIdsByStatus(["failed"])).toBeUndefined();
    expect(await client.rootJobIds("unfinished")).toBeUndefined();
  });
});

describe("rescheduleJobs in the stand-in", () => {
  it("re-queues the failed tasks named, keeps the succeeded ones, and reopens the parent until they finish", async () => {
    const client = await start();
    const { parent, tasks } = await mixedJob(client);
    expect(tasks.map((t) => standin!.jobs.get(t)!.status)).toEqual(["succeeded", "failed", "failed"]);
    await client.rescheduleJobs([tasks[1]]);
    expect(standin!.jobs.get(parent)!.status).not.toBe("failed");
    const finished = await standin!.waitForJob(parent, 10_000);
    expect(finished.status).toBe("failed");
    expect(tasks.map((t) => standin!.jobs.get(t)!.status)).toEqual(["succeeded", "failed", "failed"]);
    // The task ran again (its output holds both runs); the other failed task did not.
    expect(standin!.jobs.get(tasks[1])!.output.match(/broken/g)).toHaveLength(2);
    expect(standin!.jobs.get(tasks[2])!.output).not.toContain("rescheduled");
    expect(standin!.jobs.get(tasks[0])!.output).not.toContain("rescheduled");
  });

  it("a server without rescheduleJobs / reprioritizeJobs answers the not-supported fault", async () => {
    const client = await start({ without: ["rescheduleJobs", "reprioritizeJobs"] });
    const [id] = await client.newjob({ name: "x" });
    await expect(client.rescheduleJobs([id])).rejects.toMatchObject({ kind: "fault" });
    await expect(client.reprioritizeJobs([id], 3)).rejects.toMatchObject({ kind: "fault" });
  });
});

describe("getJobOutput", () => {
  it("with max_last_chars gives the end of the log", async () => {
    const client = await start();
    const [id] = await client.newjob({ name: "out", command: "printf 'first line\\nlast line\\n'" });
    await standin!.waitForJob(id, 10_000);
    expect(await client.getJobOutput(id)).toBe("first line\nlast line\n");
    expect(await client.getJobOutput(id, 10)).toBe("last line\n");
    expect(await client.getJobOutput(id, 0)).toBe("first line\nlast line\n");
  });
});

describe("getJobsById", () => {
  it("finds each answer by its id, whatever order the server answers in", async () => {
    const client = await start({ runJobs: false, rotateGetJobs: true });
    const [parent] = await client.newjob({ name: "p", children: [{ name: "a", command: "true" }, { name: "b", command: "true" }, { name: "c", command: "true" }] });
    const tasks = standin!.jobs.get(parent)!.childIds;
    expect((await client.getJobs(tasks, ["id", "name"])).map((j) => j.name)).toEqual(["b", "c", "a"]);
    const byId = await client.getJobsById(tasks, ["name"]);
    expect(tasks.map((t) => byId.get(t)?.name)).toEqual(["a", "b", "c"]);
  });

  it("an answer without an id, with an id not asked for, or missing one is a malformed answer", async () => {
    const { startFaultyServer, xmlrpcAnswer } = await import("../support/faulty-server");
    for (const jobs of [[{ name: "no id" }], [{ id: 4243 }, { id: 9 }], [{ id: 4243 }], [{ id: 4243 }, { id: 4243 }]]) {
      const server = await startFaultyServer({ methods: { getJobs: { kind: "body", body: xmlrpcAnswer(jobs) } } });
      try {
        const error = await new HQueueClient(server.url, { timeoutMs: 5000 }).getJobsById([4243, 4244], ["id", "name"]).catch((e) => e);
        expect(error, JSON.stringify(jobs)).toMatchObject({ kind: "malformed_response", method: "getJobs" });
      } finally {
        await server.close();
      }
    }
  });
});
