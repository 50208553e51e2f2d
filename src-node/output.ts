import { writeFileSync } from "node:fs";
import type { Failure, HelperResponse } from "../types/request";

/**
 * Where a command's answer goes. In --json mode exactly one JSON document is printed on stdout
 * (progress and diagnostics go to stderr); with --response-file the same document is also written
 * to that file, for callers such as Fusion's io.popen on Windows that cannot read stdout reliably.
 */
export class Output {
  constructor(
    readonly json: boolean,
    readonly responseFile: string | undefined,
    private readonly stdout: (text: string) => void = (t) => process.stdout.write(t),
    private readonly stderr: (text: string) => void = (t) => process.stderr.write(t),
  ) {}

  /**
   * The single result document of a command; `human` is what a person sees without --json. Standard output
   * comes first: a job that was created is reported even if the response file cannot be written.
   */
  result(doc: HelperResponse, human: string): void {
    const text = `${JSON.stringify(doc)}\n`;
    if (this.json) this.stdout(text);
    else if (doc.ok) this.stdout(human.endsWith("\n") ? human : `${human}\n`);
    else this.stderr(human.endsWith("\n") ? human : `${human}\n`);
    if (this.responseFile) {
      try {
        writeFileSync(this.responseFile, text, "utf8");
      } catch (e) {
        this.stderr(`warning: could not write the response file ${this.responseFile}: ${(e as Error).message}\n`);
      }
    }
  }

  failure(doc: Failure): void {
    const { message, hint } = doc.error;
    this.result(doc, `error: ${message}${hint ? `\nhint: ${hint}` : ""}`);
  }

  /** Human-readable progress while a command runs (stderr in --json mode, so stdout stays one document). */
  info(text: string): void {
    if (this.json) this.stderr(`${text}\n`);
    else this.stdout(`${text}\n`);
  }

  /** Raw terminal output (progress bars); only used in human mode. */
  raw(text: string): void {
    if (this.json) this.stderr(text);
    else this.stdout(text);
  }
}
