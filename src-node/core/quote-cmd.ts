/**
 * Quoting for Windows: cmd.exe (which runs HQueue job commands and the comp script's `io.popen`) followed by
 * the Microsoft C runtime's argv parser in the started program (MSVCRT / CommandLineToArgvW rules).
 *
 * How a command reaches the program:
 *  1. How the HQueue Windows client starts a job's command is not documented (hqueue.md §17): Python
 *     `subprocess` shell=True (`cmd.exe /c "<line>"`), `cmd.exe /c <line>`, `cmd.exe /s /c "<line>"`, or a
 *     line of a temporary `.bat`/`.cmd` file. {@link cmdTaskLine} writes lines that come out the same under
 *     all four (see there). LuaJIT's io.popen runs `cmd.exe /c <string>` (C `_popen`, documented): the comp
 *     script uses {@link cmdJoin} + {@link cmdForSlashC} there. `/c` strips the first and the last quote of
 *     its argument when the text has more than two quotes, leaving exactly `<command>`.
 *  2. cmd.exe expands `%NAME%` when NAME is defined (command-line mode: undefined names stay as written),
 *     before anything else and regardless of quotes and carets.
 *  3. cmd.exe handles `^ & | < > ( )` outside double quotes; inside double quotes they are literal.
 *  4. With delayed expansion on (unknown on a farm client), a command that contains `!` anywhere has `!NAME!`
 *     expanded and carets removed, even inside quotes. A command with no `!` is untouched.
 *  5. The program splits the text into argv: whitespace separates outside quotes, `"` toggles, 2n
 *     backslashes + `"` give n backslashes + a toggle.
 *
 * Encoding used here: every argument is double-quoted, with backslashes doubled where they precede a
 * closing quote (trailing backslashes: `C:\dir\` → `"C:\dir\\"`). Each `%` is written outside the quotes as
 * `^%` between quoted segments: `a%b` → `"a"^%"b"`. The program joins the adjacent segments into one
 * argument. After every `%` comes a `"`, so every `%…%` pair that cmd.exe could try to expand names a
 * variable whose name starts with `"` (assumed never to be defined; Windows environment names never hold
 * quotes in practice). `!` cannot be written correctly for both delayed-expansion modes, so arguments with
 * `!` are refused, as are `"` (not allowed in Windows paths), NUL, line breaks and other control
 * characters. Simple tokens of `[A-Za-z0-9_./:=-]` (flags, frame numbers) stay bare for readability;
 * the program (first word) is always quoted.
 *
 * PORTABLE MODULE: this file is also compiled by TypeScriptToLua into the LuaJIT comp script. No RegExp,
 * JSON, Date or lastIndexOf; walk strings by index with charCodeAt/substring (bytes in Lua) and only test
 * for ASCII characters, so bytes >= 0x80 (UTF-8) pass through untouched. No runtime imports.
 */

const QUOTE = 34; // "
const PERCENT = 37; // %
const BACKSLASH = 92; // \
const EXCLAMATION = 33; // !

/** Bare-token characters: [A-Za-z0-9_./:=-]. None of them means anything to cmd.exe or MSVCRT mid-line. */
function isBareSafe(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 95 || // _
    code === 46 || // .
    code === 47 || // /
    code === 58 || // :
    code === 61 || // =
    code === 45 // -
  );
}

