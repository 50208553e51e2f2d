/**
 * Which OS family an HQueue client runs, read from its documented `platform` attribute ("client's operating system
 * and architecture", SideFX 12 Python API, getClients). Real values follow $HQCLIENTARCH ("linux-x86_64",
 * "macos-x86_64", "macos-arm64"; Windows presumably "windows-x86_64", hqueue.md §6), but the exact strings are not
 * documented, so the mapping is lenient on prefixes and never guesses beyond them: anything else has no family and is
 * shown exactly as the server wrote it.
 *
 * Pure (no I/O); written without RegExp so it could be compiled for the comp script too.
 */
import type { Platform } from "../../types/request";
import { PLATFORM_LABELS } from "../portable/platforms";

/** How each family is shown to people (the portable definition, re-exported for the pre-flight's messages). */
export { PLATFORM_LABELS };

/** Prefixes of `platform` (lower-cased, leading blanks ignored) and the family each means. */
const FAMILY_PREFIXES: readonly (readonly [string, Platform])[] = [
  ["linux", "linux"],
  ["macos", "macosx"], // also "macosx"
  ["darwin", "macosx"],
  ["osx", "macosx"],
  ["win", "windows"],
];

/**
 * The OS family of a client's `platform` value: `linux…` → linux, `macos…`/`darwin…`/`osx…` → macosx, `win…` →
 * windows (the names of a per-platform command's keys). Undefined for anything else, including a missing value.
 */
export function platformFamily(platform: unknown): Platform | undefined {
  if (typeof platform !== "string") return undefined;
  const text = platform.trim().toLowerCase();
  for (const [prefix, family] of FAMILY_PREFIXES) {
    if (text.startsWith(prefix)) return family;
  }
  return undefined;
}

/** "Linux", "macOS", "Windows", or the server's own text when it names no known family ("" when absent). */
export function platformLabel(platform: unknown): string {
  const family = platformFamily(platform);
  if (family !== undefined) return PLATFORM_LABELS[family];
  return typeof platform === "string" ? platform : "";
}
