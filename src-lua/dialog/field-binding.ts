/**
 * The dialog's fields and the settings they show: writes settings into the fields (applySettings) and reads them
 * back with what the fields themselves got wrong (readFields). Reading never trusts a change event: it looks at every
 * widget when asked.
 */
import type { Platform } from "../../types/request";
import { fieldRow } from "../../src-node/portable/fields";
import { requestFieldWords } from "../../src-node/portable/field-words";
import {
  ALL_PLATFORMS,
  type AssignMode,
  type FrameChoice,
  type Settings,
  advancedDiffers,
  copySettings,
  defaultSettings,
} from "../settings";
import { fieldProblems } from "../field-checks";
import { formatEnvironment, formatInt, parseEnvironment, splitNames, trimText } from "../text";
import { type DialogCore, checkedOf, looksLikeHtml, textOf } from "./dialog-core";
import { type FieldValue, WIDGET_ROWS, comboEntries, readRow, writeRow } from "./field-widgets";
import { OS_CHECKBOX, RENDER_NODE_FIELD, SHARED_ROOT_ROWS, rootFieldId } from "./main-layout";
import { writeProp } from "./ui";

/** Settings read from the fields, plus what the fields themselves got wrong. */
export interface FieldRead {
  settings: Settings;
  /** "Submit the job paused": this submission only, never stored. */
  paused: boolean;
  /** Field ID → message, for problems the helper never sees (e.g. environment lines). */
  errors: Record<string, string>;
  /** The dialog row (1-based) of each of `settings.sharedRoots` (empty rows are not read): to name rows as shown. */
  rootRows: number[];
}

/**
 * Whether the per-OS rows (Render Node paths per OS, shared roots) are needed: more than one client OS may run the
 * job, or the settings already hold such paths (nothing that changes the job is ever hidden).
 */
export function perOsRowsWanted(this: void, settings: Settings): boolean {
  if (!settings.sameOsOnly && settings.platforms.length > 1) return true;
  if (settings.sharedRoots.length > 0) return true;
  for (const platform of ALL_PLATFORMS) if ((settings.renderNodePaths[platform] ?? "") !== "") return true;
  return false;
}

export class FieldBinding {
  /**
   * Each combo's entries, by row key, in order: a choice row's labels; a text row's offered values plus stored ones
   * the list did not know (the Render Node version a newer script or a preset stored).
   */
  private readonly entries: Record<string, string[]> = {};
  /** What the script last wrote into the Environment field (to tell the artist's edit from a stale twin property). */
  private environmentWritten = "";
  /** True while the script writes the fields: their change events are not the artist's edits. */
  applying = false;

  constructor(private readonly core: DialogCore) {
    for (const row of WIDGET_ROWS) if (row.widget?.kind === "ComboBox") this.entries[row.key] = comboEntries(row);
  }

  /** The widget of a row, by its key. */
  private widgetOf(key: string): UIItem | undefined {
    const id = fieldRow(key).widget?.id;
    return id !== undefined ? this.core.field<UIItem>(id) : undefined;
  }

  /** The combo entries of a row (empty for a row without a combo). */
  private entriesOf(key: string): string[] {
    return this.entries[key] ?? [];
  }

  /** A scalar row's value as the dialog shows it now (the studio default when the widget gives nothing). */
  private read(key: string): FieldValue {
    const fallback = (this.core.studio.defaults as unknown as Record<string, FieldValue>)[key];
    return readRow(this.widgetOf(key), fieldRow(key), fallback, this.entriesOf(key));
  }

  frameChoice(): FrameChoice {
    return this.read("frameChoice") as FrameChoice;
  }

  assignMode(): AssignMode {
    return this.read("assignMode") as AssignMode;
  }

  /** The names field's caption follows the Clients choice: "Client names" or "Client groups" (the messages' words). */
  showAssignCaption(): void {
    const caption = requestFieldWords("farm.assign.names", { assignMode: this.assignMode() });
    const label = this.core.items.AssignNamesCaption;
    writeProp(() => (label.Text = caption));
  }

  /** Selects a choice row's value (e.g. "custom" frames when the artist types a frame set). */
  selectChoice(key: string, value: string): void {
    writeRow(this.widgetOf(key), fieldRow(key), value, this.entriesOf(key));
  }

