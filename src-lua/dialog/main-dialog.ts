/**
 * The submit dialog: layout, reading/writing fields, live plan ("N frames in M tasks" from the helper's
 * `plan`), presets, server test, client/group pickers, pre-flight and Submit.
 * Fusion is reached only through the Host (data) and the UI Manager objects (widgets).
 */
import type { Failure, HelperResponse, PlanResult, Platform, SubmitResult } from "../../types/request";
import { buildRequest, defaultJobName } from "../build-request";
import { LAUNCH_FIELD, findHelper, findNode, type HelperCall, type HelperTools, type Lookup, runHelper } from "../helper";
import type { CompSnapshot, Host } from "../host";
import { type Preflight, preflight } from "../preflight";
import {
  ALL_PLATFORMS,
  type AssignMode,
  type FrameChoice,
  PLATFORM_LABELS,
  RENDER_NODE_VERSIONS,
  type Settings,
  copySettings,
  withoutCompOnly,
} from "../settings";
import {
  type CompStore,
  type NamedPreset,
  type StudioStore,
  rememberStudioFacts,
  saveComp,
  saveStudio,
} from "../store";
import { formatEnvironment, formatFrame, formatInt, parseEnvironment, plural, splitNames, trimText } from "../text";
import {
  ERROR_STYLE,
  NOTE_STYLE,
  OK_STYLE,
  PLAIN_STYLE,
  type Timers,
  formRow,
  heading,
  hgroup,
  installCloseHotkeys,
  showMessage,
  vgroup,
  withChildren,
  wrapText,
} from "./ui";

export const MAIN_WINDOW_ID = "KartaLinkHQueueRender";
export const SHARED_ROOT_ROWS = 4;
const WRAP = 96;

const FRAME_CHOICES: FrameChoice[] = ["render", "global", "custom"];
const ASSIGN_MODES: AssignMode[] = ["any", "clients", "groups"];
const OS_CHECKBOX: Record<Platform, string> = { linux: "OsLinux", macosx: "OsMac", windows: "OsWindows" };
const RENDER_NODE_FIELD: Record<Platform, string> = { linux: "RenderNodeLinux", macosx: "RenderNodeMac", windows: "RenderNodeWindows" };
const ROOT_FIELD_SUFFIX: Record<Platform, string> = { linux: "Linux", macosx: "Mac", windows: "Windows" };

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
}

interface MainItems {
  CompSummary: UILabel;
  PresetList: UIComboBox;
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
  CustomFrames: UILineEdit;
  FramesPerTask: UIRangeItem;
  FramesSummary: UILabel;
  AssignMode: UIComboBox;
  AssignNames: UILineEdit;
  FetchNames: UIButton;
  AssignPicker: UIComboBox;
  AssignAdd: UIButton;
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
  AdvancedGroup: UIItem;
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
  Cancel: UIButton;
  Submit: UIButton;
}

/** Settings read from the fields, plus what the fields themselves got wrong. */
interface FieldRead {
  settings: Settings;
  /** Field ID → message, for problems the helper never sees (e.g. environment lines). */
  errors: Record<string, string>;
}

type PlanState = "unknown" | "ok" | "failed";

function describeFailure(failure: Failure): string {
  const hint = failure.error.hint;
  return failure.error.message + (hint !== undefined && hint !== "" ? "\n" + hint : "");
}

export class MainDialog {
  private readonly host: Host;
  private readonly ui: UIManager;
  private readonly disp: UIDispatcher;
  private win!: UIWindow;
  private items!: MainItems;
  private planTimer!: UITimer;

  private comp: CompSnapshot;
  private studio: StudioStore;
  private presets: NamedPreset[];
  /** The comp's stored last-used settings (kept as read, so saving presets does not change them). */
  private storedLast: Settings | undefined;
  private notices: string[];

  private applying = false;
  private planStale = true;
  private planState: PlanState = "unknown";
  private lastPlan: PlanResult | undefined;
  private checks: Preflight;
  private tools: HelperTools | undefined;
  private toolsProblem: Failure | undefined;
  private toolsLooked = false;
  private submitted: Submitted | undefined;
  private shownFrameLabels = "";

