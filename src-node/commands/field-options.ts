/**
 * Command-line options generated from the field table (src-node/portable/fields.ts): the flag, its placeholder and
 * its --help line come from the row, and so do the limits and defaults used when the value is read.
 */
import { type OptionSpecs, type ParsedArgs, intOption, optionValue } from "../args";
import { FIELDS, cliHelp, fieldRow, intRow, isRequestPathOrMember, rowForRequestField } from "../portable/fields";

/** The options of every row whose flag belongs to `group`, in table order. */
export function fieldOptions(group: "request" | "server"): OptionSpecs {
  const specs: OptionSpecs = {};
  for (const row of FIELDS) {
    const cli = row.cli;
    if (cli === undefined || (cli.group ?? "request") !== group) continue;
    specs[cli.flag] = cli.meta !== undefined ? { value: true, meta: cli.meta, help: cliHelp(row) } : { help: cliHelp(row) };
  }
  return specs;
}

function flagOf(key: string): string {
  const cli = fieldRow(key).cli;
  if (cli === undefined) throw new Error(`field ${key} has no command-line flag`);
  return cli.flag;
}

/**
 * A whole-number field from its flag, within the limits a request allows; absent → the row's default, or
 * undefined when the row's default means "leave it out" (tries, CPUs).
 */
export function intFieldOption(args: ParsedArgs, key: string): number | undefined {
  const row = intRow(key);
  const value = intOption(args, flagOf(key), row.requestMin, row.max);
  if (value !== undefined) return value;
  return row.none !== undefined && row.none.value === row.default ? undefined : row.default;
}

/** A text field's flag value, undefined when absent. */
export function textFieldOption(args: ParsedArgs, key: string): string | undefined {
  return optionValue(args, flagOf(key));
}

/** A yes/no field from its flag (absent → the row's default; an inverted flag such as --no-progress sets false). */
export function boolFieldOption(args: ParsedArgs, key: string): boolean {
  const row = fieldRow(key);
  if (row.kind !== "bool") throw new Error(`field ${key} is not yes/no`);
  if (!args.flags.has(flagOf(key))) return row.default;
  return !row.cli?.inverted;
}

/**
 * Options that set request members which are not rows of the field table, or rows without a flag of their own
 * (a custom frame set is a value of --frames). Longest matching path wins (see optionForRequestField).
 */
const STRUCTURED_OPTIONS: readonly (readonly [path: string, option: string])[] = [
  ["server", "--server"],
  ["timeoutSeconds", "--timeout"],
  ["maxBodyBytes", "--max-body"],
  ["comp.path", "--comp-path"],
  ["comp.platform", "--submitter-os"],
  ["job.frames", "--frames"],
  ["job.emailReasons", "--email-reasons"],
  ["job.environment", "--env"],
  ["job.inPlace", "--in-place"],
  ["farm.platforms", "--platforms"],
  ["farm.assign", "--clients or --groups"],
  ["farm.renderNode.paths", "--render-node"],
  ["farm.sharedRoots", "--root"],
];

/** The command-line option of plan/submit that sets a request path ("--priority"), or undefined when none does. */
export function optionForRequestField(field: string): string | undefined {
  const row = rowForRequestField(field);
  if (row !== undefined && row.cli !== undefined) return `--${row.cli.flag}`;
  let best: readonly [string, string] | undefined;
  for (const entry of STRUCTURED_OPTIONS) {
    if (isRequestPathOrMember(field, entry[0]) && (best === undefined || entry[0].length > best[0].length)) best = entry;
  }
  return best?.[1];
}

/** The line the human CLI output adds under a failure that names a request field, for pipeline TDs. */
export function requestFieldNote(field: string): string {
  const option = optionForRequestField(field);
  return `(request field ${field}${option !== undefined ? `, option ${option}` : ""})`;
}
