/**
 * A model of how a Windows command line reaches a program through cmd.exe, for testing quote-cmd without
 * Windows. It follows Microsoft's documentation (`cmd /?`, "Parsing C++ command-line arguments") and the
 * well-known phase analysis of cmd.exe's parser (dbenham/jeb, "How does the Windows Command Interpreter
 * (CMD.EXE) parse scripts?"), in COMMAND-LINE mode (what `cmd /c` uses) and in BATCH mode (a line of a
 * `.bat`/`.cmd` file), which differ only in phase 1 and in undefined `!NAME!`:
 *
 *  /c     `cmd /c <text>` (`cmd /?`): rule 1, when there is no /S, exactly two quotes, no special character
 *         (&<>()@^|) between them, whitespace between them and the text between them names an executable
 *         file: the text is kept as it is. Rule 2 otherwise: if the text starts with `"`, that quote and the
 *         last `"` of the text are removed (text after the last quote is kept); else the text is kept. Rule 1
 *         depends on the file system: it is only modelled when the caller says whether the name is an
 *         executable. `/s /c` always takes rule 2.
 *  1      Command-line mode: `%NAME%` → value when NAME is defined (case-insensitive; includes cmd's
 *         dynamic variables such as CD, DATE, RANDOM); otherwise the `%` is kept and scanning resumes right
 *         after it. `%%` stays. Carets and quotes do not protect anything here.
 *         Batch mode: `%%` → `%`; `%0`…`%9` → the batch file's arguments, `%*` → all of them; `%NAME%` →
 *         value, or nothing when NAME is undefined; a `%` without a closing one is removed.
 *         `%NAME:…%` edits and `%~` modifiers are not modelled (they throw).
 *  1.5    CR characters are removed.
 *  2      Quotes toggle a quoted state (and stay in the text). Outside quotes: `^x` → literal x (the caret is
 *         removed; a caret at the very end is dropped); `&`, `&&`, `|`, `||` split commands; `<`, `>`, `>>`
 *         are redirections; `(` and `)` are reported too (block syntax; conservative). LF ends the line.
 *         All of these are reported in `separators`.
 *  5      Only when delayed expansion is on: each token (the command token, then the rest) that contains `!`
 *         is rescanned: `^x` → x (even inside quotes), `!NAME!` → value, an unpaired `!` is removed,
 *         consecutive opening `!` collapse. An undefined `!NAME!` is nothing in batch mode; in command-line
 *         mode it is not modelled (throws): its result there is not documented.
 *  run    cmd finds the program from the command token (the first word, ended by an unquoted space, tab, `,`,
 *         `;` or `=`) with its quotes removed, and passes the command text to the program, whose C runtime
 *         splits it (post-2008 MSVCRT rules, argv[0] read by its own rule).
 *
 * Whatever the model cannot decide throws {@link CmdModelUnsupported} rather than guessing.
 */

import { msvcrtArgv } from "./msvcrt-argv";

export { msvcrtArgv };

export class CmdModelUnsupported extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CmdModelUnsupported";
  }
}

export interface CmdParseOptions {
  /** The environment cmd.exe runs with (names are case-insensitive). */
  env: Record<string, string>;
  /** Whether delayed expansion (`cmd /v:on`, or the registry default) is on. */
  delayedExpansion: boolean;
  /** Command-line mode (default) or a line of a batch file. */
  mode?: "command-line" | "batch";
  /** Batch mode: the batch file's %0, %1, … (%0 is its path as it was started). */
  batchArgs?: readonly string[];
}

export interface CmdCommand {
  /** The command's text as the program receives it (its command line). */
  text: string;
  /** The program cmd.exe starts: the command token with its quotes removed. */
  program: string;
  /** argv as the program's C runtime splits `text`. */
  argv: string[];
}

export interface CmdParseResult {
  /** argv of the first command. */
  argv: string[];
  /** Command separators, redirections, parentheses and line ends met outside quotes, in order. */
  separators: string[];
  commands: CmdCommand[];
}

