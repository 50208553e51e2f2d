/**
 * The stand-in's `snapshot` action (used by npm run docs:images): the visible windows' element trees, in order,
 * with the properties items have at that moment and construction properties for elements without an ID.
 */
import { describe, expect, it } from "vitest";
import { type LayoutNode, runFusionStandin } from "../support/fusion-standin";

const SCRIPT = `
  local ui = fu.UIManager
  local disp = bmd.UIDispatcher(ui)
  local win = disp:AddWindow({ ID = "W", WindowTitle = "T", Geometry = { 10, 20, 300, 200 }, Spacing = 4,
    ui:VGroup{
      ui:HGroup{ Weight = 0, ui:Label{ Text = "Name", MinimumSize = { 80, 0 } }, ui:LineEdit{ ID = "Name", PlaceholderText = "p" } },
      ui:ComboBox{ ID = "Mode" },
      ui:Label{ ID = "Status", Text = "", Visible = false },
      ui:HGroup{ ui:HGap(0, 1), ui:Button{ ID = "Go", Text = "Go", Weight = 0 } },
    } })
  local itm = win:GetItems()
  itm.Mode:AddItems({ "A", "B" })
  function win.On.Go.Clicked(ev) itm.Status.Text = "done" itm.Status.Visible = true end
  function win.On.W.Close(ev) disp:ExitLoop() end
  win:Show() disp:RunLoop() win:Hide()`;

/** Type, ID or Text, and children: the shape of a tree. */
function outline(node: LayoutNode): unknown {
  const label = node.ID ?? node.Text ?? "";
  return node.children.length > 0 ? [node.type, node.children.map(outline)] : `${node.type}:${String(label)}`;
}

describe("stand-in snapshot action", () => {
  it("records each visible window's element tree as it is at that moment", async () => {
    const t = await runFusionStandin({
      script: "test/lua/fixtures/standin-eval.lua",
      env: { STANDIN_CODE: SCRIPT },
      actions: [
        { do: "snapshot", name: "before" },
        { do: "set", id: "Name", prop: "Text", value: "sh010" },
        { do: "click", id: "Go" },
        { do: "snapshot", name: "after" },
      ],
    });
    expect(t.error).toBeNull();
    expect(t.snapshots.map((s) => s.name)).toEqual(["before", "after"]);
    const [before, after] = t.snapshots.map((s) => s.windows[0]);
    expect(before.id).toBe("W");
    expect(before.props).toMatchObject({ WindowTitle: "T", Geometry: [10, 20, 300, 200], Spacing: 4 });
    expect(before.layout.map(outline)).toEqual([
      ["VGroup", [["HGroup", ["Label:Name", "LineEdit:Name"]], "ComboBox:Mode", "Label:Status", ["HGroup", ["HGap:", "Button:Go"]]]],
    ]);
    const [row, combo, status, buttons] = before.layout[0].children;
    expect(row.Weight).toBe(0);
    expect(row.children[0].MinimumSize).toEqual([80, 0]);
    expect(row.children[1]).toMatchObject({ Text: "", PlaceholderText: "p" });
    expect(combo).toMatchObject({ items: ["A", "B"], CurrentText: "A" });
    expect(status).toMatchObject({ Text: "", Visible: false });
    expect(buttons.children[0]).toMatchObject({ size: 0, weight: 1 });
    const afterNodes = after.layout[0].children;
    expect(afterNodes[0].children[1].Text).toBe("sh010");
    expect(afterNodes[2]).toMatchObject({ Text: "done", Visible: true });
  });

  it("leaves out hidden windows", async () => {
    const t = await runFusionStandin({
      script: "test/lua/fixtures/standin-eval.lua",
      env: { STANDIN_CODE: SCRIPT.replace("win:Show() disp:RunLoop()", "disp:RunLoop()") },
      actions: [{ do: "snapshot", name: "none" }],
    });
    // No visible window: the loop cannot be closed, which the stand-in reports; the snapshot was taken first.
    expect(t.snapshots).toEqual([{ name: "none", windows: [] }]);
  });
});
