// One rendering request for the e2e tests: e2e-basic.comp copied into a fresh project, rendered on Linux clients by
// the Fusion Render Node stand-in (dist/dev/render-node/FusionRenderNode), frames written to <project>/render/.
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SubmitRequest } from "../../types/request";
import { makeRequest, type RequestOverrides } from "./requests";
import { repoRoot } from "./run-helper";

export const renderNodeStandin = join(repoRoot, "dist/dev/render-node/FusionRenderNode");

export function renderingRequest(server: string, prefix: string, job: RequestOverrides["job"]): { request: SubmitRequest; project: string } {
  const project = mkdtempSync(join(tmpdir(), prefix));
  const compPath = join(project, "e2e-basic.comp");
  copyFileSync(join(repoRoot, "test/comps/e2e-basic.comp"), compPath);
  const request = makeRequest({
    server,
    comp: { path: compPath, savers: [{ name: "Saver1", enabled: true, path: join(project, "render", "shot.0000.png") }] },
    job,
    farm: { renderNode: { version: "19", paths: { linux: renderNodeStandin } } },
  });
  return { request, project };
}
