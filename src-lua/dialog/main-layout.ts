/**
 * The submit dialog's window: every widget, its ID and where it sits (the layout only; what the widgets do lives in
 * the dialog's other files). Fusion is reached only through the UI Manager (fusion.md §3).
 */
import type { Platform } from "../../types/request";
import { defaultJobName } from "../build-request";
import type { CompSnapshot } from "../host";
import { ALL_PLATFORMS, PLATFORM_LABELS } from "../settings";
import { fieldLabel, fieldRow, textRow, widgetRows } from "../../src-node/portable/fields";
import { RENDER_NODE_PATH_CAPTION, requestFieldWords, sharedRootCaption } from "../../src-node/portable/field-words";
import { WIDGET_ROWS, type WidgetPlace, comboEntries, rowWidget } from "./field-widgets";
import { dirnameOf, formatFrame, formatInt, joinPath, plural } from "../text";
import { formRow, heading, hgroup, installCloseHotkeys, vgroup, withChildren, wrapText } from "./ui";

export const MAIN_WINDOW_ID = "KartaLinkHQueueRender";
export const SHARED_ROOT_ROWS = 4;
/** The right-hand column's caption width and the per-OS table's cell width (px). */
const RIGHT_CAPTION_WIDTH = 110;
const PER_OS_CELL_WIDTH = 110;
/** Status lines wrap at this many characters (documented labels have no word wrap). */
export const WRAP = 96;

export const OS_CHECKBOX: Record<Platform, string> = { linux: "OsLinux", macosx: "OsMac", windows: "OsWindows" };
export const RENDER_NODE_FIELD: Record<Platform, string> = { linux: "RenderNodeLinux", macosx: "RenderNodeMac", windows: "RenderNodeWindows" };
const ROOT_FIELD_SUFFIX: Record<Platform, string> = { linux: "Linux", macosx: "Mac", windows: "Windows" };
/** The structured fields of the advanced section, after its scalar rows (the e-mail events share the e-mail row). */
const ADVANCED_STRUCTURED_IDS = ["EmailReasonsCaption", "EmailReasons", "EnvironmentCaption", "Environment", "NodePathCaption", "NodePath"];

/**
 * Every item of the advanced section, shown and hidden one by one (see DialogCore.setAdvancedVisible): the field
 * table's advanced rows (caption, widget, hint), then the structured fields.
 */
export const ADVANCED_IDS: string[] = (() => {
  const ids = ["AdvancedHeading"];
  for (const row of widgetRows("advanced")) {
    const id = row.widget?.id ?? row.key;
    ids.push(id + "Caption", id);
    if (row.hint !== undefined) ids.push(id + "Hint");
  }
  return [...ids, ...ADVANCED_STRUCTURED_IDS];
})();

const jobRootRow = textRow("jobRoot");

/**
 * The Job folder field's grey text: where submit makes the job folder when the field is empty (the helper's default,
 * `<comp folder>/hqueue`, types/request.ts job.jobRoot), so the artist sees the folder before submitting.
 */
export function jobFolderNote(this: void, comp: CompSnapshot, platform: Platform): string {
  const folder = dirnameOf(comp.fileName);
  return folder === "" ? jobRootRow.placeholder ?? "" : "Empty = " + joinPath(platform, folder, "hqueue");
}

export function rootFieldId(this: void, row: number, platform: Platform): string {
  return "Root" + formatInt(row) + ROOT_FIELD_SUFFIX[platform];
}

/** The per-OS table (Render Node paths, shared roots): shown together when more than one client OS is chosen or the settings hold per-OS paths. */
export const PER_OS_IDS: string[] = (() => {
  const ids = ["RootsHeading", "RootsHeaderLinux", "RootsHeaderMac", "RootsHeaderWindows", "RenderNodeCaption"];
  for (const platform of ALL_PLATFORMS) ids.push(RENDER_NODE_FIELD[platform]);
  for (let row = 1; row <= SHARED_ROOT_ROWS; row++) {
    ids.push("Root" + formatInt(row) + "Caption");
    for (const platform of ALL_PLATFORMS) ids.push(rootFieldId(row, platform));
  }
  return ids;
})();

