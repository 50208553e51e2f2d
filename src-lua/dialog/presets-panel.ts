/**
 * The presets panel: the comp's presets (list, name field, Apply/Save/Rename/Delete/Make Studio Default) and the
 * Notice line under it. Stored data this version cannot read is replaced only when the artist agrees.
 */
import { type Settings, copySettings, withoutCompOnly } from "../settings";
import { type CompStore, type NamedPreset, readablePresets } from "../store";
import { writePresets, writeStudioDefaults } from "../store-write";
import { trimText } from "../text";
import { type DialogCore, textOf } from "./dialog-core";
import type { FieldBinding } from "./field-binding";
import type { PlanSession } from "./plan-session";
import type { StatusStyle } from "./status-view";
import { readProp, showMessage } from "./ui";

export class PresetsPanel {
  /**
   * The preset the artist last clicked (the object itself: names that differ only in spaces must not be confused),
   * and what the name field held right after the click (while it still does, the field means this preset).
   */
  private pickedPreset: NamedPreset | undefined;
  private pickedFieldText: string | undefined;

  constructor(
    private readonly core: DialogCore,
    private readonly fields: FieldBinding,
    private readonly plan: PlanSession,
    /** An edit the plan should follow. */
    private readonly edited: (this: void) => void,
  ) {}

  /** The presets this version could read, in stored order (unreadable entries stay in compStore.entries). */
  private get presets(): NamedPreset[] {
    return readablePresets(this.core.compStore.entries);
  }

  refreshPresetList(): void {
    this.core.fillTree(this.core.items.PresetTree, this.presets.map((preset) => preset.name), "Presets saved in this comp");
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
    return textOf(this.core.items.PresetName, () => this.core.items.PresetName.Text);
  }

