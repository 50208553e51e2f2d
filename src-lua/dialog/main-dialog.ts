/**
 * The submit dialog: builds the window and routes each widget to the file that owns it (main-layout, field-binding,
 * plan-session, presets-panel, server-lists, submit-flow; dialog-core holds what they share).
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
import type { AppContext, Submitted } from "../app";
import type { CompSnapshot } from "../host";
import { ALL_PLATFORMS, type Settings } from "../settings";
import type { CompStore, StudioStore } from "../store";
import { trimText } from "../text";
import { DialogCore, checkedOf, textOf } from "./dialog-core";
import { FieldBinding, perOsRowsWanted } from "./field-binding";
import { WIDGET_ROWS, changeEvent } from "./field-widgets";
import { MAIN_WINDOW_ID, OS_CHECKBOX, SHARED_ROOT_ROWS, buildMainWindow, rootFieldId } from "./main-layout";
import { openJobsView } from "./jobs-view";
import { PlanSession } from "./plan-session";
import { PresetsPanel } from "./presets-panel";
import { ServerLists } from "./server-lists";
import { SubmitFlow } from "./submit-flow";
import { showMessage } from "./ui";

export interface MainDialogInput {
  comp: CompSnapshot;
  studio: StudioStore;
  compStore: CompStore;
  initial: Settings;
}

/** The submit dialog: builds the window, connects each widget's events to the part that owns it, runs the loop. */
export class MainDialog {
  private readonly core: DialogCore;
  private readonly fields: FieldBinding;
  private readonly plan: PlanSession;
  private readonly presets: PresetsPanel;
  private readonly serverLists: ServerLists;
  private readonly submitFlow: SubmitFlow;

  constructor(ctx: AppContext, input: MainDialogInput) {
    const { win, items } = buildMainWindow(ctx.ui, ctx.disp, input.comp, ctx.host.platform);
    this.core = new DialogCore(ctx, input.comp, input.studio, input.compStore, win, items);
    this.fields = new FieldBinding(this.core);
    const edited = (): void => this.onFieldChanged();
    this.plan = new PlanSession(this.core, this.fields, input.initial.platforms, edited);
    this.presets = new PresetsPanel(this.core, this.fields, this.plan, edited);
    this.serverLists = new ServerLists(this.core, this.fields, this.plan, edited);
    this.submitFlow = new SubmitFlow(this.core, this.fields, this.plan);
    this.presets.refreshPresetList();
    this.wire();
    this.fields.applySettings(input.initial, true);
    this.showPerOsRows();
    items.NodePath.Text = input.studio.nodePath;
    this.core.showNotices();
    this.plan.showChecks();
  }

  /** Every widget's events, each to the part of the dialog that owns the widget. */
  private wire(): void {
    const core = this.core;
    const handle = (id: string, event: keyof UIElementHandlers, fn: UIEventHandler): void => core.handle(id, event, fn);
    const changed = (): void => this.onFieldChanged();
    // Each scalar field's change event (field-widgets.ts changeEvent), to what an edit of it means.
    const framesChanged = (): void => this.onFramesChanged();
    const onEdit: Record<string, UIEventHandler> = {
      // The frames fields only change the summary, computed here: no helper run while typing (Submit plans anyway).
      framesPerTask: framesChanged,
      frameChoice: framesChanged,
      customFrames: () => this.onCustomFramesChanged(),
      sameOsOnly: () => this.onOsChoice(),
    };
    for (const row of WIDGET_ROWS) {
      const id = row.widget?.id;
      if (id !== undefined) handle(id, changeEvent(row), onEdit[row.key] ?? changed);
    }
    // The structured fields.
    const textFields = ["AssignNames", "RenderNodeLinux", "RenderNodeMac", "RenderNodeWindows", "EmailReasons", "Environment"];
    for (let row = 1; row <= SHARED_ROOT_ROWS; row++) {
      for (const platform of ALL_PLATFORMS) textFields.push(rootFieldId(row, platform));
    }
    for (const id of textFields) handle(id, "TextChanged", changed);
    for (const platform of ALL_PLATFORMS) handle(OS_CHECKBOX[platform], "Clicked", () => this.onOsChoice());
    handle("NodePath", "TextChanged", () => {
      if (this.fields.applying) return;
      this.plan.toolsLooked = false;
      this.onFieldChanged();
    });

    handle("ShowAdvanced", "Clicked", () => {
      core.setAdvancedVisible(checkedOf(core.items.ShowAdvanced));
      this.showPerOsRows();
    });
    handle("TestServer", "Clicked", () => this.serverLists.testServer());
    handle("FetchNames", "Clicked", () => this.serverLists.fetchNames());
    handle("ServerNames", "ItemClicked", (ev) => this.serverLists.addServerName(ev));
    handle("PresetTree", "ItemClicked", (ev) => this.presets.pickPreset(ev));
    handle("PresetApply", "Clicked", () => this.presets.applyPreset());
    handle("PresetSave", "Clicked", () => this.presets.savePreset());
    handle("PresetRename", "Clicked", () => this.presets.renamePreset());
    handle("PresetDelete", "Clicked", () => this.presets.deletePreset());
    handle("PresetPromote", "Clicked", () => this.presets.promotePreset());
    // The bottom button row (main-layout.ts): buttons acting on the whole dialog.
    handle("CreateFolders", "Clicked", () => this.submitFlow.createFolders());
    handle("StopHelper", "Clicked", () => this.plan.runner.stop());
    handle("Cancel", "Clicked", () => this.close());
    handle(MAIN_WINDOW_ID, "Close", () => this.close());
    handle("Submit", "Clicked", () => this.submitFlow.submit());
    handle("OpenJobs", "Clicked", () => openJobsView(core.ctx, this.plan.lookupTools(), this.plan.toolsProblem, core.comp.name));
  }

