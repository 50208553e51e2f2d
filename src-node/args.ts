import { HelperError } from "./errors";

/**
 * A small, strict argument parser: `--name value`, `--name=value`, repeatable options and flags.
 * Unknown options are errors (a typo must not silently change what gets rendered).
 */
export interface OptionSpec {
  /** Takes a value (otherwise a boolean flag). */
  value?: boolean;
  /** May be given several times; values are collected in order. */
  repeat?: boolean;
  /** One-line description for --help. */
  help: string;
  /** Placeholder shown in --help, e.g. "FILE". */
  meta?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  values: Map<string, string[]>;
}

export function parseArgs(argv: readonly string[], specs: OptionSpecs): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], flags: new Set(), values: new Map() };
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPositionals || !arg.startsWith("--") || arg === "--") {
      if (arg === "--" && !onlyPositionals) onlyPositionals = true;
      else parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const spec = specs[name];
    if (!spec) throw new HelperError("usage", `unknown option --${name}`, { hint: "run with --help to see the options" });
    if (!spec.value) {
      if (eq >= 0) throw new HelperError("usage", `--${name} takes no value`);
      parsed.flags.add(name);
      continue;
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new HelperError("usage", `--${name} needs a value${spec.meta ? ` (${spec.meta})` : ""}`);
      value = argv[++i];
    }
    const list = parsed.values.get(name) ?? [];
    if (list.length > 0 && !spec.repeat) throw new HelperError("usage", `--${name} was given more than once`);
    list.push(value);
    parsed.values.set(name, list);
  }
  return parsed;
}

export function optionValue(args: ParsedArgs, name: string): string | undefined {
  return args.values.get(name)?.[0];
}

export function optionValues(args: ParsedArgs, name: string): string[] {
  return args.values.get(name) ?? [];
}

/** An integer option; `undefined` when absent. */
export function intOption(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const text = optionValue(args, name);
  if (text === undefined) return undefined;
  const n = Number(text.trim());
  if (text.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw new HelperError("usage", `--${name} must be a whole number from ${min} to ${max} (got "${text}")`);
  }
  return n;
}

export function formatOptionsHelp(specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const left = `  --${name}${spec.value ? ` ${spec.meta ?? "VALUE"}` : ""}`;
    return `${left.padEnd(34)} ${spec.help}${spec.repeat ? " (repeatable)" : ""}`;
  });
  return rows.join("\n");
}
