/**
 * A small interpreter of cmd.exe batch files, for running the Windows task runner (runner-cmd.ts) without
 * Windows. It runs each line through the cmd model's batch-mode phase 1 (test/support/cmd-model.ts) ONCE, then
 * executes the few commands the runner uses, as `help <command>` documents them:
 *
 *   @echo off, rem, setlocal [EnableExtensions] [Enable|DisableDelayedExpansion], :label, goto label,
 *   call :label args (new %1…; `call` expands %… of its line a second time), exit /b N, exit N, shift,
 *   echo text, set "name=value", set /a name=expr[, …] (integers, names, unary -, = and +=; `2>nul` allowed),
 *   if [not] "a"=="b" cmd, if [not] A LSS|GTR|GEQ|LEQ|EQU|NEQ B cmd, if [not] errorlevel N cmd,
 *   if [not] exist "path" cmd, del /f /q "path", for %A in ("path") do set "name=%~zA"
 *
 * Any other first word is an external program: the rest of the model (phase 2 on, MSVCRT argv) gives its argv,
 * and {@link BatchHost.run} its exit code (ERRORLEVEL). Files live in a map (path → size). Anything else throws
 * {@link CmdModelUnsupported}, so the runner cannot rely on a command the interpreter would only guess at.
 */
import { CmdModelUnsupported, cmdParseExpanded, percentExpandBatch } from "./cmd-model";

export interface BatchHost {
  /** An external program: its argv (as its C runtime splits it); returns its exit code. */
  run(argv: string[]): number;
  /** Files by path: size in bytes. */
  files: Map<string, number>;
}

export interface BatchResult {
  /** The status cmd.exe exits with (`exit N`, or the last ERRORLEVEL when the file ends). */
  status: number;
  /** Lines written by `echo`. */
  output: string[];
}

interface Frame {
  args: string[];
  /** Line index to return to (undefined: the top level). */
  returnTo?: number;
}

const MAX_STEPS = 200_000;

