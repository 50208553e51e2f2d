/**
 * The submit dialog: layout, reading/writing fields, live plan ("N frames in M tasks" from the helper's
 * `plan`), presets, server test, client/group lists, pre-flight and Submit.
 * Fusion is reached only through the Host (data) and the UI Manager objects (widgets).
 *
 * Written for any faithful UI Manager, not one in particular (fusion.md §3 documents little):
 * - Submit reads every field when it is clicked and plans again unless the last plan was made from exactly that
 *   request: change events (TextChanged, ValueChanged, ...) and timers only make the dialog livelier, nothing
 *   depends on them having fired.
 * - Nothing the artist may need to click or type into is ever disabled: a disabled widget that a missed change event
 *   left disabled would be a dead end. Problems are explained in status lines next to their fields instead, and a
 *   Submit that cannot go ahead (for any reason) opens a "Cannot Submit" window listing the reasons.
 * - Only documented members are used: no ComboBox:Clear() (lists that change are Trees, whose Clear() is documented),
 *   CurrentText is what selects a combo item, and every event field is optional.
 */
import type { Failure, HelperResponse, PlanResult, Platform, SubmitRequest, SubmitResult } from "../../types/request";
import { buildRequest, defaultJobName } from "../build-request";
import { LAUNCH_FIELD, findHelper, findNode, type Lookup } from "../helper";
import { type HelperCall, type HelperTools, STOPPED_FIELD, serverBaseUrl } from "../helper-session";
import type { CompSnapshot, Host } from "../host";
import { encodeJson } from "../json";
import { summarizeFrames } from "../frames-summary";
import { type Preflight, preflight } from "../preflight";
import { HelperRunner } from "./helper-runner";
import { openJobsView } from "./jobs-view";
import { recordSubmittedJob } from "../recent-jobs";
import { CHECK_LABELS, type Findings, routeChecks } from "./check-routing";
import { proposeOses } from "./os-proposal";
import {
  ALL_PLATFORMS,
  type AssignMode,
  type FrameChoice,
  PLATFORM_LABELS,
  RENDER_NODE_VERSIONS,
  type Settings,
  advancedDiffers,
  copySettings,
  defaultSettings,
  withoutCompOnly,
} from "../settings";
import {
  type CompStore,
  type NamedPreset,
  type StudioStore,
  readablePresets,
  rememberLast,
  rememberStudioFacts,
  writePresets,
  writeStudioDefaults,
} from "../store";
import { formatEnvironment, formatFrame, formatInt, parseEnvironment, plural, splitNames, trimText } from "../text";
import {
  ERROR_STYLE,
  NOTE_STYLE,
  OK_STYLE,
  PLAIN_STYLE,
  type ScriptTimer,
  type Timers,
  comboChoice,
  comboText,
  formRow,
  heading,
  hgroup,
  installCloseHotkeys,
  readProp,
  selectComboItem,
  showMessage,
  vgroup,
  withChildren,
  wrapText,
  writeProp,
} from "./ui";

export const MAIN_WINDOW_ID = "KartaLinkHQueueRender";
export const SHARED_ROOT_ROWS = 4;
const WRAP = 96;

const FRAME_CHOICES: FrameChoice[] = ["render", "global", "custom"];
export const FRAME_LABELS = ["Render range", "Global range", "Custom frame set"];
const ASSIGN_MODES: AssignMode[] = ["any", "clients", "groups"];
export const ASSIGN_LABELS = ["Any client", "Listed clients", "Client groups"];
const OS_CHECKBOX: Record<Platform, string> = { linux: "OsLinux", macosx: "OsMac", windows: "OsWindows" };
const RENDER_NODE_FIELD: Record<Platform, string> = { linux: "RenderNodeLinux", macosx: "RenderNodeMac", windows: "RenderNodeWindows" };
const ROOT_FIELD_SUFFIX: Record<Platform, string> = { linux: "Linux", macosx: "Mac", windows: "Windows" };
/** Every item of the advanced section: shown and hidden one by one (see setAdvancedVisible). */
const ADVANCED_IDS = [
  "TriesCaption", "Tries", "TriesHint", "CpusCaption", "Cpus", "CpusHint", "LogDirCaption", "LogDir", "EmailToCaption", "EmailTo",
  "EmailReasonsCaption", "EmailReasons", "EnvironmentCaption", "Environment", "EnvironmentStatus", "Paused", "NodePathCaption", "NodePath",
];

export interface AppContext {
  host: Host;
  ui: UIManager;
  disp: UIDispatcher;
  timers: Timers;
}

export interface MainDialogInput {
  comp: CompSnapshot;
  studio: StudioStore;
  compStore: CompStore;
  initial: Settings;
}

export interface Submitted {
  result: SubmitResult;
  server: string;
  tools: HelperTools;
  /** What Submit could not remember (stored data this version leaves alone), for the monitor to show. */
  storeNotes: string[];
}

interface MainItems {
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

/** Settings read from the fields, plus what the fields themselves got wrong. */
interface FieldRead {
  settings: Settings;
  /** "Submit the job paused": this submission only, never stored. */
  paused: boolean;
  /** Field ID → message, for problems the helper never sees (e.g. environment lines). */
  errors: Record<string, string>;
}

/** The order field problems are listed in (Lua's pairs order is not fixed). */
const FIELD_ERROR_ORDER = ["Server", "CustomFrames", "AssignNames", "Platforms", "Environment"];

type PlanState = "unknown" | "ok" | "failed";

function describeFailure(failure: Failure): string {
  const hint = failure.error.hint;
  return failure.error.message + (hint !== undefined && hint !== "" ? "\n" + hint : "");
}

/** A widget's string property ("" when missing or not a string). */
function textOf(item: object | undefined, read: () => unknown): string {
  const value = readProp(item, read);
  return typeof value === "string" ? value : "";
}

/** A spin box value as an integer in [min, max], or `fallback` when the widget gives no number. */
function intOf(item: UIRangeItem | undefined, fallback: number, min: number, max: number): number {
  const value = readProp(item, () => item?.Value);
  if (typeof value !== "number" || value !== value) return fallback;
  return math.max(min, math.min(max, math.floor(value + 0.5)));
}

function checkedOf(item: UICheckBox | undefined): boolean {
  return readProp(item, () => item?.Checked) === true;
}

function looksLikeHtml(text: string): boolean {
  const lower = text.toLowerCase();
  return lower.includes("<html") || lower.includes("<!doctype") || lower.includes("<p ") || lower.includes("<body");
}

export class MainDialog {
  private readonly host: Host;
  private readonly ui: UIManager;
  private readonly disp: UIDispatcher;
  private win!: UIWindow;
  private items!: MainItems;
  private planTimer!: ScriptTimer;
  private runner!: HelperRunner;

  private comp: CompSnapshot;
  private studio: StudioStore;
  /** The comp's stored data as read (presets list with the entries this version could not read, and how to write). */
  private compStore: CompStore;
  /**
   * The preset the artist last clicked (the object itself: names that differ only in spaces must not be confused),
   * and what the name field held right after the click (while it still does, the field means this preset).
   */
  private pickedPreset: NamedPreset | undefined;
  private pickedFieldText: string | undefined;
  private notices: string[];
  /** Render Node versions the combo holds, in order (the built-in list plus stored ones it did not know). */
  private versionLabels: string[] = [...RENDER_NODE_VERSIONS];
  /** What the script last wrote into the Environment field (to tell the artist's edit from a stale twin property). */
  private environmentWritten = "";
  /** What the server list shows: client host names or client group names. */
  private serverNamesMode: AssignMode = "any";

  private applying = false;
  private planState: PlanState = "unknown";
  /** The request the last plan was made from (JSON), to skip planning again on Submit. */
  private planKey: string | undefined;
  private lastPlan: PlanResult | undefined;
  /** Why the last plan did not succeed, one sentence (or paragraph) per problem, for the Cannot Submit window. */
  private planProblems: string[] = [];
  private checks: Preflight;
  /** Issue 13: the checks next to a refused plan; the client-OS proposal (fresh dialog only) and its sentence. */
  private refusedFindings: Findings | undefined;
  private osProposal = { mayPropose: false, initial: [] as Platform[], ticked: false, note: undefined as string | undefined, proposed: undefined as Platform[] | undefined };
  private tools: HelperTools | undefined;
  private toolsProblem: Failure | undefined;
  private toolsLooked = false;
  /** The Node.js field text the tools were looked up with. */
  private toolsNodeText = "";
  /** Where the node in use came from ("KartaLink | Node.js Runtime", "PATH", ...). */
  private toolsNodeSource = "";
  private submitted: Submitted | undefined;
  /** Submit was clicked while another helper command ran: it goes when that is over. */
  private submitQueued = false;
  /** The running plan is Submit's own: a second click adds nothing. */
  private submitPlanning = false;
  /** An edit's plan waits for the command that is running. */
  private planQueued = false;
  /** The server whose Test result ServerStatus shows. */
  private testedServer: string | undefined;

