import { describe, expect, it } from "vitest";
import { formatRuns, MAX_FRAMES, parseFrameSet, rangeFrames, runFrameCount, toRuns } from "../../src-node/portable/frames";

function framesOf(text: string, opts?: { maxFrames?: number }): number[] {
  const result = parseFrameSet(text, opts);
  if (!result.ok) throw new Error(`expected "${text}" to parse, got: ${result.error}`);
  return result.frames;
}

function errorOf(text: string, opts?: { maxFrames?: number }): string {
  const result = parseFrameSet(text, opts);
  if (result.ok) throw new Error(`expected "${text}" to fail, got ${JSON.stringify(result.frames)}`);
  return result.error;
}

function seq(start: number, end: number, step = 1): number[] {
  const out: number[] = [];
  for (let f = start; f <= end; f += step) out.push(f);
  return out;
}

describe("parseFrameSet: accepted syntax", () => {
  it.each([
    ["1-10", seq(1, 10)],
    ["1..10", seq(1, 10)],
    ["1-10x2", [1, 3, 5, 7, 9]],
    ["1-10:3", [1, 4, 7, 10]],
    ["1..10x4", [1, 5, 9]],
    ["0-100x25", [0, 25, 50, 75, 100]],
    ["5", [5]],
    ["5-5", [5]],
    ["1,5,10-12", [1, 5, 10, 11, 12]],
    ["1 5 10-12", [1, 5, 10, 11, 12]],
    ["1, 5\t10-12\n20", [1, 5, 10, 11, 12, 20]],
    ["  1 - 3 , 7 .. 8 ", [1, 2, 3, 7, 8]],
    ["1-10 x 3", [1, 4, 7, 10]],
    ["1-10 : 3", [1, 4, 7, 10]],
    ["1-10X3", [1, 4, 7, 10]],
    ["-5", [-5]],
    ["-10--7", [-10, -9, -8, -7]],
    ["-10..-7", [-10, -9, -8, -7]],
    ["-3-3", [-3, -2, -1, 0, 1, 2, 3]],
    ["-3..3x3", [-3, 0, 3]],
    ["-0", [0]],
    ["-5 -3", [-5, -3]],
    ["1 -3", [1, -3]],
    ["1,,2,", [1, 2]],
    [",7", [7]],
    ["007", [7]],
    ["1..10,20", [...seq(1, 10), 20]],
  ] as [string, number[]][])("%j", (text, expected) => {
    expect(framesOf(text)).toEqual(expected);
  });

  it("keeps the order given and removes duplicates, keeping the first occurrence", () => {
    expect(framesOf("10,1-3,2,10,0")).toEqual([10, 1, 2, 3, 0]);
    expect(framesOf("20-22,1-21x10")).toEqual([20, 21, 22, 1, 11]);
    expect(framesOf("3,3,3")).toEqual([3]);
  });

  it("reaches the last frame only when the step lands on it", () => {
    expect(framesOf("1-10x3")).toEqual([1, 4, 7, 10]);
    expect(framesOf("1-11x3")).toEqual([1, 4, 7, 10]);
    expect(framesOf("1-2x5")).toEqual([1]);
  });
});

describe("parseFrameSet: rejected input names the bad part", () => {
  it.each([
    ["", /empty/],
    ["   ", /empty/],
    [" , ,", /empty/],
    ["1-", /"1-" is missing its last frame/],
    ["1 -", /"1 -" is missing its last frame/],
    ["1-,5", /"1-" is missing its last frame/],
    ["a-b", /"a-b" is not a frame or a frame range/],
    ["1-a", /"1-a" is not a frame or a frame range/],
    ["1,x,3", /"x" is not a frame/],
    ["5a", /"5a" is not a frame/],
    ["10-1", /"10-1" counts down: write "1-10"/],
    ["10..1", /write "1\.\.10"/],
    ["10-1x2", /write "1-10x2"/],
    ["-1--10", /write "-10--1"/],
    ["3--3", /"3--3" counts down: write "-3-3"/],
    ["1 - -3", /"1 - -3" counts down: write "-3-1"/],
    ["1-10x0", /"1-10x0": the step must be a whole number of 1 or more/],
    ["1-10:0", /step must be a whole number of 1 or more/],
    ["1-10x-2", /"1-10x-2": the step must be/],
    ["1-10x", /"1-10x" is missing its step/],
    ["1-10x2x3", /"1-10x2x3" is not a frame/],
    ["5x2", /"5x2": a step needs a range/],
    ["1.5", /"1\.5" is not a whole number/],
    ["1-2.5", /"1-2\.5" is not a whole number/],
    ["1-10x1.5", /"1-10x1\.5" is not a whole number/],
    ["1...5", /"1\.\.\.5" is not a frame/],
    ["1;2", /"1;2" is not a frame/],
    ["99999999999999999999", /too large/],
    ["1, 2, 3-, 4", /"3-" is missing/],
  ])("%j", (text, message) => {
    expect(errorOf(text)).toMatch(message);
  });

  it("checks the size arithmetically before expanding (a billion frames fails at once)", () => {
    expect(errorOf("1-1000000000")).toMatch(/"1-1000000000" has 1000000000 frames, more than the limit of 1000000/);
    expect(errorOf("-9007199254740991-9007199254740991")).toMatch(/more than the limit/);
    expect(framesOf("1-1000000000x1000")).toHaveLength(1_000_000);
  });

  it("counts the whole set against the limit and names the item that crosses it", () => {
    expect(framesOf("1-10,21-30", { maxFrames: 20 })).toHaveLength(20);
    expect(errorOf("1-10,21-31", { maxFrames: 20 })).toMatch(/"21-31" brings the frame set to 21 frames or more, more than the limit of 20/);
    expect(errorOf("1-21", { maxFrames: 20 })).toMatch(/"1-21" has 21 frames/);
    expect(MAX_FRAMES).toBe(1_000_000);
  });
});