/** Variables cmd.exe answers for itself when the environment does not define them. */
const DYNAMIC_VARIABLES: readonly string[] = [
  "CD", "DATE", "TIME", "RANDOM", "ERRORLEVEL", "CMDEXTVERSION", "CMDCMDLINE", "HIGHESTNUMANODENUMBER",
  "__CD__", "__APPDIR__",
];

function lookup(env: Record<string, string>, name: string): string | undefined {
  if (name.length === 0) return undefined;
  const upper = name.toUpperCase();
  for (const key of Object.keys(env)) {
    if (key.toUpperCase() === upper) return env[key];
  }
  if (DYNAMIC_VARIABLES.includes(upper)) return `<${upper}>`;
  return undefined;
}

function refuseEdits(env: Record<string, string>, name: string, marker: string): void {
  const colon = name.indexOf(":");
  if (colon >= 0 && lookup(env, name.slice(0, colon)) !== undefined) {
    throw new CmdModelUnsupported(`${marker}${name}${marker}: variable edits (":~", ":a=b") are not modelled`);
  }
}

/** `cmd /c <argument>` (or `cmd /s /c <argument>` when `slashS`): the text cmd.exe goes on to parse. */
export function cmdSlashC(argument: string, isExecutable?: (name: string) => boolean, slashS = false): string {
  const text = argument.replace(/^[ \t]+/, "");
  const quoteCount = text.split('"').length - 1;
  // Rule 1 keeps the text as it is; it can only make a difference when the text starts with a quote.
  if (!slashS && quoteCount === 2 && text.startsWith('"')) {
    const inner = text.slice(1, text.indexOf('"', 1));
    if (!/[&<>()@^|]/.test(inner) && /[ \t]/.test(inner)) {
      if (isExecutable === undefined) {
        throw new CmdModelUnsupported(`cmd /c keeps the quotes of "${inner}" only if it names an executable file`);
      }
      if (isExecutable(inner)) return text;
    }
  }
  if (!text.startsWith('"')) return text;
  const last = text.lastIndexOf('"');
  if (last === 0) return text.slice(1);
  return text.slice(1, last) + text.slice(last + 1);
}

/** Phase 1, command-line mode. */
export function percentExpand(line: string, env: Record<string, string>): string {
  let out = "";
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c !== "%") {
      out += c;
      i++;
      continue;
    }
    const close = line.indexOf("%", i + 1);
    if (close < 0) {
      out += line.slice(i);
      break;
    }
    const name = line.slice(i + 1, close);
    refuseEdits(env, name, "%");
    const value = lookup(env, name);
    if (value !== undefined) {
      out += value;
      i = close + 1;
    } else {
      out += "%";
      i++;
    }
  }
  return out;
}

/** Phase 1, batch mode (a line of a `.bat`/`.cmd` file). */
export function percentExpandBatch(line: string, env: Record<string, string>, args: readonly string[] = []): string {
  let out = "";
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c !== "%") {
      out += c;
      i++;
      continue;
    }
    const next = line[i + 1];
    if (next === "%") {
      out += "%";
      i += 2;
      continue;
    }
    if (next !== undefined && next >= "0" && next <= "9") {
      out += args[Number(next)] ?? "";
      i += 2;
      continue;
    }
    if (next === "*") {
      out += args.slice(1).join(" ");
      i += 2;
      continue;
    }
    if (next === "~") {
      // `%~N`: argument N with its surrounding quotes removed (`call /?`); other modifiers are not modelled.
      const digit = line[i + 2];
      if (digit === undefined || digit < "0" || digit > "9") throw new CmdModelUnsupported("%~ modifiers other than %~N are not modelled");
      const arg = args[Number(digit)] ?? "";
      out += arg.length >= 2 && arg.startsWith('"') && arg.endsWith('"') ? arg.slice(1, -1) : arg.replace(/^"/, "");
      i += 3;
      continue;
    }
    const close = line.indexOf("%", i + 1);
    if (close < 0) {
      i++; // a lone % is removed
      continue;
    }
    const name = line.slice(i + 1, close);
    if (name.includes(":")) {
      out += substringEdit(env, name);
      i = close + 1;
      continue;
    }
    out += lookup(env, name) ?? "";
    i = close + 1;
  }
  return out;
}

