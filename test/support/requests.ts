// Request documents for tests, built the way the comp script builds them.
import type { SubmitRequest } from "../../types/request";

export type RequestOverrides = {
  server?: string;
  comp?: Partial<SubmitRequest["comp"]>;
  job?: Partial<SubmitRequest["job"]>;
  farm?: Partial<SubmitRequest["farm"]>;
  timeoutSeconds?: number;
};

export function makeRequest(over: RequestOverrides = {}): SubmitRequest {
  return {
    kind: "kartalink.hqueue.request",
    version: 1,
    server: over.server ?? "127.0.0.1:5000",
    ...(over.timeoutSeconds !== undefined ? { timeoutSeconds: over.timeoutSeconds } : {}),
    comp: {
      path: "/mnt/hq/shots/sh010/comp/sh010.comp",
      platform: "linux",
      modified: false,
      renderStart: 1,
      renderEnd: 10,
      globalStart: 1,
      globalEnd: 100,
      step: 1,
      savers: [{ name: "Saver1", enabled: true, path: "/mnt/hq/shots/sh010/render/sh010.0000.exr" }],
      ...over.comp,
    },
    // inPlace: these requests name comps that do not exist; tests of the job folder set it to false with a real comp.
    job: { name: "sh010 comp", priority: 5, frames: { kind: "render" }, framesPerTask: 5, inPlace: true, ...over.job },
    farm: {
      platforms: ["linux"],
      assign: { mode: "any" },
      renderNode: { version: "19" },
      sharedRoots: [],
      ...over.farm,
    },
  };
}
