/**
 * Splitting a job's tasks into `newjob` calls of at most `maxBody` bytes each (pure). HQueue's server is a Django
 * application since Houdini 19.5, and Django refuses request bodies over 2.5 MB by default
 * (`DATA_UPLOAD_MAX_MEMORY_SIZE`); SideFX's own tools add children to an existing job with
 * `newjob(specs, parent_id)` instead of sending one huge spec (seeds/002, Python API reference).
 *
 * Sizes are exact: each task's bytes on the wire are measured with the same serializer the client sends with.
 */
import type { JobSpec } from "../../types/request";
import { serializeMethodCall } from "./xmlrpc-wire";

/** 2 MB: under Django's default 2.5 MB with room for proxies that count headers. */
export const DEFAULT_MAX_BODY = 2_000_000;

export interface JobBatches {
  /** The parent spec with the first batch of children: the first `newjob` call. */
  first: JobSpec;
  /** The remaining children, one list per `newjob(list, parent_id)` call. */
  rest: JobSpec[][];
  /** Body bytes of each call, first included (for messages and tests). */
  bodyBytes: number[];
}

function size(method: string, params: readonly unknown[]): number {
  return serializeMethodCall(method, params).reduce((n, b) => n + b.length, 0);
}

/** The largest job id the batches' envelope is measured with (ids are XML-RPC ints: at most 10 digits). */
const WIDEST_ID = 2 ** 31 - 1;

/**
 * Splits `spec` so that no call carries more than `maxBody` bytes. A job that fits is one call (rest empty).
 * Throws when a single task is bigger than `maxBody` on its own.
 */
export function splitJob(spec: JobSpec, maxBody: number): JobBatches {
  const children = spec.children ?? [];
  // XML-RPC arrays are their values side by side, so a call's size is its envelope plus each task's own bytes.
  const emptyList = size("newjob", [[]]);
  const childBytes = children.map((child) => size("newjob", [[child]]) - emptyList);
  const parentEnvelope = size("newjob", [{ ...spec, children: [] }]);
  const whole = childBytes.reduce((n, b) => n + b, parentEnvelope);
  if (whole <= maxBody || children.length === 0) return { first: spec, rest: [], bodyBytes: [whole] };

  const batchEnvelope = size("newjob", [[], WIDEST_ID]);
  const biggest = Math.max(...childBytes);
  if (biggest + Math.max(parentEnvelope, batchEnvelope) > maxBody) {
    throw new RangeError(`one task alone takes ${biggest + batchEnvelope} bytes, more than the ${maxBody} allowed per call`);
  }

  let i = 0;
  let bytes = parentEnvelope;
  while (i < children.length && bytes + childBytes[i] <= maxBody) bytes += childBytes[i++];
  const first: JobSpec = { ...spec, children: children.slice(0, i) };
  const bodyBytes = [bytes];
  const rest: JobSpec[][] = [];
  while (i < children.length) {
    const start = i;
    bytes = batchEnvelope;
    while (i < children.length && bytes + childBytes[i] <= maxBody) bytes += childBytes[i++];
    rest.push(children.slice(start, i));
    bodyBytes.push(bytes);
  }
  return { first, rest, bodyBytes };
}
