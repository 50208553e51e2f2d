/**
 * The field table (src-node/portable/fields.ts) and the helper's two consumers of it: every row is honoured by the
 * request validator (src-node/request.ts) and by the plan/submit command line (flag, --help, limits, defaults),
 * with the same limits. The comp script's side (settings under LuaJIT) is test/lua/fields-lua.test.ts.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatOptionsHelp, parseArgs } from "../../src-node/args";
import { SERVER_OPTIONS } from "../../src-node/commands/common";
import { planCommand } from "../../src-node/commands/plan";
import { REQUEST_OPTIONS, loadRequest } from "../../src-node/commands/request-input";
import { submitCommand } from "../../src-node/commands/submit";
import { HelperError } from "../../src-node/errors";
import {
  FIELDS,
  type ChoiceRow,
  type FieldRow,
  type IntRow,
  RENDER_NODE_VERSIONS,
  STRUCTURED_LABELS,
  choiceAt,
  choiceIndex,
  clampInt,
  cliHelp,
  fieldLabel,
  isRenderNodeVersion,
  parseWholeNumber,
  rowForRequestField,
  wholeText,
  widgetRows,
} from "../../src-node/portable/fields";
import { validateRequest } from "../../src-node/request";
import { makeRequest } from "../support/requests";

const repoRoot = path.resolve(__dirname, "../..");
const COMP = path.join(repoRoot, "test/comps/e2e-basic.comp");
const INT_ROWS = FIELDS.filter((row): row is IntRow => row.kind === "int");

function getPath(doc: unknown, dotted: string): unknown {
  let value: unknown = doc;
  for (const part of dotted.split(".")) value = value === undefined || value === null ? undefined : (value as Record<string, unknown>)[part];
  return value;
}

/** A valid request with the row's member set to `value` (and what that member needs next to it). */
function requestWith(row: FieldRow, value: unknown): unknown {
  const doc = JSON.parse(JSON.stringify(makeRequest())) as Record<string, unknown>;
  if (row.key === "customFrames") value = { kind: "custom", set: value };
  if (row.key === "frameChoice") value = value === "custom" ? { kind: "custom", set: "1-10" } : { kind: value };
  if (row.key === "assignMode") value = value === "any" ? { mode: "any" } : { mode: value, names: ["a"] };
  const dotted = row.key === "customFrames" || row.key === "frameChoice" ? "job.frames" : row.key === "assignMode" ? "farm.assign" : row.request;
  const parts = dotted.split(".");
  let target = doc;
  for (const part of parts.slice(0, -1)) target = target[part] as Record<string, unknown>;
  target[parts[parts.length - 1]] = value;
  return doc;
}

function refusal(fn: () => unknown): HelperError | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof HelperError) return e;
    throw e;
  }
}

async function refusedAsync(fn: () => Promise<unknown>): Promise<HelperError | undefined> {
  try {
    await fn();
    return undefined;
  } catch (e) {
    if (e instanceof HelperError) return e;
    throw e;
  }
}

function cli(...argv: string[]) {
  const args = parseArgs([COMP, "--platforms", "linux", ...argv], { ...REQUEST_OPTIONS, ...SERVER_OPTIONS });
  return loadRequest({ args, env: {}, out: undefined as never });
}

