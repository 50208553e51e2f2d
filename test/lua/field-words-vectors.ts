/**
 * Request paths and the artist's words for them (src-node/portable/field-words.ts), checked on Node
 * (test/core/field-words.test.ts) and under LuaJIT (test/lua/field-words-lua.test.ts). Printable ASCII only (the
 * Lua test writes them as Lua string literals). The scalar rows are checked from the table itself, not listed here.
 */
import type { FieldWordsContext } from "../../src-node/portable/field-words";

export const FIELD_WORDS_VECTORS: readonly (readonly [path: string, context: FieldWordsContext | undefined, words: string])[] = [
  // The examples.
  ["farm.assign.names", undefined, "Client names"],
  ["farm.assign.names", { assignMode: "groups" }, "Client groups"],
  ["farm.assign.names", { assignMode: "clients" }, "Client names"],
  ["farm.assign.names[3]", { assignMode: "groups" }, "Client groups"],
  ["farm.platforms", undefined, "Client OSes"],
  ["farm.platforms[1]", undefined, "Client OSes"],
  ["farm.renderNode.paths.windows", undefined, "Render Node (Windows)"],
  ["farm.renderNode.paths.macosx", undefined, "Render Node (macOS)"],
  ["farm.renderNode.paths.beos", undefined, "Render Node (beos)"],
  ["farm.renderNode.paths", undefined, "Render Node paths"],
  ["farm.renderNode.paths key", undefined, "Render Node paths"],
  ["farm.sharedRoots[2].linux", undefined, "Shared root 3 (Linux)"],
  ["farm.sharedRoots[0].windows", undefined, "Shared root 1 (Windows)"],
  ["farm.sharedRoots[11]", undefined, "Shared root 12"],
  ["farm.sharedRoots[0] key", undefined, "Shared root 1"],
  ["farm.sharedRoots", undefined, "Shared roots"],
  ["job.environment", undefined, "Environment"],
  ["job.environment.FOO", undefined, "Environment variable FOO"],
  ["job.environment.1 bad.name[0]", undefined, "Environment variable 1 bad.name[0]"],
  ["job.emailReasons", undefined, "E-mail when"],
  ["job.emailReasons[4]", undefined, "E-mail when"],
  ["server", undefined, "Server"],
  // The comp and its tools.
  ["comp", undefined, "The comp's details"],
  ["comp.path", undefined, "The comp's file path"],
  ["comp.renderStart", undefined, "The start of the comp's render range"],
  ["comp.savers", undefined, "The comp's Savers"],
  ["comp.savers[0]", undefined, "Saver number 1"],
  ["comp.savers[4].path", { toolName: "Beauty" }, "The output path of Saver Beauty"],
  ["comp.savers[4].path", undefined, "The output path of Saver number 5"],
  ["comp.savers[0].enabled", { toolName: "Out1" }, "The on/off state (pass-through) of Saver Out1"],
  ["comp.savers[0].name", undefined, "The name of Saver number 1"],
  ["comp.loaders[1].path", { toolName: "Plate" }, "The file path of Loader Plate"],
  ["comp.loaders[1].frames.last", { toolName: "Plate" }, "The last frame of Loader Plate"],
  // Parents of rows and other members.
  ["job.frames", undefined, "Frames"],
  ["farm.assign", undefined, "Clients"],
  ["request", undefined, "The request"],
  ["version", undefined, "The request's version"],
  ["maxBodyBytes", undefined, "The largest part of a job sent at once"],
  // Unknown paths come back as they are (and never crash).
  ["", undefined, ""],
  ["job.nope", undefined, "job.nope"],
  ["farm.sharedRoots[", undefined, "farm.sharedRoots["],
  ["farm.sharedRoots[]", undefined, "farm.sharedRoots[]"],
  ["farm.sharedRoots[x].linux", undefined, "farm.sharedRoots[x].linux"],
  ["farm.sharedRoots[1]x", undefined, "farm.sharedRoots[1]x"],
  ["farm.sharedRoots[99999999999].linux", undefined, "farm.sharedRoots[99999999999].linux"],
  ["comp.savers[0].bogus", { toolName: "Out1" }, "comp.savers[0].bogus"],
  ["comp.savers[0]x", undefined, "comp.savers[0]x"],
  ["farm.platforms[x]", undefined, "farm.platforms[x]"],
  ["constructor", undefined, "constructor"],
  ["toString", undefined, "toString"],
  ["__proto__", undefined, "__proto__"],
  [" key", undefined, ""],
  ["[0]", undefined, "[0]"],
];

/** sharedRootMessageForRows(message, field, rows) → the message as the dialog shows it (its rows may have gaps). */
export const ROOT_ROW_VECTORS: readonly (readonly [message: string, field: string, rows: readonly number[], shown: string])[] = [
  // Rows 1 and 3 filled: request item 1 is dialog row 3.
  ["Shared root 2 (Windows) contains a tab.", "farm.sharedRoots[1].windows", [1, 3], "Shared root 3 (Windows) contains a tab."],
  ["Shared root 2 names no folder.", "farm.sharedRoots[1]", [1, 3], "Shared root 3 names no folder."],
  ["Shared root 2 names an unknown OS \"beos\".", "farm.sharedRoots[1] key", [2, 4], "Shared root 4 names an unknown OS \"beos\"."],
  // Rows without gaps, another field, a message in other words, an item the dialog did not send: unchanged.
  ["Shared root 1 (Linux) is too long.", "farm.sharedRoots[0].linux", [1, 2], "Shared root 1 (Linux) is too long."],
  ["Priority must be from 0 to 10, got 11.", "job.priority", [2], "Priority must be from 0 to 10, got 11."],
  ["The comp is not under any shared root.", "farm.sharedRoots[0]", [3], "The comp is not under any shared root."],
  ["Shared root 5 (Linux) is too long.", "farm.sharedRoots[4].linux", [1, 3], "Shared root 5 (Linux) is too long."],
];