/**
 * `%NAME:~start[,length]%` of a defined NAME (`set /?`): negative start counts from the end, negative length
 * leaves that many off the end. Other edits (`:a=b`) and edits of undefined names are not modelled.
 */
function substringEdit(env: Record<string, string>, edit: string): string {
  const colon = edit.indexOf(":");
  const value = lookup(env, edit.slice(0, colon));
  const m = /^~(-?\d+)(?:,(-?\d+))?$/.exec(edit.slice(colon + 1));
  if (value === undefined || !m) throw new CmdModelUnsupported(`%${edit}%: this variable edit is not modelled`);
  const n = value.length;
  let start = Number(m[1]);
  if (start < 0) start = Math.max(0, n + start);
  start = Math.min(start, n);
  if (m[2] === undefined) return value.slice(start);
  const length = Number(m[2]);
  return length >= 0 ? value.slice(start, start + length) : value.slice(start, Math.max(start, n + length));
}

/** Phase 2: split into command texts, handling quotes, carets and operators. */
function specialCharacters(line: string): { texts: string[]; separators: string[] } {
  const texts: string[] = [];
  const separators: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "\r") continue;
    if (c === "\n") {
      separators.push("LF");
      break;
    }
    if (quoted) {
      current += c;
      if (c === '"') quoted = false;
      continue;
    }
    switch (c) {
      case '"':
        quoted = true;
        current += c;
        break;
      case "^":
        if (i + 1 < line.length && line[i + 1] !== "\n") {
          current += line[i + 1];
          i++;
        }
        break;
      case "&":
      case "|": {
        const doubled = line[i + 1] === c;
        separators.push(doubled ? c + c : c);
        if (doubled) i++;
        texts.push(current);
        current = "";
        break;
      }
      case "<":
      case ">": {
        const doubled = c === ">" && line[i + 1] === ">";
        separators.push(doubled ? ">>" : c);
        if (doubled) i++;
        texts.push(current);
        current = "";
        break;
      }
      case "(":
      case ")":
        separators.push(c);
        current += c;
        break;
      default:
        current += c;
    }
  }
  texts.push(current);
  return { texts, separators };
}

const TOKEN_DELIMITERS = " \t,;=";

/** The command token's end: the first token delimiter outside quotes, after leading delimiters. */
function splitCommandToken(text: string): { before: string; token: string; rest: string } {
  let start = 0;
  while (start < text.length && TOKEN_DELIMITERS.includes(text[start])) start++;
  let end = start;
  let quoted = false;
  while (end < text.length) {
    const c = text[end];
    if (c === '"') quoted = !quoted;
    else if (!quoted && TOKEN_DELIMITERS.includes(c)) break;
    end++;
  }
  return { before: text.slice(0, start), token: text.slice(start, end), rest: text.slice(end) };
}

/** Phase 5 on one token. */
function delayedExpandToken(token: string, env: Record<string, string>, batch: boolean): string {
  if (!token.includes("!")) return token;
  let out = "";
  let i = 0;
  while (i < token.length) {
    const c = token[i];
    if (c === "^") {
      if (i + 1 < token.length) out += token[i + 1];
      i += 2;
      continue;
    }
    if (c !== "!") {
      out += c;
      i++;
      continue;
    }
    const close = token.indexOf("!", i + 1);
    if (close < 0) {
      i++; // an unpaired `!` is removed
      continue;
    }
    if (close === i + 1) {
      i++; // consecutive opening `!` collapse into one
      continue;
    }
    const name = token.slice(i + 1, close);
    refuseEdits(env, name, "!");
    const value = lookup(env, name);
    if (value === undefined && batch) {
      i = close + 1; // batch mode: an undefined !NAME! is nothing
      continue;
    }
    if (value === undefined) {
      throw new CmdModelUnsupported(`!${name}! with ${name} undefined: the command-line mode result is not modelled`);
    }
    out += value;
    i = close + 1;
  }
  return out;
}