  constructor(private readonly ctx: AppContext, input: MainDialogInput) {
    this.host = ctx.host;
    this.ui = ctx.ui;
    this.disp = ctx.disp;
    this.comp = input.comp;
    this.studio = input.studio;
    this.compStore = input.compStore;
    this.notices = [...input.studio.notices, ...input.compStore.notices];
    this.checks = preflight(this.comp, this.host.os, (path) => this.host.dirExists(path));
    this.osProposal.mayPropose = input.compStore.lastKind === "absent" && input.studio.defaultsKind === "absent";
    this.osProposal.initial = [...input.initial.platforms];
    this.build(input.initial);
  }

  /* ---------------------------------------------------------------------------------------------
   * Layout
   * ------------------------------------------------------------------------------------------ */

  private build(initial: Settings): void {
    const ui = this.ui;
    const spin = (id: string, min: number, max: number, tip: string, visible = true): UIElement =>
      ui.SpinBox({ ID: id, Minimum: min, Maximum: max, Value: min, ToolTip: tip, Weight: 0, MinimumSize: [90, 0], Visible: visible });
    const line = (id: string, placeholder: string, tip?: string, visible = true): UIElement => {
      const props: UILineEditProps = { ID: id, PlaceholderText: placeholder, Weight: 1 };
      if (tip !== undefined) props.ToolTip = tip;
      if (!visible) props.Visible = false;
      return ui.LineEdit(props);
    };
    const status = (id: string, visible = true): UIElement => ui.Label({ ID: id, Text: "", Weight: 0, Visible: visible });
    /** A row of the advanced section: its caption has an ID so that the row can be hidden item by item. */
    const advancedRow = (id: string, caption: string, fields: UIElement[]): UIElement =>
      hgroup(ui, { Weight: 0 }, [ui.Label({ ID: id + "Caption", Text: caption, Weight: 0, MinimumSize: [130, 0], Visible: false }), ...fields]);
    const hint = (id: string, text: string): UIElement => ui.Label({ ID: id, Text: text, Weight: 1, Visible: false });

    const rootRows: UIElement[] = [
      hgroup(ui, { Weight: 0 }, [
        ui.Label({ Text: "", Weight: 0, MinimumSize: [130, 0] }),
        ui.Label({ Text: "Linux", Weight: 1 }),
        ui.Label({ Text: "macOS", Weight: 1 }),
        ui.Label({ Text: "Windows", Weight: 1 }),
      ]),
    ];
    for (let row = 1; row <= SHARED_ROOT_ROWS; row++) {
      const fields: UIElement[] = ALL_PLATFORMS.map((platform) =>
        line(this.rootFieldId(row, platform), platform === "windows" ? "\\\\server\\share or H:\\" : platform === "macosx" ? "/Volumes/share" : "/mnt/share"),
      );
      rootRows.push(formRow(ui, "Shared root " + formatInt(row), fields));
    }

    // Hidden item by item, never through the group: whether a layout group is an item (and so can be shown again)
    // is not documented, and a group hidden for good would hide these fields for good.
    const advanced = vgroup(ui, { Weight: 0 }, [
      advancedRow("Tries", "Tries per task", [spin("Tries", 0, 100, "How often HQueue tries a failed task; 0 = the server's default", false), hint("TriesHint", "0 = server default")]),
      advancedRow("Cpus", "CPUs per task", [spin("Cpus", 0, 256, "CPUs each task occupies; 0 = the whole machine (one task per client)", false), hint("CpusHint", "0 = the whole machine")]),
      advancedRow("LogDir", "Log folder", [line("LogDir", "Folder on shared storage for one Fusion log per task (optional)", undefined, false)]),
      advancedRow("EmailTo", "E-mail to", [line("EmailTo", "Addresses, comma-separated (optional)", undefined, false)]),
      advancedRow("EmailReasons", "E-mail when", [line("EmailReasons", "Events, comma-separated, e.g. succeeded, failed", undefined, false)]),
      advancedRow("Environment", "Environment", [
        ui.TextEdit({ ID: "Environment", PlaceholderText: "NAME=value, one per line", Weight: 1, MinimumSize: [0, 54], AcceptRichText: false, Visible: false }),
      ]),
      status("EnvironmentStatus", false),
      formRow(ui, "", [ui.CheckBox({ ID: "Paused", Text: "Submit the job paused", Weight: 1, Visible: false })]),
      advancedRow("NodePath", "Node.js program", [line("NodePath", "Found automatically", "The node program that runs the HQueue Render helper (Node.js 18 or newer)", false)]),
    ]);

    const body = vgroup(ui, {}, [
      ui.Label({ ID: "CompSummary", Text: this.compSummary(), Weight: 0 }),
      formRow(ui, "Presets", [
        ui.Tree({ ID: "PresetTree", SortingEnabled: false, Weight: 1, MinimumSize: [0, 64], Events: { ItemClicked: true } }),
        vgroup(ui, { Weight: 0 }, [
          ui.Button({ ID: "PresetApply", Text: "Apply", Weight: 0 }),
          ui.Button({ ID: "PresetDelete", Text: "Delete", Weight: 0 }),
          ui.Button({ ID: "PresetPromote", Text: "Make Studio Default", Weight: 0 }),
        ]),
      ]),
      formRow(ui, "", [
        line("PresetName", "Preset name: click a preset above, or type a new name"),
        ui.Button({ ID: "PresetSave", Text: "Save as Preset", Weight: 0 }),
        ui.Button({ ID: "PresetRename", Text: "Rename", Weight: 0 }),
      ]),
      status("Notice"),

      heading(ui, "HQueue server"),
      formRow(ui, "Server", [line("Server", "host:port, e.g. hq-server:5000"), ui.Button({ ID: "TestServer", Text: "Test", Weight: 0 })]),
      status("ServerStatus"),

      heading(ui, "Job"),
      formRow(ui, "Job name", [line("JobName", defaultJobName(this.comp))]),
      formRow(ui, "Description", [line("Description", "Optional")]),
      formRow(ui, "Priority", [spin("Priority", 0, 10, "0 (lowest) to 10 (highest)"), ui.HGap(0, 1)]),

      heading(ui, "Frames"),
      formRow(ui, "Frames", [
        ui.ComboBox({ ID: "FrameSource", Weight: 0, MinimumSize: [170, 0] }),
        line("CustomFrames", "Custom frames, e.g. 1-100, 1-100x2, 1,5,10-20"),
      ]),
      formRow(ui, "", [ui.Label({ ID: "FrameRanges", Text: this.frameRangesText(), Weight: 1 })]),
      formRow(ui, "Frames per task", [spin("FramesPerTask", 0, 1000000, "Frames each machine renders per task; 0 = all frames in one task"), ui.Label({ Text: "0 = all frames in one task", Weight: 1 })]),
      status("FramesSummary"),

      heading(ui, "Where to run"),
      formRow(ui, "Clients", [ui.ComboBox({ ID: "AssignMode", Weight: 0, MinimumSize: [160, 0] }), line("AssignNames", "Names, comma-separated")]),
      formRow(ui, "", [
        ui.Button({ ID: "FetchNames", Text: "Fetch from Server", Weight: 0 }),
        ui.Tree({ ID: "ServerNames", SortingEnabled: false, Weight: 1, MinimumSize: [0, 64], Events: { ItemClicked: true } }),
      ]),
      status("AssignStatus"),
      formRow(ui, "Client OSes", [
        ui.CheckBox({ ID: "OsLinux", Text: "Linux", Weight: 0 }),
        ui.CheckBox({ ID: "OsMac", Text: "macOS", Weight: 0 }),
        ui.CheckBox({ ID: "OsWindows", Text: "Windows", Weight: 0 }),
        ui.CheckBox({ ID: "SameOsOnly", Text: "Only " + PLATFORM_LABELS[this.host.platform] + " clients (this computer's OS)", Weight: 1 }),
      ]),
      formRow(ui, "Render Node", [ui.ComboBox({ ID: "RenderNodeVersion", Weight: 0, MinimumSize: [90, 0] }), ui.Label({ Text: "Fusion Render Node version (default install paths)", Weight: 1 })]),
      formRow(ui, "Linux executable", [line("RenderNodeLinux", "Default install path")]),
      formRow(ui, "macOS executable", [line("RenderNodeMac", "Default install path")]),
      formRow(ui, "Windows executable", [line("RenderNodeWindows", "Default install path")]),

      heading(ui, "Shared storage: the same folder as each OS mounts it"),
      ...rootRows,
      status("RootsStatus"),

      ui.CheckBox({ ID: "ShowAdvanced", Text: "Show advanced options", Weight: 0 }),
      advanced,

      ui.VGap(4),
      status("Checks"),
      status("Status"),
      hgroup(ui, { Weight: 0 }, [
        ui.Button({ ID: "CreateFolders", Text: "Create Missing Folders", Weight: 0, Visible: false }),
        ui.Button({ ID: "OpenJobs", Text: "Jobs…", Weight: 0 }),
        ui.HGap(0, 1),
        ui.Button({ ID: "StopHelper", Text: "Stop", Weight: 0, Visible: false }),
        ui.Button({ ID: "Cancel", Text: "Cancel", Weight: 0 }),
        ui.Button({ ID: "Submit", Text: "Submit", Weight: 0 }),
      ]),
    ]);

    this.win = this.disp.AddWindow(
      withChildren(
        {
          ID: MAIN_WINDOW_ID,
          TargetID: MAIN_WINDOW_ID,
          WindowTitle: "KartaLink | HQueue Render: " + (this.comp.name !== "" ? this.comp.name : "comp"),
          Geometry: [120, 60, 780, 960] as [number, number, number, number],
          Spacing: 4,
        },
        [body],
      ),
    );
    installCloseHotkeys(MAIN_WINDOW_ID);
    this.items = this.win.GetItems<MainItems>();
    const items = this.items;

    items.FrameSource.AddItems([...FRAME_LABELS]);
    items.AssignMode.AddItems([...ASSIGN_LABELS]);
    items.RenderNodeVersion.AddItems([...this.versionLabels]);
    pcall(() => {
      items.PresetTree.ColumnCount = 1;
      items.PresetTree.SetHeaderLabels(["Presets saved in this comp"]);
      items.ServerNames.ColumnCount = 1;
      items.ServerNames.SetHeaderLabels(["Click a name to add it"]);
    });
    this.refreshPresetList();

    this.planTimer = this.ctx.timers.create("PlanTimer", 500, true, () => this.runPlan(), this.win);
    this.runner = new HelperRunner(this.host, this.ctx.timers, "HelperPoll", this.win, {
      status: (text, style) => this.setLabel(this.items.Status, text, style),
      showStop: (visible) => writeProp(() => (this.items.StopHelper.Visible = visible)),
    });
    this.wire();
    this.applySettings(initial, true);
    items.NodePath.Text = this.studio.nodePath;
    this.showNotices();
    this.showChecks();
  }

