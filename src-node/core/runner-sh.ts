/**
 * The POSIX sh task runner (Linux, macOS). See runners.ts for what a runner does and its interface. Pure.
 *
 * Every path is written single-quoted (quote-sh), so the script holds no expansion of anything the artist named.
 * The frames arrive as arguments `FIRST LAST STEP …` and are checked to be integers before any use; the run list
 * is then re-read with `set -- $kl_runs`, which is safe because it holds only digits, `-` and spaces.
 * zsh (not an sh, but tests run the script under it) is put into sh emulation first.
 */
import type { Platform } from "../../types/request";
import { quoteSh } from "./quote-sh";
import { progressAwkProgramForSizesVariable, renderNodeArgsWithFrameTexts, RUN_DONE_MARKER } from "./render-node";
import { EXIT_BAD_ARGUMENTS, EXIT_MISSING_FRAMES, MISSING_LINE_PREFIX, NO_DISPLAY_MESSAGE } from "./runner-contract";
import type { RunnerConfig } from "./runner-contract";
import { frameNamePattern } from "./savers";

// Placeholders for the values the shell knows only at run time; replaced by the shell's own words.
const START = "\u0001start";
const END = "\u0001end";
const STEP = "\u0001step";
const LOG = "\u0001log";
const SHELL_WORDS: Record<string, string> = { [START]: '"$1"', [END]: '"$2"', [STEP]: '"$3"', [LOG]: '"$kl_log"' };

function checkPath(what: string, value: string): void {
  if (value.length === 0) throw new Error(`Task runner: ${what} is empty.`);
  if (value.indexOf("\0") >= 0) throw new Error(`Task runner: ${what} "${value}" contains a NUL character, which no path can hold.`);
}

/** The Render Node command (a simple command, so that `… &` starts the Render Node itself as the job). */
function renderCommand(platform: Platform, config: RunnerConfig): string {
  const args = renderNodeArgsWithFrameTexts(platform, config.compPath, START, END, STEP, {
    logFile: config.log ? LOG : undefined,
    verbose: true,
    quiet: true,
  });
  return [config.renderNode, ...args].map((a) => SHELL_WORDS[a] ?? quoteSh(a)).join(" ");
}

function verificationLines(config: RunnerConfig): string[] {
  const lines: string[] = [];
  const sequences = config.outputs.filter((o) => !o.movie);
  const movies = config.outputs.filter((o) => o.movie);
  if (sequences.length > 0) {
    lines.push(
      "set -- $kl_runs",
      'while [ $# -ge 3 ]; do',
      "  kl_f=$1",
      '  while [ "$kl_f" -le "$2" ]; do',
    );
    for (const output of sequences) {
      checkPath(`the output of ${output.saver}`, output.path);
      const { prefix, padding, suffix } = frameNamePattern(output.path);
      lines.push(`    kl_frame_name "$kl_f" ${padding}; kl_check ${quoteSh(output.saver)} ${quoteSh(prefix)}"$kl_name"${quoteSh(suffix)}`);
    }
    lines.push("    kl_f=$((kl_f + $3))", "  done", "  shift 3", "done");
  }
  for (const output of movies) {
    checkPath(`the output of ${output.saver}`, output.path);
    lines.push(`kl_check ${quoteSh(output.saver)} ${quoteSh(output.path)}`);
  }
  return lines;
}

