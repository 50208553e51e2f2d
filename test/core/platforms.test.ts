/**
 * The OS families and their labels are defined once (src-node/portable/platforms.ts) and used by the dialog's
 * settings, the helper's job messages and the farm's client list. Under LuaJIT: test/lua/fields-lua.test.ts.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PLATFORM_LABELS as hqueueLabels, platformLabel } from "../../src-node/hqueue/platform";
import { ALL_PLATFORMS, PLATFORM_LABELS } from "../../src-node/portable/platforms";
import { repoRoot } from "../support/run-helper";

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sources(full));
    else if (name.endsWith(".ts")) out.push(full);
  }
  return out;
}

describe("platform labels", () => {
  it("every family has its label, in the dialog's order", () => {
    expect(ALL_PLATFORMS).toEqual(["linux", "macosx", "windows"]);
    expect(ALL_PLATFORMS.map((p) => PLATFORM_LABELS[p])).toEqual(["Linux", "macOS", "Windows"]);
  });

  it("the farm's client list shows the same labels (the same table)", () => {
    expect(hqueueLabels).toBe(PLATFORM_LABELS);
    expect(["linux-x86_64", "macos-arm64", "windows-x86_64", "beos"].map(platformLabel)).toEqual(["Linux", "macOS", "Windows", "beos"]);
  });

  it("no other source file writes the table again", () => {
    const copies = [...sources(join(repoRoot, "src-lua")), ...sources(join(repoRoot, "src-node"))]
      .filter((file) => /macosx\s*:\s*"macOS"/.test(readFileSync(file, "utf8")))
      .map((file) => file.substring(repoRoot.length + 1));
    expect(copies).toEqual(["src-node/portable/platforms.ts"]);
  });
});