export interface MainItems {
  CompSummary: UILabel;
  PresetTree: UITree;
  PresetApply: UIButton;
  PresetDelete: UIButton;
  PresetPromote: UIButton;
  PresetName: UILineEdit;
  PresetSave: UIButton;
  PresetRename: UIButton;
  Notice: UILabel;
  Server: UILineEdit;
  TestServer: UIButton;
  ServerStatus: UILabel;
  JobName: UILineEdit;
  Description: UILineEdit;
  Priority: UIRangeItem;
  FrameSource: UIComboBox;
  FrameRanges: UILabel;
  CustomFrames: UILineEdit;
  FramesPerTask: UIRangeItem;
  FramesSummary: UILabel;
  AssignMode: UIComboBox;
  AssignNamesCaption: UILabel;
  AssignNames: UILineEdit;
  FetchNames: UIButton;
  ServerNames: UITree;
  AssignStatus: UILabel;
  OsLinux: UICheckBox;
  OsMac: UICheckBox;
  OsWindows: UICheckBox;
  SameOsOnly: UICheckBox;
  RenderNodeVersion: UIComboBox;
  RenderNodeLinux: UILineEdit;
  RenderNodeMac: UILineEdit;
  RenderNodeWindows: UILineEdit;
  RootsStatus: UILabel;
  ShowAdvanced: UICheckBox;
  Tries: UIRangeItem;
  Cpus: UIRangeItem;
  LogDir: UILineEdit;
  JobRoot: UILineEdit;
  EmailTo: UILineEdit;
  EmailReasons: UILineEdit;
  Environment: UITextEdit;
  EnvironmentStatus: UILabel;
  Paused: UICheckBox;
  NodePath: UILineEdit;
  Checks: UILabel;
  Status: UILabel;
  CreateFolders: UIButton;
  StopHelper: UIButton;
  Cancel: UIButton;
  Submit: UIButton;
}

/**
 * Builds the window (not shown yet) and fills its fixed lists. The bottom button row (CreateFolders … Submit) is where
 * buttons acting on the whole dialog go (e.g. a "Jobs…" button).
 */
