/**
 * The Windows task runner: a cmd.exe batch file (`.cmd`). See runners.ts for what a runner does. Pure.
 *
 * Batch-file rules it relies on (cmd.exe; test/support/cmd-model.ts models the lines that carry paths):
 *  - `setlocal EnableExtensions DisableDelayedExpansion` first (documented in `setlocal /?`; it overrides
 *    `cmd /v:on` and the registry default inside the file), so `!` in a path is an ordinary character;
 *  - each line is expanded once (phase 1, batch mode): a literal `%` is written `%%`; `%NAME%` is used only for
 *    the runner's own variables (`kl_…`), whose values are digits, `-` and the verified frame numbers;
 *  - every path is inside double quotes, so `^ & | < > ( )` in it are literal; paths are quoted for the
 *    program's C runtime (backslashes doubled before the closing quote; quote-cmd quoteCmdArg), and `"`, NUL,
 *    line breaks and control characters are refused (no Windows path holds them);
 *  - a path is never passed through `call` (which would expand `%` twice and double carets): the subroutines
 *    get only frame numbers; file sizes come from `for %%A in ("<path>") do set "kl_size=%%~zA"`, whose
 *    `in (…)` set is not subject to FOR-variable expansion (only the DO part is);
 *  - the runner ends with `exit N` (not `exit /b`): it ends the cmd.exe that runs it with status N, whether
 *    the client ran the task line with `cmd /c` or from a batch file of its own (`exit /?`).
 * The frames arrive as `%1 %2 %3 …` from the task line; each is checked to be an integer by `set /a` round trip.
 */
import { cmdUnsafeReason, quoteCmdArg } from "./quote-cmd";
import { renderNodeArgsWithFrameTexts } from "./render-node";
import { CRASH_ON_EXIT_MESSAGE, EXIT_BAD_ARGUMENTS, EXIT_MISSING_FRAMES, MISSING_LINE_PREFIX } from "./runner-contract";
import type { RunnerConfig } from "./runner-contract";
import { frameNamePattern } from "./savers";

/** The Windows exit code of a Render Node that crashes on exit after a good render (fusion.md §6, §11). */
export const CRASH_ON_EXIT_CODE = -1073741819;

const START = "\u0001start";
const END = "\u0001end";
const STEP = "\u0001step";
const LOG = "\u0001log";

/** A literal for a batch line: `%` doubled (batch phase 1 turns `%%` into `%`). */
function batchLiteral(text: string): string {
  return text.split("%").join("%%");
}

function checkPath(what: string, value: string): void {
  if (value.length === 0) throw new Error(`Windows task runner: ${what} is empty.`);
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === "!") continue; // delayed expansion is off inside the runner
    const reason = cmdUnsafeReason(c);
    if (reason !== undefined) throw new Error(`Windows task runner: cannot write ${what} "${value}": ${reason}.`);
  }
}

/** `text` as one argument of a batch line for a program's C runtime (MSVCRT quoting, `%` doubled). May hold `!`. */
function batchArg(text: string): string {
  if (text.indexOf("!") < 0 && text.indexOf("%") < 0) return quoteCmdArg(text);
  // quoteCmdArg refuses `!` (it cannot know delayed expansion is off) and splits at `%` for command-line mode:
  // quote a stand-in without them (same length, same backslash runs), then put them back inside the quotes.
  let quoted = quoteCmdArg(text.split("!").join("a").split("%").join("a"));
  if (!quoted.startsWith('"')) quoted = '"' + quoted + '"';
  let out = "";
  for (let i = 0; i < text.length; i++) out += text[i] === "%" ? "%%" : text[i] === "!" ? "!" : quoted[i + 1];
  return '"' + out + quoted.slice(text.length + 1);
}

/**
 * `text` double-quoted for cmd.exe's own commands (`for`, `if exist`, `del`, `echo`), which take backslashes
 * literally: no MSVCRT doubling, only `%` doubled.
 */
function batchQuoted(text: string): string {
  return '"' + batchLiteral(text) + '"';
}

function renderLine(config: RunnerConfig): string {
  const args = renderNodeArgsWithFrameTexts("windows", config.compPath, START, END, STEP, {
    logFile: config.log ? LOG : undefined,
    verbose: true,
    quiet: true,
  });
  const words: Record<string, string> = { [START]: "%kl_f%", [END]: "%kl_l%", [STEP]: "%kl_s%", [LOG]: '"%kl_log%"' };
  return [config.renderNode, ...args].map((a) => words[a] ?? batchArg(a)).join(" ");
}

/** A quoted file name for cmd.exe's own commands: `prefix` + the runner's frame text + `suffix`. */
function frameFile(prefix: string, suffix: string): string {
  return '"' + batchLiteral(prefix) + "%kl_sign%%kl_num%" + batchLiteral(suffix) + '"';
}

function sizeCheck(saver: string, fileWord: string): string[] {
  return [
    'set "kl_size="',
    `for %%A in (${fileWord}) do set "kl_size=%%~zA"`,
    `if "%kl_size%"=="" set "kl_size=0"`,
    `if "%kl_size%"=="0" set /a kl_missing+=1`,
    `if "%kl_size%"=="0" echo ${batchLiteral(MISSING_LINE_PREFIX)}${batchQuoted(saver)}: ${fileWord}`,
  ];
}

