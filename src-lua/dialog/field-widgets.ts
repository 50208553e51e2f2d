/**
 * The scalar fields' widgets, from the field table (src-node/portable/fields.ts): how a row's widget is built (ID,
 * limits, tooltip, placeholder, caption, combo entries), how a value is written into it and read back, and which
 * change event it reports. main-layout.ts places the widgets; field-binding.ts loops over the rows with these
 * functions; main-dialog.ts connects each row's change event. Adding a scalar option is a row in the table, its
 * place in the layout, and its use in build-request.
 *
 * Reading never trusts a change event or a widget: every read has the row's default (or the caller's fallback) for
 * a widget that gives nothing usable, and whole numbers are kept within the row's limits.
 */
import { type ChoiceRow, FIELDS, type FieldRow, choiceAt, choiceIndex, clampInt } from "../../src-node/portable/fields";
import { trimText } from "../text";
import { readProp } from "./ui";
import { comboChoice, comboText, selectComboItem, writeProp } from "./ui";

/** A scalar value as Settings hold it. */
export type FieldValue = string | number | boolean;

/** The rows the dialog shows a widget for, in table order. */
export const WIDGET_ROWS: FieldRow[] = FIELDS.filter((row) => row.widget !== undefined);

/** What the layout may set per place (the table holds what never changes; these depend on the comp or the OS). */
export interface WidgetPlace {
  /** Grey text computed from the comp (the job name's default, the job folder's default). */
  placeholder?: string;
  /** A check box's text when it names something of this computer ("Only this computer's OS (Linux)"). */
  text?: string;
  visible?: boolean;
  minimumWidth?: number;
}

/** The UI Manager element for a row's widget (fusion.md §3: LineEdit, SpinBox, ComboBox, CheckBox props). */
export function rowWidget(this: void, ui: UIManager, row: FieldRow, place: WidgetPlace = {}): UIElement {
  const widget = row.widget;
  if (widget === undefined) throw new Error("field " + row.key + " has no widget");
  const id = widget.id;
  const visible = place.visible ?? true;
  if (widget.kind === "SpinBox" && row.kind === "int") {
    return ui.SpinBox({ ID: id, Minimum: row.min, Maximum: row.max, Value: row.default, ToolTip: row.tooltip, Weight: 0, MinimumSize: [place.minimumWidth ?? 90, 0], Visible: visible });
  }
  if (widget.kind === "ComboBox") {
    return ui.ComboBox({ ID: id, ToolTip: row.tooltip, Weight: 0, MinimumSize: [place.minimumWidth ?? 90, 0], Visible: visible });
  }
  if (widget.kind === "CheckBox") {
    return ui.CheckBox({ ID: id, Text: place.text ?? row.label, ToolTip: row.tooltip, Weight: 1, Visible: visible });
  }
  const props: UILineEditProps = { ID: id, ToolTip: row.tooltip, Weight: 1 };
  const placeholder = place.placeholder ?? row.placeholder;
  if (placeholder !== undefined) props.PlaceholderText = placeholder;
  if (!visible) props.Visible = false;
  return ui.LineEdit(props);
}

/** A combo's entries, in order: a choice row's labels, or the values a text row offers. */
export function comboEntries(this: void, row: FieldRow): string[] {
  if (row.kind === "choice") return [...row.choiceLabels];
  if (row.kind === "text") return [...(row.offered ?? [])];
  return [];
}

/** The change event a row's widget reports (fusion.md §3 events): what main-dialog.ts listens to. */
export function changeEvent(this: void, row: FieldRow): keyof UIElementHandlers {
  switch (row.widget?.kind) {
    case "SpinBox":
      return "ValueChanged";
    case "ComboBox":
      return "CurrentIndexChanged";
    case "CheckBox":
      return "Clicked";
    default:
      return "TextChanged";
  }
}

/**
 * Writes a value into a row's widget. `entries`: the combo's current entries (a text combo may have gained values
 * it did not offer: see FieldBinding). Never fails the dialog (writeProp).
 */
export function writeRow(this: void, item: UIItem | undefined, row: FieldRow, value: FieldValue, entries: string[]): void {
  if (item === undefined) return;
  const kind = row.widget?.kind;
  if (kind === "SpinBox") {
    const spin = item as UIRangeItem;
    writeProp(() => (spin.Value = value as number));
  } else if (kind === "CheckBox") {
    const box = item as UICheckBox;
    writeProp(() => (box.Checked = value === true));
  } else if (kind === "ComboBox") {
    const index = row.kind === "choice" ? choiceIndex(row, value as string) : entries.indexOf(value as string);
    selectComboItem(item as UIComboBox, entries, math.max(0, index));
  } else {
    const edit = item as UILineEdit;
    writeProp(() => (edit.Text = value as string));
  }
}

/**
 * Reads a row's value from its widget: text trimmed, whole numbers within the row's limits, a choice by its label
 * (the row's default when the combo shows none), a check box's state. `fallback` stands for a widget that gives nothing.
 */
export function readRow(this: void, item: UIItem | undefined, row: FieldRow, fallback: FieldValue, entries: string[]): FieldValue {
  const kind = row.widget?.kind;
  if (kind === "SpinBox" && row.kind === "int") {
    const spin = item as UIRangeItem | undefined;
    return clampInt(row, readProp(spin, () => spin?.Value), fallback as number);
  }
  if (kind === "CheckBox") {
    const box = item as UICheckBox | undefined;
    return readProp(box, () => box?.Checked) === true;
  }
  if (kind === "ComboBox") {
    if (item === undefined) return fallback;
    if (row.kind === "choice") return choiceOf(item as UIComboBox, row, fallback as string, entries);
    const text = trimText(comboText(item as UIComboBox));
    return text !== "" ? text : fallback;
  }
  const edit = item as UILineEdit | undefined;
  const text = readProp(edit, () => edit?.Text);
  return trimText(typeof text === "string" ? text : "");
}

function choiceOf(combo: UIComboBox, row: ChoiceRow, fallback: string, entries: string[]): string {
  const index = comboChoice(combo, entries);
  return index >= 0 ? choiceAt(row, index) : fallback;
}
