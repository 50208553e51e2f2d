/**
 * `newjob` body size per task (issue 10): a typical job (10 frames per task, three client OSes, one group
 * condition, per-task logs) with today's inline Render Node commands vs the one-line task-runner commands
 * (src-node/core/runners.ts runnerTaskLine). Both bodies are the helper's own XML-RPC encoding of the same
 * planned spec (planJob), only the per-OS commands differ; the sizes are exact, so each figure is one run.
 */
import type { JobSpec, Platform } from "../../types/request";
import { planJob } from "../../src-node/core/job-spec";
import { runnerFileName, runnerTaskLine } from "../../src-node/core/runners";
import { serializeMethodCall } from "../../src-node/hqueue/xmlrpc-wire";
import { makeRequest } from "../support/requests";
import type { Row } from "./bench";

const TASKS = 1000;
const FRAMES_PER_TASK = 10;
/** Where a job folder would be (comp folder/hqueue/<comp>_<stamp>_<random>/), as each OS spells it. */
const JOB_FOLDER: Record<Platform, string> = {
  linux: "/mnt/hq/shots/sh010/comp/hqueue/sh010_20261206-051500_a1b2",
  macosx: "/Volumes/hq/shots/sh010/comp/hqueue/sh010_20261206-051500_a1b2",
  windows: "\\\\fileserver\\hq\\shots\\sh010\\comp\\hqueue\\sh010_20261206-051500_a1b2",
};

function bodyBytes(spec: JobSpec): number {
  return serializeMethodCall("newjob", [spec]).reduce((sum, chunk) => sum + chunk.length, 0);
}

export function benchNewjobBody(): Row[] {
  const request = makeRequest({
    comp: { renderStart: 1, renderEnd: TASKS * FRAMES_PER_TASK },
    job: { framesPerTask: FRAMES_PER_TASK, logDir: "/mnt/hq/shots/sh010/logs" },
    farm: {
      platforms: ["linux", "macosx", "windows"],
      assign: { mode: "groups", names: ["Fusion"] },
      renderNode: { version: "19" },
      sharedRoots: [{ linux: "/mnt/hq", macosx: "/Volumes/hq", windows: "\\\\fileserver\\hq" }],
    },
  });
  const plan = planJob(request, { user: "artist", stamp: "20261206-051500" });
  const children = plan.spec.children ?? [];
  if (children.length !== TASKS) throw new Error(`expected ${TASKS} tasks, planned ${children.length}`);
  const inline = bodyBytes(plan.spec);
  const runnerSpec: JobSpec = {
    ...plan.spec,
    children: children.map((child, i) => {
      const command: Partial<Record<Platform, string>> = {};
      for (const p of ["linux", "macosx", "windows"] as const) {
        const separator = p === "windows" ? "\\" : "/";
        command[p] = runnerTaskLine(p, JOB_FOLDER[p] + separator + runnerFileName(p), plan.tasks[i].runs);
      }
      return { ...child, command };
    }),
  };
  const runners = bodyBytes(runnerSpec);
  const perTask = (bytes: number): number => Math.round(bytes / TASKS);
  return [
    {
      section: "body",
      id: "newjob-bytes-per-task",
      label: `newjob body per task (${FRAMES_PER_TASK} frames/task, 3 OSes, 1 group; ${TASKS} tasks): runner lines`,
      unit: "bytes",
      median: perTask(runners),
      runs: [perTask(runners)],
      reference: { label: "inline Render Node commands", median: perTask(inline), runs: [perTask(inline)] },
      ratio: runners / inline,
      target: { text: "smaller than with inline commands", met: runners < inline },
      note: `whole body: ${(runners / 1e6).toFixed(2)} MB with runner lines, ${(inline / 1e6).toFixed(2)} MB inline`,
    },
  ];
}
