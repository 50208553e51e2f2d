/**
 * Every row of the field table with a widget is honoured by the BUILT comp script's dialog (in the Fusion stand-in):
 * the widget exists with the row's kind and ID, a SpinBox has the row's limits (the ones the settings, the helper's
 * validator and the command line use: test/core/fields.test.ts, test/lua/fields-lua.test.ts), a ComboBox offers the
 * row's choices or versions, and the dialog opens on the row's default. The dialog still writes some of these
 * itself (until it is built from the table): this test is what keeps the copies equal.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIELDS } from "../../src-node/portable/fields";
import { MAIN, buildCompScript, removeRunDirs, runCompScript } from "./comp-script-harness";

beforeAll(() => {
  buildCompScript();
});
afterAll(() => removeRunDirs());

describe("the dialog honours every row of the field table", () => {
  it("widget kind and ID, SpinBox limits, ComboBox entries, default values", async () => {
    const run = await runCompScript({ actions: [] });
    expect(run.transcript.error).toBeNull();
    let checked = 0;
    for (const row of FIELDS) {
      if (row.widget === undefined) continue;
      const item = run.item(MAIN, row.widget.id);
      expect(item?.type, row.key).toBe(row.widget.kind);
      if (row.kind === "int") {
        expect([item.Minimum, item.Maximum], row.key).toEqual([row.min, row.max]);
        expect(item.Value, row.key).toBe(row.default);
      } else if (row.kind === "choice") {
        expect(item.items, row.key).toEqual([...row.choiceLabels]);
        expect(item.CurrentText, row.key).toBe(row.choiceLabels[row.choices.indexOf(row.default)]);
      } else if (row.kind === "text" && row.widget.kind === "ComboBox") {
        expect(item.items, row.key).toEqual([...(row.offered ?? [])]);
        expect(item.CurrentText, row.key).toBe(row.default);
      } else if (row.kind === "bool") {
        expect(item.Checked ?? false, row.key).toBe(row.default);
      }
      checked++;
    }
    expect(checked).toBe(FIELDS.filter((row) => row.widget !== undefined).length);
  });
});
