/**
 * Quoting for POSIX shells (sh, dash, bash, zsh, ksh): the macOS and Linux HQueue clients and the comp
 * script's `io.popen` on those systems.
 *
 * PORTABLE MODULE: this file is also compiled by TypeScriptToLua into the LuaJIT comp script. Keep to the
 * subset that behaves the same in both runtimes: no RegExp, JSON, Date or lastIndexOf; walk strings by index
 * with charCodeAt/substring (bytes in Lua, UTF-16 units in JS) and only ever test for ASCII characters, so
 * that every byte >= 0x80 (UTF-8) passes through untouched on both sides. No runtime imports.
 */

const SINGLE_QUOTE = 39; // '
const EQUALS = 61; // =

/**
 * Characters that no POSIX shell gives a meaning to in an unquoted word: [A-Za-z0-9_./:=@%+,-].
 * Words made only of these are left bare so that commands stay readable in the HQueue web UI.
 */
function isBareSafe(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || // a-z
    (code >= 65 && code <= 90) || // A-Z
    (code >= 48 && code <= 57) || // 0-9
    code === 95 || // _
    code === 46 || // .
    code === 47 || // /
    code === 58 || // :
    code === 61 || // =
    code === 64 || // @
    code === 37 || // %
    code === 43 || // +
    code === 44 || // ,
    code === 45 // -
  );
}

/** True when `arg` can be written as a bare word (every character safe; not empty; not starting with `=`). */
function canStayBare(arg: string): boolean {
  if (arg.length === 0) return false;
  // zsh expands a word that starts with `=` to the path of a command (EQUALS option).
  if (arg.charCodeAt(0) === EQUALS) return false;
  for (let i = 0; i < arg.length; i++) {
    if (!isBareSafe(arg.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * One argument as a shell word that the shell turns back into exactly `arg`.
 * Safe words stay bare, anything else is single-quoted with `'` written as `'\''`.
 * Throws for NUL, which no argv element can contain.
 */
export function quoteSh(arg: string): string {
  if (canStayBare(arg)) return arg;
  let out = "'";
  let runStart = 0;
  for (let i = 0; i < arg.length; i++) {
    const code = arg.charCodeAt(i);
    if (code === 0) {
      throw new Error("A NUL character cannot be passed as a command argument.");
    }
    if (code === SINGLE_QUOTE) {
      out = out + arg.substring(runStart, i) + "'\\''";
      runStart = i + 1;
    }
  }
  return out + arg.substring(runStart) + "'";
}

/**
 * Reserved words of sh/bash/zsh/ksh. They only act as keywords in command position and only when unquoted,
 * so a program named like one of them is quoted there.
 */
const RESERVED_WORDS: readonly string[] = [
  "!", "{", "}", "[[", "]]", "case", "coproc", "do", "done", "elif", "else", "esac", "fi", "for", "foreach",
  "function", "if", "in", "nocorrect", "noglob", "repeat", "select", "then", "time", "until", "while",
];

function isReservedWord(word: string): boolean {
  for (let i = 0; i < RESERVED_WORDS.length; i++) {
    if (RESERVED_WORDS[i] === word) return true;
  }
  return false;
}

/** The program word (first word of a simple command). */
function quoteProgram(program: string): string {
  const quoted = quoteSh(program);
  if (quoted !== program) return quoted;
  // A bare `NAME=value` in command position is a variable assignment, and a bare reserved word is a keyword:
  // single-quote both so that the word names the program.
  if (program.indexOf("=") >= 0 || isReservedWord(program)) return "'" + program + "'";
  return quoted;
}

/**
 * A simple command line for `sh -c`: argv[0] is the program, the rest are its arguments, each one arriving
 * byte-identical in the program's argv.
 */
export function shJoin(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error("shJoin needs at least the program.");
  let out = quoteProgram(argv[0]);
  for (let i = 1; i < argv.length; i++) {
    out = out + " " + quoteSh(argv[i]);
  }
  return out;
}
