/**
 * A fresh dialog's client OSes: the OSes the farm's clients run, when the server listed them (`plan --server-clients`
 * answers `farm`), else the submitting machine's OS (the built-in default). Never changes what the artist ticked.
 * Pure, tested under LuaJIT (test/lua/check-routing-lua.test.ts).
 */
import type { FarmOses, Platform } from "../../types/request";
import { ALL_PLATFORMS, PLATFORM_LABELS } from "../settings";

export interface OsProposalInput {
  /** The farm as the helper summarised it; undefined when the server was not asked or did not answer. */
  farm: FarmOses | undefined;
  /** This computer's OS. */
  here: Platform;
  /** The boxes ticked now. */
  ticked: readonly Platform[];
  /** True while the OSes may still be proposed: no stored settings, nothing proposed yet, the artist has not clicked an OS box. */
  mayPropose: boolean;
  /** What the boxes were when the dialog opened (a tick that differs from it is the artist's). */
  initial: readonly Platform[];
  /** Shared roots with at least one path. */
  sharedRoots: number;
  /** What an earlier answer proposed (and ticked), if anything. */
  proposed?: readonly Platform[];
}

export interface OsProposal {
  /** The OSes to tick, when they change. */
  platforms?: Platform[];
  /** What the dialog says next to the client OSes; "" when there is nothing to say. */
  note: string;
}

function sameSet(a: readonly Platform[], b: readonly Platform[]): boolean {
  if (a.length !== b.length) return false;
  for (const p of a) if (!b.includes(p)) return false;
  return true;
}

function names(platforms: readonly Platform[]): string {
  const labels = platforms.map((p) => PLATFORM_LABELS[p]);
  if (labels.length <= 1) return labels.join("");
  return labels.slice(0, labels.length - 1).join(", ") + " and " + labels[labels.length - 1];
}

export function proposeOses(input: OsProposalInput): OsProposal {
  const farm = input.farm;
  if (farm === undefined || farm.platforms.length === 0) return { note: "" };
  const farmOses = ALL_PLATFORMS.filter((p) => farm.platforms.includes(p));
  const sentences = ["The farm's clients run " + names(farmOses) + "."];
  let platforms: Platform[] | undefined;
  let result = [...input.ticked];
  if (input.mayPropose && sameSet(input.ticked, input.initial) && !sameSet(input.ticked, farmOses)) {
    platforms = farmOses;
    result = farmOses;
    sentences.push("Client OSes set to match (no settings were stored for this comp or computer).");
  } else if (input.proposed !== undefined && sameSet(input.ticked, input.proposed)) {
    sentences.push("Client OSes set to match (no settings were stored for this comp or computer).");
  } else {
    const left = farmOses.filter((p) => !input.ticked.includes(p));
    if (left.length > 0) sentences.push(names(left) + " " + (left.length === 1 ? "is" : "are") + " not ticked: those clients will not take this job.");
  }
  const others = result.filter((p) => p !== input.here);
  // The helper knows of roots the request does not name (the server's, with --server-roots): it then says none are needed.
  const serverRoots = !farm.sharedRootsNeeded && farmOses.some((p) => p !== input.here);
  if (others.length > 0 && input.sharedRoots === 0 && !serverRoots) {
    sentences.push(
      "This computer runs " + PLATFORM_LABELS[input.here] + ": for " + names(others) +
        " clients to find the comp, fill in a shared root under Per-OS paths (the same folder as each OS mounts it).",
    );
  }
  const proposal: OsProposal = { note: sentences.join(" ") };
  if (platforms !== undefined) proposal.platforms = platforms;
  return proposal;
}