describe("the field table", () => {
  it("has one row per key, flag and widget, each with a label an artist can read", () => {
    const keys = FIELDS.map((row) => row.key);
    expect(new Set(keys).size).toBe(keys.length);
    const flags = FIELDS.flatMap((row) => (row.cli ? [row.cli.flag] : []));
    expect(new Set(flags).size).toBe(flags.length);
    const widgets = FIELDS.flatMap((row) => (row.widget ? [row.widget.id] : []));
    expect(new Set(widgets).size).toBe(widgets.length);
    const labels = [...FIELDS.map((row) => row.label), ...Object.values(STRUCTURED_LABELS)];
    expect(new Set(labels).size).toBe(labels.length);
    for (const row of FIELDS) {
      expect(row.label, row.key).toMatch(/^[A-Z][a-zA-Z' -]+$/);
      // Words, not an internal key such as "framesPerTask".
      expect(row.label, row.key).not.toMatch(/[a-z][A-Z]/);
      expect(row.tooltip.length, row.key).toBeGreaterThan(10);
      // Every stored field has a widget (the dialog shows whatever is stored); only command-line fields have none.
      if (row.stored !== "never") expect(row.widget, row.key).toBeDefined();
    }
    for (const key of ["assignNames", "platforms", "renderNodePaths", "sharedRoots", "emailReasons", "environment"]) {
      expect(fieldLabel(key)).not.toBe(key);
    }
    expect(fieldLabel("priority")).toBe("Priority");
  });

  it("has defaults inside its limits", () => {
    for (const row of FIELDS) {
      if (row.kind === "int") {
        expect(row.default).toBeGreaterThanOrEqual(row.min);
        expect(row.default).toBeLessThanOrEqual(row.max);
        // requestMin is min, or min + 1 when min is the "leave it to HQueue" value that a request omits.
        expect(row.requestMin === row.min || (row.none?.value === row.min && row.requestMin === row.min + 1), row.key).toBe(true);
      }
      if (row.kind === "choice") {
        expect(row.choices).toContain(row.default);
        expect(row.choiceLabels).toHaveLength(row.choices.length);
      }
      if (row.kind === "text") {
        expect(row.default.length).toBeLessThanOrEqual(row.maxLength);
        if (row.format === "renderNodeVersion") expect(isRenderNodeVersion(row.default)).toBe(true);
      }
    }
    for (const version of RENDER_NODE_VERSIONS) expect(isRenderNodeVersion(version)).toBe(true);
  });

  it("writes the 0 to 1,000,000 frames-per-task range once", () => {
    const row = INT_ROWS.find((r) => r.key === "framesPerTask")!;
    expect([row.min, row.max]).toEqual([0, 1_000_000]);
  });

  it("small helpers: whole-number text, parsing, clamping, version shape, error routing", () => {
    for (const n of [0, 7, -7, 10, 1_000_000, 123456789012345, -99]) expect(wholeText(n)).toBe(String(n));
    expect(parseWholeNumber(" 42 ")).toBe(42);
    expect(parseWholeNumber("-3")).toBe(-3);
    for (const text of ["", " ", "-", "1e3", "0x10", "1.0", "12a", "+1", "1234567890123456"]) expect(parseWholeNumber(text), text).toBeUndefined();
    const priority = INT_ROWS.find((r) => r.key === "priority")!;
    expect([clampInt(priority, 11, 5), clampInt(priority, -1, 5), clampInt(priority, 4.6, 5), clampInt(priority, Number.NaN, 5), clampInt(priority, "3", 5)]).toEqual([10, 0, 5, 5, 5]);
    for (const v of ["9", "19", "21", "18.1", "20.10"]) expect(isRenderNodeVersion(v), v).toBe(true);
    for (const v of ["", "123", "19.", ".1", "a", "19a", "1.2.3", " 19"]) expect(isRenderNodeVersion(v), v).toBe(false);
    expect(rowForRequestField("job.frames.set")?.key).toBe("customFrames");
    expect(rowForRequestField("job.frames.kind")?.key).toBe("frameChoice");
    expect(rowForRequestField("job.priority")?.widget?.id).toBe("Priority");
    expect(rowForRequestField("job.prioritySomething")).toBeUndefined();
    expect(rowForRequestField("job.environment.X")).toBeUndefined();
    const frames = FIELDS.find((r) => r.key === "frameChoice") as ChoiceRow;
    expect([choiceIndex(frames, "custom"), choiceIndex(frames, "nope"), choiceAt(frames, 1), choiceAt(frames, -1), choiceAt(frames, 3)]).toEqual([2, 0, "global", "render", "render"]);
    expect(widgetRows("advanced").map((r) => r.widget?.id)).toEqual(["Tries", "Cpus", "LogDir", "JobRoot", "EmailTo", "Paused"]);
  });
});

describe("every row is honoured by the request validator", () => {
  it.each(INT_ROWS.map((row) => [row.key, row] as const))("%s: requestMin and max accepted, one beyond refused", (_key, row) => {
    const ok = (v: number) => getPath(validateRequest(requestWith(row, v)), row.request);
    expect(ok(row.requestMin)).toBe(row.requestMin);
    expect(ok(row.max)).toBe(row.max);
    for (const v of [row.requestMin - 1, row.max + 1, row.requestMin + 0.5, String(row.requestMin)]) {
      const error = refusal(() => validateRequest(requestWith(row, v)));
      expect(error?.code, `${row.key} = ${v}`).toBe("bad_request");
      expect(error?.field).toBe(row.request);
    }
  });

  it("text rows: the longest value accepted, one character more refused", () => {
    for (const row of FIELDS) {
      if (row.kind !== "text") continue;
      const longest = row.format === "renderNodeVersion" ? "19." + "0".repeat(row.maxLength - 3) : "x".repeat(row.maxLength);
      expect(getPath(validateRequest(requestWith(row, longest)), row.request), row.key).toBe(longest);
      const error = refusal(() => validateRequest(requestWith(row, longest + "0")));
      expect(error?.field, row.key).toBe(row.request);
    }
  });

  it("choice rows: every choice accepted, anything else refused; the Render Node version must look like one", () => {
    for (const row of FIELDS) {
      if (row.kind !== "choice") continue;
      for (const choice of row.choices) expect(getPath(validateRequest(requestWith(row, choice)), row.request)).toBe(choice);
      expect(refusal(() => validateRequest(requestWith(row, "bogus")))?.field).toBe(row.request);
    }
    const version = FIELDS.find((r) => r.key === "renderNodeVersion")!;
    for (const v of RENDER_NODE_VERSIONS) expect(getPath(validateRequest(requestWith(version, v)), version.request)).toBe(v);
    expect(refusal(() => validateRequest(requestWith(version, "abc")))?.message).toContain("is not a Fusion version like 19");
  });

  it("yes/no rows: true and false accepted, anything else refused", () => {
    for (const row of FIELDS) {
      if (row.kind !== "bool") continue;
      expect(getPath(validateRequest(requestWith(row, true)), row.request), row.key).toBe(true);
      expect(refusal(() => validateRequest(requestWith(row, "yes")))?.field, row.key).toBe(row.request);
    }
  });
});

describe("every row is honoured by the plan/submit command line", () => {
  const helpOf = (specs: Parameters<typeof formatOptionsHelp>[0], flag: string) =>
    formatOptionsHelp(specs).split("\n").find((line) => line.startsWith(`  --${flag} `)) ?? "";

  it("each flag exists in plan and submit, and its --help line names the label, limits and default", () => {
    for (const row of FIELDS) {
      if (row.cli === undefined) continue;
      for (const command of [planCommand, submitCommand]) {
        expect(command.options[row.cli.flag], `${command.name} --${row.cli.flag}`).toBeDefined();
        const line = helpOf(command.options, row.cli.flag);
        expect(line).toContain(cliHelp(row));
        expect(line).toContain(row.label);
      }
      if (row.kind === "int") expect(cliHelp(row)).toContain(`${row.requestMin} to ${row.max}`);
    }
    expect(helpOf(submitCommand.options, "per-task")).toContain("Frames per task: 0 = all frames in one task; 0 to 1000000 (default: 10)");
    expect(helpOf(submitCommand.options, "render-node-version")).toContain("21, 20, 19");
  });

  it.each(INT_ROWS.map((row) => [row.key, row] as const))("%s: the same limits as the validator; absent = the row's default", async (_key, row) => {
    const flag = `--${row.cli!.flag}`;
    expect(getPath(await cli(flag, String(row.requestMin)), row.request)).toBe(row.requestMin);
    expect(getPath(await cli(flag, String(row.max)), row.request)).toBe(row.max);
    for (const v of [row.requestMin - 1, row.max + 1]) {
      const error = await refusedAsync(() => cli(flag, String(v)));
      expect(error?.code, `${flag} ${v}`).toBe("usage");
      expect(error?.message).toContain(`from ${row.requestMin} to ${row.max}`);
    }
    expect(getPath(await cli(), row.request)).toBe(row.none?.value === row.default ? undefined : row.default);
  });

  it("text, choice and yes/no rows land on their request member", async () => {
    const request = await cli("--name", "N1", "--description", "D1", "--log-dir", "/mnt/logs", "--email", "a@b", "--render-node-version", "21", "--frames", "global", "--server", "hq:1");
    const expected: Record<string, unknown> = { jobName: "N1", description: "D1", logDir: "/mnt/logs", emailTo: "a@b", renderNodeVersion: "21", frameChoice: "global", server: "hq:1" };
    for (const [key, value] of Object.entries(expected)) expect(getPath(request, FIELDS.find((r) => r.key === key)!.request), key).toBe(value);
    for (const row of FIELDS) {
      if (row.kind !== "bool" || row.cli === undefined) continue;
      expect(getPath(await cli(), row.request) ?? false, row.key).toBe(row.default);
      expect(getPath(await cli(`--${row.cli.flag}`), row.request) ?? false, row.key).toBe(!row.default);
    }
    expect(getPath(await cli(), "farm.renderNode.version")).toBe("19");
  });
});
