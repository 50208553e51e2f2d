/**
 * What every part of the submit dialog shares: the app's context, the window and its items, the comp and the stored
 * data as last read, the status area's state (status-view.ts) and the few writes every part makes (the status area,
 * a field's text, a tree's rows, the advanced section's visibility). Reading and writing widget properties never
 * fails the dialog (ui.ts readProp/writeProp).
 */
import type { AppContext } from "../app";
import type { Failure } from "../../types/request";
import type { CompSnapshot, Host } from "../host";
import type { CompStore, StudioStore } from "../store";
import { ADVANCED_IDS, type MainItems, PER_OS_IDS, WRAP, frameRangesText } from "./main-layout";
import { type Message, STATUS_LABELS, type StatusLabel, StatusModel, type StatusStyle, renderStatus } from "./status-view";
import { ERROR_STYLE, NOTE_STYLE, OK_STYLE, PLAIN_STYLE, type Timers, readProp, writeProp, wrapText } from "./ui";

/** The style sheet of each status style (status-view.ts names styles; the sheets are the UI's). */
const STYLE_SHEETS: Record<StatusStyle, string> = { plain: PLAIN_STYLE, ok: OK_STYLE, note: NOTE_STYLE, error: ERROR_STYLE };

/**
 * Whether a status label is shown with this text: an empty one takes no room, except the bottom status line, which
 * says what the helper is doing on every plan (a line that came and went with each plan would make the buttons jump).
 */
function shownWith(this: void, id: StatusLabel, text: string): boolean {
  return text !== "" || id === "Status";
}

/** The status style of a style sheet (HelperRunner, shared with the other windows, speaks style sheets). */
export function styleOf(this: void, sheet: string): StatusStyle {
  return sheet === ERROR_STYLE ? "error" : sheet === NOTE_STYLE ? "note" : sheet === OK_STYLE ? "ok" : "plain";
}

export function describeFailure(failure: Failure): string {
  const hint = failure.error.hint;
  return failure.error.message + (hint !== undefined && hint !== "" ? "\n" + hint : "");
}

/** A widget's string property ("" when missing or not a string). */
export function textOf(item: object | undefined, read: () => unknown): string {
  const value = readProp(item, read);
  return typeof value === "string" ? value : "";
}

export function checkedOf(item: UICheckBox | undefined): boolean {
  return readProp(item, () => item?.Checked) === true;
}

export function looksLikeHtml(text: string): boolean {
  const lower = text.toLowerCase();
  return lower.includes("<html") || lower.includes("<!doctype") || lower.includes("<p ") || lower.includes("<body");
}

export class DialogCore {
  readonly host: Host;
  readonly ui: UIManager;
  readonly disp: UIDispatcher;
  readonly timers: Timers;
  /** The comp as last read (re-read before each plan and on Submit). */
  comp: CompSnapshot;
  readonly studio: StudioStore;
  /** The comp's stored data as read (presets list with the entries this version could not read, and how to write). */
  readonly compStore: CompStore;
  /** The status area's facts; the dialog's parts change them, then call renderStatus(). */
  readonly status: StatusModel;
  /** What each status label was last given (text as rendered, before wrapping, and style), to write only changes. */
  private readonly written: Partial<Record<StatusLabel, Message>> = {};
  /** Whether the per-OS rows are shown (they start hidden). */
  private perOsShown = false;

  constructor(
    /** The app's host, UI Manager, dispatcher and timers (other windows opened from the dialog use it too). */
    readonly ctx: AppContext,
    comp: CompSnapshot,
    studio: StudioStore,
    compStore: CompStore,
    readonly win: UIWindow,
    readonly items: MainItems,
  ) {
    this.host = ctx.host;
    this.ui = ctx.ui;
    this.disp = ctx.disp;
    this.timers = ctx.timers;
    this.comp = comp;
    this.studio = studio;
    this.compStore = compStore;
    this.status = new StatusModel([...studio.notices, ...compStore.notices], frameRangesText(comp));
  }

  /** Sentences about the stored data, shown in the Notice line until a preset action replaces them. */
  get notices(): string[] {
    return this.status.state.notices;
  }