  /** "shot010.comp (/proj/shot010.comp): 1920x1080 at 24 fps, 3 Savers (2 enabled)". */
  private compSummary(): string {
    const comp = this.comp;
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
  private frameRangesText(): string {
    const comp = this.comp;
    const step = comp.step > 1 ? ", every " + formatFrame(comp.step) + " frames" : "";
    return (
      "Render range " + formatFrame(comp.renderStart) + "-" + formatFrame(comp.renderEnd) +
      ", global range " + formatFrame(comp.globalStart) + "-" + formatFrame(comp.globalEnd) + step
    );
  }

  private rootFieldId(row: number, platform: Platform): string {
    return "Root" + formatInt(row) + ROOT_FIELD_SUFFIX[platform];
  }

  private field<T extends UIItem>(id: string): T | undefined {
    return (this.items as unknown as Record<string, T | undefined>)[id];
  }

  /* ---------------------------------------------------------------------------------------------
   * Events
   * ------------------------------------------------------------------------------------------ */

  /** `win.On.<id>.<event> = fn`, never failing the dialog over one handler the UI Manager does not take. */
  private handle(id: string, event: keyof UIElementHandlers, fn: UIEventHandler): void {
    const on = this.win.On;
    pcall(() => {
      on[id][event] = fn;
    });
  }

  private wire(): void {
    const changed = (): void => this.onFieldChanged();
    const textFields = ["Server", "JobName", "Description", "AssignNames", "RenderNodeLinux", "RenderNodeMac", "RenderNodeWindows", "LogDir", "EmailTo", "EmailReasons", "Environment"];
    for (let row = 1; row <= SHARED_ROOT_ROWS; row++) {
      for (const platform of ALL_PLATFORMS) textFields.push(this.rootFieldId(row, platform));
    }
    for (const id of textFields) this.handle(id, "TextChanged", changed);
    for (const id of ["Priority", "Tries", "Cpus"]) this.handle(id, "ValueChanged", changed);
    for (const id of ["AssignMode", "RenderNodeVersion"]) this.handle(id, "CurrentIndexChanged", changed);
    // The frames fields only change the summary, computed here: no helper run while typing (Submit plans anyway).
    const framesChanged = (): void => this.onFramesChanged();
    this.handle("FramesPerTask", "ValueChanged", framesChanged);
    this.handle("FrameSource", "CurrentIndexChanged", framesChanged);
    for (const id of ["OsLinux", "OsMac", "OsWindows", "SameOsOnly", "Paused"]) this.handle(id, "Clicked", () => {
      if (id !== "Paused" && !this.applying) this.osProposal.ticked = true;
      changed();
    });
    this.handle("CustomFrames", "TextChanged", () => this.onCustomFramesChanged());
    this.handle("NodePath", "TextChanged", () => {
      if (this.applying) return;
      this.toolsLooked = false;
      this.onFieldChanged();
    });

    this.handle("ShowAdvanced", "Clicked", () => this.setAdvancedVisible(checkedOf(this.items.ShowAdvanced)));
    this.handle("TestServer", "Clicked", () => this.testServer());
    this.handle("FetchNames", "Clicked", () => this.fetchNames());
    this.handle("ServerNames", "ItemClicked", (ev) => this.addServerName(ev));
    this.handle("PresetTree", "ItemClicked", (ev) => this.pickPreset(ev));
    this.handle("PresetApply", "Clicked", () => this.applyPreset());
    this.handle("PresetSave", "Clicked", () => this.savePreset());
    this.handle("PresetRename", "Clicked", () => this.renamePreset());
    this.handle("PresetDelete", "Clicked", () => this.deletePreset());
    this.handle("PresetPromote", "Clicked", () => this.promotePreset());
    this.handle("CreateFolders", "Clicked", () => this.createFolders());
    this.handle("StopHelper", "Clicked", () => this.runner.stop());
    this.handle("Cancel", "Clicked", () => this.close());
    this.handle(MAIN_WINDOW_ID, "Close", () => this.close());
    this.handle("Submit", "Clicked", () => this.submit());
    this.handle("OpenJobs", "Clicked", () => openJobsView(this.ctx, this.lookupTools(), this.toolsProblem, this.comp.name));
  }

  /** Debounced re-plan after an edit (when the UI Manager reports edits and runs timers; Submit does not rely on it). */
  private onFieldChanged(): void {
    if (this.applying) return;
    this.planTimer.stop();
    this.planTimer.start();
  }

  /** Typing custom frames selects "Custom frame set": the field is never disabled, so typing must mean something. */
  private onCustomFramesChanged(): void {
    if (this.applying) return;
    if (trimText(textOf(this.items.CustomFrames, () => this.items.CustomFrames.Text)) !== "" && this.frameChoice() !== "custom") {
      selectComboItem(this.items.FrameSource, FRAME_LABELS, FRAME_CHOICES.indexOf("custom"));
    }
    this.onFramesChanged();
  }

  /** "N frames in M tasks" from the frames fields, computed in the script (frames-summary.ts). */
  private onFramesChanged(): void {
    if (this.applying) return;
    this.showFramesSummary(this.readFields().settings);
  }

  private showFramesSummary(settings: Settings): void {
    const summary = summarizeFrames(settings, this.comp);
    if (summary.ok) {
      this.setLabel(this.items.FramesSummary, plural(summary.frameCount, "frame", "frames") + " in " + plural(summary.taskCount, "task", "tasks"), OK_STYLE);
    } else {
      this.setLabel(this.items.FramesSummary, summary.error, ERROR_STYLE);
    }
  }

  /** Shows or hides the advanced section, item by item (Visible + RecalcLayout, fusion.md §3 common properties, LF). */
  private setAdvancedVisible(visible: boolean): void {
    for (const id of ADVANCED_IDS) {
      const item = this.field<UIItem>(id);
      if (item !== undefined) writeProp(() => (item.Visible = visible));
    }
    if (visible && !checkedOf(this.items.ShowAdvanced)) writeProp(() => (this.items.ShowAdvanced.Checked = true));
    pcall(() => this.win.RecalcLayout());
  }

  /**
   * Cancel or the window's Close. A submission on its way is not abandoned (its answer says whether the job exists):
   * the artist is told to wait or Stop. Any other helper run is stopped and the dialog closes.
   */
  private close(): void {
    if (this.runner.isSubmitting()) {
      pcall(() => this.win.Show());
      showMessage(this.ui, this.disp, "Submission in Progress", "The job is being submitted. Wait for the server's answer, or click Stop first.", [
        { id: "MessageOk", text: "OK" },
      ]);
      return;
    }
    this.runner.abandon();
    this.disp.ExitLoop();
  }

  /** Runs the dialog until Submit succeeds (returns the job) or the artist closes it (undefined). */
  run(): Submitted | undefined {
    this.win.Show();
    this.planTimer.start();
    this.disp.RunLoop();
    this.planTimer.stop();
    this.win.Hide();
    return this.submitted;
  }

  /* ---------------------------------------------------------------------------------------------
   * Fields ⇄ settings
   * ------------------------------------------------------------------------------------------ */

  private frameChoice(): FrameChoice {
    const index = comboChoice(this.items.FrameSource, FRAME_LABELS);
    return index >= 0 ? FRAME_CHOICES[index] : "render";
  }

  private assignMode(): AssignMode {
    const index = comboChoice(this.items.AssignMode, ASSIGN_LABELS);
    return index >= 0 ? ASSIGN_MODES[index] : "any";
  }

  private setText(item: { Text: string } | undefined, text: string): void {
    if (item !== undefined) writeProp(() => (item.Text = text));
  }

  private applySettings(settings: Settings, includeCompFields: boolean): void {
    const items = this.items;
    this.applying = true;
    this.setText(items.Server, settings.server);
    if (includeCompFields) {
      this.setText(items.JobName, settings.jobName);
      this.setText(items.Description, settings.description);
    }
    writeProp(() => (items.Priority.Value = settings.priority));
    selectComboItem(items.FrameSource, FRAME_LABELS, math.max(0, FRAME_CHOICES.indexOf(settings.frameChoice)));
    this.setText(items.CustomFrames, settings.customFrames);
    writeProp(() => (items.FramesPerTask.Value = settings.framesPerTask));
    selectComboItem(items.AssignMode, ASSIGN_LABELS, math.max(0, ASSIGN_MODES.indexOf(settings.assignMode)));
    this.setText(items.AssignNames, settings.assignNames.join(", "));
    for (const platform of ALL_PLATFORMS) {
      const box = this.field<UICheckBox>(OS_CHECKBOX[platform]);
      if (box !== undefined) writeProp(() => (box.Checked = settings.platforms.includes(platform)));
      this.setText(this.field<UILineEdit>(RENDER_NODE_FIELD[platform]), settings.renderNodePaths[platform] ?? "");
    }
    writeProp(() => (items.SameOsOnly.Checked = settings.sameOsOnly));
    if (!this.versionLabels.includes(settings.renderNodeVersion)) {
      // A version this list does not offer (stored by a newer script, or typed in a preset): add it, never remove.
      writeProp(() => items.RenderNodeVersion.AddItem(settings.renderNodeVersion));
      this.versionLabels.push(settings.renderNodeVersion);
    }
    selectComboItem(items.RenderNodeVersion, this.versionLabels, this.versionLabels.indexOf(settings.renderNodeVersion));
    for (let row = 1; row <= SHARED_ROOT_ROWS; row++) {
      const root = settings.sharedRoots[row - 1];
      for (const platform of ALL_PLATFORMS) {
        this.setText(this.field<UILineEdit>(this.rootFieldId(row, platform)), root !== undefined ? root[platform] ?? "" : "");
      }
    }
    writeProp(() => (items.Tries.Value = settings.tries));
    writeProp(() => (items.Cpus.Value = settings.cpus));
    this.setText(items.LogDir, settings.logDir);
    this.setText(items.EmailTo, settings.emailTo);
    this.setText(items.EmailReasons, settings.emailReasons.join(", "));
    const environment = formatEnvironment(settings.environment);
    this.environmentWritten = environment;
    writeProp(() => (items.Environment.PlainText = environment));
    // "Submit paused" is not part of the settings: it stays as the artist set it in this dialog (unchecked on open).
    this.applying = false;
    // Nothing that changes the job may be hidden: stored (or preset) advanced values open the section.
    if (advancedDiffers(settings, defaultSettings(this.host.platform))) this.setAdvancedVisible(true);
    if (settings.sharedRoots.length > SHARED_ROOT_ROWS) {
      this.notices.push(
        "The settings hold " + formatInt(settings.sharedRoots.length) + " shared roots; this dialog shows the first " +
          formatInt(SHARED_ROOT_ROWS) + ", and only those are used.",
      );
      this.showNotices();
    }
  }

  /**
   * The Environment field's text. PlainText is documented for reading and writing, Text too; a UI Manager may keep
   * only one of them current, so the one that differs from what the script wrote is the artist's edit
   * (Text is skipped when it is HTML).
   */
  private environmentText(): string {
    const item = this.items.Environment;
    const plain = textOf(item, () => item.PlainText);
    const text = textOf(item, () => item.Text);
    if (plain !== this.environmentWritten) return plain;
    if (text !== this.environmentWritten && text !== "" && !looksLikeHtml(text)) return text;
    return plain;
  }

  private readFields(): FieldRead {
    const items = this.items;
    const errors: Record<string, string> = {};
    const defaults = this.studio.defaults;
    const lineText = (item: UILineEdit | undefined): string => trimText(textOf(item, () => item?.Text));
    const settings = copySettings(defaults);
    settings.server = lineText(items.Server);
    settings.jobName = lineText(items.JobName);
    settings.description = lineText(items.Description);
    settings.priority = intOf(items.Priority, defaults.priority, 0, 10);
    settings.frameChoice = this.frameChoice();
    settings.customFrames = lineText(items.CustomFrames);
    settings.framesPerTask = intOf(items.FramesPerTask, defaults.framesPerTask, 0, 1000000);
    settings.assignMode = this.assignMode();
    settings.assignNames = splitNames(lineText(items.AssignNames));
    settings.platforms = ALL_PLATFORMS.filter((platform) => checkedOf(this.field<UICheckBox>(OS_CHECKBOX[platform])));
    settings.sameOsOnly = checkedOf(items.SameOsOnly);
    const version = trimText(comboText(items.RenderNodeVersion));
    settings.renderNodeVersion = version !== "" ? version : defaults.renderNodeVersion;
    settings.renderNodePaths = {};
    settings.sharedRoots = [];
    for (const platform of ALL_PLATFORMS) {
      const path = lineText(this.field<UILineEdit>(RENDER_NODE_FIELD[platform]));
      if (path !== "") settings.renderNodePaths[platform] = path;
    }
    for (let row = 1; row <= SHARED_ROOT_ROWS; row++) {
      const root: Partial<Record<Platform, string>> = {};
      let count = 0;
      for (const platform of ALL_PLATFORMS) {
        const path = lineText(this.field<UILineEdit>(this.rootFieldId(row, platform)));
        if (path !== "") {
          root[platform] = path;
          count++;
        }
      }
      if (count > 0) settings.sharedRoots.push(root);
    }
    settings.tries = intOf(items.Tries, defaults.tries, 0, 100);
    settings.cpus = intOf(items.Cpus, defaults.cpus, 0, 256);
    settings.logDir = lineText(items.LogDir);
    settings.emailTo = lineText(items.EmailTo);
    settings.emailReasons = splitNames(lineText(items.EmailReasons));
    const environment = parseEnvironment(this.environmentText());
    if (environment.ok) settings.environment = environment.environment;
    else {
      settings.environment = {};
      errors.Environment = "Environment " + environment.error + ".";
    }
    const paused = checkedOf(items.Paused);

    if (settings.server === "") errors.Server = "Enter the HQueue server, e.g. hq-server:5000.";
    if (settings.platforms.length === 0 && !settings.sameOsOnly) errors.Platforms = "Tick at least one client OS.";
    if (settings.assignMode !== "any" && settings.assignNames.length === 0) {
      errors.AssignNames =
        settings.assignMode === "clients"
          ? "List at least one client (host name), or fetch them from the server."
          : "List at least one client group, or fetch them from the server.";
    }
    if (settings.frameChoice === "custom" && settings.customFrames === "") errors.CustomFrames = "Type the frames to render, e.g. 1-100 or 1,5,10-20.";
    return { settings, paused, errors };
  }

  /* ---------------------------------------------------------------------------------------------
   * Status lines
   * ------------------------------------------------------------------------------------------ */

  private setLabel(label: UILabel | undefined, text: string, style: string): void {
    if (label === undefined) return;
    const shown = text === "" ? "" : wrapText(text, WRAP);
    writeProp(() => (label.Text = shown));
    writeProp(() => (label.StyleSheet = style));
  }

  private showNotices(): void {
    this.setLabel(this.items.Notice, this.notices.join("\n"), this.notices.length > 0 ? NOTE_STYLE : PLAIN_STYLE);
  }

  private showChecks(): void {
    const planned = this.lastPlan !== undefined && this.planState === "ok";
    const routed = routeChecks(this.checks, planned ? this.lastPlan : this.refusedFindings, ["farm_oses"], planned ? this.osProposal.note : undefined);
    for (const id of CHECK_LABELS) {
      const lines = routed.lines[id];
      const style = routed.blocking[id] ? ERROR_STYLE : lines.length > 0 ? NOTE_STYLE : PLAIN_STYLE;
      if (id === "Checks" || lines.length > 0) this.setLabel(this.items[id], lines.join("\n"), style);
    }
    const missing = this.checks.missingFolders.length > 0;
    writeProp(() => (this.items.CreateFolders.Visible = missing));
  }

  /** Shows field-level problems next to their fields; returns true when there are none. */
  private showFieldErrors(errors: Record<string, string>): boolean {
    const items = this.items;
    this.setLabel(items.EnvironmentStatus, errors.Environment ?? "", ERROR_STYLE);
    if (errors.Environment !== undefined) this.setAdvancedVisible(true);
    const assign = errors.AssignNames ?? "";
    this.setLabel(items.AssignStatus, assign, ERROR_STYLE);
    const frames = errors.CustomFrames;
    if (frames !== undefined) this.setLabel(items.FramesSummary, frames, ERROR_STYLE);
    if (errors.Server !== undefined) this.setLabel(items.ServerStatus, errors.Server, ERROR_STYLE);
    if (errors.Platforms !== undefined) this.setLabel(items.RootsStatus, errors.Platforms, ERROR_STYLE);
    for (const _ in errors) return false;
    return true;
  }

  /* ---------------------------------------------------------------------------------------------
   * Helper
   * ------------------------------------------------------------------------------------------ */

  /**
   * node + the helper. Looked up again when the Node.js field changed since the last lookup (whether or not a
   * TextChanged said so) and after a failed lookup (the artist may have installed Node.js meanwhile).
   */
  private lookupTools(): HelperTools | undefined {
    const nodeText = trimText(textOf(this.items.NodePath, () => this.items.NodePath.Text));
    if (this.toolsLooked && this.toolsProblem === undefined && nodeText === this.toolsNodeText) return this.tools;
    this.toolsLooked = true;
    this.toolsNodeText = nodeText;
    const node: Lookup = findNode(this.host, nodeText);
    if (!node.ok) {
      this.toolsProblem = { ok: false, error: node.error };
      this.tools = undefined;
      return undefined;
    }
    const helper: Lookup = findHelper(this.host, this.studio.helperPath);
    if (!helper.ok) {
      this.toolsProblem = { ok: false, error: helper.error };
      this.tools = undefined;
      return undefined;
    }
    this.toolsProblem = undefined;
    this.tools = { node: node.path, helper: helper.path };
    this.toolsNodeSource = node.source;
    this.showNodeInUse(undefined);
    return this.tools;
  }

  /**
   * The Node.js field says which node runs the helper and, once the helper has answered, its version (the helper
   * reports its own process.version: the comp script never runs node just to ask). A Node.js that is too old is
   * refused by the helper itself, with the fix, like any other failure.
   */
  private showNodeInUse(version: string | undefined): void {
    const tools = this.tools;
    if (tools === undefined) return;
    const text = tools.node + " (" + this.toolsNodeSource + (version !== undefined && version !== "" ? ", Node.js " + version : "") + ")";
    if (this.toolsNodeText === "") writeProp(() => (this.items.NodePath.PlaceholderText = "Found: " + text));
    writeProp(() => (this.items.NodePath.ToolTip = "Node.js in use: " + text));
  }

  /**
   * Runs a helper command in the background; `onDone` gets its answer, or the reason it cannot run (node or helper
   * missing). Returns false (and says so) when another command is still running: one at a time per window.
   */
  private helper(call: HelperCall, what: string, server: string | undefined, onDone: (this: void, answer: HelperResponse) => void): boolean {
    const running = this.runner.busyWith();
    if (running !== undefined) {
      this.setLabel(this.items.Status, "Still busy: " + running + "… Wait for it, or click Stop.", NOTE_STYLE);
      return false;
    }
    const tools = this.lookupTools();
    if (tools === undefined) {
      onDone(this.toolsProblem ?? { ok: false, error: { code: "internal", message: "The helper cannot run." } });
      return true;
    }
    this.runner.run(tools, call, what, server, onDone);
    return true;
  }

  private showToolsProblem(): void {
    if (this.toolsProblem === undefined) return;
    this.setLabel(this.items.Status, describeFailure(this.toolsProblem), ERROR_STYLE);
    // The fix may be the Node.js field, which lives in the advanced section.
    this.setAdvancedVisible(true);
  }

  /* ---------------------------------------------------------------------------------------------
   * Live plan
   * ------------------------------------------------------------------------------------------ */

  /** Re-reads the comp and the fields, re-runs the local checks and asks the helper for the plan. */
  private runPlan(): void {
    this.planTimer.stop();
    // A command on its way is not interrupted: the plan follows it (Submit plans what it sends anyway).
    if (this.runner.busyWith() !== undefined) {
      if (this.runner.isSubmitting() || this.submitPlanning || this.planQueued) return;
      this.planQueued = true;
      this.runner.afterCurrent(() => {
        this.planQueued = false;
        if (this.runner.busyWith() === undefined) this.runPlan();
      });
      return;
    }
    this.comp = this.host.readComp();
    this.planWith(this.readFields(), this.comp);
  }

  /** Checks the fields here, then asks the helper for the plan (in the background); `then` runs when it is known. */
  private planWith(read: FieldRead, comp: CompSnapshot, then?: (this: void) => void): void {
    const items = this.items;
    this.checks = preflight(comp, this.host.os, (path) => this.host.dirExists(path));
    this.setLabel(items.FrameRanges, this.frameRangesText(), PLAIN_STYLE);
    this.setLabel(items.RootsStatus, "", PLAIN_STYLE);
    // A Test result stays while it is about the server in the field.
    if (trimText(read.settings.server) !== this.testedServer) {
      this.testedServer = undefined;
      this.setLabel(items.ServerStatus, "", PLAIN_STYLE);
    }
    this.setLabel(items.FramesSummary, "", PLAIN_STYLE);
    this.setLabel(items.Status, "", PLAIN_STYLE);
    // The summary computed here shows until the helper's plan (the authority) answers.
    if (read.errors.CustomFrames === undefined) this.showFramesSummary(read.settings);
    this.planKey = undefined;
    this.planProblems = [];
    this.refusedFindings = undefined;
    if (!this.showFieldErrors(read.errors)) {
      this.planState = "failed";
      this.lastPlan = undefined;
      for (const id of FIELD_ERROR_ORDER) {
        const message = read.errors[id];
        if (message !== undefined) this.planProblems.push(message);
      }
      this.showChecks();
      if (then !== undefined) then();
      return;
    }
    const request = buildRequest(read.settings, comp, this.host.platform, read.paused);
    const call: HelperCall = {
      command: "plan",
      request,
      // Without shared roots the helper may ask the server for its roots: a short timeout.
      options: ["--server-roots", "--server-clients", "--timeout", "3"],
    };
    this.planState = "unknown";
    const started = this.helper(call, "Checking the request", read.settings.server, (response) => {
      this.showPlan(request, response);
      if (then !== undefined) then();
    });
    if (!started) {
      this.planState = "failed";
      this.submitPlanning = false;
    }
  }

  private showPlan(request: SubmitRequest, response: HelperResponse): void {
    const items = this.items;
    this.setLabel(items.Status, "", PLAIN_STYLE);
    if (response.ok && response.command === "plan") {
      this.showNodeInUse(response.nodeVersion);
      this.planState = "ok";
      this.planKey = encodeJson(request);
      this.lastPlan = response;
      this.setLabel(items.FramesSummary, plural(response.frameCount, "frame", "frames") + " in " + plural(response.taskCount, "task", "tasks"), OK_STYLE);
      this.proposeClientOses(request, response.farm);
    } else if (!response.ok) {
      this.planState = "failed";
      this.lastPlan = undefined;
      // The refusal itself shows next to its field (showPlanFailure); the warnings next to it go where they belong.
      this.refusedFindings = { checks: (response.error.checks ?? []).filter((check) => check.level !== "refusal") };
      this.planProblems = [describeFailure(response)];
      this.showPlanFailure(response);
    } else {
      this.planState = "failed";
      this.planProblems = ["The helper answered " + response.command + " to plan."];
      this.setLabel(items.Status, this.planProblems[0], ERROR_STYLE);
    }
    this.showChecks();
  }

  /** Issue 13: a fresh dialog ticks the OSes the farm's clients run (once, never over the artist's ticks); says when shared roots are needed. */
  private proposeClientOses(request: SubmitRequest, farm: PlanResult["farm"]): void {
    const ticked = ALL_PLATFORMS.filter((platform) => checkedOf(this.field<UICheckBox>(OS_CHECKBOX[platform])));
    const state = this.osProposal;
    // Submit's own plan sends what the artist saw: the ticks change only between submissions.
    const mayPropose = state.mayPropose && !state.ticked && !this.submitPlanning && !checkedOf(this.items.SameOsOnly);
    const proposal = proposeOses({ farm, here: this.host.platform, ticked, mayPropose, initial: state.initial, sharedRoots: request.farm.sharedRoots.length, proposed: state.proposed });
    state.note = proposal.note !== "" ? proposal.note : undefined;
    if (farm !== undefined) state.mayPropose = false;
    if (proposal.platforms === undefined) return;
    state.proposed = proposal.platforms;
    for (const platform of ALL_PLATFORMS) {
      const box = this.field<UICheckBox>(OS_CHECKBOX[platform]);
      if (box !== undefined) writeProp(() => (box.Checked = proposal.platforms?.includes(platform) === true));
    }
    // The plan was made for the old ticks: plan again for the new ones (Submit would anyway: the request differs).
    this.onFieldChanged();
  }

  /** Puts the helper's error next to the field it names. */
  private showPlanFailure(failure: Failure): void {
    const items = this.items;
    const text = describeFailure(failure);
    const field = failure.error.field ?? "";
    if (this.toolsProblem !== undefined) {
      this.showToolsProblem();
    } else if (field === LAUNCH_FIELD) {
      this.setLabel(items.Status, text, ERROR_STYLE);
    } else if (field.startsWith("job.frames") || failure.error.code === "bad_frames") {
      this.setLabel(items.FramesSummary, text, ERROR_STYLE);
    } else if (field === "server" || failure.error.code === "unreachable" || failure.error.code === "timeout") {
      this.setLabel(items.ServerStatus, text, ERROR_STYLE);
    } else if (field.startsWith("farm.sharedRoots") || field.startsWith("job.logDir") || failure.error.code === "path_unmapped" || failure.error.code === "unsafe_path") {
      this.setLabel(items.RootsStatus, text, ERROR_STYLE);
    } else if (field.startsWith("farm.assign")) {
      this.setLabel(items.AssignStatus, text, ERROR_STYLE);
    } else if (field.startsWith("job.environment")) {
      this.setLabel(items.EnvironmentStatus, text, ERROR_STYLE);
      this.setAdvancedVisible(true);
    } else {
      this.setLabel(items.Status, text, ERROR_STYLE);
    }
  }

  /* ---------------------------------------------------------------------------------------------
   * Server, clients, groups
   * ------------------------------------------------------------------------------------------ */

  private testServer(): void {
    const server = trimText(textOf(this.items.Server, () => this.items.Server.Text));
    if (server === "") {
      this.setLabel(this.items.ServerStatus, "Enter the HQueue server, e.g. hq-server:5000.", ERROR_STYLE);
      return;
    }
    this.helper({ command: "ping", options: ["--server", server] }, "Contacting " + server, server, (response) => {
      this.setLabel(this.items.Status, "", PLAIN_STYLE);
      this.testedServer = server;
      if (response.ok && response.command === "ping") {
        this.showNodeInUse(response.nodeVersion);
        this.setLabel(this.items.ServerStatus, "Connected: the HQueue server at " + response.server + " answered in " + formatInt(response.milliseconds) + " ms.", OK_STYLE);
      } else if (!response.ok) {
        this.setLabel(this.items.ServerStatus, describeFailure(response), ERROR_STYLE);
      }
    });
  }

  /** Lists the server's clients or client groups (per the Clients choice) in the ServerNames tree. */
  private fetchNames(): void {
    const items = this.items;
    const mode = this.assignMode();
    if (mode === "any") {
      this.setLabel(items.AssignStatus, "Choose Listed clients or Client groups first, then fetch their names from the server.", NOTE_STYLE);
      return;
    }
    const server = trimText(textOf(items.Server, () => items.Server.Text));
    this.helper({ command: mode === "clients" ? "clients" : "groups", options: ["--server", server] }, "Contacting " + server, server, (response) => {
      this.setLabel(items.Status, "", PLAIN_STYLE);
      this.showNames(mode, response);
    });
  }

  private showNames(mode: AssignMode, response: HelperResponse): void {
    const items = this.items;
    if (!response.ok) {
      this.setLabel(items.AssignStatus, describeFailure(response), ERROR_STYLE);
      return;
    }
    const names: string[] = [];
    // Second column: a client's OS and state, a group's member hostnames (as the helper's `clients`/`groups` show them).
    const details: { [name: string]: string } = {};
    if (response.command === "clients") {
      for (const client of response.clients) {
        if (names.includes(client.hostname)) continue;
        names.push(client.hostname);
        const os = client.os === undefined ? undefined : PLATFORM_LABELS[client.os];
        details[client.hostname] = [os ?? client.platform ?? "", client.state ?? ""].filter((part) => part !== "").join(", ");
      }
    } else if (response.command === "groups") {
      for (const group of response.groups) {
        if (names.includes(group.name)) continue;
        names.push(group.name);
        details[group.name] = (group.hostnames ?? []).join(" ");
      }
    }
    names.sort();
    this.serverNamesMode = mode;
    this.fillTree(items.ServerNames, names, mode === "clients" ? "Clients: click one to add it" : "Client groups: click one to add it", (name) => details[name], mode === "clients" ? "OS, state" : "Clients");
    const what = mode === "clients" ? plural(names.length, "client", "clients") : plural(names.length, "client group", "client groups");
    this.setLabel(
      items.AssignStatus,
      names.length > 0 ? "The server has " + what + ": click a name to add it." : "The server has no " + (mode === "clients" ? "clients" : "client groups") + " yet.",
      names.length > 0 ? OK_STYLE : NOTE_STYLE,
    );
  }

  /**
   * Replaces a tree's rows (Tree:Clear/NewItem/AddTopLevelItem, fusion.md §3 Tree row): one column, or two when
   * `detail` gives a second column's text for each row (column 0 stays the name a click picks).
   */
  private fillTree(tree: UITree | undefined, rows: string[], header: string, detail?: (text: string) => string | undefined, detailHeader = ""): void {
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
  }

  /** The first column of the clicked row (`ev.item.Text[0]`, fusion.md §3 Tree row), or undefined. */
  private clickedRowText(ev: UIEvent | undefined): string | undefined {
    const value = readProp(ev, () => ev?.item?.Text[0]);
    return typeof value === "string" && trimText(value) !== "" ? trimText(value) : undefined;
  }

  private addServerName(ev: UIEvent | undefined): void {
    const items = this.items;
    const picked = this.clickedRowText(ev);
    if (picked === undefined) return;
    if (this.serverNamesMode !== "any" && this.assignMode() !== this.serverNamesMode) {
      selectComboItem(items.AssignMode, ASSIGN_LABELS, ASSIGN_MODES.indexOf(this.serverNamesMode));
    }
    const names = splitNames(textOf(items.AssignNames, () => items.AssignNames.Text));
    if (!names.includes(picked)) names.push(picked);
    this.setText(items.AssignNames, names.join(", "));
    this.setLabel(items.AssignStatus, "", PLAIN_STYLE);
    this.onFieldChanged();
  }

  /* ---------------------------------------------------------------------------------------------
   * Presets
   * ------------------------------------------------------------------------------------------ */

  /** The presets this version could read, in stored order (unreadable entries stay in compStore.entries). */
  private get presets(): NamedPreset[] {
    return readablePresets(this.compStore.entries);
  }

  private refreshPresetList(): void {
    this.fillTree(this.items.PresetTree, this.presets.map((preset) => preset.name), "Presets saved in this comp");
  }

  private presetNamed(name: string | undefined): NamedPreset | undefined {
    if (name === undefined) return undefined;
    for (const preset of this.presets) if (preset.name === name) return preset;
    return undefined;
  }

  /**
   * The preset a row text or a typed name means: the exact name first, then the trimmed text, then the one preset
   * whose trimmed name is the trimmed text (a UI Manager may trim; never a guess between two).
   */
  private presetForText(text: string): NamedPreset | undefined {
    const trimmed = trimText(text);
    if (trimmed === "") return undefined;
    const exact = this.presetNamed(text) ?? this.presetNamed(trimmed);
    if (exact !== undefined) return exact;
    const alike = this.presets.filter((preset) => trimText(preset.name) === trimmed);
    return alike.length === 1 ? alike[0] : undefined;
  }

  /** The clicked preset while it is still stored and the name field still shows what the click put there. */
  private pickedIfShown(fieldText: string): NamedPreset | undefined {
    const picked = this.pickedPreset;
    if (picked === undefined || !this.presets.includes(picked)) return undefined;
    return fieldText === this.pickedFieldText ? picked : undefined;
  }

  private presetFieldText(): string {
    return textOf(this.items.PresetName, () => this.items.PresetName.Text);
  }

  private pickPreset(ev: UIEvent | undefined): void {
    const value = readProp(ev, () => ev?.item?.Text[0]);
    const preset = typeof value === "string" ? this.presetForText(value) : undefined;
    if (preset === undefined) return;
    this.pickedPreset = preset;
    this.setText(this.items.PresetName, preset.name);
    this.pickedFieldText = this.presetFieldText();
  }

  /** The clicked preset while the name field still shows it, else the one the field names, else the one clicked. */
  private selectedPreset(): NamedPreset | undefined {
    const fieldText = this.presetFieldText();
    const shown = this.pickedIfShown(fieldText);
    if (shown !== undefined) return shown;
    const picked = this.pickedPreset !== undefined && this.presets.includes(this.pickedPreset) ? this.pickedPreset : undefined;
    return this.presetForText(fieldText) ?? picked;
  }

  private presetStatus(text: string, style: string): void {
    this.setLabel(this.items.Notice, text, style);
  }

  private noPresetChosen(): void {
    this.presetStatus(
      this.presets.length > 0 ? "Click a preset in the list (or type its name) first." : "This comp has no presets yet: type a name and click Save as Preset.",
      ERROR_STYLE,
    );
  }

  /**
   * Stored data this version cannot read is replaced only when the artist says so (asked before anything changes).
   * Returns true when the write may go ahead; `replace` is then whether the stored data is to be replaced.
   * `question` says what Replace does ("Saving the preset replaces … Replace it?").
   */
  private mayReplace(state: CompStore["state"], question: string): { go: boolean; replace: boolean } {
    if (state.kind !== "unreadable") return { go: true, replace: false };
    const answer = showMessage(
      this.ui,
      this.disp,
      "Replace Stored Settings",
      state.reason + "\n\n" + question,
      [
        { id: "ReplaceStored", text: "Replace" },
        { id: "KeepStored", text: "Cancel" },
      ],
    );
    if (answer === "ReplaceStored") return { go: true, replace: true };
    this.presetStatus("Nothing was changed: the stored data is left as it is.", NOTE_STYLE);
    return { go: false, replace: false };
  }

  /**
   * Whether a preset write may go ahead: stored comp data this version cannot read, or stored presets that are not
   * a plain list, are replaced only when the artist agrees (never reshaped silently).
   */
  private mayWritePresets(action: string): { go: boolean; replace: boolean } {
    const store = this.compStore;
    if (store.state.kind === "unreadable") return this.mayReplace(store.state, action + " replaces the HQueue Render data stored in this comp with this version's. Replace it?");
    if (store.presetsProblem !== undefined) {
      return this.mayReplace(
        { kind: "unreadable", reason: store.presetsProblem },
        action + " replaces the presets stored in this comp with a list of the ones shown here (the other stored settings stay). Replace them?",
      );
    }
    return { go: true, replace: false };
  }

  private presetSettings(): Settings | undefined {
    const read = this.readFields();
    if (read.errors.Environment !== undefined) {
      this.showFieldErrors(read.errors);
      this.presetStatus("Fix the environment variables before saving a preset.", ERROR_STYLE);
      return undefined;
    }
    const settings = copySettings(read.settings);
    settings.jobName = "";
    settings.description = "";
    return settings;
  }

  private savePreset(): void {
    const fieldText = this.presetFieldText();
    const typed = trimText(fieldText);
    if (typed === "") {
      this.presetStatus("Type a name for the preset first.", ERROR_STYLE);
      return;
    }
    const settings = this.presetSettings();
    if (settings === undefined) return;
    const permission = this.mayWritePresets("Saving the preset");
    if (!permission.go) return;
    // The clicked preset while the field still shows it (its name may differ from the trimmed text only in spaces).
    const existing = this.pickedIfShown(fieldText) ?? this.presetNamed(typed);
    let saved: NamedPreset;
    if (existing !== undefined) {
      existing.settings = settings;
      existing.changed = true;
      saved = existing;
    } else {
      saved = { name: typed, settings };
      this.compStore.entries.push({ kind: "preset", preset: saved });
    }
    writePresets(this.host, this.compStore, permission.replace);
    this.refreshPresetList();
    this.pickedPreset = saved;
    this.pickedFieldText = fieldText;
    this.presetStatus("Preset \"" + saved.name + "\" " + (existing !== undefined ? "updated" : "saved") + " in this comp (saved with the comp file when you save the comp).", OK_STYLE);
  }

  private applyPreset(): void {
    const preset = this.selectedPreset();
    if (preset === undefined) return this.noPresetChosen();
    const current = this.readFields().settings;
    this.applySettings(withoutCompOnly(preset.settings, current), false);
    this.presetStatus("Preset \"" + preset.name + "\" applied.", OK_STYLE);
    this.onFieldChanged();
  }

  private renamePreset(): void {
    const preset = this.pickedPreset !== undefined && this.presets.includes(this.pickedPreset) ? this.pickedPreset : undefined;
    const fieldText = this.presetFieldText();
    const name = trimText(fieldText);
    if (preset === undefined) {
      this.presetStatus("Click the preset to rename in the list, type its new name in the name field, then click Rename.", ERROR_STYLE);
      return;
    }
    if (name === "" || name === preset.name || fieldText === this.pickedFieldText) {
      this.presetStatus("Type the new name in the preset name field, then click Rename.", ERROR_STYLE);
      return;
    }
    if (this.presetNamed(name) !== undefined) {
      this.presetStatus("A preset named \"" + name + "\" already exists.", ERROR_STYLE);
      return;
    }
    const permission = this.mayWritePresets("Renaming the preset");
    if (!permission.go) return;
    const old = preset.name;
    preset.name = name;
    writePresets(this.host, this.compStore, permission.replace);
    this.refreshPresetList();
    this.pickedFieldText = fieldText;
    this.presetStatus("Preset \"" + old + "\" renamed to \"" + name + "\".", OK_STYLE);
  }

  private deletePreset(): void {
    const preset = this.selectedPreset();
    if (preset === undefined) return this.noPresetChosen();
    const answer = showMessage(this.ui, this.disp, "Delete Preset", "Delete the preset \"" + preset.name + "\" from this comp?", [
      { id: "ConfirmDelete", text: "Delete" },
      { id: "KeepPreset", text: "Cancel" },
    ]);
    if (answer !== "ConfirmDelete") return;
    const permission = this.mayWritePresets("Deleting the preset");
    if (!permission.go) return;
    this.compStore.entries = this.compStore.entries.filter((entry) => entry.kind !== "preset" || entry.preset !== preset);
    if (this.pickedPreset === preset) this.pickedPreset = undefined;
    writePresets(this.host, this.compStore, permission.replace);
    this.refreshPresetList();
    this.setText(this.items.PresetName, "");
    this.presetStatus("Preset \"" + preset.name + "\" deleted.", OK_STYLE);
  }

  private promotePreset(): void {
    const preset = this.selectedPreset();
    if (preset === undefined) return this.noPresetChosen();
    const permission = this.mayReplace(
      this.studio.state,
      "Making a preset the studio default replaces the HQueue Render studio defaults stored in Fusion's preferences with this version's. Replace it?",
    );
    if (!permission.go) return;
    writeStudioDefaults(this.host, this.studio, preset.settings, permission.replace);
    this.presetStatus(
      "Preset \"" + preset.name + "\" is now the studio default on this computer: comps without their own HQueue settings start from it.",
      OK_STYLE,
    );
  }

  /* ---------------------------------------------------------------------------------------------
   * Fixes and Submit
   * ------------------------------------------------------------------------------------------ */

  private createFolders(): void {
    const failed: string[] = [];
    for (const folder of this.checks.missingFolders) {
      if (!this.host.createDir(folder)) failed.push(folder);
    }
    this.checks = preflight(this.host.readComp(), this.host.os, (path) => this.host.dirExists(path));
    this.showChecks();
    if (failed.length > 0) this.setLabel(this.items.Status, "Could not create " + failed.join(", ") + ".", ERROR_STYLE);
  }

  /**
   * Submit cannot go ahead: the status line says so (the reasons stay next to their fields), and a message window
   * lists the reasons, so a click on Submit never goes unanswered.
   */
  private cannotSubmit(reasons: string[]): void {
    if (this.toolsProblem !== undefined) this.showToolsProblem();
    else this.setLabel(this.items.Status, "Fix the problems shown above, then submit again.", ERROR_STYLE);
    const text = reasons.length > 0 ? reasons.join("\n\n") : "Fix the problems shown in the dialog, then submit again.";
    showMessage(this.ui, this.disp, "Cannot Submit", text, [{ id: "MessageOk", text: "OK" }]);
  }

  /**
   * Reads the comp and every field now, plans that exact request (unless the last plan was made from it), then
   * submits. Works whether or not change events and timers ever fired.
   */
  private submit(): void {
    this.planTimer.stop();
    const running = this.runner.busyWith();
    if (running !== undefined) {
      // Already on its way, or already waiting for its turn: one click, one submission.
      if (this.runner.isSubmitting() || this.submitQueued || this.submitPlanning) return;
      // A check or a test is running: Submit goes as soon as it is over (reading the fields then).
      this.submitQueued = true;
      this.runner.afterCurrent(() => {
        this.submitQueued = false;
        this.submit();
      });
      this.setLabel(this.items.Status, running + "… Submitting once that is done (click Stop to submit sooner).", NOTE_STYLE);
      return;
    }
    const read = this.readFields();
    // The comp may have changed while the dialog was open: check what will really be rendered.
    const comp = this.host.readComp();
    this.comp = comp;
    const fieldsOk = Object.keys(read.errors).length === 0;
    const planned =
      fieldsOk && this.planState === "ok" && this.planKey === encodeJson(buildRequest(read.settings, comp, this.host.platform, read.paused));
    if (!planned) {
      this.submitPlanning = true;
      this.planWith(read, comp, () => {
        this.submitPlanning = false;
        this.submitPlanned(read, comp);
      });
      return;
    }
    this.checks = preflight(comp, this.host.os, (path) => this.host.dirExists(path));
    this.showChecks();
    this.submitPlanned(read, comp);
  }

  /** The request is planned (or failed to be): submits it, or says why it cannot be. */
  private submitPlanned(read: FieldRead, comp: CompSnapshot): void {
    const fieldsOk = Object.keys(read.errors).length === 0;
    // Every reason Submit cannot go ahead: the comp's blockers, then the fields' and the plan's problems.
    const reasons = [...this.checks.blockers];
    if (this.planState !== "ok" || !fieldsOk) for (const problem of this.planProblems) reasons.push(problem);
    const toolsText = this.toolsProblem !== undefined ? describeFailure(this.toolsProblem) : undefined;
    if (toolsText !== undefined && !reasons.includes(toolsText)) reasons.push(toolsText);
    if (reasons.length > 0 || this.planState !== "ok" || !fieldsOk) return this.cannotSubmit(reasons);

    const settings = read.settings;
    let submitted = comp;
    // What remembering `last` in the comp said, once it is written (Save and Submit writes it before saving).
    let compNotes: string[] | undefined;
    let savedFileOnly = false;
    if (comp.modified) {
      const answer = showMessage(
        this.ui,
        this.disp,
        "Unsaved Changes",
        "This comp has unsaved changes. Render nodes open the comp file, so they would render the last saved version.\n\n" +
          "Save the comp and submit it, submit the last saved version, or cancel?",
        [
          { id: "SaveAndSubmit", text: "Save and Submit" },
          { id: "SubmitSaved", text: "Submit Last Saved Version" },
          { id: "CancelSubmit", text: "Cancel" },
        ],
      );
      if (answer === "SaveAndSubmit") {
        // `last` goes in first so that it is part of the saved file; the studio facts wait for the helper's answer.
        compNotes = this.rememberCompSettings(settings);
        if (!this.host.saveComp(comp.fileName)) {
          showMessage(this.ui, this.disp, "Save Failed", "Fusion could not save the comp to " + comp.fileName + ". Nothing was submitted.", [
            { id: "MessageOk", text: "OK" },
          ]);
          return;
        }
        submitted = this.host.readComp();
      } else if (answer === "SubmitSaved") {
        // The farm renders the file on disk: the helper reads its Savers from there.
        savedFileOnly = true;
      } else {
        this.setLabel(this.items.Status, "Not submitted.", PLAIN_STYLE);
        return;
      }
    }

    const early = compNotes ?? [];
    this.setLabel(this.items.Status, ["Submitting to " + settings.server + "…", ...early].join("\n"), early.length > 0 ? NOTE_STYLE : PLAIN_STYLE);
    const request: SubmitRequest = buildRequest(settings, submitted, this.host.platform, read.paused);
    if (savedFileOnly) request.comp.savedFileOnly = true;
    this.helper({ command: "submit", request }, "Submitting to " + settings.server, settings.server, (response) =>
      this.submitAnswered(settings, compNotes, early, response),
    );
  }

  /** What the helper's answer to submit means for the artist (and what is remembered: only a confirmed job). */
  private submitAnswered(settings: Settings, compNotes: string[] | undefined, early: string[], response: HelperResponse): void {
    if (response.ok && response.command === "submit" && this.tools !== undefined) {
      // Only a submission the helper confirmed is remembered: a typo in the server must not become every comp's default.
      const storeNotes = [...(compNotes ?? this.rememberCompSettings(settings)), ...this.rememberStudioSettings(settings)];
      storeNotes.push(...recordSubmittedJob(this.host, settings.server, response, settings.jobName));
      this.setLabel(this.items.Status, ["Submitted to " + settings.server + ".", ...storeNotes].join("\n"), storeNotes.length > 0 ? NOTE_STYLE : PLAIN_STYLE);
      this.submitted = { result: response, server: settings.server, tools: this.tools, storeNotes };
      this.disp.ExitLoop();
      return;
    }
    const text = response.ok ? "The helper answered " + response.command + " to submit." : describeFailure(response);
    if (!response.ok && response.error.field === STOPPED_FIELD) {
      // Stopped before it sent anything (a stop after sending ends as submit_unconfirmed).
      this.setLabel(this.items.Status, ["Not submitted: " + text, ...early].join("\n"), NOTE_STYLE);
      return;
    }
    if (!response.ok && response.error.code === "submit_unconfirmed") {
      // The job may exist: never "failed", nothing remembered either way; the artist checks the server first.
      const base = serverBaseUrl(settings.server);
      const page = this.jobPageOf(text, base);
      this.setLabel(this.items.Status, ["Submission not confirmed: " + text, ...early].join("\n"), NOTE_STYLE);
      const answer = showMessage(this.ui, this.disp, "Submission Not Confirmed", text, [
        { id: "OpenJobPage", text: page !== base + "/" ? "Open Job Page" : "Open Job List" },
        { id: "MessageOk", text: "OK" },
      ]);
      if (answer === "OpenJobPage") this.host.openUrl(page);
      return;
    }
    this.setLabel(this.items.Status, [text, ...early].join("\n"), ERROR_STYLE);
    showMessage(this.ui, this.disp, "Submission Failed", text, [{ id: "MessageOk", text: "OK" }]);
  }

  /** The job page named in an unconfirmed answer (`<base>/jobs/view/<id>`), else the server's job list. */
  private jobPageOf(text: string, base: string): string {
    const marker = base + "/jobs/view/";
    const at = text.indexOf(marker);
    if (at < 0) return base + "/";
    let end = at + marker.length;
    while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
    return end > at + marker.length ? text.substring(at, end) : base + "/";
  }

  /** Submit remembers the settings in the comp (its `last` only). Returns what it could not remember, and why. */
  private rememberCompSettings(settings: Settings): string[] {
    const problem = rememberLast(this.host, this.compStore, settings);
    return problem !== undefined ? [problem] : [];
  }

  /**
   * After a confirmed submission: the studio facts (server, paths, roots) and the Node.js path on this computer.
   * Stored data this version cannot read is left alone: returns the sentences saying so.
   */
  private rememberStudioSettings(settings: Settings): string[] {
    const nodePath = trimText(textOf(this.items.NodePath, () => this.items.NodePath.Text));
    const problem = rememberStudioFacts(this.host, this.studio, settings, nodePath);
    return problem !== undefined ? [problem] : [];
  }
}