function canStayBare(arg: string): boolean {
  if (arg.length === 0) return false;
  for (let i = 0; i < arg.length; i++) {
    if (!isBareSafe(arg.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * Why `arg` cannot be passed through cmd.exe as one exact argument, or undefined when it can.
 * The reason is a sentence for the artist and does not repeat the argument.
 */
export function cmdUnsafeReason(arg: string): string | undefined {
  for (let i = 0; i < arg.length; i++) {
    const code = arg.charCodeAt(i);
    if (code === EXCLAMATION) {
      return (
        'it contains "!", which Windows cmd.exe removes or replaces when delayed expansion is on ' +
        '(render farm clients may run commands that way); rename it without "!"'
      );
    }
    if (code === QUOTE) {
      return 'it contains a double quote ("), which Windows paths cannot contain and cmd.exe cannot pass safely';
    }
    if (code === 0) return "it contains a NUL character, which no command argument can hold";
    if (code === 10 || code === 13) return "it contains a line break, which ends the command in cmd.exe";
    if (code < 32 || code === 127) {
      return "it contains a control character (code " + code + "), which Windows paths cannot contain";
    }
  }
  return undefined;
}

/**
 * Why `program` cannot be the program (first word) of a cmd.exe command, or undefined when it can.
 * On top of {@link cmdUnsafeReason}: empty, or containing `%` (cmd.exe finds the program from its own reading
 * of the first word, which is not documented for the split-quote form that `%` needs).
 */
export function cmdProgramUnsafeReason(program: string): string | undefined {
  if (program.length === 0) return "the program path is empty";
  const reason = cmdUnsafeReason(program);
  if (reason !== undefined) return reason;
  for (let i = 0; i < program.length; i++) {
    if (program.charCodeAt(i) === PERCENT) {
      return 'it contains "%", which cmd.exe cannot take safely in the path of the program it starts';
    }
  }
  return undefined;
}

/** `text` inside double quotes, its trailing backslashes doubled so the closing quote stays a delimiter. */
function quoteSegment(text: string): string {
  let trailing = 0;
  while (trailing < text.length && text.charCodeAt(text.length - 1 - trailing) === BACKSLASH) trailing++;
  return '"' + text + text.substring(text.length - trailing) + '"';
}

function describe(arg: string, what: string, reason: string): string {
  return "Cannot write " + what + ' "' + arg + '" for Windows cmd.exe: ' + reason + ".";
}

/**
 * One argument for a cmd.exe command line that the program's MSVCRT argv parser turns back into exactly
 * `arg`, whether or not delayed expansion is on. Throws with {@link cmdUnsafeReason} when impossible.
 */
export function quoteCmdArg(arg: string): string {
  const reason = cmdUnsafeReason(arg);
  if (reason !== undefined) throw new Error(describe(arg, "the argument", reason));
  if (canStayBare(arg)) return arg;
  let out = "";
  let segmentStart = 0;
  for (let i = 0; i < arg.length; i++) {
    if (arg.charCodeAt(i) === PERCENT) {
      out = out + quoteSegment(arg.substring(segmentStart, i)) + "^%";
      segmentStart = i + 1;
    }
  }
  return out + quoteSegment(arg.substring(segmentStart));
}

/**
 * A command line for `cmd.exe /c`: argv[0] is the program (always quoted; see {@link cmdProgramUnsafeReason}),
 * the rest are its arguments. This is the form for an HQueue `command` (the client adds the `/c "…"` quotes).
 */
export function cmdJoin(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error("cmdJoin needs at least the program.");
  const program = argv[0];
  const reason = cmdProgramUnsafeReason(program);
  if (reason !== undefined) throw new Error(describe(program, "the program", reason));
  // The program's own argv[0] parsing takes backslashes literally, so no doubling here.
  let out = '"' + program + '"';
  for (let i = 1; i < argv.length; i++) {
    out = out + " " + quoteCmdArg(argv[i]);
  }
  return out;
}

/** Why `arg` cannot be part of a {@link cmdTaskLine}, or undefined when it can: {@link cmdUnsafeReason} plus `%`. */
export function cmdTaskLineUnsafeReason(arg: string): string | undefined {
  const reason = cmdUnsafeReason(arg);
  if (reason !== undefined) return reason;
  for (let i = 0; i < arg.length; i++) {
    if (arg.charCodeAt(i) === PERCENT) {
      return (
        'it contains "%", which Windows cmd.exe reads one way on a command line and another way in a batch ' +
        "file (how the HQueue client runs commands is not documented); rename it without \"%\""
      );
    }
  }
  return undefined;
}

/** Characters that may stay bare at the start of a program word: [A-Za-z0-9_.\\]. */
function isProgramStartSafe(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 46 || code === BACKSLASH
  );
}

/**
 * The program as the first word of a {@link cmdTaskLine}: it must not begin with a quote (so `cmd /c <line>`
 * strips nothing) and must hold a quote pair (so `cmd /c "<line>"` never meets the "exactly two quotes"
 * rule). A drive path keeps its `X:\` bare (`C:\"Program Files\…\FusionRenderNode.exe"`), anything else
 * its first character (`\"\srv\apps\x.exe"`, `n"ode"`). cmd.exe finds the program from this word with all
 * its quotes removed; the program's C runtime reads argv[0] with quotes toggling and backslashes literal.
 */
function programWord(program: string): string {
  const c0 = program.charCodeAt(0);
  const isDrive =
    program.length > 3 && ((c0 >= 97 && c0 <= 122) || (c0 >= 65 && c0 <= 90)) && program.charCodeAt(1) === 58 && program.charCodeAt(2) === BACKSLASH;
  const bare = isDrive ? 3 : 1;
  return program.substring(0, bare) + '"' + program.substring(bare) + '"';
}

/**
 * A Windows task line that runs `argv[0]` with exactly `argv[1…]` however the HQueue client hands it to cmd.exe:
 * `cmd.exe /c "<line>"` (Python shell=True), `cmd.exe /c <line>`, `cmd.exe /s /c "<line>"`, or as a line of a
 * `.bat`/`.cmd` file, with delayed expansion on or off. Proven against the cmd.exe model
 * (test/support/cmd-model.ts, test/core/quote-cmd.test.ts):
 *  - the line never begins with a quote ({@link programWord}), so `cmd /c <line>` keeps it as it is, and it
 *    always holds more than two quotes once wrapped, so `cmd /c "<line>"` and `cmd /s /c "<line>"` strip
 *    exactly the added pair;
 *  - it holds no `%` (refused: on a command line `%` must be escaped `^%`, in a batch file doubled `%%`, and
 *    neither spelling is right in the other form) and no `!` (refused: delayed expansion), so neither
 *    expansion phase changes anything;
 *  - every other special character is inside double quotes ({@link quoteCmdArg}).
 * Throws with the reason when an argument cannot be carried.
 */
export function cmdTaskLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error("cmdTaskLine needs at least the program.");
  for (let i = 0; i < argv.length; i++) {
    const what = i === 0 ? "the program" : "the argument";
    if (i === 0 && argv[0].length === 0) throw new Error(describe(argv[0], what, "the program path is empty"));
    const reason = cmdTaskLineUnsafeReason(argv[i]);
    if (reason !== undefined) throw new Error(describe(argv[i], what, reason));
  }
  const program = argv[0];
  if (!isProgramStartSafe(program.charCodeAt(0))) {
    throw new Error(
      describe(program, "the program", "it must start with a drive letter, a backslash, a letter, a digit, \"_\" or \".\""),
    );
  }
  let out = programWord(program);
  for (let i = 1; i < argv.length; i++) out = out + " " + quoteCmdArg(argv[i]);
  return out;
}

/**
 * `command` (from {@link cmdJoin}, possibly several joined with ` && `) as the string to give to C `system`,
 * `_popen`, Lua `os.execute`/`io.popen` on Windows: they run `cmd.exe /c <string>`, and `/c` strips the first
 * and last quote, so the command is wrapped in one more pair, as Python's subprocess does.
 */
export function cmdForSlashC(command: string): string {
  return '"' + command + '"';
}