function delayedExpand(text: string, env: Record<string, string>, batch: boolean): string {
  if (!text.includes("!")) return text;
  const { before, token, rest } = splitCommandToken(text);
  return before + delayedExpandToken(token, env, batch) + delayedExpandToken(rest, env, batch);
}

/** The program cmd.exe starts for a command text: the command token with its quotes removed. */
export function cmdProgram(text: string): string {
  return splitCommandToken(text).token.split('"').join("");
}

/** A command line (already past `cmd /c`'s quote handling) through cmd.exe's phases to each program's argv. */
export function cmdParse(commandLine: string, opts: CmdParseOptions): CmdParseResult {
  const batch = opts.mode === "batch";
  const expanded = batch ? percentExpandBatch(commandLine, opts.env, opts.batchArgs) : percentExpand(commandLine, opts.env);
  return cmdParseExpanded(expanded, opts);
}

/** {@link cmdParse} from phase 2 on, for text that phase 1 has already expanded (a batch interpreter's lines). */
export function cmdParseExpanded(expanded: string, opts: CmdParseOptions): CmdParseResult {
  const batch = opts.mode === "batch";
  const { texts, separators } = specialCharacters(expanded);
  const commands = texts.map((raw): CmdCommand => {
    const text = opts.delayedExpansion ? delayedExpand(raw, opts.env, batch) : raw;
    const trimmed = text.slice(splitCommandToken(text).before.length);
    return { text: trimmed, program: cmdProgram(text), argv: msvcrtArgv(trimmed) };
  });
  return { argv: commands[0].argv, separators, commands };
}

/** What the HQueue Windows client does with a job command: Python `subprocess` shell=True → `cmd.exe /c "<command>"`. */
export function cmdRunAsPython(command: string, opts: CmdParseOptions): CmdParseResult {
  return cmdParse(cmdSlashC(`"${command}"`), opts);
}

/**
 * The ways a client may hand a command line to cmd.exe (hqueue.md §17: the HQueue client's is not documented):
 * Python `subprocess` shell=True, `cmd /c` with the line as it is, `cmd /s /c "<line>"`, a line of a batch file.
 */
export const CMD_INVOCATIONS = ["python-shell", "slash-c", "slash-s-c", "batch-line"] as const;
export type CmdInvocation = (typeof CMD_INVOCATIONS)[number];

/**
 * `line` run by cmd.exe as `invocation` says. `isExecutable` decides `/c` rule 1 (exactly two quotes around an
 * executable's name) when it matters; without it that case throws {@link CmdModelUnsupported}.
 */
export function cmdRunAs(
  invocation: CmdInvocation,
  line: string,
  opts: CmdParseOptions,
  isExecutable?: (name: string) => boolean,
): CmdParseResult {
  switch (invocation) {
    case "python-shell":
      return cmdParse(cmdSlashC(`"${line}"`, isExecutable), { ...opts, mode: "command-line" });
    case "slash-c":
      return cmdParse(cmdSlashC(line, isExecutable), { ...opts, mode: "command-line" });
    case "slash-s-c":
      return cmdParse(cmdSlashC(`"${line}"`, isExecutable, true), { ...opts, mode: "command-line" });
    case "batch-line":
      return cmdParse(line, { ...opts, mode: "batch", batchArgs: opts.batchArgs ?? ["C:\\Temp\\hq-task.bat"] });
  }
}
