// log's tails: only the end of a long render log is fetched (getJobOutput's max_last_chars), yet the tail is exact.
import { describe, expect, it } from "vitest";
import { jobOutput } from "../../src-node/commands/job-lookup";
import { HQueueClient } from "../../src-node/hqueue/client";
import { HQueueError } from "../../src-node/hqueue/hqueue-error";

/** A client whose getJobOutput answers from `log` like the documented server, recording the max_last_chars asked. */
function fakeClient(log: string, options: { refusesMax?: boolean; ignoresMax?: boolean } = {}): { client: HQueueClient; asked: (number | undefined)[] } {
  const asked: (number | undefined)[] = [];
  const client = new HQueueClient("127.0.0.1:1");
  client.getJobOutput = async (_id: number, max?: number) => {
    asked.push(max);
    if (max !== undefined && options.refusesMax) throw new HQueueError("fault", "getJobOutput", "takes 1 positional argument", { sent: true });
    return max !== undefined && max >= 1 && !options.ignoresMax && log.length > max ? log.slice(log.length - max) : log;
  };
  return { client, asked };
}

const longLog = Array.from({ length: 5000 }, (_, i) => `Rendered frame ${i + 1}`).join("\n") + "\nRender failed: disk full\n";

describe("jobOutput", () => {
  it("fetches only the end of a long log for a tail, and the tail is exact", async () => {
    const { client, asked } = fakeClient(longLog);
    expect(await jobOutput(client, 1, 2)).toEqual({ text: "Rendered frame 5000\nRender failed: disk full\n", truncated: true });
    expect(asked).toEqual([800]);
  });

  it("reads the whole log when its end holds too few lines (very long lines) or the server refuses the argument", async () => {
    const wide = `${"x".repeat(3000)}\n${"y".repeat(3000)}\nend\n`;
    const narrow = fakeClient(wide);
    expect((await jobOutput(narrow.client, 1, 3)).text).toBe(wide);
    expect(narrow.asked).toEqual([1200, undefined]);
    const old = fakeClient(longLog, { refusesMax: true });
    expect((await jobOutput(old.client, 1, 1)).text).toBe("Render failed: disk full\n");
    expect(old.asked).toEqual([400, undefined]);
    const ignoring = fakeClient(longLog, { ignoresMax: true });
    expect((await jobOutput(ignoring.client, 1, 1)).text).toBe("Render failed: disk full\n");
    expect(ignoring.asked).toEqual([400]);
  });

  it("a short log comes back whole, not marked as cut; without a tail the whole log is read", async () => {
    const { client, asked } = fakeClient("one\ntwo\n");
    expect(await jobOutput(client, 1, 5)).toEqual({ text: "one\ntwo\n", truncated: false });
    expect(await jobOutput(client, 1, undefined)).toEqual({ text: "one\ntwo\n", truncated: false });
    expect(asked).toEqual([2000, undefined]);
  });
});
