import type { ErrorBody, ErrorCode, PreflightCheck } from "../types/request";

/**
 * An error the user can act on. Every failure the helper reports goes through this type, so the
 * `--json` document always carries a stable `code`, a message in plain words and, where we know
 * one, a hint that says what to do.
 */
export class HelperError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly field?: string;
  /** The pre-flight findings, when the pre-flight refused. */
  readonly checks?: PreflightCheck[];

  constructor(code: ErrorCode, message: string, options: { hint?: string; field?: string; checks?: PreflightCheck[] } = {}) {
    super(message);
    this.name = "HelperError";
    this.code = code;
    this.hint = options.hint;
    this.field = options.field;
    this.checks = options.checks;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.hint !== undefined) body.hint = this.hint;
    if (this.field !== undefined) body.field = this.field;
    if (this.checks !== undefined) body.checks = this.checks;
    return body;
  }
}

/** Exit statuses: 0 ok, 1 the operation failed, 2 the command line was wrong. */
export function exitCodeFor(code: ErrorCode): number {
  return code === "usage" ? 2 : 1;
}
