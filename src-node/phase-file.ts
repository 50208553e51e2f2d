import { closeSync, fsyncSync, openSync, writeFileSync, writeSync } from "node:fs";

/**
 * The phase file next to the response file (R + ".phase"), for a caller that runs the helper in the background and
 * must decide what happened when no complete answer arrives (the helper killed, out of memory, the machine down):
 *
 *   started <pid>       written first, before any network I/O (the launch worked; the pid to stop)
 *   sending             every command that sends newjob (submit, retry's new job; commands/send-newjob.ts):
 *                       appended and fsynced just before the first newjob byte can leave, so a kill right after it
 *                       still leaves the line on disk: from here on the job may exist
 *   answered <jobId>    the server's answer to that newjob arrived
 *
 * One word and optional text per line; readers ignore lines they do not know. The helper never deletes this file
 * (the caller removes it with the response file). The README ("Background runs") has the whole contract.
 */
export class PhaseFile {
  constructor(readonly path: string) {}

  static forResponseFile(responseFile: string): PhaseFile {
    return new PhaseFile(`${responseFile}.phase`);
  }

  /** Starts the file afresh with `started <pid>`. Throws when it cannot be written. */
  start(pid: number = process.pid): void {
    writeFileSync(this.path, `started ${pid}\n`, "utf8");
  }

  /** Appends one line and waits until it is on disk (fsync). Throws when it cannot. */
  append(line: string): void {
    const fd = openSync(this.path, "a");
    try {
      writeSync(fd, `${line}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
