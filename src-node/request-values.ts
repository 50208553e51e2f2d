import type { Platform } from "../types/request";
import { HelperError } from "./errors";
import { type FieldWordsContext, requestFieldWords } from "./portable/field-words";

/**
 * The value checks of request validation (src-node/request.ts): each refusal is a HelperError("bad_request") whose
 * `field` is the request path (the dialog routes errors by it, pipeline tools read it) and whose message names the
 * field in the artist's words (src-node/portable/field-words.ts): "Priority must be from 0 to 10, got 11."
 */

export const PLATFORMS: readonly Platform[] = ["linux", "macosx", "windows"];

/** Longest list the request may carry (client names, e-mail reasons, shared roots, …). */
export const LIST_ITEMS_LIMIT = 1_000;

/** How a check says the field: the assign mode or the Saver's name, when the caller knows it. */
export interface CheckOptions {
  words?: FieldWordsContext;
}

/** Refuses the request: "<the field in the artist's words> <what is wrong>." */
export function bad(field: string, message: string, hint?: string, words?: FieldWordsContext): never {
  throw new HelperError("bad_request", sentence(`${requestFieldWords(field, words)} ${message}`), { field, hint });
}

function sentence(text: string): string {
  const last = text.charAt(text.length - 1);
  return last === "." || last === "?" || last === "!" ? text : `${text}.`;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Characters an XML-RPC (XML 1.0) document cannot carry, plus DEL: refused up front with a clear message. */
export function controlCharacterIn(text: string, allowNewlines: boolean): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (allowNewlines && (c === 9 || c === 10 || c === 13)) continue;
    if (c < 32 || c === 127 || c === 0xfffe || c === 0xffff) {
      return c === 0 ? "NUL" : `control character U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
    }
    // A lone surrogate cannot be encoded as UTF-8.
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return "an unpaired UTF-16 surrogate";
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return "an unpaired UTF-16 surrogate";
  }
  return undefined;
}

export interface TextOptions extends CheckOptions {
  max: number;
  empty?: boolean;
  multiline?: boolean;
}

export function str(v: unknown, field: string, opts: TextOptions): string {
  if (typeof v !== "string") bad(field, `must be text, got ${describe(v)}`, undefined, opts.words);
  if (!opts.empty && v.trim() === "") bad(field, "must not be empty", undefined, opts.words);
  if (v.length > opts.max) bad(field, `is ${v.length} characters long; the limit is ${opts.max}`, "shorten it", opts.words);
  const ctl = controlCharacterIn(v, opts.multiline ?? false);
  if (ctl) bad(field, `contains ${ctl}`, "remove it and try again", opts.words);
  return v;
}

export function optStr(v: unknown, field: string, opts: TextOptions): string | undefined {
  return v === undefined || v === null ? undefined : str(v, field, { empty: true, ...opts });
}

export function int(v: unknown, field: string, min: number, max: number, opts: CheckOptions = {}): number {
  if (typeof v !== "number" || !Number.isInteger(v)) bad(field, `must be a whole number, got ${describe(v)}`, undefined, opts.words);
  if (v < min || v > max) bad(field, `must be from ${min} to ${max}, got ${v}`, undefined, opts.words);
  return v;
}

export function optInt(v: unknown, field: string, min: number, max: number): number | undefined {
  return v === undefined || v === null ? undefined : int(v, field, min, max);
}

export function bool(v: unknown, field: string, opts: CheckOptions = {}): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") bad(field, `must be true or false, got ${describe(v)}`, undefined, opts.words);
  return v;
}

/** A value as a message shows it: text quoted (and cut), a number as is, "nothing" for a missing member. */
export function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "string") return v.length > 40 ? `"${v.slice(0, 40)}…"` : `"${v}"`;
  return typeof v === "object" ? "an object" : String(v);
}

export function list(v: unknown, field: string, opts: CheckOptions = {}): unknown[] {
  if (!Array.isArray(v)) bad(field, `must be a list, got ${describe(v)}`, undefined, opts.words);
  if (v.length > LIST_ITEMS_LIMIT) bad(field, `has ${v.length} items; the limit is ${LIST_ITEMS_LIMIT}`, undefined, opts.words);
  return v;
}

export function platform(v: unknown, field: string): Platform {
  if (typeof v !== "string" || !(PLATFORMS as readonly string[]).includes(v)) {
    bad(field, `must be one of ${PLATFORMS.join(", ")}, got ${describe(v)}`);
  }
  return v as Platform;
}

/** An OS used as a key (`"linux": "/mnt/hq"`); `field` is the object's path. */
export function platformKey(key: string, field: string): Platform {
  if (!(PLATFORMS as readonly string[]).includes(key)) {
    bad(`${field} key`, `names an unknown OS ${describe(key)}`, `use ${PLATFORMS.join(", ")}`);
  }
  return key as Platform;
}

/** Client and group names travel space-separated inside one HQueue condition value. */
export function hostName(v: unknown, field: string, max: number, opts: CheckOptions = {}): string {
  const s = str(v, field, { max, words: opts.words }).trim();
  if (/\s/.test(s)) bad(field, `has "${s}", which contains a space; HQueue lists names separated by spaces`, "remove the space from the name", opts.words);
  return s;
}