  pickPreset(ev: UIEvent | undefined): void {
    const value = readProp(ev, () => ev?.item?.Text[0]);
    const preset = typeof value === "string" ? this.presetForText(value) : undefined;
    if (preset === undefined) return;
    this.pickedPreset = preset;
    this.core.setText(this.core.items.PresetName, preset.name);
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

  /** The panel's answer to the artist's last preset action, in the Notice line (status-view.ts). */
  private presetStatus(text: string, style: StatusStyle): void {
    this.core.status.setPresetMessage({ text, style });
    this.core.renderStatus();
  }

  private noPresetChosen(): void {
    this.presetStatus(
      this.presets.length > 0 ? "Click a preset in the list (or type its name) first." : "This comp has no presets yet: type a name and click Save as Preset.",
      "error",
    );
  }

  /**
   * Stored data this version cannot read is replaced only when the artist says so (asked before anything changes).
   * Returns true when the write may go ahead; `replace` is then whether the stored data is to be replaced.
   * `question` says what Replace does ("Saving the preset replaces … Replace it?").
   */
  mayReplace(state: CompStore["state"], question: string): { go: boolean; replace: boolean } {
    if (state.kind !== "unreadable") return { go: true, replace: false };
    const answer = showMessage(
      this.core.ui,
      this.core.disp,
      "Replace Stored Settings",
      state.reason + "\n\n" + question,
      [
        { id: "ReplaceStored", text: "Replace" },
        { id: "KeepStored", text: "Cancel" },
      ],
    );
    if (answer === "ReplaceStored") return { go: true, replace: true };
    this.presetStatus("Nothing was changed: the stored data is left as it is.", "note");
    return { go: false, replace: false };
  }

  /**
   * Whether a preset write may go ahead: stored comp data this version cannot read, or stored presets that are not
   * a plain list, are replaced only when the artist agrees (never reshaped silently).
   */
  private mayWritePresets(action: string): { go: boolean; replace: boolean } {
    const store = this.core.compStore;
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
    const read = this.fields.readFields();
    if (read.errors.Environment !== undefined) {
      this.plan.showFieldErrors(read.errors);
      this.presetStatus("Fix the environment variables before saving a preset.", "error");
      return undefined;
    }
    const settings = copySettings(read.settings);
    settings.jobName = "";
    settings.description = "";
    return settings;
  }

  savePreset(): void {
    const fieldText = this.presetFieldText();
    const typed = trimText(fieldText);
    if (typed === "") {
      this.presetStatus("Type a name for the preset first.", "error");
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
      this.core.compStore.entries.push({ kind: "preset", preset: saved });
    }
    writePresets(this.core.host, this.core.compStore, permission.replace);
    this.refreshPresetList();
    this.pickedPreset = saved;
    this.pickedFieldText = fieldText;
    this.presetStatus("Preset \"" + saved.name + "\" " + (existing !== undefined ? "updated" : "saved") + " in this comp (saved with the comp file when you save the comp).", "ok");
  }

  applyPreset(): void {
    const preset = this.selectedPreset();
    if (preset === undefined) return this.noPresetChosen();
    const current = this.fields.readFields().settings;
    this.fields.applySettings(withoutCompOnly(preset.settings, current), false);
    this.presetStatus("Preset \"" + preset.name + "\" applied.", "ok");
    this.edited();
  }

  renamePreset(): void {
    const preset = this.pickedPreset !== undefined && this.presets.includes(this.pickedPreset) ? this.pickedPreset : undefined;
    const fieldText = this.presetFieldText();
    const name = trimText(fieldText);
    if (preset === undefined) {
      this.presetStatus("Click the preset to rename in the list, type its new name in the name field, then click Rename.", "error");
      return;
    }
    if (name === "" || name === preset.name || fieldText === this.pickedFieldText) {
      this.presetStatus("Type the new name in the preset name field, then click Rename.", "error");
      return;
    }
    if (this.presetNamed(name) !== undefined) {
      this.presetStatus("A preset named \"" + name + "\" already exists.", "error");
      return;
    }
    const permission = this.mayWritePresets("Renaming the preset");
    if (!permission.go) return;
    const old = preset.name;
    preset.name = name;
    writePresets(this.core.host, this.core.compStore, permission.replace);
    this.refreshPresetList();
    this.pickedFieldText = fieldText;
    this.presetStatus("Preset \"" + old + "\" renamed to \"" + name + "\".", "ok");
  }

  deletePreset(): void {
    const preset = this.selectedPreset();
    if (preset === undefined) return this.noPresetChosen();
    const answer = showMessage(this.core.ui, this.core.disp, "Delete Preset", "Delete the preset \"" + preset.name + "\" from this comp?", [
      { id: "ConfirmDelete", text: "Delete" },
      { id: "KeepPreset", text: "Cancel" },
    ]);
    if (answer !== "ConfirmDelete") return;
    const permission = this.mayWritePresets("Deleting the preset");
    if (!permission.go) return;
    this.core.compStore.entries = this.core.compStore.entries.filter((entry) => entry.kind !== "preset" || entry.preset !== preset);
    if (this.pickedPreset === preset) this.pickedPreset = undefined;
    writePresets(this.core.host, this.core.compStore, permission.replace);
    this.refreshPresetList();
    this.core.setText(this.core.items.PresetName, "");
    this.presetStatus("Preset \"" + preset.name + "\" deleted.", "ok");
  }

  promotePreset(): void {
    const preset = this.selectedPreset();
    if (preset === undefined) return this.noPresetChosen();
    const permission = this.mayReplace(
      this.core.studio.state,
      "Making a preset the studio default replaces the HQueue Render studio defaults stored in Fusion's preferences with this version's. Replace it?",
    );
    if (!permission.go) return;
    writeStudioDefaults(this.core.host, this.core.studio, preset.settings, permission.replace);
    this.presetStatus(
      "Preset \"" + preset.name + "\" is now the studio default on this computer: comps without their own HQueue settings start from it.",
      "ok",
    );
  }
}
