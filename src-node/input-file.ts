/**
 * Reading the files plan/submit are given (the request, the .comp) without trusting what they are.
 *
 * Only regular files within a size limit are read. A FIFO would block (past any --timeout), a device such as
 * /dev/zero never ends, a folder is not a file: each is refused at once, as a usage error. The file is opened
 * non-blocking (so opening a FIFO does not wait for a writer) and checked with fstat on the open descriptor, so what
 * is checked is what is read. Standard input (`--request -`) may be a pipe; it is read up to the same limit and
 * reading stops as soon as more arrives.
 *
 * The limits are far above real files (a request is kilobytes, a large comp tens of MB) and keep the helper's memory
 * bounded: the comp reader needs about twice the file's size plus the parts of the comp it keeps (see the bench).
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { HelperError } from "./errors";

/** The largest .comp plan/submit read: 256 MB. */
export const COMP_FILE_LIMIT_BYTES = 256 * 1024 * 1024;
/** The largest request document (--request FILE or -): 64 MB. */
export const REQUEST_FILE_LIMIT_BYTES = 64 * 1024 * 1024;

export function megabytes(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}

/** What a file that is not regular is, in words. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a folder";
  if (stats.isFIFO()) return "a FIFO (named pipe), which could keep the helper waiting forever";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device, which may never end";
  if (stats.isSocket()) return "a socket";
  return "not a file";
}

export interface InputFile {
  /** "The comp", "The request file": the start of every message. */
  what: string;
  /** What to do instead, for the hint. */
  hint: string;
  limit: number;
}

function notRegular(path: string, input: InputFile, kind: string): HelperError {
  const message =
    kind === "a folder" ? `${input.what} "${path}" is a folder, not a file.` : `${input.what} "${path}" is not a regular file: it is ${kind}.`;
  return new HelperError("usage", message, { hint: input.hint });
}

function tooBig(source: string, input: InputFile, size?: number): HelperError {
  const actual = size === undefined ? "" : ` (${megabytes(size)})`;
  return new HelperError("usage", `${input.what} ${source} is larger than the limit of ${megabytes(input.limit)}${actual}; it was not read.`, {
    hint: input.hint,
  });
}

/**
 * Reads a regular file of at most `input.limit` bytes. Not a regular file, or too big: HelperError("usage").
 * Other failures (ENOENT, EACCES…) are thrown as they are, for the caller's own words.
 */
export function readRegularFile(path: string, input: InputFile): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer (absent on Windows, where 0 is right).
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EISDIR") throw notRegular(path, input, "a folder");
    if (code === "ENXIO") throw notRegular(path, input, "a socket");
    throw e;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notRegular(path, input, kindOf(stats));
    if (stats.size > input.limit) throw tooBig(`"${path}"`, input, stats.size);
    // One byte more than the limit tells a file that grew since fstat; a growing file is read up to the limit.
    let buffer = Buffer.allocUnsafe(Math.min(stats.size, input.limit) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > input.limit) throw tooBig(`"${path}"`, input);
        const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, input.limit + 1));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) return buffer.subarray(0, length);
      length += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** Reads standard input to its end, refusing (and no longer reading) past `input.limit` bytes. */
export function readStandardInput(input: InputFile, stream: NodeJS.ReadStream = process.stdin): Promise<Buffer> {
  let stats: Stats | undefined;
  try {
    stats = fstatSync(0);
  } catch {
    stats = undefined;
  }
  if (stats?.isDirectory()) return Promise.reject(new HelperError("usage", "Standard input is a folder, not a file.", { hint: input.hint }));
  if (stats?.isFile() && stats.size > input.limit) return Promise.reject(tooBig("on standard input", input, stats.size));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const done = (error?: Error): void => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      if (error) {
        stream.pause();
        stream.destroy();
        reject(error);
      } else resolve(Buffer.concat(chunks, length));
    };
    const onData = (chunk: Buffer): void => {
      length += chunk.length;
      if (length > input.limit) done(tooBig("on standard input", input));
      else chunks.push(chunk);
    };
    const onEnd = (): void => done();
    const onError = (e: Error): void => done(e);
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
  });
}
