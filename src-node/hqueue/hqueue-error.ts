/**
 * The one error every HQueue call fails with (transport.ts raises it, client.ts adds malformed answers): its kind says
 * what went wrong, `sent` whether the server may have received the request.
 */
export type HQueueErrorKind =
  /** Connection refused, host not found or unreachable, connection reset. */
  | "unreachable"
  /** No complete answer within the timeout. */
  | "timeout"
  /** The server answered with an HTTP status other than 200. */
  | "http"
  /** The server answered with an XML-RPC fault. */
  | "fault"
  /** The answer is not XML-RPC, or not the shape the method returns. */
  | "malformed_response"
  /** The parameters cannot be sent (control characters, NaN…); nothing was sent. */
  | "bad_request";

export interface HQueueErrorDetails {
  faultCode?: number;
  faultString?: string;
  httpStatus?: number;
  sent: boolean;
  cause?: unknown;
}

export class HQueueError extends Error {
  readonly kind: HQueueErrorKind;
  /** The XML-RPC method that failed. */
  readonly method: string;
  readonly faultCode?: number;
  readonly faultString?: string;
  readonly httpStatus?: number;
  /**
   * Could the server have received the whole request? Best effort: false when the failure happened before the TCP
   * connection was established (refused, DNS, unreachable, timeout while connecting) or before sending (bad_request);
   * true once connected, because the package writes the complete body as soon as the socket connects. When this is true
   * for a `newjob`, the job may exist even though no answer arrived.
   */
  readonly sent: boolean;

  constructor(kind: HQueueErrorKind, method: string, message: string, details: HQueueErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "HQueueError";
    this.kind = kind;
    this.method = method;
    this.faultCode = details.faultCode;
    this.faultString = details.faultString;
    this.httpStatus = details.httpStatus;
    this.sent = details.sent;
  }
}