  /**
   * The per-OS rows when more than one client OS is chosen, the fields or the studio default hold per-OS paths, or
   * the advanced options are shown (a single-OS farm with its own Render Node path or roots reaches them there).
   */
  private showPerOsRows(): void {
    const core = this.core;
    const wanted =
      checkedOf(core.items.ShowAdvanced) || perOsRowsWanted(this.fields.readFields().settings) || perOsRowsWanted(core.studio.defaults);
    core.setPerOsVisible(wanted);
  }

  /** The artist's own OS choice (an OS box or "only this computer's OS"): the client-OS proposal never overrides it. */
  private onOsChoice(): void {
    if (!this.fields.applying) this.plan.osProposal.ticked = true;
    this.onFieldChanged();
  }

  /** Debounced re-plan after an edit (when the UI Manager reports edits and runs timers; Submit does not rely on it). */
  private onFieldChanged(): void {
    if (this.fields.applying) return;
    this.fields.showAssignCaption();
    this.showPerOsRows();
    this.plan.planTimer.stop();
    this.plan.planTimer.start();
  }

  /** Typing custom frames selects "Custom frame set": the field is never disabled, so typing must mean something. */
  private onCustomFramesChanged(): void {
    if (this.fields.applying) return;
    const items = this.core.items;
    if (trimText(textOf(items.CustomFrames, () => items.CustomFrames.Text)) !== "" && this.fields.frameChoice() !== "custom") {
      this.fields.selectChoice("frameChoice", "custom");
    }
    this.onFramesChanged();
  }

  /** "N frames in M tasks" from the frames fields, computed in the script (frames-summary.ts). */
  private onFramesChanged(): void {
    if (this.fields.applying) return;
    this.plan.showFramesSummary(this.fields.readFields().settings);
  }

  /**
   * Cancel or the window's Close. A submission on its way is not abandoned (its answer says whether the job exists):
   * the artist is told to wait or Stop. Any other helper run is stopped and the dialog closes.
   */
  private close(): void {
    const core = this.core;
    if (this.plan.runner.isSubmitting()) {
      pcall(() => core.win.Show());
      showMessage(core.ui, core.disp, "Submission in Progress", "The job is being submitted. Wait for the server's answer, or click Stop first.", [
        { id: "MessageOk", text: "OK" },
      ]);
      return;
    }
    this.plan.runner.abandon();
    core.disp.ExitLoop();
  }

  /** Runs the dialog until Submit succeeds (returns the job) or the artist closes it (undefined). */
  run(): Submitted | undefined {
    const core = this.core;
    core.win.Show();
    this.plan.planTimer.start();
    core.disp.RunLoop();
    this.plan.planTimer.stop();
    core.win.Hide();
    return this.submitFlow.submitted;
  }
}
