/**
 * Frame sets: parsing what users type, expanding comp ranges, and turning frame lists back into
 * compact arithmetic runs. Pure: no I/O.
 *
 * PORTABLE: compiled into the helper (esbuild) AND the comp script (TypeScriptToLua, for the dialog's live
 * "N frames in M tasks"), and tested on both (test/lua/frames-lua.test.ts). So: no RegExp, JSON or Date, no
 * `str[i]`, no Number.isSafeInteger, numbers turned into text only through {@link wholeNumberText} (Lua's tostring
 * writes 1e+15 where JS writes 1000000000000000).
 *
 * Accepted syntax (items separated by commas and/or whitespace):
 *   `5`, `-5`                 single frames (negative frames are allowed)
 *   `1-100`, `1..100`         inclusive ranges (`..` is Fusion's own FrameRange syntax)
 *   `-10--1`, `-10..-1`, `-3-3`
 *   `1-100x2`, `1-100:2`      a step after the range
 * Whitespace is allowed around `..`, `x`, `:` and around a `-` that has whitespace on both sides
 * (`1 - 10`). A `-` written right before a digit after whitespace is a SIGN, so `1 -10` is the two
 * items `1` and `-10`, and `-5 -3` is two negative frames.
 */
import type { FrameRun } from "../../types/request";

/** Sets larger than this are rejected before anything is expanded. */
export const MAX_FRAMES = 1_000_000;

export type FramesResult = { ok: true; frames: number[] } | { ok: false; error: string };

const MAX_SAFE = 9007199254740991;

/** Number.isSafeInteger, spelled out (and so the same in Lua). */
export function isSafeWhole(value: number): boolean {
  return value === Math.floor(value) && value >= -MAX_SAFE && value <= MAX_SAFE;
}

/** A whole number as decimal digits, the same in JS and Lua (other numbers: as a whole number, rounded down). */
export function wholeNumberText(value: number): string {
  if (value !== value) return "NaN";
  if (value < 0) return "-" + wholeNumberText(-value);
  if (value === Infinity) return "Infinity";
  let rest = Math.floor(value);
  if (rest === 0) return "0";
  let out = "";
  while (rest > 0) {
    const digit = rest - Math.floor(rest / 10) * 10;
    out = "0123456789".substring(digit, digit + 1) + out;
    rest = Math.floor(rest / 10);
  }
  return out;
}

/** The number as written in messages: whole numbers by digits, others (only from a caller's bad input) as given. */
function num(value: number): string {
  return isSafeWhole(value) ? wholeNumberText(value) : String(value);
}

function charAt(text: string, i: number): string {
  return text.substring(i, i + 1);
}

/** Whitespace removed (for quoting a step as "x2"). */
function withoutSpaces(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = charAt(text, i);
    if (!isSpace(c)) out = out + c;
  }
  return out;
}

const EXAMPLES = 'e.g. "1-100", "1..100", "1-100x2" or "1,5,10-20"';

type TokenKind = "num" | "dash" | "dotdot" | "step" | "comma" | "other";
interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
  /** Whitespace directly before this token. */
  spaceBefore: boolean;
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}
function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v";
}
function isWordChar(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let spaceBefore = false;
  while (i < text.length) {
    const c = charAt(text, i);
    if (isSpace(c)) {
      spaceBefore = true;
      i++;
      continue;
    }
    const start = i;
    let kind: TokenKind;
    if (isDigit(c)) {
      while (i < text.length && isDigit(charAt(text, i))) i++;
      kind = "num";
    } else if (c === "-") {
      i++;
      kind = "dash";
    } else if (c === ",") {
      i++;
      kind = "comma";
    } else if (c === ":") {
      i++;
      kind = "step";
    } else if (c === "." && charAt(text, i + 1) === ".") {
      i += 2;
      kind = "dotdot";
    } else if (isWordChar(c)) {
      while (i < text.length && isWordChar(charAt(text, i))) i++;
      kind = i - start === 1 && (c === "x" || c === "X") ? "step" : "other";
    } else {
      i++;
      kind = "other";
    }
    tokens.push({ kind, text: text.slice(start, i), start, end: i, spaceBefore });
    spaceBefore = false;
  }
  return tokens;
}

/** Number of frames of an arithmetic run, computed without expanding it. */
function runCount(start: number, end: number, step: number): number {
  return Math.floor((end - start) / step) + 1;
}

/** -0 is written as 0 everywhere. */
function noNegativeZero(n: number): number {
  return n === 0 ? 0 : n;
}

interface Item {
  start: number;
  end: number;
  step: number;
  text: string;
}

/** What the parser throws: a plain object (an Error subclass and instanceof are not portable to Lua). */
interface FrameSetError {
  frameSetError: string;
}

