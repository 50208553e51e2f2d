/**
 * Checks and text for the values of the field table's rows (src-node/portable/fields.ts, which re-exports all of
 * this): whole numbers, limits, the Render Node version's shape, clamping a widget's number, the --help line.
 *
 * PORTABLE MODULE: compiled into both runtimes, like fields.ts (same rules: no RegExp, JSON, Date, Number.*, Lua
 * globals; only whole numbers well inside ±1e15 become text). Imports only types.
 */
import type { ChoiceRow, FieldRow, IntRow, TextRow } from "./fields";

/** True for a whole number inside ±1e15 (beyond that, Lua's and JS's number text differ). */
export function isWholeNumber(value: unknown): value is number {
  return typeof value === "number" && value === value && Math.floor(value) === value && value > -1e15 && value < 1e15;
}

/** "from 0 to 10", for messages and --help. */
export function rangeText(min: number, max: number): string {
  return "from " + wholeText(min) + " to " + wholeText(max);
}

/** Why `value` is not an acceptable stored/dialog value of an int row, or undefined when it is. */
export function intProblem(row: IntRow, value: unknown): string | undefined {
  if (!isWholeNumber(value)) return "must be a whole number";
  if (value < row.min || value > row.max) return "must be " + rangeText(row.min, row.max);
  return undefined;
}

/**
 * A widget's number as the field's value: the nearest whole number inside the row's limits; `fallback` when the
 * widget gave no number at all (what the dialog does with a SpinBox Value).
 */
export function clampInt(row: IntRow, value: unknown, fallback: number): number {
  if (typeof value !== "number" || value !== value) return fallback;
  const rounded = Math.floor(value + 0.5);
  if (rounded < row.min) return row.min;
  if (rounded > row.max) return row.max;
  return rounded;
}

/**
 * Whole-number text as a person types it (optional spaces around, an optional leading `-`, digits only);
 * undefined for anything else ("", "1e3", "0x10", "1.0", "12a"). Limits are not checked here.
 */
export function parseWholeNumber(text: string): number | undefined {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  let negative = false;
  if (start < end && text.charCodeAt(start) === 45) {
    negative = true;
    start++;
  }
  if (start >= end || end - start > 15) return undefined;
  let value = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return undefined;
    value = value * 10 + (code - 48);
  }
  return negative ? -value : value;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** "19", "21", "18.1": one or two digits, optionally a dot and more digits. */
export function isRenderNodeVersion(text: string): boolean {
  const dot = text.indexOf(".");
  const major = dot < 0 ? text : text.substring(0, dot);
  if (major.length < 1 || major.length > 2 || !allDigits(major)) return false;
  if (dot < 0) return true;
  const minor = text.substring(dot + 1);
  return minor.length > 0 && allDigits(minor);
}

function allDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** Why `value` does not have the row's required shape (only rows with a `format`), or undefined. */
export function formatProblem(row: TextRow, value: string): string | undefined {
  if (row.format === "renderNodeVersion" && !isRenderNodeVersion(value)) return "\"" + value + "\" is not a Fusion version like 19";
  return undefined;
}

/** `"render", "global" or "custom"`, for messages. */
export function choicesText(row: ChoiceRow): string {
  let text = "";
  for (let i = 0; i < row.choices.length; i++) {
    const separator = i === 0 ? "" : i === row.choices.length - 1 ? " or " : ", ";
    text = text + separator + "\"" + row.choices[i] + "\"";
  }
  return text;
}

/**
 * The --help line of a row's flag: the label, what it does, its limits or offered values and its default
 * ("Priority: higher runs first; 0-10 (default 5)").
 */
export function cliHelp(row: FieldRow): string {
  const cli = row.cli;
  if (cli === undefined) return "";
  // An inverted flag turns the field off: say so after what it does ("… (turns off: Report progress)").
  if (cli.inverted === true) return cli.help + " (turns off: " + row.label + ")";
  let text = row.label + ": " + cli.help;
  if (row.kind === "int") {
    text = text + "; " + wholeText(row.requestMin) + " to " + wholeText(row.max);
    if (row.none !== undefined && row.none.value >= row.requestMin) text = text + ", " + wholeText(row.none.value) + " = " + row.none.means;
  } else if (row.kind === "text" && row.offered !== undefined) {
    text = text + "; e.g. " + joinList(row.offered);
  }
  const absent =
    cli.whenAbsent !== undefined ? cli.whenAbsent
    : row.kind === "int" && row.none !== undefined ? row.none.means
    : row.kind === "bool" ? undefined
    : row.kind === "int" ? wholeText(row.default)
    : row.default;
  if (absent !== undefined) text = text + " (default: " + absent + ")";
  return text;
}

function joinList(items: readonly string[]): string {
  let text = "";
  for (let i = 0; i < items.length; i++) text = text + (i === 0 ? "" : ", ") + items[i];
  return text;
}

/** A whole number as text, the same in both runtimes (no exponent, no ".0"). */
export function wholeText(value: number): string {
  if (value === 0) return "0";
  let n = value < 0 ? -value : value;
  let digits = "";
  while (n > 0) {
    const digit = n % 10;
    digits = String.fromCharCode(48 + digit) + digits;
    n = (n - digit) / 10;
  }
  return (value < 0 ? "-" : "") + digits;
}
