/**
 * The dialog's fields and the settings they show: writes settings into the fields (applySettings) and reads them
 * back with what the fields themselves got wrong (readFields). Reading never trusts a change event: it looks at every
 * widget when asked.
 */
import type { Platform } from "../../types/request";
import { choiceRow, intRow } from "../../src-node/portable/fields";
import {
  ALL_PLATFORMS,
  type AssignMode,
  type FrameChoice,
  RENDER_NODE_VERSIONS,
  type Settings,
  advancedDiffers,
  copySettings,
  defaultSettings,
} from "../settings";
import { formatEnvironment, formatInt, parseEnvironment, splitNames, trimText } from "../text";
import { type DialogCore, checkedOf, intOf, looksLikeHtml, textOf } from "./dialog-core";
import { ASSIGN_LABELS, FRAME_LABELS, OS_CHECKBOX, RENDER_NODE_FIELD, SHARED_ROOT_ROWS, rootFieldId } from "./main-layout";
import { comboChoice, comboText, selectComboItem, writeProp } from "./ui";

/** The combos' values, in the order of their entries (the field table's choices). */
export const FRAME_CHOICES: FrameChoice[] = [...choiceRow("frameChoice").choices] as FrameChoice[];
export const ASSIGN_MODES: AssignMode[] = [...choiceRow("assignMode").choices] as AssignMode[];

/** Settings read from the fields, plus what the fields themselves got wrong. */
export interface FieldRead {
  settings: Settings;
  /** "Submit the job paused": this submission only, never stored. */
  paused: boolean;
  /** Field ID → message, for problems the helper never sees (e.g. environment lines). */
  errors: Record<string, string>;
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
  /** Render Node versions the combo holds, in order (the built-in list plus stored ones it did not know). */
  readonly versionLabels: string[] = [...RENDER_NODE_VERSIONS];
  /** What the script last wrote into the Environment field (to tell the artist's edit from a stale twin property). */
  private environmentWritten = "";
  /** True while the script writes the fields: their change events are not the artist's edits. */
  applying = false;

  constructor(private readonly core: DialogCore) {}

  frameChoice(): FrameChoice {
    const index = comboChoice(this.core.items.FrameSource, FRAME_LABELS);
    return index >= 0 ? FRAME_CHOICES[index] : "render";
  }

  assignMode(): AssignMode {
    const index = comboChoice(this.core.items.AssignMode, ASSIGN_LABELS);
    return index >= 0 ? ASSIGN_MODES[index] : "any";
  }

  applySettings(settings: Settings, includeCompFields: boolean): void {
    const items = this.core.items;
    this.applying = true;
    this.core.setText(items.Server, settings.server);
    if (includeCompFields) {
      this.core.setText(items.JobName, settings.jobName);
      this.core.setText(items.Description, settings.description);
    }
    writeProp(() => (items.Priority.Value = settings.priority));
    selectComboItem(items.FrameSource, FRAME_LABELS, math.max(0, FRAME_CHOICES.indexOf(settings.frameChoice)));
    this.core.setText(items.CustomFrames, settings.customFrames);
    writeProp(() => (items.FramesPerTask.Value = settings.framesPerTask));
    selectComboItem(items.AssignMode, ASSIGN_LABELS, math.max(0, ASSIGN_MODES.indexOf(settings.assignMode)));
    this.core.setText(items.AssignNames, settings.assignNames.join(", "));
    for (const platform of ALL_PLATFORMS) {
      const box = this.core.field<UICheckBox>(OS_CHECKBOX[platform]);
      if (box !== undefined) writeProp(() => (box.Checked = settings.platforms.includes(platform)));
      this.core.setText(this.core.field<UILineEdit>(RENDER_NODE_FIELD[platform]), settings.renderNodePaths[platform] ?? "");
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
        this.core.setText(this.core.field<UILineEdit>(rootFieldId(row, platform)), root !== undefined ? root[platform] ?? "" : "");
      }
    }
    writeProp(() => (items.Tries.Value = settings.tries));
    writeProp(() => (items.Cpus.Value = settings.cpus));
    this.core.setText(items.LogDir, settings.logDir);
    this.core.setText(items.JobRoot, settings.jobRoot);
    this.core.setText(items.EmailTo, settings.emailTo);
    this.core.setText(items.EmailReasons, settings.emailReasons.join(", "));
    const environment = formatEnvironment(settings.environment);
    this.environmentWritten = environment;
    writeProp(() => (items.Environment.PlainText = environment));
    // "Submit paused" is not part of the settings: it stays as the artist set it in this dialog (unchecked on open).
    this.applying = false;
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

  readFields(): FieldRead {
    const items = this.core.items;
    const errors: Record<string, string> = {};
    const defaults = this.core.studio.defaults;
    const lineText = (item: UILineEdit | undefined): string => trimText(textOf(item, () => item?.Text));
    const settings = copySettings(defaults);
    settings.server = lineText(items.Server);
    settings.jobName = lineText(items.JobName);
    settings.description = lineText(items.Description);
    settings.priority = intOf(items.Priority, intRow("priority"), defaults.priority);
    settings.frameChoice = this.frameChoice();
    settings.customFrames = lineText(items.CustomFrames);
    settings.framesPerTask = intOf(items.FramesPerTask, intRow("framesPerTask"), defaults.framesPerTask);
    settings.assignMode = this.assignMode();
    settings.assignNames = splitNames(lineText(items.AssignNames));
    settings.platforms = ALL_PLATFORMS.filter((platform) => checkedOf(this.core.field<UICheckBox>(OS_CHECKBOX[platform])));
    settings.sameOsOnly = checkedOf(items.SameOsOnly);
    const version = trimText(comboText(items.RenderNodeVersion));
    settings.renderNodeVersion = version !== "" ? version : defaults.renderNodeVersion;
    settings.renderNodePaths = {};
    settings.sharedRoots = [];
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
      if (count > 0) settings.sharedRoots.push(root);
    }
    settings.tries = intOf(items.Tries, intRow("tries"), defaults.tries);
    settings.cpus = intOf(items.Cpus, intRow("cpus"), defaults.cpus);
    settings.logDir = lineText(items.LogDir);
    settings.jobRoot = lineText(items.JobRoot);
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
}
