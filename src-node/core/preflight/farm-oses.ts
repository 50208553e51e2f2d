/**
 * Pre-flight: which OSes the farm's clients run (from their documented `platform`), what a fresh dialog should propose
 * as client OSes, and whether shared roots are then needed (clients of another OS than this computer's must find the
 * comp through a shared root). Pure.
 */
import type { ClientInfo, FarmOses, Platform, PreflightCheck, SubmitRequest } from "../../../types/request";
import { PLATFORM_LABELS } from "../../hqueue/platform";
import { jobPlatforms } from "./clients";

const ORDER: readonly Platform[] = ["linux", "macosx", "windows"];

export function farmOses(clients: readonly ClientInfo[], request: Pick<SubmitRequest, "comp" | "farm">): FarmOses {
  const byOs: Partial<Record<Platform, number>> = {};
  let unknown = 0;
  for (const client of clients) {
    if (client.os === undefined) unknown++;
    else byOs[client.os] = (byOs[client.os] ?? 0) + 1;
  }
  const platforms = ORDER.filter((p) => (byOs[p] ?? 0) > 0);
  const sharedRootsNeeded = platforms.some((p) => p !== request.comp.platform) && request.farm.sharedRoots.length === 0;
  return { clients: clients.length, byOs, unknown, platforms, sharedRootsNeeded };
}

/** The summary in words, and what it means for this request (OSes left out, shared roots needed). */
export function farmOsesCheck(summary: FarmOses, request: Pick<SubmitRequest, "comp" | "farm">): PreflightCheck {
  const parts = summary.platforms.map((p) => `${PLATFORM_LABELS[p]} (${summary.byOs[p]})`);
  if (summary.unknown > 0) parts.push(`an OS the server does not name (${summary.unknown})`);
  const here = PLATFORM_LABELS[request.comp.platform];
  const sentences = [
    summary.clients === 0 ? "The HQueue server lists no clients." : `The farm's ${summary.clients} client(s) run ${parts.join(", ")}.`,
  ];
  if (summary.platforms.length > 0) {
    sentences.push(`Proposed client OSes: ${summary.platforms.join(",")}.`);
    const { platforms } = jobPlatforms(request);
    const left = summary.platforms.filter((p) => !platforms.includes(p));
    if (left.length > 0) sentences.push(`This job has no commands for ${left.map((p) => PLATFORM_LABELS[p]).join(", ")}: those clients will not take it.`);
    if (summary.sharedRootsNeeded) {
      sentences.push(
        `This computer runs ${here}: for clients of another OS to find the comp, shared roots are needed (--root 'OS=PATH|OS=PATH', or the server's network folders).`,
      );
    }
  }
  return {
    code: "farm_oses",
    level: "note",
    field: "farm.platforms",
    message: sentences.join(" "),
    ...(summary.sharedRootsNeeded ? { hint: "name the shared roots, as each OS mounts the same folder" } : {}),
  };
}