export function buildMainWindow(this: void, ui: UIManager, disp: UIDispatcher, comp: CompSnapshot, platform: Platform): { win: UIWindow; items: MainItems } {
  /** A scalar field's widget, from its field-table row (ID, limits, tooltip, placeholder: field-widgets.ts). */
  const field = (key: string, place: WidgetPlace = {}): UIElement => rowWidget(ui, fieldRow(key), place);
  /** The caption of a scalar field: its row's label, the name every message about it uses. */
  const caption = (key: string): string => fieldRow(key).label;
  const line = (id: string, placeholder: string, tip?: string, visible = true): UIElement => {
    const props: UILineEditProps = { ID: id, PlaceholderText: placeholder, Weight: 1 };
    if (tip !== undefined) props.ToolTip = tip;
    if (!visible) props.Visible = false;
    return ui.LineEdit(props);
  };
  /** A status line: hidden while empty (DialogCore.renderStatus shows it with its first sentence). */
  const status = (id: string): UIElement => ui.Label({ ID: id, Text: "", Weight: 0, Visible: false });
  /** A row of the advanced section: its caption has an ID so that the row can be hidden item by item. */
  const advancedRow = (id: string, caption: string, fields: UIElement[]): UIElement =>
    hgroup(ui, { Weight: 0 }, [ui.Label({ ID: id + "Caption", Text: caption, Weight: 0, MinimumSize: [RIGHT_CAPTION_WIDTH, 0], Visible: false }), ...fields]);
  const hint = (id: string, text: string): UIElement => ui.Label({ ID: id, Text: text, Weight: 1, Visible: false });

  // The right-hand column is built by functions called after the left-hand column's widgets are made: widgets are
  // created in visual order. Qt's focus chain (the Tab order) follows the order widgets are created or added to the
  // window; fusion.md does not say which of the two Fusion does, and this order is the visual order in either case.

  // The per-OS table (Render Node paths, shared roots: one column per OS) starts hidden: DialogCore.setPerOsVisible
  // shows it when more than one client OS is chosen or the settings hold such paths. Every item has an ID, so each
  // can be shown again. Its captions are the words messages use for its cells (field-words.ts).
  const perOsCaption = (id: string, caption: string): UIElement => ui.Label({ ID: id, Text: caption, Weight: 0, MinimumSize: [RIGHT_CAPTION_WIDTH, 0], Visible: false });
  /** A cell of the per-OS table: wide enough to read a path's start. */
  const perOsCell = (id: string, placeholder: string, tip: string): UIElement =>
    ui.LineEdit({ ID: id, PlaceholderText: placeholder, ToolTip: tip, Weight: 1, MinimumSize: [PER_OS_CELL_WIDTH, 0], Visible: false });
  const perOsRows = (): UIElement[] => {
    const rows: UIElement[] = [
      // The heading and the column titles share a row.
      hgroup(ui, { Weight: 0 }, [
        ui.Label({ ID: "RootsHeading", Text: "Per-OS paths", Weight: 0, MinimumSize: [RIGHT_CAPTION_WIDTH, 0], StyleSheet: "font-weight: bold; padding-top: 6px;", Visible: false }),
        ui.Label({ ID: "RootsHeaderLinux", Text: PLATFORM_LABELS.linux, Weight: 1, StyleSheet: "padding-top: 6px;", Visible: false }),
        ui.Label({ ID: "RootsHeaderMac", Text: PLATFORM_LABELS.macosx, Weight: 1, StyleSheet: "padding-top: 6px;", Visible: false }),
        ui.Label({ ID: "RootsHeaderWindows", Text: PLATFORM_LABELS.windows, Weight: 1, StyleSheet: "padding-top: 6px;", Visible: false }),
      ]),
      hgroup(ui, { Weight: 0 }, [
        perOsCaption("RenderNodeCaption", RENDER_NODE_PATH_CAPTION),
        ...ALL_PLATFORMS.map((platform) =>
          perOsCell(RENDER_NODE_FIELD[platform], "Default install path", "The Fusion Render Node program on " + PLATFORM_LABELS[platform] + " clients; empty = the default install path of the version chosen"),
        ),
      ]),
    ];
    for (let row = 1; row <= SHARED_ROOT_ROWS; row++) {
      const fields: UIElement[] = ALL_PLATFORMS.map((platform) =>
        perOsCell(
          rootFieldId(row, platform),
          platform === "windows" ? "\\\\server\\share or H:\\" : platform === "macosx" ? "/Volumes/share" : "/mnt/share",
          "The same shared folder as " + PLATFORM_LABELS[platform] + " clients mount it",
        ),
      );
      rows.push(hgroup(ui, { Weight: 0 }, [perOsCaption("Root" + formatInt(row) + "Caption", sharedRootCaption(row)), ...fields]));
    }
    return rows;
  };

  /** What an advanced row's widget shows that depends on the comp or this computer. */
  const advancedPlaces: Record<string, WidgetPlace> = { jobRoot: { placeholder: jobFolderNote(comp, platform) } };

  // Hidden item by item, never through the group: whether a layout group is an item (and so can be shown again)
  // is not documented, and a group hidden for good would hide these fields for good.
  const advanced = (): UIElement => vgroup(ui, { Weight: 0 }, [
    ui.Label({ ID: "AdvancedHeading", Text: "Advanced options", Weight: 0, StyleSheet: "font-weight: bold; padding-top: 6px;", Visible: false }),
    // The field table's advanced rows, in its order: adding an advanced scalar option adds its row here.
    ...widgetRows("advanced").map((row) => {
      const id = row.widget?.id ?? row.key;
      const fields = [field(row.key, { ...advancedPlaces[row.key], visible: false })];
      if (row.hint !== undefined) fields.push(hint(id + "Hint", row.hint));
      if (row.key === "emailTo") {
        // The e-mail events (a structured field) share the e-mail row.
        fields.push(
          ui.Label({ ID: "EmailReasonsCaption", Text: fieldLabel("emailReasons"), Weight: 0, Visible: false }),
          line("EmailReasons", "e.g. succeeded, failed", "Events that send the e-mail, comma-separated, e.g. succeeded, failed", false),
        );
      }
      // A check box carries its own words: no caption text.
      return advancedRow(id, row.widget?.kind === "CheckBox" ? "" : row.label, fields);
    }),
    advancedRow("Environment", fieldLabel("environment"), [
      ui.TextEdit({ ID: "Environment", PlaceholderText: "NAME=value, one per line", Weight: 1, MinimumSize: [0, 44], AcceptRichText: false, Visible: false }),
    ]),
    // Shown whenever it has something to say, even with the advanced options hidden: an environment error stops
    // Submit (and the next plan opens the advanced options again).
    status("EnvironmentStatus"),
    advancedRow("NodePath", "Node.js program", [line("NodePath", "Found automatically", "The node program that runs the HQueue Render helper (Node.js 18 or newer)", false)]),
  ]);

  const body = vgroup(ui, {}, [
    ui.Label({ ID: "CompSummary", Text: compSummary(comp), Weight: 0 }),
    formRow(ui, "Presets", [
      ui.Tree({ ID: "PresetTree", SortingEnabled: false, Weight: 1, MinimumSize: [0, 52], Events: { ItemClicked: true } }),
      // Two rows of buttons, not three: the list keeps two presets in view and the window stays short.
      vgroup(ui, { Weight: 0 }, [
        hgroup(ui, { Weight: 0 }, [ui.Button({ ID: "PresetApply", Text: "Apply", Weight: 1 }), ui.Button({ ID: "PresetDelete", Text: "Delete", Weight: 1 })]),
        ui.Button({ ID: "PresetPromote", Text: "Make Studio Default", Weight: 0 }),
        // The buttons stay together at the top when the list grows with the window.
        ui.VGap(0, 1),
      ]),
    ]),
    formRow(ui, "Preset name", [
      line("PresetName", "Click a preset above, or type a new name"),
      ui.Button({ ID: "PresetSave", Text: "Save as Preset", Weight: 0 }),
      ui.Button({ ID: "PresetRename", Text: "Rename", Weight: 0 }),
    ]),
    status("Notice"),

    // Two columns: what every submission needs on the left; the per-OS table and the advanced options on the right,
    // shown only when needed (the right column then takes no room), so that the window stays within a laptop
    // screen's height whatever is shown.
    hgroup(ui, { Weight: 0 }, [
      vgroup(ui, { Weight: 1 }, [
        heading(ui, "HQueue server"),
        formRow(ui, caption("server"), [field("server"), ui.Button({ ID: "TestServer", Text: "Test", Weight: 0 })]),
        status("ServerStatus"),

        heading(ui, "Job"),
        formRow(ui, caption("jobName"), [
          field("jobName", { placeholder: defaultJobName(comp) }),
          ui.Label({ ID: "PriorityCaption", Text: caption("priority"), Weight: 0 }),
          field("priority"),
        ]),
        formRow(ui, caption("description"), [field("description")]),

        heading(ui, "Frames"),
        formRow(ui, caption("frameChoice"), [
          field("frameChoice", { minimumWidth: 170 }),
          ui.Label({ ID: "CustomFramesCaption", Text: caption("customFrames"), Weight: 0 }),
          field("customFrames"),
        ]),
        formRow(ui, "", [ui.Label({ ID: "FrameRanges", Text: frameRangesText(comp), Weight: 1 })]),
        formRow(ui, caption("framesPerTask"), [field("framesPerTask"), ui.Label({ Text: fieldRow("framesPerTask").hint ?? "", Weight: 1 })]),
        status("FramesSummary"),

        heading(ui, "Where to run"),
        formRow(ui, caption("assignMode"), [
          field("assignMode", { minimumWidth: 160 }),
          // "Client names" or "Client groups", as the messages about the field say (FieldBinding.showAssignCaption).
          ui.Label({ ID: "AssignNamesCaption", Text: requestFieldWords("farm.assign.names"), Weight: 0, MinimumSize: [90, 0] }),
          ui.LineEdit({ ID: "AssignNames", PlaceholderText: "Client or group names, comma-separated", Weight: 1, MinimumSize: [150, 0] }),
          ui.Button({ ID: "FetchNames", Text: "Fetch from Server", Weight: 0 }),
        ]),
        // Shown once the server's names were fetched (ServerLists.showNames).
        hgroup(ui, { Weight: 0 }, [
          ui.Label({ ID: "ServerNamesCaption", Text: "", Weight: 0, MinimumSize: [130, 0], Visible: false }),
          ui.Tree({ ID: "ServerNames", SortingEnabled: false, Weight: 1, MinimumSize: [0, 64], Events: { ItemClicked: true }, Visible: false }),
        ]),
        status("AssignStatus"),
        formRow(ui, fieldLabel("platforms"), [
          ui.CheckBox({ ID: "OsLinux", Text: "Linux", Weight: 0 }),
          ui.CheckBox({ ID: "OsMac", Text: "macOS", Weight: 0 }),
          ui.CheckBox({ ID: "OsWindows", Text: "Windows", Weight: 0 }),
          field("sameOsOnly", { text: fieldRow("sameOsOnly").label + " (" + PLATFORM_LABELS[platform] + ")" }),
        ]),
        formRow(ui, caption("renderNodeVersion"), [field("renderNodeVersion"), ui.Label({ Text: fieldRow("renderNodeVersion").hint ?? "", Weight: 1 })]),
        status("RootsStatus"),

        ui.CheckBox({ ID: "ShowAdvanced", Text: "Show advanced options", Weight: 0 }),
        // The shorter column keeps its rows together at the top.
        ui.VGap(0, 1),
      ]),
      vgroup(ui, { Weight: 0 }, [...perOsRows(), advanced(), ui.VGap(0, 1)]),
    ]),

    ui.VGap(4),
    status("Checks"),
    ui.Label({ ID: "Status", Text: "", Weight: 0 }),
    hgroup(ui, { Weight: 0 }, [
      ui.Button({ ID: "CreateFolders", Text: "Create Missing Folders", Weight: 0, Visible: false }),
      ui.Button({ ID: "OpenJobs", Text: "Jobs…", Weight: 0 }),
      ui.HGap(0, 1),
      ui.Button({ ID: "StopHelper", Text: "Stop", Weight: 0, Visible: false }),
      ui.Button({ ID: "Cancel", Text: "Cancel", Weight: 0 }),
      ui.Button({ ID: "Submit", Text: "Submit", Weight: 0 }),
    ]),
  ]);

  const win = disp.AddWindow(
    withChildren(
      {
        ID: MAIN_WINDOW_ID,
        TargetID: MAIN_WINDOW_ID,
        WindowTitle: "KartaLink | HQueue Render: " + (comp.name !== "" ? comp.name : "comp"),
        Geometry: [120, 40, 780, 660] as [number, number, number, number],
        Spacing: 4,
      },
      [body],
    ),
  );
  installCloseHotkeys(MAIN_WINDOW_ID);
  const items = win.GetItems<MainItems>();

  // Each combo's entries from its row (choices' labels, or the values a text row offers).
  for (const row of WIDGET_ROWS) {
    const combo = row.widget?.kind === "ComboBox" ? (items as unknown as Record<string, UIComboBox | undefined>)[row.widget.id] : undefined;
    if (combo !== undefined) combo.AddItems(comboEntries(row));
  }
  pcall(() => {
    items.PresetTree.ColumnCount = 1;
    items.PresetTree.SetHeaderLabels(["Presets saved in this comp"]);
    items.ServerNames.ColumnCount = 1;
    items.ServerNames.SetHeaderLabels(["Click a name to add it"]);
  });
  return { win, items };
}

