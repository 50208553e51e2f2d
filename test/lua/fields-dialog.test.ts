/**
 * Every row of the field table with a widget is honoured by the BUILT comp script's dialog (in the Fusion stand-in):
 * the widget exists with the row's kind, ID, tooltip and placeholder, a SpinBox has the row's limits (the ones the
 * settings, the helper's validator and the command line use: test/core/fields.test.ts, test/lua/fields-lua.test.ts),
 * a ComboBox offers the row's choices or versions, the dialog opens on the row's default, and the row's caption is
 * its label. Then every row's value goes the whole way: typed into its widget → read by Submit → in the request at
 * the row's request path and stored in the comp (or, for a never-stored row, not stored) → written back into the
 * widget when the comp is opened again. The dialog builds, reads and applies the scalar fields by looping over the
 * table (src-lua/dialog/field-widgets.ts): a row the loop missed fails here.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIELDS, type FieldRow } from "../../src-node/portable/fields";
import { requestFieldWords } from "../../src-node/portable/field-words";
import type { SubmitRequest } from "../../types/request";
import type { JsonValue, LayoutNode } from "../support/fusion-standin";
import { COMPS, MAIN, buildCompScript, click, removeRunDirs, runCompScript, set, stored } from "./comp-script-harness";

beforeAll(() => {
  buildCompScript();
});
afterAll(() => removeRunDirs());

const WIDGET_ROWS = FIELDS.filter((row) => row.widget !== undefined);
/** Rows whose grey text the layout computes from the comp or the OS (the job name's default, the job folder's). */
const PLACED_PLACEHOLDERS = ["jobName", "jobRoot"];

describe("the dialog honours every row of the field table", () => {
  it("widget kind and ID, tooltip, placeholder, caption, SpinBox limits, ComboBox entries, default values", async () => {
    const run = await runCompScript({ actions: [{ do: "snapshot", name: "open" }] });
    expect(run.transcript.error).toBeNull();
    const window = run.transcript.snapshots[0]?.windows.find((w) => w.id === MAIN);
    expect(window).toBeDefined();
    // A field's caption is the nearest Label before it in its own row (not any Label with the same text elsewhere,
    // such as the "Frames" heading).
    const captions: Record<string, unknown> = {};
    const walk = (nodes: LayoutNode[]): void => {
      let lastLabel: unknown;
      for (const node of nodes) {
        if (node.type === "Label") lastLabel = node.Text;
        else if (typeof node.ID === "string") captions[node.ID] = lastLabel;
        walk(node.children);
      }
    };
    walk(window!.layout);
    let checked = 0;
    for (const row of WIDGET_ROWS) {
      const item = run.item(MAIN, row.widget!.id);
      expect(item?.type, row.key).toBe(row.widget!.kind);
      expect(item.ToolTip, row.key).toBe(row.tooltip);
      if (row.placeholder !== undefined && !PLACED_PLACEHOLDERS.includes(row.key)) expect(item.PlaceholderText, row.key).toBe(row.placeholder);
      // A check box carries its own words; every other field has a caption with the row's label.
      if (row.widget!.kind !== "CheckBox") expect(captions[row.widget!.id], row.key).toBe(row.label);
      if (row.kind === "int") {
        expect([item.Minimum, item.Maximum], row.key).toEqual([row.min, row.max]);
        expect(item.Value, row.key).toBe(row.default);
      } else if (row.kind === "choice") {
        expect(item.items, row.key).toEqual([...row.choiceLabels]);
        expect(item.CurrentText, row.key).toBe(row.choiceLabels[row.choices.indexOf(row.default)]);
      } else if (row.kind === "text" && row.widget!.kind === "ComboBox") {
        expect(item.items, row.key).toEqual([...(row.offered ?? [])]);
        expect(item.CurrentText, row.key).toBe(row.default);
      } else if (row.kind === "bool") {
        expect(item.Checked ?? false, row.key).toBe(row.default);
      }
      checked++;
    }
    expect(checked).toBe(WIDGET_ROWS.length);
  });

  it("the names field's caption says what the messages say: Client names, or Client groups when assigning to groups", async () => {
    const run = await runCompScript({ actions: [{ do: "snapshot", name: "open" }, set("AssignMode", "CurrentText", "Client groups"), { do: "snapshot", name: "groups" }] });
    expect(run.transcript.error).toBeNull();
    const caption = (i: number): unknown => {
      const found: unknown[] = [];
      const walk = (nodes: LayoutNode[]): void => {
        for (const node of nodes) {
          if (node.ID === "AssignNamesCaption") found.push(node.Text);
          walk(node.children);
        }
      };
      walk(run.transcript.snapshots[i].windows.find((w) => w.id === MAIN)!.layout);
      return found[0];
    };
    expect([caption(0), caption(1)]).toEqual([requestFieldWords("farm.assign.names"), requestFieldWords("farm.assign.names", { assignMode: "groups" })]);
    expect(caption(0)).not.toBe(caption(1));
  });

  it("the fields sit in the table's order (the visual order, which is also the keyboard order: widgets are created in it)", async () => {
    const run = await runCompScript({ actions: [{ do: "snapshot", name: "open" }] });
    const window = run.transcript.snapshots[0]?.windows.find((w) => w.id === MAIN);
    const ids = new Set(WIDGET_ROWS.map((row) => row.widget!.id));
    const order: string[] = [];
    const walk = (nodes: LayoutNode[]): void => {
      for (const node of nodes) {
        if (typeof node.ID === "string" && ids.has(node.ID)) order.push(node.ID);
        walk(node.children);
      }
    };
    walk(window!.layout);
    expect(order).toEqual(WIDGET_ROWS.map((row) => row.widget!.id));
  });

  it("every row's value: widget → Submit → request and stored settings → widget again when the comp is reopened", async () => {
    const values = Object.fromEntries(WIDGET_ROWS.map((row) => [row.key, otherValue(row)]));
    const actions = [click("ShowAdvanced"), set("AssignNames", "Text", "gpu")];
    // Typing a frame set selects "Custom frame set" (as an artist expects): the frame set is typed before the choice.
    const rows = [...WIDGET_ROWS].sort((a, b) => Number(b.key === "customFrames") - Number(a.key === "customFrames"));
    for (const row of rows) actions.push(typeInto(row, values[row.key]));
    actions.push(click("Submit"));
    const first = await runCompScript({ actions });
    expect(first.transcript.error).toBeNull();
    const calls = first.callsOf("submit");
    expect(calls).toHaveLength(1);
    const request = calls[0].request!;
    const last = stored(first.transcript.compData)!.last as Record<string, JsonValue>;
    for (const row of WIDGET_ROWS) {
      const value = values[row.key];
      if (row.stored === "never") expect(last, row.key).not.toHaveProperty(row.key);
      else expect(last[row.key], row.key).toEqual(value);
      // The frame set travels only with a custom choice (the choice here is the global range).
      const expected = row.key === "customFrames" ? undefined : value;
      expect(requestValue(request, row.request), `${row.key} → ${row.request}`).toEqual(expected);
    }

    const reopened = await runCompScript({
      comp: { file: path.join(COMPS, "lua-basic.comp"), fileName: request.comp.path, data: first.transcript.compData as Record<string, JsonValue> },
      actions: [],
    });
    expect(reopened.transcript.error).toBeNull();
    for (const row of WIDGET_ROWS) {
      if (row.stored === "never") continue;
      expect(shownValue(row, reopened.item(MAIN, row.widget!.id)), row.key).toEqual(values[row.key]);
    }
  });
});