  constructor(private readonly ctx: AppContext, input: MainDialogInput) {
    this.host = ctx.host;
    this.ui = ctx.ui;
    this.disp = ctx.disp;
    this.comp = input.comp;
    this.studio = input.studio;
    this.presets = input.compStore.presets;
    this.storedLast = input.compStore.last;
    this.notices = [...input.studio.notices, ...input.compStore.notices];
    this.checks = preflight(this.comp, (path) => this.host.dirExists(path));
    this.build(input.initial);
  }

  /* ---------------------------------------------------------------------------------------------
   * Layout
   * ------------------------------------------------------------------------------------------ */

  private build(initial: Settings): void {
    const ui = this.ui;
    const spin = (id: string, min: number, max: number, tip: string): UIElement =>
      ui.SpinBox({ ID: id, Minimum: min, Maximum: max, Value: min, ToolTip: tip, Weight: 0, MinimumSize: [90, 0] });
    const line = (id: string, placeholder: string, tip?: string): UIElement => {
      const props: UILineEditProps = { ID: id, PlaceholderText: placeholder, Weight: 1 };
      if (tip !== undefined) props.ToolTip = tip;
      return ui.LineEdit(props);
    };
    const status = (id: string): UIElement => ui.Label({ ID: id, Text: "", Weight: 0 });

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

    const advanced = vgroup(ui, { ID: "AdvancedGroup", Visible: false, Weight: 0 }, [
      formRow(ui, "Tries per task", [spin("Tries", 0, 100, "How often HQueue tries a failed task; 0 = the server's default"), ui.Label({ Text: "0 = server default", Weight: 1 })]),
      formRow(ui, "CPUs per task", [spin("Cpus", 0, 256, "CPUs each task occupies; 0 = the whole machine (one task per client)"), ui.Label({ Text: "0 = the whole machine", Weight: 1 })]),
      formRow(ui, "Log folder", [line("LogDir", "Folder on shared storage for one Fusion log per task (optional)")]),
      formRow(ui, "E-mail to", [line("EmailTo", "Addresses, comma-separated (optional)")]),
      formRow(ui, "E-mail when", [line("EmailReasons", "Events, comma-separated, e.g. succeeded, failed")]),
      formRow(ui, "Environment", [
        ui.TextEdit({ ID: "Environment", PlaceholderText: "NAME=value, one per line", Weight: 1, MinimumSize: [0, 54], AcceptRichText: false }),
      ]),
      status("EnvironmentStatus"),
      formRow(ui, "", [ui.CheckBox({ ID: "Paused", Text: "Submit the job paused", Weight: 1 })]),
      formRow(ui, "Node.js program", [line("NodePath", "Found automatically", "The node program that runs the HQueue Render helper (Node.js 18 or newer)")]),
    ]);

    const body = vgroup(ui, { Spacing: 4 }, [
      ui.Label({ ID: "CompSummary", Text: this.compSummary(), Weight: 0 }),
      formRow(ui, "Preset", [
        ui.ComboBox({ ID: "PresetList", Weight: 1 }),
        ui.Button({ ID: "PresetApply", Text: "Apply", Weight: 0 }),
        ui.Button({ ID: "PresetDelete", Text: "Delete", Weight: 0 }),
        ui.Button({ ID: "PresetPromote", Text: "Make Studio Default", Weight: 0 }),
      ]),
      formRow(ui, "", [
        line("PresetName", "Preset name, e.g. Preview 1 in 10"),
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
      formRow(ui, "Frames", [ui.ComboBox({ ID: "FrameSource", Weight: 0, MinimumSize: [240, 0] }), line("CustomFrames", "e.g. 1-100, 1-100x2, 1,5,10-20")]),
      formRow(ui, "Frames per task", [spin("FramesPerTask", 0, 1000000, "Frames each machine renders per task; 0 = all frames in one task"), ui.Label({ Text: "0 = all frames in one task", Weight: 1 })]),
      status("FramesSummary"),

      heading(ui, "Where to run"),
      formRow(ui, "Clients", [ui.ComboBox({ ID: "AssignMode", Weight: 0, MinimumSize: [160, 0] }), line("AssignNames", "Names, comma-separated")]),
      formRow(ui, "", [
        ui.Button({ ID: "FetchNames", Text: "Fetch from Server", Weight: 0 }),
        ui.ComboBox({ ID: "AssignPicker", Weight: 1 }),
        ui.Button({ ID: "AssignAdd", Text: "Add", Weight: 0 }),
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
        ui.HGap(0, 1),
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
          Geometry: [120, 80, 780, 900] as [number, number, number, number],
        },
        [body],
      ),
    );
    installCloseHotkeys(MAIN_WINDOW_ID);
    this.items = this.win.GetItems<MainItems>();
    const items = this.items;

    items.FrameSource.AddItems(this.frameChoiceLabels());
    this.shownFrameLabels = this.frameChoiceLabels().join("\n");
    items.AssignMode.AddItems(["Any client", "Listed clients", "Client groups"]);
    items.RenderNodeVersion.AddItems([...RENDER_NODE_VERSIONS]);
    this.refreshPresetList(undefined);

    this.planTimer = this.ctx.timers.create("PlanTimer", 500, true, () => this.runPlan());
    this.wire();
    this.applySettings(initial, true);
    this.items.NodePath.Text = this.studio.nodePath;
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

  private rootFieldId(row: number, platform: Platform): string {
    return "Root" + formatInt(row) + ROOT_FIELD_SUFFIX[platform];
  }

  private field<T extends UIItem>(id: string): T {
    return (this.items as unknown as Record<string, T>)[id];
  }

  private frameChoiceLabels(): string[] {
    const comp = this.comp;
    const step = comp.step > 1 ? ", every " + formatFrame(comp.step) + " frames" : "";
    return [
      "Render range " + formatFrame(comp.renderStart) + "-" + formatFrame(comp.renderEnd) + step,
      "Global range " + formatFrame(comp.globalStart) + "-" + formatFrame(comp.globalEnd) + step,
      "Custom frame set",
    ];
  }

  /* ---------------------------------------------------------------------------------------------
   * Events
   * ------------------------------------------------------------------------------------------ */

  private wire(): void {
    const on = this.win.On;
    const changed = (): void => this.onFieldChanged();
    const textFields = ["Server", "JobName", "Description", "CustomFrames", "AssignNames", "RenderNodeLinux", "RenderNodeMac", "RenderNodeWindows", "LogDir", "EmailTo", "EmailReasons", "Environment"];
    for (let row = 1; row <= SHARED_ROOT_ROWS; row++) {
      for (const platform of ALL_PLATFORMS) textFields.push(this.rootFieldId(row, platform));
    }
    for (const id of textFields) on[id].TextChanged = changed;
    for (const id of ["Priority", "FramesPerTask", "Tries", "Cpus"]) on[id].ValueChanged = changed;
    for (const id of ["FrameSource", "AssignMode", "RenderNodeVersion"]) on[id].CurrentIndexChanged = changed;
    for (const id of ["OsLinux", "OsMac", "OsWindows", "SameOsOnly", "Paused"]) on[id].Clicked = changed;
    on.NodePath.TextChanged = () => {
      if (this.applying) return;
      this.tools = undefined;
      this.toolsProblem = undefined;
      this.toolsLooked = false;
      this.onFieldChanged();
    };

    on.ShowAdvanced.Clicked = () => {
      this.items.AdvancedGroup.Visible = this.items.ShowAdvanced.Checked;
      this.win.RecalcLayout();
    };
    on.TestServer.Clicked = () => this.testServer();
    on.FetchNames.Clicked = () => this.fetchNames();
    on.AssignAdd.Clicked = () => this.addPickedName();
    on.PresetApply.Clicked = () => this.applyPreset();
    on.PresetSave.Clicked = () => this.savePreset();
    on.PresetRename.Clicked = () => this.renamePreset();
    on.PresetDelete.Clicked = () => this.deletePreset();
    on.PresetPromote.Clicked = () => this.promotePreset();
    on.CreateFolders.Clicked = () => this.createFolders();
    on.Cancel.Clicked = () => this.disp.ExitLoop();
    on[MAIN_WINDOW_ID].Close = () => this.disp.ExitLoop();
    on.Submit.Clicked = () => this.submit();
  }

  private onFieldChanged(): void {
    if (this.applying) return;
    this.updateEnabledStates();
    this.planStale = true;
    this.planTimer.Stop();
    this.planTimer.Start();
  }

  /** Runs the dialog until Submit succeeds (returns the job) or the artist closes it (undefined). */
  run(): Submitted | undefined {
    this.win.Show();
    this.planTimer.Start();
    this.disp.RunLoop();
    this.planTimer.Stop();
    this.win.Hide();
    return this.submitted;
  }

  /* ---------------------------------------------------------------------------------------------
   * Fields ⇄ settings
   * ------------------------------------------------------------------------------------------ */

  private applySettings(settings: Settings, includeCompFields: boolean): void {
    const items = this.items;
    this.applying = true;
    items.Server.Text = settings.server;
    if (includeCompFields) {
      items.JobName.Text = settings.jobName;
      items.Description.Text = settings.description;
    }
    items.Priority.Value = settings.priority;
    items.FrameSource.CurrentIndex = math.max(0, FRAME_CHOICES.indexOf(settings.frameChoice));
    items.CustomFrames.Text = settings.customFrames;
    items.FramesPerTask.Value = settings.framesPerTask;
    items.AssignMode.CurrentIndex = math.max(0, ASSIGN_MODES.indexOf(settings.assignMode));
    items.AssignNames.Text = settings.assignNames.join(", ");
    for (const platform of ALL_PLATFORMS) {
      this.field<UICheckBox>(OS_CHECKBOX[platform]).Checked = settings.platforms.includes(platform);
      this.field<UILineEdit>(RENDER_NODE_FIELD[platform]).Text = settings.renderNodePaths[platform] ?? "";
    }
    items.SameOsOnly.Checked = settings.sameOsOnly;
    const versionIndex = RENDER_NODE_VERSIONS.indexOf(settings.renderNodeVersion);
    if (versionIndex >= 0) items.RenderNodeVersion.CurrentIndex = versionIndex;
    else {
      items.RenderNodeVersion.AddItem(settings.renderNodeVersion);
      items.RenderNodeVersion.CurrentText = settings.renderNodeVersion;
    }
    for (let row = 1; row <= SHARED_ROOT_ROWS; row++) {
      const root = settings.sharedRoots[row - 1];
      for (const platform of ALL_PLATFORMS) {
        this.field<UILineEdit>(this.rootFieldId(row, platform)).Text = root !== undefined ? root[platform] ?? "" : "";
      }
    }
    items.Tries.Value = settings.tries;
    items.Cpus.Value = settings.cpus;
    items.LogDir.Text = settings.logDir;
    items.EmailTo.Text = settings.emailTo;
    items.EmailReasons.Text = settings.emailReasons.join(", ");
    const environment = formatEnvironment(settings.environment);
    items.Environment.PlainText = environment;
    items.Paused.Checked = settings.paused;
    this.applying = false;
    if (settings.sharedRoots.length > SHARED_ROOT_ROWS) {
      this.notices.push(
        "The settings hold " + formatInt(settings.sharedRoots.length) + " shared roots; this dialog shows the first " +
          formatInt(SHARED_ROOT_ROWS) + ", and only those are used.",
      );
      this.showNotices();
    }
    this.updateEnabledStates();
    this.planStale = true;
  }

  /** TextEdit text: PlainText where the UI Manager has it, else Text. */
  private textEditValue(item: UITextEdit): string {
    const plain = item.PlainText;
    if (typeof plain === "string" && plain !== "") return plain;
    const text = item.Text;
    return typeof text === "string" ? text : "";
  }

  private readFields(): FieldRead {
    const items = this.items;
    const errors: Record<string, string> = {};
    const settings = copySettings(this.studio.defaults);
    settings.server = trimText(items.Server.Text);
    settings.jobName = trimText(items.JobName.Text);
    settings.description = trimText(items.Description.Text);
    settings.priority = math.floor(items.Priority.Value);
    settings.frameChoice = FRAME_CHOICES[math.max(0, math.min(2, items.FrameSource.CurrentIndex))];
    settings.customFrames = trimText(items.CustomFrames.Text);
    settings.framesPerTask = math.floor(items.FramesPerTask.Value);
    settings.assignMode = ASSIGN_MODES[math.max(0, math.min(2, items.AssignMode.CurrentIndex))];
    settings.assignNames = splitNames(items.AssignNames.Text);
    settings.platforms = ALL_PLATFORMS.filter((platform) => this.field<UICheckBox>(OS_CHECKBOX[platform]).Checked === true);
    settings.sameOsOnly = items.SameOsOnly.Checked === true;
    const version = trimText(items.RenderNodeVersion.CurrentText ?? "");
    settings.renderNodeVersion = version !== "" ? version : this.studio.defaults.renderNodeVersion;
    settings.renderNodePaths = {};
    settings.sharedRoots = [];
    for (const platform of ALL_PLATFORMS) {
      const path = trimText(this.field<UILineEdit>(RENDER_NODE_FIELD[platform]).Text);
      if (path !== "") settings.renderNodePaths[platform] = path;
    }
    for (let row = 1; row <= SHARED_ROOT_ROWS; row++) {
      const root: Partial<Record<Platform, string>> = {};
      let count = 0;
      for (const platform of ALL_PLATFORMS) {
        const path = trimText(this.field<UILineEdit>(this.rootFieldId(row, platform)).Text);
        if (path !== "") {
          root[platform] = path;
          count++;
        }
      }
      if (count > 0) settings.sharedRoots.push(root);
    }
    settings.tries = math.floor(items.Tries.Value);
    settings.cpus = math.floor(items.Cpus.Value);
    settings.logDir = trimText(items.LogDir.Text);
    settings.emailTo = trimText(items.EmailTo.Text);
    settings.emailReasons = splitNames(items.EmailReasons.Text);
    const environment = parseEnvironment(this.textEditValue(items.Environment));
    if (environment.ok) settings.environment = environment.environment;
    else {
      settings.environment = {};
      errors.Environment = "Environment " + environment.error + ".";
    }
    settings.paused = items.Paused.Checked === true;

    if (settings.server === "") errors.Server = "Enter the HQueue server, e.g. hq-server:5000.";
    if (settings.platforms.length === 0 && !settings.sameOsOnly) errors.Platforms = "Tick at least one client OS.";
    if (settings.assignMode !== "any" && settings.assignNames.length === 0) {
      errors.AssignNames =
        settings.assignMode === "clients"
          ? "List at least one client (host name), or fetch them from the server."
          : "List at least one client group, or fetch them from the server.";
    }
    if (settings.frameChoice === "custom" && settings.customFrames === "") errors.CustomFrames = "Type the frames to render, e.g. 1-100 or 1,5,10-20.";
    return { settings, errors };
  }

  private updateEnabledStates(): void {
    const items = this.items;
    const custom = FRAME_CHOICES[items.FrameSource.CurrentIndex] === "custom";
    items.CustomFrames.Enabled = custom;
    const assignAny = ASSIGN_MODES[items.AssignMode.CurrentIndex] === "any";
    items.AssignNames.Enabled = !assignAny;
    items.FetchNames.Enabled = !assignAny;
    items.AssignPicker.Enabled = !assignAny;
    items.AssignAdd.Enabled = !assignAny;
    const hasPreset = this.presets.length > 0;
    items.PresetApply.Enabled = hasPreset;
    items.PresetDelete.Enabled = hasPreset;
    items.PresetPromote.Enabled = hasPreset;
    items.PresetRename.Enabled = hasPreset;
  }

  /* ---------------------------------------------------------------------------------------------
   * Status lines
   * ------------------------------------------------------------------------------------------ */

  private setLabel(label: UILabel, text: string, style: string): void {
    label.Text = text === "" ? "" : wrapText(text, WRAP);
    label.StyleSheet = style;
  }

  private showNotices(): void {
    this.setLabel(this.items.Notice, this.notices.join("\n"), this.notices.length > 0 ? NOTE_STYLE : PLAIN_STYLE);
  }

  private showChecks(): void {
    const lines: string[] = [];
    for (const blocker of this.checks.blockers) lines.push("Cannot submit: " + blocker);
    for (const warning of this.checks.warnings) lines.push("Warning: " + warning);
    const plan = this.lastPlan;
    if (plan !== undefined && this.planState === "ok") {
      for (const warning of plan.warnings) lines.push("Warning: " + warning);
      for (const note of plan.notes) lines.push("Note: " + note);
    }
    const style = this.checks.blockers.length > 0 ? ERROR_STYLE : lines.length > 0 ? NOTE_STYLE : PLAIN_STYLE;
    this.setLabel(this.items.Checks, lines.join("\n"), style);
    this.items.CreateFolders.Visible = this.checks.missingFolders.length > 0;
    this.updateSubmit();
  }

  private updateSubmit(): void {
    const blocked = this.checks.blockers.length > 0 || this.toolsProblem !== undefined || this.planState === "failed";
    this.items.Submit.Enabled = !blocked;
  }

  /** Shows field-level problems next to their fields; returns true when there are none. */
  private showFieldErrors(errors: Record<string, string>): boolean {
    const items = this.items;
    this.setLabel(items.EnvironmentStatus, errors.Environment ?? "", ERROR_STYLE);
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

  private lookupTools(): HelperTools | undefined {
    if (this.toolsLooked) return this.tools;
    this.toolsLooked = true;
    const node: Lookup = findNode(this.host, trimText(this.items.NodePath.Text));
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
    if (trimText(this.items.NodePath.Text) === "") this.items.NodePath.PlaceholderText = "Found: " + node.path;
    return this.tools;
  }

  /** Runs a helper command, or returns the reason it cannot run (node or helper missing). */
  private helper(call: HelperCall): HelperResponse {
    const tools = this.lookupTools();
    if (tools === undefined) return this.toolsProblem ?? { ok: false, error: { code: "internal", message: "The helper cannot run." } };
    return runHelper(this.host, tools, call);
  }

  private showToolsProblem(): void {
    if (this.toolsProblem !== undefined) this.setLabel(this.items.Status, describeFailure(this.toolsProblem), ERROR_STYLE);
  }

  /* ---------------------------------------------------------------------------------------------
   * Live plan
   * ------------------------------------------------------------------------------------------ */

  /** Re-reads the comp, re-runs the local checks and asks the helper for the plan. */
  private runPlan(): void {
    this.planTimer.Stop();
    this.planStale = false;
    const items = this.items;
    this.comp = this.host.readComp();
    this.checks = preflight(this.comp, (path) => this.host.dirExists(path));
    this.refreshFrameChoiceLabels();
    this.setLabel(items.RootsStatus, "", PLAIN_STYLE);
    this.setLabel(items.ServerStatus, "", PLAIN_STYLE);
    this.setLabel(items.FramesSummary, "", PLAIN_STYLE);
    this.setLabel(items.Status, "", PLAIN_STYLE);
    const read = this.readFields();
    if (!this.showFieldErrors(read.errors)) {
      this.planState = "failed";
      this.lastPlan = undefined;
      this.showChecks();
      return;
    }
    const response = this.helper({
      command: "plan",
      request: buildRequest(read.settings, this.comp, this.host.platform),
      // Without shared roots the helper may ask the server for its roots; keep the dialog responsive.
      options: ["--server-roots", "--timeout", "3"],
    });
    if (response.ok && response.command === "plan") {
      this.planState = "ok";
      this.lastPlan = response;
      this.setLabel(items.FramesSummary, plural(response.frameCount, "frame", "frames") + " in " + plural(response.taskCount, "task", "tasks"), OK_STYLE);
    } else if (!response.ok) {
      this.planState = "failed";
      this.lastPlan = undefined;
      this.showPlanFailure(response);
    } else {
      this.planState = "failed";
      this.setLabel(items.Status, "The helper answered " + response.command + " to plan.", ERROR_STYLE);
    }
    this.showChecks();
  }

  private refreshFrameChoiceLabels(): void {
    const combo = this.items.FrameSource;
    const labels = this.frameChoiceLabels();
    // Rebuild only when the comp's ranges changed: clearing a combo closes it under the artist's pointer.
    if (labels.join("\n") === this.shownFrameLabels) return;
    this.shownFrameLabels = labels.join("\n");
    const index = combo.CurrentIndex;
    const [cleared] = pcall(() => combo.Clear());
    if (!cleared) return;
    this.applying = true;
    combo.AddItems(labels);
    combo.CurrentIndex = index;
    this.applying = false;
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
    } else {
      this.setLabel(items.Status, text, ERROR_STYLE);
    }
  }

  /* ---------------------------------------------------------------------------------------------
   * Server, clients, groups
   * ------------------------------------------------------------------------------------------ */

  private testServer(): void {
    const server = trimText(this.items.Server.Text);
    if (server === "") {
      this.setLabel(this.items.ServerStatus, "Enter the HQueue server, e.g. hq-server:5000.", ERROR_STYLE);
      return;
    }
    this.setLabel(this.items.ServerStatus, "Testing " + server + "…", PLAIN_STYLE);
    const response = this.helper({ command: "ping", options: ["--server", server] });
    if (response.ok && response.command === "ping") {
      this.setLabel(this.items.ServerStatus, "Connected: the HQueue server at " + response.server + " answered in " + formatInt(response.milliseconds) + " ms.", OK_STYLE);
    } else if (!response.ok) {
      this.setLabel(this.items.ServerStatus, describeFailure(response), ERROR_STYLE);
    }
  }

  private fetchNames(): void {
    const items = this.items;
    const mode = ASSIGN_MODES[items.AssignMode.CurrentIndex];
    if (mode === "any") return;
    const server = trimText(items.Server.Text);
    const response = this.helper({ command: mode === "clients" ? "clients" : "groups", options: ["--server", server] });
    if (!response.ok) {
      this.setLabel(items.AssignStatus, describeFailure(response), ERROR_STYLE);
      return;
    }
    const names: string[] = [];
    if (response.command === "clients") {
      for (const client of response.clients) if (!names.includes(client.hostname)) names.push(client.hostname);
    } else if (response.command === "groups") {
      for (const group of response.groups) if (!names.includes(group.name)) names.push(group.name);
    }
    names.sort();
    pcall(() => items.AssignPicker.Clear());
    if (names.length > 0) items.AssignPicker.AddItems(names);
    const what = mode === "clients" ? plural(names.length, "client", "clients") : plural(names.length, "client group", "client groups");
    this.setLabel(
      items.AssignStatus,
      names.length > 0 ? "The server has " + what + ": pick one and click Add." : "The server has no " + (mode === "clients" ? "clients" : "client groups") + " yet.",
      names.length > 0 ? OK_STYLE : NOTE_STYLE,
    );
  }

  private addPickedName(): void {
    const items = this.items;
    const picked = trimText(items.AssignPicker.CurrentText ?? "");
    if (picked === "") return;
    const names = splitNames(items.AssignNames.Text);
    if (!names.includes(picked)) names.push(picked);
    items.AssignNames.Text = names.join(", ");
    this.onFieldChanged();
  }

  /* ---------------------------------------------------------------------------------------------
   * Presets
   * ------------------------------------------------------------------------------------------ */

  private refreshPresetList(select: string | undefined): void {
    const combo = this.items.PresetList;
    pcall(() => combo.Clear());
    const names = this.presets.map((preset) => preset.name);
    if (names.length > 0) combo.AddItems(names);
    if (select !== undefined) {
      const index = names.indexOf(select);
      if (index >= 0) combo.CurrentIndex = index;
    }
    if (this.items.PresetApply !== undefined) this.updateEnabledStates();
  }

  private selectedPreset(): NamedPreset | undefined {
    const index = this.items.PresetList.CurrentIndex;
    if (index === undefined || index < 0) return undefined;
    const byText = this.items.PresetList.CurrentText;
    for (const preset of this.presets) if (preset.name === byText) return preset;
    return this.presets[index];
  }

  private presetStatus(text: string, style: string): void {
    this.setLabel(this.items.Notice, text, style);
  }

  private writePresets(): void {
    saveComp(this.host, this.storedLast, this.presets);
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
    const name = trimText(this.items.PresetName.Text);
    if (name === "") {
      this.presetStatus("Type a name for the preset first.", ERROR_STYLE);
      return;
    }
    const settings = this.presetSettings();
    if (settings === undefined) return;
    let replaced = false;
    for (const preset of this.presets) {
      if (preset.name === name) {
        preset.settings = settings;
        replaced = true;
      }
    }
    if (!replaced) this.presets.push({ name, settings });
    this.writePresets();
    this.refreshPresetList(name);
    this.presetStatus("Preset \"" + name + "\" " + (replaced ? "updated" : "saved") + " in this comp (saved with the comp file when you save the comp).", OK_STYLE);
  }

  private applyPreset(): void {
    const preset = this.selectedPreset();
    if (preset === undefined) return;
    const current = this.readFields().settings;
    this.applySettings(withoutCompOnly(preset.settings, current), false);
    this.presetStatus("Preset \"" + preset.name + "\" applied.", OK_STYLE);
    this.onFieldChanged();
  }

  private renamePreset(): void {
    const preset = this.selectedPreset();
    if (preset === undefined) return;
    const name = trimText(this.items.PresetName.Text);
    if (name === "" || name === preset.name) {
      this.presetStatus("Type the new name in the preset name field, then click Rename.", ERROR_STYLE);
      return;
    }
    for (const other of this.presets) {
      if (other.name === name) {
        this.presetStatus("A preset named \"" + name + "\" already exists.", ERROR_STYLE);
        return;
      }
    }
    const old = preset.name;
    preset.name = name;
    this.writePresets();
    this.refreshPresetList(name);
    this.presetStatus("Preset \"" + old + "\" renamed to \"" + name + "\".", OK_STYLE);
  }

  private deletePreset(): void {
    const preset = this.selectedPreset();
    if (preset === undefined) return;
    const answer = showMessage(this.ui, this.disp, "Delete Preset", "Delete the preset \"" + preset.name + "\" from this comp?", [
      { id: "ConfirmDelete", text: "Delete" },
      { id: "KeepPreset", text: "Cancel" },
    ]);
    if (answer !== "ConfirmDelete") return;
    this.presets = this.presets.filter((other) => other !== preset);
    this.writePresets();
    this.refreshPresetList(undefined);
    this.presetStatus("Preset \"" + preset.name + "\" deleted.", OK_STYLE);
  }

  private promotePreset(): void {
    const preset = this.selectedPreset();
    if (preset === undefined) return;
    this.studio.defaults = withoutCompOnly(preset.settings, this.studio.defaults);
    saveStudio(this.host, this.studio);
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
    this.checks = preflight(this.host.readComp(), (path) => this.host.dirExists(path));
    this.showChecks();
    if (failed.length > 0) this.setLabel(this.items.Status, "Could not create " + failed.join(", ") + ".", ERROR_STYLE);
  }

  private submit(): void {
    if (this.planStale || this.planState === "unknown") this.runPlan();
    const read = this.readFields();
    // The comp may have changed while the dialog was open: check what will really be rendered.
    const comp = this.host.readComp();
    this.checks = preflight(comp, (path) => this.host.dirExists(path));
    this.showChecks();
    if (this.checks.blockers.length > 0) {
      showMessage(this.ui, this.disp, "Cannot Submit", this.checks.blockers.join("\n\n"), [{ id: "MessageOk", text: "OK" }]);
      return;
    }
    if (this.toolsProblem !== undefined) {
      this.showToolsProblem();
      showMessage(this.ui, this.disp, "Cannot Submit", describeFailure(this.toolsProblem), [{ id: "MessageOk", text: "OK" }]);
      return;
    }
    if (this.planState !== "ok" || !this.showFieldErrors(read.errors)) {
      this.setLabel(this.items.Status, "Fix the problems shown above, then submit again.", ERROR_STYLE);
      return;
    }

    const settings = read.settings;
    let submitted = comp;
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
        // Store the settings first so that they are part of the saved file.
        this.storeSubmittedSettings(settings);
        if (!this.host.saveComp(comp.fileName)) {
          showMessage(this.ui, this.disp, "Save Failed", "Fusion could not save the comp to " + comp.fileName + ". Nothing was submitted.", [
            { id: "MessageOk", text: "OK" },
          ]);
          return;
        }
        submitted = this.host.readComp();
      } else if (answer === "SubmitSaved") {
        this.storeSubmittedSettings(settings);
      } else {
        this.setLabel(this.items.Status, "Not submitted.", PLAIN_STYLE);
        return;
      }
    } else {
      this.storeSubmittedSettings(settings);
    }

    this.setLabel(this.items.Status, "Submitting to " + settings.server + "…", PLAIN_STYLE);
    const request = buildRequest(settings, submitted, this.host.platform);
    const response = this.helper({ command: "submit", request });
    if (response.ok && response.command === "submit" && this.tools !== undefined) {
      this.submitted = { result: response, server: settings.server, tools: this.tools };
      this.disp.ExitLoop();
      return;
    }
    const text = response.ok ? "The helper answered " + response.command + " to submit." : describeFailure(response);
    const title = !response.ok && response.error.code === "submit_unconfirmed" ? "Submission Not Confirmed" : "Submission Failed";
    this.setLabel(this.items.Status, text, ERROR_STYLE);
    showMessage(this.ui, this.disp, title, text, [{ id: "MessageOk", text: "OK" }]);
  }

  /** Submit stores the settings with the comp and the studio facts (server, paths, roots) on this computer. */
  private storeSubmittedSettings(settings: Settings): void {
    this.storedLast = copySettings(settings);
    saveComp(this.host, this.storedLast, this.presets);
    this.studio.defaults = rememberStudioFacts(this.studio.defaults, settings);
    this.studio.nodePath = trimText(this.items.NodePath.Text);
    saveStudio(this.host, this.studio);
  }
}