/** The .cmd runner for Windows. */
export function cmdRunnerScript(config: RunnerConfig): string {
  checkPath("the Render Node path", config.renderNode);
  checkPath("the comp path", config.compPath);
  if (config.log) checkPath("the log file name", config.log.dir + config.log.prefix);
  for (const o of config.outputs) {
    checkPath("a Saver name", o.saver);
    checkPath(`the output of ${o.saver}`, o.path);
  }
  const label = (config.label ?? "comp").replace(/[^\x20-\x7e]/g, "?").replace(/[%!^&|<>()"]/g, "_");
  const lines: string[] = [
    "@echo off",
    "setlocal EnableExtensions DisableDelayedExpansion",
    `rem KartaLink ^| HQueue Render: task runner for ${label} (windows). Generated at submit; do not edit.`,
    "rem Usage: <this file> FIRST LAST STEP [FIRST LAST STEP ...]",
    'set "kl_args=%*"',
    'set "kl_first=%1"',
    'set "kl_last="',
    "call :kl_check_args %*",
    `if errorlevel 1 exit ${EXIT_BAD_ARGUMENTS}`,
  ];
  if (config.log) {
    const dir = config.log.dir.endsWith("\\") ? config.log.dir : config.log.dir + "\\";
    lines.push(
      "rem This try's Fusion log (removed first, so it holds this try only).",
      `set "kl_log=${batchLiteral(dir + config.log.prefix)}%kl_first%-%kl_last%.log"`,
      'if exist "%kl_log%" del /f /q "%kl_log%"',
    );
  }
  lines.push(
    'set "kl_rc=0"',
    'set "kl_crashed=0"',
    "call :kl_render_runs %kl_args%",
    `if not "%kl_rc%"=="0" if not "%kl_rc%"=="${CRASH_ON_EXIT_CODE}" goto kl_failed`,
    'set "kl_missing=0"',
    "call :kl_verify_runs %kl_args%",
  );
  for (const o of config.outputs.filter((x) => x.movie)) lines.push(...sizeCheck(o.saver, batchQuoted(o.path)));
  lines.push(
    `if not "%kl_missing%"=="0" echo KartaLink: %kl_missing% expected output file(s) missing or empty; the task failed.`,
    `if not "%kl_missing%"=="0" exit ${EXIT_MISSING_FRAMES}`,
    `if "%kl_crashed%"=="1" echo ${batchLiteral(CRASH_ON_EXIT_MESSAGE).replace(/[()]/g, "^$&")}`,
    "exit 0",
    ":kl_failed",
    "echo KartaLink: the Render Node failed ^(exit code %kl_rc%^).",
    "exit %kl_rc%",
    "",
    "rem Arguments: integers, in threes, step >= 1, last >= first.",
    ":kl_check_args",
    'if "%~3"=="" goto kl_bad_args',
    "set /a kl_f=%1, kl_l=%2, kl_s=%3 2>nul",
    'if not "%kl_f%"=="%1" goto kl_bad_args',
    'if not "%kl_l%"=="%2" goto kl_bad_args',
    'if not "%kl_s%"=="%3" goto kl_bad_args',
    "if %kl_s% LSS 1 goto kl_bad_args",
    "if %kl_l% LSS %kl_f% goto kl_bad_args",
    'set "kl_last=%kl_l%"',
    "shift",
    "shift",
    "shift",
    'if "%~1"=="" exit /b 0',
    "goto kl_check_args",
    ":kl_bad_args",
    "echo KartaLink: usage: runner FIRST LAST STEP [FIRST LAST STEP ...] (integers, step 1 or more)",
    "exit /b 1",
    "",
    "rem One render per run; stops at the first failure (a crash on exit goes on to verification).",
    ":kl_render_runs",
    'if "%~1"=="" exit /b 0',
    "set /a kl_f=%1, kl_l=%2, kl_s=%3",
    renderLine(config),
    'set "kl_rc=%errorlevel%"',
    `if "%kl_rc%"=="${CRASH_ON_EXIT_CODE}" set "kl_crashed=1"`,
    `if "%kl_rc%"=="${CRASH_ON_EXIT_CODE}" set "kl_rc=0"`,
    'if not "%kl_rc%"=="0" exit /b 0',
    "shift",
    "shift",
    "shift",
    "goto kl_render_runs",
    "",
    "rem Verification: every frame of every run, for every image-sequence Saver.",
    ":kl_verify_runs",
    'if "%~1"=="" exit /b 0',
    "set /a kl_f=%1, kl_l=%2, kl_s=%3",
    ":kl_verify_frame",
    "if %kl_f% GTR %kl_l% goto kl_verify_next",
    "call :kl_verify_frame_files",
    "set /a kl_f+=kl_s",
    "goto kl_verify_frame",
    ":kl_verify_next",
    "shift",
    "shift",
    "shift",
    "goto kl_verify_runs",
    "",
    "rem Fusion's frame number: a '-' for negative frames, then the digits zero-padded to the padding.",
    ":kl_verify_frame_files",
    'set "kl_sign="',
    "set /a kl_abs=kl_f",
    'if %kl_f% LSS 0 set "kl_sign=-"',
    "if %kl_f% LSS 0 set /a kl_abs=-kl_f",
  );
  for (const o of config.outputs.filter((x) => !x.movie)) {
    const { prefix, padding, suffix } = frameNamePattern(o.path);
    lines.push(`set "kl_num=${"0".repeat(padding)}%kl_abs%"`, `set "kl_num=%kl_num:~-${padding}%"`);
    // A number longer than the padding is written in full.
    if (padding < 10) lines.push(`if %kl_abs% GEQ 1${"0".repeat(padding)} set "kl_num=%kl_abs%"`);
    lines.push(...sizeCheck(o.saver, frameFile(prefix, suffix)));
  }
  lines.push("exit /b 0", "");
  // Batch files are read with CRLF line ends.
  return lines.join("\r\n");
}
