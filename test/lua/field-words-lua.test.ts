/**
 * The artist's words for request paths (src-node/portable/field-words.ts) compiled by TypeScriptToLua and run under
 * real LuaJIT: the same words as on Node for every scalar row and every vector of test/lua/field-words-vectors.ts
 * (which test/core/field-words.test.ts checks against the expected words on Node).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestFieldWords, sharedRootMessageForRows } from "../../src-node/portable/field-words";
import { FIELDS } from "../../src-node/portable/fields";
import { runWithBundle, transpileLuaBundle } from "../support/lua-module";
import { FIELD_WORDS_VECTORS, ROOT_ROW_VECTORS } from "./field-words-vectors";

let dir = "";
let bundle = "";

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "field-words-lua-"));
  bundle = transpileLuaBundle("src-node/portable/field-words.ts", dir);
}, 120_000);

afterAll(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

/** Printable ASCII as a Lua string literal. */
function luaString(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 32 || code > 126) throw new Error(`not printable ASCII: ${JSON.stringify(text)}`);
  }
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

describe("requestFieldWords under LuaJIT", () => {
  it("gives the same words as on Node for every row and vector (and the expected ones)", () => {
    const cases = [
      ...FIELDS.map((row) => [row.request, undefined, row.label] as const),
      ...FIELD_WORDS_VECTORS,
    ];
    const lines = runWithBundle(
      bundle,
      dir,
      cases
        .map(([fieldPath, context]) => {
          const ctx = context === undefined ? "nil"
            : `{ ${context.assignMode !== undefined ? `assignMode = ${luaString(context.assignMode)}, ` : ""}${context.toolName !== undefined ? `toolName = ${luaString(context.toolName)}` : ""} }`;
          // "[" and "]" around the words show an empty or space-padded answer.
          return `io.write("[", M.requestFieldWords(${luaString(fieldPath)}, ${ctx}), "]\\n")`;
        })
        .join("\n"),
    );
    expect(lines).toEqual(cases.map(([fieldPath, context]) => `[${requestFieldWords(fieldPath, context)}]`));
    expect(lines).toEqual(cases.map(([, , words]) => `[${words}]`));
  });
});

describe("sharedRootMessageForRows: a refusal names the shared-root row the artist sees (empty rows are not sent)", () => {
  it("gives the same answer on Node and under LuaJIT, and the expected one", () => {
    const lines = runWithBundle(
      bundle,
      dir,
      ROOT_ROW_VECTORS.map(([message, field, rows]) => `io.write("[", M.sharedRootMessageForRows(${luaString(message)}, ${luaString(field)}, { ${rows.join(", ")} }), "]\\n")`).join("\n"),
    );
    expect(ROOT_ROW_VECTORS.map(([message, field, rows]) => sharedRootMessageForRows(message, field, rows))).toEqual(ROOT_ROW_VECTORS.map((v) => v[3]));
    expect(lines).toEqual(ROOT_ROW_VECTORS.map((v) => `[${v[3]}]`));
  });
});
