/**
 * Saver output paths: movie vs. image sequence, `Comp:` expansion, and Fusion's per-frame file
 * names. Pure: no I/O.
 */
import type { Platform } from "../../types/request";
import { dirnameOf, joinPath } from "./path-map";

/**
 * Extensions of outputs that hold every frame in ONE file, so their frames cannot be spread over
 * several tasks (they would overwrite each other's file). Deadline's Fusion plugin treats `avi mov
 * vdr wav dvs fb omf omfi stm tar vpv` as movies; the list adds today's containers.
 *
 * `gif` is included although Fusion has no documented GIF Saver format: animated GIF is a
 * one-file format, and the costs are lopsided. A sequence wrongly taken for a movie renders in one
 * task (slower, still correct); a movie wrongly taken for a sequence is written by several tasks at
 * once (broken output). Unknown single-file formats belong on this list.
 */
export const MOVIE_EXTENSIONS: readonly string[] = [
  "mov", "mp4", "m4v", "avi", "mxf", "mkv", "webm", "wmv", "flv", "mpg", "mpeg", "gif",
  "vdr", "wav", "dvs", "fb", "omf", "omfi", "stm", "tar", "vpv",
];

const MOVIE_SET = new Set(MOVIE_EXTENSIONS);

/** The part after the last separator (`/` or `\`): Saver paths may be written either way on any OS. */
function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return path.slice(cut + 1);
}

/** True when the output is a movie file (by extension, case-insensitive). */
export function isMovieOutput(path: string): boolean {
  const base = baseName(path);
  const dot = base.lastIndexOf(".");
  return dot >= 0 && MOVIE_SET.has(base.slice(dot + 1).toLowerCase());
}

/**
 * Expands a leading `Comp:` (any case, with or without a following separator) to the folder of
 * `compPath`, as `comp:MapPath` does. The rest takes the platform's separator: comps move between
 * OSes and Fusion accepts `\` and `/` after a path map (the fixtures hold `Previews:\SirEdric\…`
 * from a cross-platform Reactor atom). Other paths are returned unchanged, and so is everything
 * when `compPath` is empty (an unsaved comp has no folder).
 */
export function resolveCompRelative(rawPath: string, compPath: string, platform: Platform): string {
  if (compPath === "" || rawPath.slice(0, 5).toLowerCase() !== "comp:") return rawPath;
  const rest = rawPath.slice(5);
  return joinPath(platform, dirnameOf(compPath, platform), platform === "windows" ? rest : rest.replace(/\\/g, "/"));
}

/** A Saver's per-frame file name in three parts: `<prefix><sign><number padded to padding digits><suffix>`. */
export interface FrameNamePattern {
  /** Folder and file name up to the frame number (the trailing digits of the name are dropped). */
  prefix: string;
  /** Minimum digits of the frame number (zero-padded): the trailing digits' count, or 4 when there are none. */
  padding: number;
  /** From the extension's dot on (`.exr`), or empty. */
  suffix: string;
}

/**
 * How Fusion names a Saver's frames, following its sequence naming: the digits at the end of the name (before
 * the extension) give the padding (`img0001.png` → `img0007.png`, `img.0001.png` → `img.0007.png`); without
 * digits a 4-digit number is inserted before the extension (`img.png` → `img0007.png`, `.png` → `0007.png`).
 * Note that any trailing digits count, so `shot_v2.png` becomes `shot_v7.png` for frame 7, as in Fusion.
 * A number longer than the padding is written in full (`img0001.png`, frame 12345 → `img12345.png`).
 */
export function frameNamePattern(savedPath: string): FrameNamePattern {
  const base = baseName(savedPath);
  const folder = savedPath.slice(0, savedPath.length - base.length);
  const dot = base.lastIndexOf(".");
  const stem = dot >= 0 ? base.slice(0, dot) : base;
  const suffix = dot >= 0 ? base.slice(dot) : "";
  let digits = 0;
  while (digits < stem.length && isDigit(stem[stem.length - 1 - digits])) digits++;
  return { prefix: folder + stem.slice(0, stem.length - digits), padding: digits > 0 ? digits : 4, suffix };
}

/**
 * The file a Saver writes for `frame` ({@link frameNamePattern}).
 *
 * Negative frames: the padding applies to the digits and a `-` goes in front of them
 * (`img0001.png`, frame -7 → `img-0007.png`). Fusion's own behaviour for negative frames is not
 * documented; this keeps names unique and sorts them apart from positive frames.
 */
export function frameFileName(savedPath: string, frame: number): string {
  const { prefix, padding, suffix } = frameNamePattern(savedPath);
  const number = String(Math.abs(frame)).padStart(padding, "0");
  return `${prefix}${frame < 0 ? "-" : ""}${number}${suffix}`;
}

/**
 * Saver `OutputFormat` ids that write ONE file for all frames. `QuickTimeMovies` is documented (fusion.md §11,
 * OpenPype/AYON); the others, and any id naming a movie, are assumed, for the lopsided costs explained at
 * {@link MOVIE_EXTENSIONS}. Image formats seen in the fixtures: OpenEXRFormat, PNGFormat, JpegFormat, TiffFormat.
 */
export const MOVIE_FORMATS: readonly string[] = ["QuickTimeMovies", "AVIFormat", "MXFFormat", "MP4Format", "GIFFormat"];

/** True when a Saver's `OutputFormat` id is a one-file (movie) format. */
export function isMovieFormat(outputFormat: string | undefined): boolean {
  if (outputFormat === undefined) return false;
  const lower = outputFormat.toLowerCase();
  return MOVIE_FORMATS.some((f) => f.toLowerCase() === lower) || lower.includes("movie");
}

/** A Saver that writes one file for all frames: by its OutputFormat OR its file name's extension. */
export function isMovieSaver(saver: { path: string; rawPath?: string; outputFormat?: string }): boolean {
  return isMovieFormat(saver.outputFormat) || isMovieOutput(saver.path || saver.rawPath || "");
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}