/** A value other than the row's default that the dialog accepts (so that a row the loop skipped shows its default). */
function otherValue(row: FieldRow): string | number | boolean {
  switch (row.kind) {
    case "int":
      return row.default === row.max ? row.min : row.max;
    case "bool":
      return !row.default;
    case "choice":
      // Client groups (names are typed) and the global range (no frame set needed) are valid without more fields.
      return row.choices.find((choice) => choice !== row.default && choice !== "custom")!;
    case "text":
      if (row.widget?.kind === "ComboBox") return (row.offered ?? []).find((value) => value !== row.default)!;
      return { server: "hq-row:5001", customFrames: "3-4" }[row.key] ?? (row.key === "logDir" || row.key === "jobRoot" ? `/tmp/row ${row.key}` : `row ${row.key}`);
  }
}

function typeInto(row: FieldRow, value: string | number | boolean): ReturnType<typeof set> {
  const id = row.widget!.id;
  switch (row.widget!.kind) {
    case "SpinBox":
      return set(id, "Value", value as number);
    case "CheckBox":
      return set(id, "Checked", value as boolean);
    case "ComboBox":
      return set(id, "CurrentText", row.kind === "choice" ? row.choiceLabels[row.choices.indexOf(value as string)] : (value as string));
    default:
      return set(id, "Text", value as string);
  }
}

function shownValue(row: FieldRow, item: Record<string, unknown>): unknown {
  switch (row.widget!.kind) {
    case "SpinBox":
      return item.Value;
    case "CheckBox":
      return item.Checked === true;
    case "ComboBox":
      return row.kind === "choice" ? row.choices[row.choiceLabels.indexOf(item.CurrentText as string)] : item.CurrentText;
    default:
      return item.Text;
  }
}

/** The member at a request path ("job.frames.kind"). */
function requestValue(request: SubmitRequest, at: string): unknown {
  let value: unknown = request;
  for (const part of at.split(".")) value = (value as Record<string, unknown> | undefined)?.[part];
  return value;
}