describe("rangeFrames", () => {
  it.each([
    [1, 10, 1, seq(1, 10)],
    [1, 10, 4, [1, 5, 9]],
    [0, 0, 1, [0]],
    [-5, 5, 5, [-5, 0, 5]],
    [0, 1000, 250, [0, 250, 500, 750, 1000]],
    [3, 4, 10, [3]],
  ])("%i..%i step %i", (start, end, step, expected) => {
    const result = rangeFrames(start, end, step);
    expect(result).toEqual({ ok: true, frames: expected });
  });

  it.each([
    [10, 1, 1, /start is after its end/],
    [1, 10, 0, /step 0 is not valid/],
    [1, 10, -1, /step -1 is not valid/],
    [1, 10, 1.5, /step 1.5 is not valid/],
    [1.5, 10, 1, /whole numbers/],
    [0, Number.NaN, 1, /whole numbers/],
    [1, 1_000_000_000, 1, /has 1000000000 frames, more than the limit/],
  ])("rejects %s..%s step %s", (start, end, step, message) => {
    const result = rangeFrames(start, end, step);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it("honours maxFrames", () => {
    expect(rangeFrames(1, 10, 1, { maxFrames: 10 }).ok).toBe(true);
    expect(rangeFrames(1, 11, 1, { maxFrames: 10 }).ok).toBe(false);
  });
});

describe("toRuns / formatRuns", () => {
  it.each([
    [[], [], ""],
    [[7], [{ start: 7, end: 7, step: 1 }], "7"],
    [seq(1, 10), [{ start: 1, end: 10, step: 1 }], "1-10"],
    [[1, 2, 3, 5], [{ start: 1, end: 3, step: 1 }, { start: 5, end: 5, step: 1 }], "1-3,5"],
    [[...seq(1, 10), ...seq(12, 20, 2), 25], [{ start: 1, end: 10, step: 1 }, { start: 12, end: 20, step: 2 }, { start: 25, end: 25, step: 1 }], "1-10,12-20x2,25"],
    [seq(-10, -1), [{ start: -10, end: -1, step: 1 }], "-10--1"],
    [seq(-3, 3), [{ start: -3, end: 3, step: 1 }], "-3-3"],
    [[1, 5, 6, 7, 8], [{ start: 1, end: 1, step: 1 }, { start: 5, end: 8, step: 1 }], "1,5-8"],
    [[1, 5], [{ start: 1, end: 5, step: 4 }], "1-5x4"],
    [[1, 5, 3], [{ start: 1, end: 5, step: 4 }, { start: 3, end: 3, step: 1 }], "1-5x4,3"],
    [[1, 5, 9], [{ start: 1, end: 9, step: 4 }], "1-9x4"],
    [[3, 2, 1], [{ start: 3, end: 3, step: 1 }, { start: 2, end: 2, step: 1 }, { start: 1, end: 1, step: 1 }], "3,2,1"],
    [[4, 4], [{ start: 4, end: 4, step: 1 }, { start: 4, end: 4, step: 1 }], "4,4"],
  ])("%j", (frames, runs, text) => {
    expect(toRuns(frames)).toEqual(runs);
    expect(formatRuns(toRuns(frames))).toBe(text);
  });

  it("runFrameCount counts a run without expanding it", () => {
    expect(runFrameCount({ start: 1, end: 19, step: 2 })).toBe(10);
    expect(runFrameCount({ start: -5, end: -5, step: 1 })).toBe(1);
    expect(runFrameCount({ start: 0, end: 999_999_999, step: 1 })).toBe(1_000_000_000);
  });

  it("formatRuns output parses back to the same frames (seeded random sets)", () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let c = 0; c < 500; c++) {
      const frames: number[] = [];
      const seen = new Set<number>();
      const count = 1 + random(40);
      for (let k = 0; k < count; k++) {
        const f = random(60) - 20;
        if (!seen.has(f)) {
          seen.add(f);
          frames.push(f);
        }
      }
      if (random(2) === 0) frames.sort((a, b) => a - b);
      const text = formatRuns(toRuns(frames));
      expect(framesOf(text), text).toEqual(frames);
    }
  });
});
