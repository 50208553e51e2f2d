import type { Failure, HelperResponse } from "../types/request";
import { writeFileAtomic } from "./atomic-file";
import { requestFieldNote } from "./commands/field-options";
import { PhaseFile } from "./phase-file";

/**
 * Where a command's answer goes. In --json mode exactly one JSON document is printed on stdout
 * (progress and diagnostics go to stderr); with --response-file the same document is also written
 * to that file, for callers such as Fusion's io.popen on Windows that cannot read stdout reliably, and for a
 * caller that runs the helper in the background. The file is written whole or not at all (to FILE.tmp, then renamed),
 * so a complete file is a complete answer (atomic-file.ts); FILE.phase says how far the helper got (src-node/phase-file.ts).
 */
export class Output {
  /** FILE.phase when there is a response file. */
  readonly phase: PhaseFile | undefined;

  constructor(
    readonly json: boolean,
    readonly responseFile: string | undefined,
    private readonly stdout: (text: string) => void = (t) => process.stdout.write(t),
    private readonly stderr: (text: string) => void = (t) => process.stderr.write(t),
  ) {
    this.phase = responseFile ? PhaseFile.forResponseFile(responseFile) : undefined;
  }

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
        writeFileAtomic(this.responseFile, text);
      } catch (e) {
        this.stderr(`warning: could not write the response file ${this.responseFile}: ${(e as Error).message}\n`);
      }
    }
  }

  /**
   * A failure. The message names fields in the artist's words; a person at a terminal (often a pipeline TD writing
   * request JSON) also gets the request path and the option that sets it, on a line of their own.
   */
  failure(doc: Failure): void {
    const { message, hint, field } = doc.error;
    const note = field !== undefined && field !== "" ? `\n${requestFieldNote(field)}` : "";
    this.result(doc, `error: ${message}${note}${hint ? `\nhint: ${hint}` : ""}`);
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