  /**
   * Writes settings into the fields: every stored scalar row (the comp-only ones when `includeCompFields`), then the
   * structured fields. "Submit paused" is never stored: it stays as the artist set it in this dialog.
   */
  applySettings(settings: Settings, includeCompFields: boolean): void {
    const items = this.core.items;
    const values = settings as unknown as Record<string, FieldValue>;
    this.applying = true;
    for (const row of WIDGET_ROWS) {
      if (row.stored === "never" || (row.stored === "comp" && !includeCompFields)) continue;
      const value = values[row.key];
      const entries = this.entriesOf(row.key);
      if (row.widget?.kind === "ComboBox" && row.kind === "text" && typeof value === "string" && !entries.includes(value)) {
        // A value this list does not offer (stored by a newer script, or typed in a preset): add it, never remove.
        const combo = this.widgetOf(row.key) as UIComboBox | undefined;
        writeProp(() => combo?.AddItem(value));
        entries.push(value);
      }
      writeRow(this.widgetOf(row.key), row, value, entries);
    }
    this.core.setText(items.AssignNames, settings.assignNames.join(", "));
    for (const platform of ALL_PLATFORMS) {
      const box = this.core.field<UICheckBox>(OS_CHECKBOX[platform]);
      if (box !== undefined) writeProp(() => (box.Checked = settings.platforms.includes(platform)));
      this.core.setText(this.core.field<UILineEdit>(RENDER_NODE_FIELD[platform]), settings.renderNodePaths[platform] ?? "");
    }
    for (let row = 1; row <= SHARED_ROOT_ROWS; row++) {
      const root = settings.sharedRoots[row - 1];
      for (const platform of ALL_PLATFORMS) {
        this.core.setText(this.core.field<UILineEdit>(rootFieldId(row, platform)), root !== undefined ? root[platform] ?? "" : "");
      }
    }
    this.core.setText(items.EmailReasons, settings.emailReasons.join(", "));
    const environment = formatEnvironment(settings.environment);
    this.environmentWritten = environment;
    writeProp(() => (items.Environment.PlainText = environment));
    this.applying = false;
    this.showAssignCaption();
    // Nothing that changes the job may be hidden: stored (or preset) advanced values open the section.
    if (advancedDiffers(settings, defaultSettings(this.core.host.platform))) this.core.setAdvancedVisible(true);
    if (settings.sharedRoots.length > SHARED_ROOT_ROWS) {
      this.core.notices.push(
        "The settings hold " + formatInt(settings.sharedRoots.length) + " shared roots; this dialog shows the first " +
          formatInt(SHARED_ROOT_ROWS) + ", and only those are used.",
      );
      this.core.showNotices();
    }
  }

  /**
   * The Environment field's text. PlainText is documented for reading and writing, Text too; a UI Manager may keep
   * only one of them current, so the one that differs from what the script wrote is the artist's edit
   * (Text is skipped when it is HTML).
   */
  private environmentText(): string {
    const item = this.core.items.Environment;
    const plain = textOf(item, () => item.PlainText);
    const text = textOf(item, () => item.Text);
    if (plain !== this.environmentWritten) return plain;
    if (text !== this.environmentWritten && text !== "" && !looksLikeHtml(text)) return text;
    return plain;
  }

  /** Reads every field (scalar rows from the table, then the structured ones) and checks them (field-checks.ts). */
  readFields(): FieldRead {
    const items = this.core.items;
    const settings = copySettings(this.core.studio.defaults);
    const values = settings as unknown as Record<string, FieldValue>;
    let paused = false;
    for (const row of WIDGET_ROWS) {
      const value = this.read(row.key);
      if (row.stored !== "never") values[row.key] = value;
      else if (row.key === "paused") paused = value === true;
    }
    const lineText = (item: UILineEdit | undefined): string => trimText(textOf(item, () => item?.Text));
    settings.assignNames = splitNames(lineText(items.AssignNames));
    settings.platforms = ALL_PLATFORMS.filter((platform) => checkedOf(this.core.field<UICheckBox>(OS_CHECKBOX[platform])));
    settings.renderNodePaths = {};
    settings.sharedRoots = [];
    const rootRows: number[] = [];
    for (const platform of ALL_PLATFORMS) {
      const path = lineText(this.core.field<UILineEdit>(RENDER_NODE_FIELD[platform]));
      if (path !== "") settings.renderNodePaths[platform] = path;
    }
    for (let row = 1; row <= SHARED_ROOT_ROWS; row++) {
      const root: Partial<Record<Platform, string>> = {};
      let count = 0;
      for (const platform of ALL_PLATFORMS) {
        const path = lineText(this.core.field<UILineEdit>(rootFieldId(row, platform)));
        if (path !== "") {
          root[platform] = path;
          count++;
        }
      }
      if (count > 0) {
        settings.sharedRoots.push(root);
        rootRows.push(row);
      }
    }
    settings.emailReasons = splitNames(lineText(items.EmailReasons));
    const errors = fieldProblems(settings);
    const environment = parseEnvironment(this.environmentText());
    if (environment.ok) settings.environment = environment.environment;
    else {
      settings.environment = {};
      errors.Environment = "Environment " + environment.error + ".";
    }
    return { settings, paused, errors, rootRows };
  }
}
