/**
 * The submit dialog's layout as the built comp script constructs it (Fusion stand-in, element tree per snapshot):
 * - widgets are created in the order they are shown (Qt's Tab order follows creation), left column before right;
 * - the right-hand column (per-OS table, advanced options) takes no room until it is needed: every element in it is
 *   hidden in a single-OS dialog, and every one of its fields and captions is shown on a mixed farm with the advanced
 *   options (so an ID missing from the show/hide lists, or a caption without one, fails here).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LayoutNode } from "../support/fusion-standin";
import { MAIN, buildCompScript, click, removeRunDirs, runCompScript } from "./comp-script-harness";

beforeAll(() => {
  buildCompScript();
});
afterAll(() => removeRunDirs());

const INPUTS = new Set(["LineEdit", "SpinBox", "ComboBox", "CheckBox", "TextEdit", "Button", "Tree"]);

function flatten(nodes: LayoutNode[], out: LayoutNode[] = []): LayoutNode[] {
  for (const node of nodes) {
    out.push(node);
    flatten(node.children, out);
  }
  return out;
}

/** The two columns: the HGroup whose first VGroup holds the Server field. */
function columns(layout: LayoutNode[]): { left: LayoutNode; right: LayoutNode } {
  const group = flatten(layout).find(
    (node) => node.type === "HGroup" && node.children.length === 2 && flatten([node.children[0]]).some((n) => n.ID === "Server"),
  );
  expect(group, "the two-column group").toBeDefined();
  return { left: group!.children[0], right: group!.children[1] };
}

async function snapshots(): Promise<Record<string, LayoutNode[]>> {
  const run = await runCompScript({
    actions: [{ do: "snapshot", name: "opened" }, click("OsWindows"), click("ShowAdvanced"), { do: "snapshot", name: "farm" }],
  });
  expect(run.transcript.error).toBeNull();
  const out: Record<string, LayoutNode[]> = {};
  for (const snapshot of run.transcript.snapshots) out[snapshot.name] = snapshot.windows.find((w) => w.id === MAIN)!.layout;
  return out;
}

describe("the submit dialog's layout", () => {
  it("creates every field and button in the order it is shown: top to bottom, left column before right", async () => {
    const layout = (await snapshots()).opened;
    const inputs = flatten(layout).filter((node) => INPUTS.has(node.type) && typeof node.ID === "string");
    expect(inputs.length).toBeGreaterThan(30);
    const created = inputs.map((node) => node.created as number);
    expect(created.every((n) => typeof n === "number")).toBe(true);
    const outOfOrder = inputs.filter((_, i) => i > 0 && created[i] < created[i - 1]).map((node) => node.ID);
    expect(outOfOrder).toEqual([]);
    const { left, right } = columns(layout);
    const lastLeft = Math.max(...flatten([left]).map((n) => n.created as number));
    const firstRight = Math.min(...flatten([right]).map((n) => n.created as number));
    expect(lastLeft).toBeLessThan(firstRight);
  });

  it("the right-hand column takes no room in a single-OS dialog, and shows all of itself on a mixed farm with the advanced options", async () => {
    const shots = await snapshots();
    const elements = (layout: LayoutNode[]): LayoutNode[] =>
      flatten([columns(layout).right]).filter((node) => node.type !== "VGroup" && node.type !== "HGroup" && node.type !== "VGap" && node.type !== "HGap");
    const opened = elements(shots.opened);
    expect(opened.length).toBeGreaterThan(40);
    expect(opened.filter((node) => node.Visible !== false).map((node) => node.ID ?? `${node.type} "${String(node.Text ?? "")}"`)).toEqual([]);
    // A status line stays hidden while it has nothing to say.
    const hiddenOnFarm = elements(shots.farm).filter((node) => node.Visible === false && !(node.type === "Label" && node.Text === ""));
    expect(hiddenOnFarm.map((node) => node.ID ?? node.type)).toEqual([]);
  });
});
