/**
 * PORTABLE (compiled by tstl for test/lua/fields-lua.test.ts, and imported as is by Node): the field table and the
 * results of its helpers as lines of text, so that the two runtimes can be compared line by line.
 */
import {
  FIELDS,
  type FieldRow,
  RENDER_NODE_VERSIONS,
  choiceAt,
  choiceIndex,
  choiceRow,
  clampInt,
  cliHelp,
  fieldLabel,
  formatProblem,
  intProblem,
  intRow,
  isRenderNodeVersion,
  parseWholeNumber,
  rowForRequestField,
  textRow,
  wholeText,
  widgetRows,
} from "../../src-node/portable/fields";

function valueText(value: string | number | boolean | undefined): string {
  if (value === undefined) return "-";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return wholeText(value);
  return "'" + value + "'";
}

function join(items: readonly string[]): string {
  let text = "";
  for (let i = 0; i < items.length; i++) text = text + (i === 0 ? "" : ",") + items[i];
  return text;
}

function rowText(row: FieldRow): string {
  let limits = "";
  if (row.kind === "int") {
    limits = wholeText(row.min) + ".." + wholeText(row.max) + " request " + wholeText(row.requestMin) + (row.none !== undefined ? " none " + wholeText(row.none.value) + "=" + row.none.means : "");
  } else if (row.kind === "text") {
    limits = "max " + wholeText(row.maxLength) + (row.offered !== undefined ? " offered " + join(row.offered) : "") + (row.format !== undefined ? " format " + row.format : "");
  } else if (row.kind === "choice") {
    limits = join(row.choices) + " / " + join(row.choiceLabels);
  }
  const widget = row.widget !== undefined ? row.widget.kind + ":" + row.widget.id : "-";
  const flag = row.cli !== undefined ? "--" + row.cli.flag + (row.cli.meta !== undefined ? " " + row.cli.meta : "") : "-";
  return (
    row.key + " | " + row.kind + " | " + row.label + " | default " + valueText(row.default) + " | " + limits + " | " + widget + " | " +
    flag + " | " + cliHelp(row) + " | " + row.stored + " | " + row.section + " | " + row.request + " | " + row.tooltip + " | " +
    valueText(row.placeholder) + " | " + valueText(row.hint)
  );
}

export function dumpFields(): string[] {
  const lines: string[] = [];
  for (const row of FIELDS) lines.push(rowText(row));
  lines.push("versions " + join(RENDER_NODE_VERSIONS));
  for (const key of ["priority", "framesPerTask", "tries", "cpus"]) {
    const row = intRow(key);
    // No undefined in the list: a Lua array stops at its first nil.
    const values: (number | string | boolean)[] = [row.min - 1, row.min, row.max, row.max + 1, 2.5, "5", true];
    const problems: string[] = [];
    for (const value of values) {
      const problem = intProblem(row, value);
      problems.push(problem === undefined ? "ok" : problem);
    }
    lines.push(key + " problems " + join(problems));
    lines.push(key + " clamp " + join([clampInt(row, row.max + 7, 3), clampInt(row, row.min - 7, 3), clampInt(row, 2.5, 3), clampInt(row, 0 / 0, 3), clampInt(row, "x", 3)].map((n) => wholeText(n))));
  }
  for (const text of ["0", " 17 ", "-4", "", "1e3", "0x1", "1.5", "999999999999999", "9999999999999999"]) {
    const n = parseWholeNumber(text);
    lines.push("parse '" + text + "' " + (n === undefined ? "-" : wholeText(n)));
  }
  for (const text of ["19", "21", "9", "18.1", "", "123", "19.", "a", "1.2.3"]) lines.push("version '" + text + "' " + (isRenderNodeVersion(text) ? "yes" : "no"));
  lines.push("format " + valueText(formatProblem(textRow("renderNodeVersion"), "x1")));
  for (const field of ["job.priority", "job.frames.set", "job.frames.kind", "farm.renderNode.version", "farm.renderNode.paths.linux", "job.environment.X", "server"]) {
    const row = rowForRequestField(field);
    lines.push("route " + field + " " + (row !== undefined ? row.key : "-"));
  }
  for (const key of ["priority", "sharedRoots", "environment", "unknownKey"]) lines.push("label " + key + " " + fieldLabel(key));
  const frames = choiceRow("frameChoice");
  lines.push("choice " + wholeText(choiceIndex(frames, "custom")) + " " + wholeText(choiceIndex(frames, "nope")) + " " + choiceAt(frames, 1) + " " + choiceAt(frames, -1) + " " + choiceAt(frames, 9));
  for (const section of ["basic", "advanced"] as const) {
    const ids: string[] = [];
    for (const row of widgetRows(section)) ids.push(row.widget !== undefined ? row.widget.id : "?");
    lines.push(section + " " + join(ids));
  }
  for (const n of [0, 1, -1, 10, 256, 1000000, -1000000000, 123456789012345]) lines.push("whole " + wholeText(n));
  return lines;
}