/** The sh runner for Linux or macOS. */
export function shRunnerScript(platform: Platform, config: RunnerConfig): string {
  if (platform === "windows") throw new Error("shRunnerScript is for Linux and macOS.");
  checkPath("the Render Node path", config.renderNode);
  checkPath("the comp path", config.compPath);
  if (config.log) checkPath("the log file name", config.log.dir + config.log.prefix);
  for (const o of config.outputs) checkPath("a Saver name", o.saver);
  const label = (config.label ?? "comp").replace(/[^\x20-\x7e]/g, "?");
  const lines: string[] = [
    "#!/bin/sh",
    `# KartaLink | HQueue Render: task runner for ${label} (${platform}). Generated at submit; do not edit.`,
    "# Usage: /bin/sh <this file> FIRST LAST STEP [FIRST LAST STEP ...]",
    '[ -n "${ZSH_VERSION:-}" ] && emulate sh',
    "unset IFS",
    "",
    "# Arguments: integers, in threes, step >= 1, last >= first.",
    `[ $# -ge 3 ] && [ $(($# % 3)) -eq 0 ] || { echo "KartaLink: usage: $0 FIRST LAST STEP [FIRST LAST STEP ...]" >&2; exit ${EXIT_BAD_ARGUMENTS}; }`,
    "for kl_a in \"$@\"; do",
    `  case \${kl_a#-} in ''|*[!0-9]*) echo "KartaLink: not a frame number: $kl_a" >&2; exit ${EXIT_BAD_ARGUMENTS};; esac`,
    "done",
    'kl_runs="$*"; kl_first=$1; kl_sizes=',
    "while [ $# -ge 3 ]; do",
    `  [ "$3" -ge 1 ] && [ "$2" -ge "$1" ] || { echo "KartaLink: bad frame run $1 $2 $3" >&2; exit ${EXIT_BAD_ARGUMENTS}; }`,
    '  kl_sizes="$kl_sizes $((($2 - $1) / $3 + 1))"; kl_last=$2',
    "  shift 3",
    "done",
    "",
  ];
  if (config.log) {
    const separator = config.log.dir.endsWith("/") ? "" : "/";
    lines.push(
      "# This try's Fusion log (removed first, so it holds this try only).",
      `kl_log=${quoteSh(config.log.dir + separator + config.log.prefix)}"$kl_first-$kl_last.log"`,
      'rm -f "$kl_log"',
      "",
    );
  }
  lines.push("kl_pre=");
  if (platform === "linux") {
    lines.push(
      "# A headless Linux Render Node needs an X display (Blackmagic): a virtual one when there is none.",
      'if [ -z "${DISPLAY:-}" ]; then',
      "  if command -v xvfb-run >/dev/null 2>&1; then kl_pre='xvfb-run -a'; else",
      `    echo ${quoteSh(NO_DISPLAY_MESSAGE)}`,
      "  fi",
      "fi",
    );
  }
  lines.push(
    "",
    "# Progress: the Render Node's output goes through a FIFO to awk, which adds ALF_PROGRESS lines.",
    "kl_awk=",
    config.progress ? "kl_progress=1" : "kl_progress=0",
    'if [ "$kl_progress" = 1 ] && command -v awk >/dev/null 2>&1; then',
    '  kl_fifo="${TMPDIR:-/tmp}/kartalink-hqueue-$$.fifo"; rm -f "$kl_fifo"',
    '  if mkfifo "$kl_fifo" 2>/dev/null; then',
    "    # mawk (Debian/Ubuntu's awk) reads a pipe in blocks: without -W interactive, progress would come in bursts.",
    "    kl_awk_opts=; case $(awk -W version 2>&1 </dev/null) in *mawk*) kl_awk_opts='-W interactive';; esac",
    `    awk $kl_awk_opts -v sizes="$kl_sizes" ${quoteSh(progressAwkProgramForSizesVariable())} < "$kl_fifo" & kl_awk=$!`,
    '    exec 3>"$kl_fifo"; rm -f "$kl_fifo"',
    "  fi",
    "fi",
    '[ -n "$kl_awk" ] || exec 3>&1',
    "",
    "# One render per run; the Render Node runs in the background so that a cancel reaches it.",
    "kl_p=",
    `trap 'if [ -n "$kl_p" ]; then kill -TERM "$kl_p" 2>/dev/null; fi; exit 143' TERM INT HUP`,
    "kl_rc=0",
    "set -- $kl_runs",
    "while [ $# -ge 3 ]; do",
    `  $kl_pre ${renderCommand(platform, config)} >&3 &`,
    '  kl_p=$!; wait "$kl_p"; kl_rc=$?; kl_p=',
    '  [ "$kl_rc" -eq 0 ] || break',
    "  shift 3",
    `  [ $# -lt 3 ] || echo ${RUN_DONE_MARKER} >&3`,
    "done",
    "exec 3>&-",
    '[ -z "$kl_awk" ] || wait "$kl_awk"',
    'if [ "$kl_rc" -ne 0 ]; then echo "KartaLink: the Render Node failed (exit status $kl_rc)."; exit "$kl_rc"; fi',
    "",
    "# Verification: every expected file exists and is not empty.",
    "kl_missing=0",
    `kl_check() { [ -s "$2" ] || { printf '%s%s: %s\\n' ${quoteSh(MISSING_LINE_PREFIX)} "$1" "$2"; kl_missing=$((kl_missing + 1)); }; }`,
    "# Fusion's frame number: a '-' for negative frames, then the digits zero-padded to the padding.",
    'kl_frame_name() { kl_name=${1#-}; while [ ${#kl_name} -lt "$2" ]; do kl_name=0$kl_name; done; case $1 in -*) kl_name=-$kl_name;; esac; }',
    ...verificationLines(config),
    'if [ "$kl_missing" -gt 0 ]; then',
    `  echo "KartaLink: $kl_missing expected output file(s) missing or empty; the task failed."; exit ${EXIT_MISSING_FRAMES}`,
    "fi",
    "exit 0",
    "",
  );
  return lines.join("\n");
}