function isFrameSetError(value: unknown): value is FrameSetError {
  return typeof value === "object" && value !== null && typeof (value as { frameSetError?: unknown }).frameSetError === "string";
}

/** Parser over the token list, one item at a time; throws a FrameSetError with a user-facing message. */
class FrameSetParser {
  private pos = 0;
  private itemStart = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  items(): Item[] {
    const items: Item[] = [];
    while (this.pos < this.tokens.length) {
      if (this.peek()?.kind === "comma") {
        // Empty items ("1,,2", a trailing comma) are harmless and skipped.
        this.pos++;
        continue;
      }
      items.push(this.item());
    }
    return items;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  /** The current item's text up to `end` (or up to the next separator), for error messages. */
  private quote(end?: number): string {
    let stop = end;
    if (stop === undefined) {
      let k = this.pos;
      while (k < this.tokens.length && this.tokens[k].kind !== "comma" && !(k > this.pos && this.tokens[k].spaceBefore)) k++;
      stop = k > this.pos ? this.tokens[k - 1].end : this.text.length;
    }
    return '"' + this.text.slice(this.itemStart, Math.max(stop, this.itemStart)).trim() + '"';
  }

  private fail(message: string): never {
    const error: FrameSetError = { frameSetError: message };
    throw error;
  }

  /** `-` directly followed by digits (no whitespace in between) is a sign. */
  private atSignedNumber(): boolean {
    const t = this.peek();
    if (t?.kind === "num") return true;
    const next = this.peek(1);
    return t?.kind === "dash" && next?.kind === "num" && !next.spaceBefore;
  }

  private operand(what: string): number {
    const t = this.peek();
    if (!t || t.kind === "comma") this.fail(this.quote(this.tokens[this.pos - 1]?.end) + " is missing " + what + " (" + EXAMPLES + ").");
    if (!this.atSignedNumber()) this.badPart();
    let sign = 1;
    if (t.kind === "dash") {
      sign = -1;
      this.pos++;
    }
    const digits = this.tokens[this.pos++];
    const value = Number(digits.text);
    if (!isSafeWhole(value)) this.fail(this.quote(digits.end) + " is too large a frame number.");
    this.checkNotDecimal();
    return noNegativeZero(sign * value);
  }

  /** `1.5`: a single dot after a number. */
  private checkNotDecimal(): void {
    const t = this.peek();
    if (t && !t.spaceBefore && t.text === ".") {
      this.fail(this.quote() + " is not a whole number: frames are integers (" + EXAMPLES + ").");
    }
  }

  private badPart(): never {
    this.fail(this.quote() + " is not a frame or a frame range (" + EXAMPLES + ").");
  }

  private item(): Item {
    this.itemStart = this.peek()!.start;
    const start = this.operand("a frame");
    let end = start;
    let step = 1;
    let rangeOp = "";
    const op = this.peek();
    if (op?.kind === "dotdot") rangeOp = "..";
    else if (op?.kind === "dash") {
      const after = this.peek(1);
      // "1-10", "1 - 10", "1-" are ranges; "1 -10" is two items.
      if (!op.spaceBefore || !after || after.spaceBefore || after.kind !== "num") rangeOp = "-";
    }
    let stepText = "";
    if (rangeOp !== "") {
      this.pos++;
      end = this.operand("its last frame");
      const stepOp = this.peek();
      if (stepOp?.kind === "step") {
        this.pos++;
        const stepStart = stepOp.start;
        const t = this.peek();
        if (!t || t.kind === "comma") this.fail(this.quote(stepOp.end) + ' is missing its step (e.g. "1-100x2").');
        if (t.kind === "dash" || (t.kind === "num" && Number(t.text) === 0)) {
          this.fail(this.quote() + ": the step must be a whole number of 1 or more.");
        }
        if (t.kind !== "num") this.badPart();
        this.pos++;
        step = Number(t.text);
        if (!isSafeWhole(step)) this.fail(this.quote(t.end) + ": the step is too large.");
        this.checkNotDecimal();
        stepText = withoutSpaces(this.text.slice(stepStart, t.end));
      }
    } else if (op?.kind === "step") {
      this.fail(this.quote() + ': a step needs a range, e.g. "1-100x2".');
    }
    // After an item: end of text, a comma, or whitespace before the next item.
    const next = this.peek();
    if (next && next.kind !== "comma" && !next.spaceBefore) this.badPart();
    const last = this.tokens[this.pos - 1];
    const text = this.text.slice(this.itemStart, last.end);
    if (start > end) {
      this.fail('"' + text + '" counts down: write "' + num(end) + rangeOp + num(start) + stepText + '".');
    }
    return { start, end, step, text };
  }
}

/**
 * Parses a frame set as users type it. Duplicates are removed keeping the first occurrence;
 * the order is kept as given. The size is checked arithmetically before anything is expanded.
 */
export function parseFrameSet(text: string, opts?: { maxFrames?: number }): FramesResult {
  const maxFrames = opts?.maxFrames ?? MAX_FRAMES;
  let items: Item[] = [];
  try {
    items = new FrameSetParser(text, tokenize(text)).items();
  } catch (e) {
    if (isFrameSetError(e)) return { ok: false, error: e.frameSetError };
    throw e;
  }
  if (items.length === 0) return { ok: false, error: "The frame set is empty: type the frames to render (" + EXAMPLES + ")." };
  let total = 0;
  for (const item of items) {
    const count = runCount(item.start, item.end, item.step);
    total += count;
    if (total > maxFrames) {
      const size = count === total ? "has " + num(count) + " frames" : "brings the frame set to " + num(total) + " frames or more";
      return { ok: false, error: '"' + item.text + '" ' + size + ", more than the limit of " + num(maxFrames) + "." };
    }
  }
  const frames: number[] = [];
  // Items above everything so far (the usual ascending set) cannot repeat a frame: the Set of seen
  // frames is only built once an item overlaps or goes back.
  let seen: Set<number> | undefined;
  let highest = -Infinity;
  for (const item of items) {
    if (seen === undefined && item.start > highest) {
      for (let f = item.start; f <= item.end; f += item.step) frames.push(f);
    } else {
      if (seen === undefined) seen = new Set(frames);
      for (let f = item.start; f <= item.end; f += item.step) {
        if (!seen.has(f)) {
          seen.add(f);
          frames.push(f);
        }
      }
    }
    highest = Math.max(highest, item.end);
  }
  return { ok: true, frames };
}

/**
 * Expands a comp range (render or global range with `COMPI_RenderStep`). The last frame is the
 * last one the step reaches: 1..10 step 4 → 1, 5, 9.
 */
export function rangeFrames(start: number, end: number, step: number, opts?: { maxFrames?: number }): FramesResult {
  const maxFrames = opts?.maxFrames ?? MAX_FRAMES;
  if (!isSafeWhole(start) || !isSafeWhole(end)) {
    return { ok: false, error: "The range " + num(start) + " to " + num(end) + " is not valid: frames must be whole numbers." };
  }
  if (!isSafeWhole(step) || step < 1) {
    return { ok: false, error: "The step " + num(step) + " is not valid: it must be a whole number of 1 or more." };
  }
  if (start > end) {
    return { ok: false, error: "The range " + num(start) + " to " + num(end) + " is not valid: its start is after its end." };
  }
  const count = runCount(start, end, step);
  if (count > maxFrames) {
    return { ok: false, error: "The range " + num(start) + " to " + num(end) + " has " + num(count) + " frames, more than the limit of " + num(maxFrames) + "." };
  }
  const frames: number[] = [];
  for (let k = 0; k < count; k++) frames.push(start + k * step);
  return { ok: true, frames };
}

/**
 * Splits a frame list into maximal arithmetic runs with a positive step, left to right (greedy).
 * Frames going backwards or repeating become single-frame runs, so every run reads as an
 * ascending range that {@link parseFrameSet} accepts.
 *
 * One refinement keeps labels readable: a run of only two frames with a step > 1 is not formed
 * when its second frame can start a run of its own (`1,5,6,7` → `1`, `5-7`, not `1-5x4`, `6-7`).
 */
export function toRuns(frames: readonly number[]): FrameRun[] {
  const runs: FrameRun[] = [];
  const n = frames.length;
  let i = 0;
  while (i < n) {
    const start = frames[i];
    const step = i + 1 < n ? frames[i + 1] - start : 0;
    if (step <= 0) {
      runs.push({ start, end: start, step: 1 });
      i++;
      continue;
    }
    let j = i + 1;
    while (j + 1 < n && frames[j + 1] - frames[j] === step) j++;
    if (j === i + 1 && step > 1 && j + 1 < n && frames[j + 1] > frames[j]) {
      runs.push({ start, end: start, step: 1 });
      i++;
      continue;
    }
    runs.push({ start, end: frames[j], step });
    i = j + 1;
  }
  return runs;
}

/** Number of frames in a run (its end is reached exactly). */
export function runFrameCount(run: FrameRun): number {
  return runCount(run.start, run.end, run.step);
}

/** Compact text for runs, readable by {@link parseFrameSet}: `1-10,12-20x2,25`. */
export function formatRuns(runs: readonly FrameRun[]): string {
  return runs
    .map((r) => {
      if (r.start === r.end) return num(r.start);
      return r.step === 1 ? num(r.start) + "-" + num(r.end) : num(r.start) + "-" + num(r.end) + "x" + num(r.step);
    })
    .join(",");
}
