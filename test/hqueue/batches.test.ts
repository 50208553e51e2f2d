import { describe, expect, it } from "vitest";
import type { JobSpec } from "../../types/request";
import { splitJob } from "../../src-node/hqueue/batches";
import { serializeMethodCall } from "../../src-node/hqueue/xmlrpc-wire";

function job(tasks: number, commandBytes = 200): JobSpec {
  return {
    name: "big -> shot.comp",
    priority: 5,
    conditions: [{ type: "client", name: "group", op: "==", value: "Fusion" }],
    children: Array.from({ length: tasks }, (_, i) => ({
      name: `Frames ${i + 1}`,
      // Varying sizes and XML-escaped characters, so batch edges fall at odd places.
      command: { linux: `render '<&>' ${"x".repeat(commandBytes + (i % 37))} ${i + 1}`, windows: `"render" ü ${i + 1}` },
      tags: ["single"],
    })),
  };
}

function bytes(params: unknown[]): number {
  return serializeMethodCall("newjob", params).reduce((n, b) => n + b.length, 0);
}

describe("splitJob", () => {
  it("sends a job that fits as one call, exactly as it is", () => {
    const spec = job(10);
    const split = splitJob(spec, 2_000_000);
    expect(split.rest).toEqual([]);
    expect(split.first).toBe(spec);
    expect(split.bodyBytes).toEqual([bytes([spec])]);
  });

  it.each([16_384, 50_000, 333_333, 2_000_000])("with %i bytes per call: every task once, in order, every call within the limit and measured exactly", (max) => {
    const spec = job(5_000);
    const split = splitJob(spec, max);
    expect(split.rest.length).toBeGreaterThan(0);
    const sent = [...(split.first.children ?? []), ...split.rest.flat()];
    expect(sent).toEqual(spec.children);
    const actual = [bytes([split.first]), ...split.rest.map((batch) => bytes([batch, 1_000_001]))];
    actual.forEach((n, i) => expect(n).toBeLessThanOrEqual(max));
    // The measured sizes are the real ones (batch envelopes are measured with the widest id, so never smaller).
    expect(split.bodyBytes[0]).toBe(actual[0]);
    actual.slice(1).forEach((n, i) => expect(split.bodyBytes[i + 1] - n).toBeGreaterThanOrEqual(0));
    actual.slice(1).forEach((n, i) => expect(split.bodyBytes[i + 1] - n).toBeLessThanOrEqual(3));
    // Batches are full: the next task would not have fitted.
    expect(split.bodyBytes[0] + (bytes([[spec.children![split.first.children!.length]]]) - bytes([[]]))).toBeGreaterThan(max);
    expect({ ...split.first, children: undefined }).toEqual({ ...spec, children: undefined });
  });

  it("refuses a limit smaller than one task", () => {
    expect(() => splitJob(job(3, 40_000), 30_000)).toThrow(/one task alone/);
  });
});