export function runBatch(script: string, args: readonly string[], host: BatchHost, opts: { env?: Record<string, string>; delayedExpansion?: boolean } = {}): BatchResult {
  const lines = script.split("\r\n");
  if (script.includes("\n") && lines.some((l) => l.includes("\n"))) throw new CmdModelUnsupported("batch lines must end with CRLF");
  const env: Record<string, string> = { ...(opts.env ?? {}), ERRORLEVEL: "0" };
  let delayed = opts.delayedExpansion ?? false;
  const output: string[] = [];
  const stack: Frame[] = [{ args: ["runner.cmd", ...args] }];
  let errorlevel = 0;
  const setErrorlevel = (n: number): void => {
    errorlevel = n;
    env.ERRORLEVEL = String(n);
  };
  const labelIndex = (label: string): number => {
    const index = lines.findIndex((l) => l.trim().toLowerCase() === ":" + label.toLowerCase());
    if (index < 0) throw new Error(`no label :${label}`);
    return index;
  };
  let pc = 0;
  let steps = 0;

  const returnFromCall = (code: number): "end" | undefined => {
    setErrorlevel(code);
    const frame = stack.pop()!;
    if (frame.returnTo === undefined) return "end";
    pc = frame.returnTo;
    return undefined;
  };

  // Executes one already-expanded command; returns "end" when the script is over.
  const execute = (text: string): "end" | undefined => {
    const trimmed = text.replace(/^[ \t@]+/, "");
    const word = (trimmed.match(/^[^ \t]*/)?.[0] ?? "").toLowerCase();
    const rest = trimmed.slice(word.length).replace(/^[ \t]+/, "");
    switch (word) {
      case "":
      case "rem":
        return undefined;
      case "echo":
        if (rest.toLowerCase() === "off") return undefined;
        output.push(cmdParseExpanded(trimmed, { env, delayedExpansion: delayed, mode: "batch" }).commands[0].text.slice(5));
        return undefined;
      case "setlocal":
        for (const option of rest.toLowerCase().split(/\s+/)) {
          if (option === "disabledelayedexpansion") delayed = false;
          else if (option === "enabledelayedexpansion") delayed = true;
          else if (option !== "enableextensions" && option !== "") throw new CmdModelUnsupported(`setlocal ${option}`);
        }
        return undefined;
      case "goto":
        pc = labelIndex(rest.trim().replace(/^:/, ""));
        return undefined;
      case "shift":
        stack[stack.length - 1].args.splice(1, 1);
        return undefined;
      case "exit": {
        const m = rest.match(/^(\/b\s*)?(-?\d+)?\s*$/i);
        if (!m) throw new CmdModelUnsupported(`exit ${rest}`);
        const code = m[2] === undefined ? errorlevel : Number(m[2]);
        if (m[1] === undefined) {
          stack.length = 0;
          setErrorlevel(code);
          return "end";
        }
        return returnFromCall(code);
      }
      case "call": {
        const m = rest.match(/^:(\S+)\s*(.*)$/);
        if (!m) throw new CmdModelUnsupported(`call ${rest}`);
        // call's second phase 1 (caret doubling is irrelevant: the runner passes only numbers).
        const again = percentExpandBatch(m[2], env, stack[stack.length - 1].args);
        const callArgs = again.split(/[ \t]+/).filter((a) => a !== "");
        stack.push({ args: [":" + m[1], ...callArgs], returnTo: pc });
        pc = labelIndex(m[1]) + 1;
        return undefined;
      }
      case "set":
        return setCommand(rest);
      case "if":
        return ifCommand(rest);
      case "del": {
        const m = rest.match(/^\/f \/q "([^"]*)"$/);
        if (!m) throw new CmdModelUnsupported(`del ${rest}`);
        host.files.delete(m[1]);
        return undefined;
      }
      case "for": {
        const m = trimmed.match(/^for %([A-Za-z]) in \("([^"]*)"\) do set "([A-Za-z_]+)=%~z([A-Za-z])"$/);
        if (!m || m[1] !== m[4]) throw new CmdModelUnsupported(`for: ${trimmed}`);
        const size = host.files.get(m[2]);
        env[m[3]] = size === undefined ? "" : String(size);
        if (size === undefined) delete env[m[3]];
        return undefined;
      }
      default: {
        if (/^[a-z]+$/.test(word) && ["start", "cd", "pushd", "popd", "copy", "move", "type", "dir"].includes(word)) {
          throw new CmdModelUnsupported(`built-in ${word}`);
        }
        const parsed = cmdParseExpanded(text, { env, delayedExpansion: delayed, mode: "batch" });
        if (parsed.separators.length > 0) throw new CmdModelUnsupported(`operators in an external command: ${parsed.separators.join(" ")}`);
        setErrorlevel(host.run(parsed.argv));
        return undefined;
      }
    }
  };

  const setCommand = (rest: string): undefined => {
    if (/^\/a /i.test(rest)) {
      const exprs = rest.slice(3).replace(/\s*2>nul\s*$/i, "");
      for (const part of exprs.split(",")) {
        const m = part.trim().match(/^([A-Za-z_]+)\s*(\+?=)\s*(-?)\s*([A-Za-z_0-9]+)$/);
        if (!m) throw new CmdModelUnsupported(`set /a ${part}`);
        const operand = /^[0-9]+$/.test(m[4]) ? parseDecimal(m[4]) : Number(env[m[4]] ?? "0") || 0;
        const value = m[3] === "-" ? -operand : operand;
        env[m[1]] = String(m[2] === "+=" ? (Number(env[m[1]] ?? "0") || 0) + value : value);
      }
      return undefined;
    }
    const m = rest.match(/^"([A-Za-z_]+)=(.*)"$/);
    if (!m) throw new CmdModelUnsupported(`set ${rest}`);
    if (m[2] === "") delete env[m[1]];
    else env[m[1]] = m[2];
    return undefined;
  };

  const ifCommand = (rest: string): "end" | undefined => {
    let text = rest;
    let negate = false;
    if (/^not\s/i.test(text)) {
      negate = true;
      text = text.slice(4).trimStart();
    }
    let result: boolean;
    let m: RegExpMatchArray | null;
    if ((m = text.match(/^"([^"]*)"=="([^"]*)"\s+(.*)$/))) {
      result = m[1] === m[2];
    } else if ((m = text.match(/^errorlevel\s+(\d+)\s+(.*)$/i))) {
      result = errorlevel >= Number(m[1]);
      m = [m[0], "", "", m[2]] as unknown as RegExpMatchArray;
    } else if ((m = text.match(/^exist\s+"([^"]*)"\s+(.*)$/i))) {
      result = host.files.has(m[1]);
      m = [m[0], "", "", m[2]] as unknown as RegExpMatchArray;
    } else if ((m = text.match(/^(-?\d+)\s+(LSS|GTR|GEQ|LEQ|EQU|NEQ)\s+(-?\d+)\s+(.*)$/i))) {
      const [a, b] = [Number(m[1]), Number(m[3])];
      const op = m[2].toUpperCase();
      result = op === "LSS" ? a < b : op === "GTR" ? a > b : op === "GEQ" ? a >= b : op === "LEQ" ? a <= b : op === "EQU" ? a === b : a !== b;
      m = [m[0], "", "", m[4]] as unknown as RegExpMatchArray;
    } else {
      throw new CmdModelUnsupported(`if ${rest}`);
    }
    return result !== negate ? execute(m[3]) : undefined;
  };

  while (pc < lines.length) {
    if (++steps > MAX_STEPS) throw new Error("batch interpreter: too many steps (a loop that never ends?)");
    const raw = lines[pc++];
    if (/^\s*:/.test(raw)) continue; // a label
    if (/^\s*rem(\s|$)/i.test(raw)) continue; // rem is not expanded
    const expanded = percentExpandBatch(raw, env, stack[stack.length - 1].args);
    if (execute(expanded) === "end") return { status: errorlevel, output };
    if (stack.length === 0) return { status: errorlevel, output };
  }
  return { status: errorlevel, output };
}

/** `set /a` numbers: a leading 0 means octal, `0x` hexadecimal (help set); the runner passes decimals. */
function parseDecimal(text: string): number {
  if (text.length > 1 && text.startsWith("0")) return parseInt(text, 8) || 0;
  return Number(text);
}