  /** Writes every status label from the state (status-view.ts renderStatus): the only writer of those labels. */
  renderStatus(): void {
    const rendered = renderStatus(this.status.state);
    let relayout = false;
    for (const id of STATUS_LABELS) {
      const message = rendered[id];
      const before = this.written[id];
      if (before !== undefined && before.text === message.text && before.style === message.style) continue;
      this.written[id] = message;
      const label = this.field<UILabel>(id);
      if (label === undefined) continue;
      const shown = message.text === "" ? "" : wrapText(message.text, WRAP);
      writeProp(() => (label.Text = shown));
      writeProp(() => (label.StyleSheet = STYLE_SHEETS[message.style]));
      // An empty status line takes no room (an empty Qt label is still a line tall): the window stays within a
      // laptop screen's height (issue 9). Shown again with its first sentence (Visible + RecalcLayout, fusion.md §3).
      const visible = shownWith(id, message.text);
      if (before === undefined || shownWith(id, before.text) !== visible) {
        writeProp(() => (label.Visible = visible));
        relayout = true;
      }
    }
    if (relayout) pcall(() => this.win.RecalcLayout());
  }

  setText(item: { Text: string } | undefined, text: string): void {
    if (item !== undefined) writeProp(() => (item.Text = text));
  }

  /** The stored-data notices in the Notice line again (one was added), replacing the presets panel's last answer. */
  showNotices(): void {
    this.status.showNotices();
    this.renderStatus();
  }

  field<T extends UIItem>(id: string): T | undefined {
    return (this.items as unknown as Record<string, T | undefined>)[id];
  }

  /** `win.On.<id>.<event> = fn`, never failing the dialog over one handler the UI Manager does not take. */
  handle(id: string, event: keyof UIElementHandlers, fn: UIEventHandler): void {
    const on = this.win.On;
    pcall(() => {
      on[id][event] = fn;
    });
  }

  /** Shows or hides the advanced section, item by item (Visible + RecalcLayout, fusion.md §3 common properties, LF). */
  setAdvancedVisible(visible: boolean): void {
    for (const id of ADVANCED_IDS) {
      const item = this.field<UIItem>(id);
      if (item !== undefined) writeProp(() => (item.Visible = visible));
    }
    if (visible && !checkedOf(this.items.ShowAdvanced)) writeProp(() => (this.items.ShowAdvanced.Checked = true));
    pcall(() => this.win.RecalcLayout());
  }

  /** Shows or hides the per-OS rows (Render Node paths, shared roots), item by item like the advanced section. */
  setPerOsVisible(visible: boolean): void {
    if (visible === this.perOsShown) return;
    this.perOsShown = visible;
    for (const id of PER_OS_IDS) {
      const item = this.field<UIItem>(id);
      if (item !== undefined) writeProp(() => (item.Visible = visible));
    }
    pcall(() => this.win.RecalcLayout());
  }

  /** Shows a widget that starts hidden (e.g. the server's names once fetched). */
  reveal(item: UIItem | undefined): void {
    if (item === undefined) return;
    writeProp(() => (item.Visible = true));
    pcall(() => this.win.RecalcLayout());
  }

  /**
   * Replaces a tree's rows (Tree:Clear/NewItem/AddTopLevelItem, fusion.md §3 Tree row): one column, or two when
   * `detail` gives a second column's text for each row (column 0 stays the name a click picks).
   */
  fillTree(tree: UITree | undefined, rows: string[], header: string, detail?: (text: string) => string | undefined, detailHeader = ""): void {
    if (tree === undefined) return;
    pcall(() => {
      tree.Clear();
      tree.SetHeaderLabels(detail === undefined ? [header] : [header, detailHeader]);
      for (const text of rows) {
        const row = tree.NewItem();
        row.Text[0] = text;
        if (detail !== undefined) row.Text[1] = detail(text) ?? "";
        tree.AddTopLevelItem(row);
      }
    });
    // Two columns: the names keep room to be read (the details column takes the rest).
    if (detail !== undefined) writeProp(() => (tree.ColumnWidth[0] = 170));
  }
}