/** "shot010.comp (/proj/shot010.comp): 1920x1080 at 24 fps, 3 Savers (2 enabled)". */
export function compSummary(this: void, comp: CompSnapshot): string {
  const parts: string[] = [];
  const format = comp.format;
  if (format?.width !== undefined && format.height !== undefined) parts.push(formatInt(format.width) + "x" + formatInt(format.height));
  if (format?.rate !== undefined) parts.push(formatFrame(format.rate) + " fps");
  const enabled = comp.savers.filter((saver) => saver.enabled).length;
  parts.push(plural(comp.savers.length, "Saver", "Savers") + " (" + formatInt(enabled) + " enabled)");
  if (comp.proxy === true) parts.push("proxy on in this session (render nodes use the saved comp's settings)");
  return wrapText((comp.name !== "" ? comp.name : "comp") + " (" + comp.fileName + "): " + parts.join(", "), WRAP);
}

/** "Render range 1-10, global range 1-20, every 2 frames" (kept next to the combo, whose labels never change). */
export function frameRangesText(this: void, comp: CompSnapshot): string {
  const step = comp.step > 1 ? ", every " + formatFrame(comp.step) + " frames" : "";
  return (
    "Render range " + formatFrame(comp.renderStart) + "-" + formatFrame(comp.renderEnd) +
    ", global range " + formatFrame(comp.globalStart) + "-" + formatFrame(comp.globalEnd) + step
  );
}

