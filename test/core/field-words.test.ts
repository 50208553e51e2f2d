/**
 * The artist's words for request paths (src-node/portable/field-words.ts) and their use: every request-validation
 * message names the field as the dialog shows it, never the request path, while `error.field` stays the path; the
 * human CLI output adds the path and the option on a line of its own. The same function under LuaJIT:
 * test/lua/field-words-lua.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { Failure } from "../../types/request";
import { SERVER_OPTIONS } from "../../src-node/commands/common";
import { optionForRequestField, requestFieldNote } from "../../src-node/commands/field-options";
import { submitCommand } from "../../src-node/commands/submit";
import { HelperError } from "../../src-node/errors";
import { Output } from "../../src-node/output";
import { requestFieldWords } from "../../src-node/portable/field-words";
import { FIELDS, type FieldRow } from "../../src-node/portable/fields";
import { validateRequest } from "../../src-node/request";
import { makeRequest } from "../support/requests";
import { FIELD_WORDS_VECTORS } from "../lua/field-words-vectors";

/** A request path in a message: "job.priority", "farm.sharedRoots[2]", "comp.savers[0].path", "maxBodyBytes". */
const PATH_IN_TEXT = /\b(job|farm|comp)(\.|\[)|\b(timeoutSeconds|maxBodyBytes|sameOsOnly|framesPerTask|sharedRoots|renderNode|emailReasons)\b/;

function fresh(): Record<string, any> {
  return JSON.parse(JSON.stringify(makeRequest())) as Record<string, any>;
}

/** A valid request with the member at `dotted` set to `value`. */
function withMember(dotted: string, value: unknown, doc = fresh()): unknown {
  const parts = dotted.split(".");
  let target = doc;
  for (const part of parts.slice(0, -1)) target = target[part];
  target[parts[parts.length - 1]] = value;
  return doc;
}

/** A valid request with the row's member set to `value` (a frame set or an assign mode inside its object). */
function requestWith(row: FieldRow, value: unknown): unknown {
  if (row.key === "customFrames") return withMember("job.frames", { kind: "custom", set: value });
  if (row.key === "frameChoice") return withMember("job.frames", { kind: value });
  if (row.key === "assignMode") return withMember("farm.assign", { mode: value, names: ["a"] });
  return withMember(row.request, value);
}

function refusal(doc: unknown): HelperError {
  try {
    validateRequest(doc);
  } catch (e) {
    if (e instanceof HelperError) return e;
    throw e;
  }
  throw new Error("the request was accepted");
}

/** Values every row refuses: out of range, of the wrong type, too long. */
function badValues(row: FieldRow): unknown[] {
  switch (row.kind) {
    case "int":
      return [row.max + 1, row.requestMin - 1, 2.5, String(row.max), true];
    case "text":
      return [5, ["a"], "x".repeat(row.maxLength + 1), ...(row.format === "renderNodeVersion" ? ["abc"] : [])];
    case "choice":
      return ["bogus", 7];
    case "bool":
      return ["yes", 1];
  }
}

describe("requestFieldWords", () => {
  it("names every scalar row by its label", () => {
    for (const row of FIELDS) expect(requestFieldWords(row.request), row.key).toBe(row.label);
  });

  it("says structured paths as the dialog shows them, and falls back to the path for an unknown one", () => {
    for (const [path, context, words] of FIELD_WORDS_VECTORS) expect(requestFieldWords(path, context), path).toBe(words);
  });
});

describe("request validation messages", () => {
  it("name every scalar row by its label, never its request path; error.field stays the path", () => {
    let checked = 0;
    for (const row of FIELDS) {
      for (const value of badValues(row)) {
        const error = refusal(requestWith(row, value));
        const what = `${row.key} = ${JSON.stringify(value)?.slice(0, 30)}`;
        expect(error.code, what).toBe("bad_request");
        expect(error.field, what).toBe(row.request);
        expect(error.message.startsWith(`${row.label} `), `${what}: ${error.message}`).toBe(true);
        expect(error.message, what).not.toContain(row.request);
        expect(error.message, what).not.toMatch(PATH_IN_TEXT);
        expect(error.message, what).toMatch(/[.?!]$/);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(FIELDS.length * 2);
  });

  it("says an out-of-range number the way the issue asks", () => {
    expect(refusal(withMember("job.priority", 11)).message).toBe("Priority must be from 0 to 10, got 11.");
    expect(refusal(withMember("job.priority", "7")).message).toBe('Priority must be a whole number, got "7".');
  });

  /** [what, request, field, message] for a sample of structured fields and the comp's members. */
  const structured: [string, () => unknown, string, string][] = [
    ["a group name with a space", () => withMember("farm.assign", { mode: "groups", names: ["gpu", "a b"] }), "farm.assign.names[1]", 'Client groups has "a b", which contains a space'],
    ["no client names", () => withMember("farm.assign", { mode: "clients", names: [] }), "farm.assign.names", "Client names is empty."],
    ["an unknown client OS", () => withMember("farm.platforms", ["linux", "beos"]), "farm.platforms[1]", 'Client OSes must be one of linux, macosx, windows, got "beos".'],
    ["no client OS", () => withMember("farm.platforms", []), "farm.platforms", "Client OSes has none chosen."],
    ["a Render Node path that is not text", () => withMember("farm.renderNode.paths", { windows: 5 }), "farm.renderNode.paths.windows", "Render Node (Windows) must be text, got 5."],
    ["a Render Node path for an unknown OS", () => withMember("farm.renderNode.paths", { beos: "/x" }), "farm.renderNode.paths key", 'Render Node paths names an unknown OS "beos".'],
    ["a shared root that is not text", () => withMember("farm.sharedRoots", [{ linux: "/a" }, { linux: "/b" }, { linux: 5 }]), "farm.sharedRoots[2].linux", "Shared root 3 (Linux) must be text, got 5."],
    ["an empty shared root", () => withMember("farm.sharedRoots", [{}]), "farm.sharedRoots[0]", "Shared root 1 names no folder."],
    ["a variable that is not text", () => withMember("job.environment", { FOO: 5 }), "job.environment.FOO", "Environment variable FOO must be text, got 5."],
    ["a variable name that is not valid", () => withMember("job.environment", { "1X": "a" }), "job.environment.1X", "Environment variable 1X is not a valid name."],
    ["an environment that is a list", () => withMember("job.environment", ["A=1"]), "job.environment", "Environment must be an object of NAME: value, got a list."],
    ["an e-mail reason that is not text", () => withMember("job.emailReasons", ["failed", 5]), "job.emailReasons[1]", "E-mail when must be text, got 5."],
    ["a Saver's on/off state", () => withMember("comp.savers", [{ name: "Out1", enabled: "yes", path: "/r/a.exr" }]), "comp.savers[0].enabled", 'The on/off state (pass-through) of Saver Out1 must be true or false, got "yes".'],
    ["a Saver path that is not text", () => withMember("comp.savers", [{ name: "Out1", enabled: true, path: "/r/a.exr" }, { name: "Beauty", enabled: true, path: 5 }]), "comp.savers[1].path", "The output path of Saver Beauty must be text, got 5."],
    ["a Saver without a name", () => withMember("comp.savers", [{ enabled: true, path: "/r/a.exr" }]), "comp.savers[0].name", "The name of Saver number 1 must be text, got nothing."],
    ["a comp path that is not text", () => withMember("comp.path", 5), "comp.path", "The comp's file path must be text, got 5."],
    ["an empty server", () => withMember("server", " "), "server", "Server must not be empty."],
    ["a request of another version", () => withMember("version", 2), "version", "The request's version is 2, but this helper reads version 1."],
    ["a time limit out of range", () => withMember("timeoutSeconds", 601), "timeoutSeconds", "The time limit for each call to the server must be a number of seconds from 0 to 600, got 601."],
  ];

  it.each(structured)("name structured fields in words: %s", (_what, doc, field, message) => {
    const error = refusal(doc());
    expect(error.field).toBe(field);
    expect(error.message.startsWith(message), error.message).toBe(true);
    // (A top-level member such as "version" is also a word.)
    if (/[.[ ]/.test(field)) expect(error.message).not.toContain(field);
    expect(error.message).not.toMatch(PATH_IN_TEXT);
  });

  it("still say what to do where the message alone does not", () => {
    expect(refusal(withMember("farm.platforms", [])).hint).toBe('choose at least one client OS, or "Only this computer\'s OS"');
    expect(refusal(withMember("farm.assign", { mode: "groups", names: [] })).hint).toBe("name at least one client group, or let any client render the job");
    expect(refusal(withMember("job.environment", { "1X": "a" })).hint).toContain("letters, digits and _");
    expect(refusal(withMember("job.name", "x".repeat(300))).hint).toBe("shorten it");
    expect(refusal(withMember("version", 2)).hint).toContain("update the helper and the comp script together");
  });
});

describe("the human CLI output of a failure", () => {
  function printed(error: HelperError, json: boolean): { stdout: string; stderr: string } {
    let stdout = "";
    let stderr = "";
    const out = new Output(json, undefined, (t) => (stdout += t), (t) => (stderr += t));
    out.failure({ ok: false, error: error.toBody() } satisfies Failure);
    return { stdout, stderr };
  }

  it("adds the request path and the option that sets it under the message; --json keeps its shape", () => {
    const error = refusal(withMember("job.priority", 11));
    expect(printed(error, false)).toEqual({ stdout: "", stderr: "error: Priority must be from 0 to 10, got 11.\n(request field job.priority, option --priority)\n" });
    const json = JSON.parse(printed(error, true).stdout) as Failure;
    expect(json).toEqual({ ok: false, error: { code: "bad_request", message: "Priority must be from 0 to 10, got 11.", field: "job.priority" } });
    const roots = refusal(withMember("farm.sharedRoots", [{}]));
    expect(printed(roots, false).stderr).toBe(
      "error: Shared root 1 names no folder.\n(request field farm.sharedRoots[0], option --root)\nhint: enter the folder as at least one OS mounts it, or remove the row\n",
    );
    // A failure without a field has no such line.
    expect(printed(new HelperError("timeout", "The server did not answer.", { hint: "try again" }), false).stderr).toBe("error: The server did not answer.\nhint: try again\n");
  });

  it("names the option only where plan/submit have one", () => {
    const options = new Set(Object.keys({ ...submitCommand.options, ...SERVER_OPTIONS }).map((name) => `--${name}`));
    const paths = [...FIELDS.map((row) => row.request), ...FIELD_WORDS_VECTORS.map(([path]) => path)];
    let named = 0;
    for (const path of paths) {
      const option = optionForRequestField(path);
      if (option === undefined) continue;
      for (const part of option.split(" or ")) expect(options, `${path} → ${part}`).toContain(part);
      named++;
    }
    expect(named).toBeGreaterThan(FIELDS.length);
    expect(requestFieldNote("job.frames.set")).toBe("(request field job.frames.set, option --frames)");
    expect(requestFieldNote("job.progress")).toBe("(request field job.progress, option --no-progress)");
    expect(requestFieldNote("farm.assign.names[0]")).toBe("(request field farm.assign.names[0], option --clients or --groups)");
    expect(requestFieldNote("job.environment.FOO")).toBe("(request field job.environment.FOO, option --env)");
    expect(requestFieldNote("comp.savers[0].path")).toBe("(request field comp.savers[0].path)");
  });
});
