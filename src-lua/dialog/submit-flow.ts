/**
 * Submit: reads the comp and every field when clicked, plans that exact request unless the last plan was made from
 * it, asks about unsaved changes, sends it, and says what the answer means. submitAnswered's success branch is the
 * one place a confirmed job is known (settings remembered, `submitted` set, the dialog closes for the monitor).
 */
import type { Submitted } from "../app";
import type { HelperResponse, SubmitRequest } from "../../types/request";
import { buildRequest } from "../build-request";
import { STOPPED_FIELD, serverBaseUrl } from "../helper-session";
import type { CompSnapshot } from "../host";
import { encodeJson } from "../json";
import { preflight } from "../preflight";
import type { Settings } from "../settings";
import { recordSubmittedJob } from "../recent-jobs";
import { rememberLast, rememberStudioFacts } from "../store-write";
import { trimText } from "../text";
import { type DialogCore, describeFailure, textOf } from "./dialog-core";
import type { FieldBinding, FieldRead } from "./field-binding";
import type { PlanSession } from "./plan-session";
import type { StatusStyle } from "./status-view";
import { showMessage } from "./ui";

export class SubmitFlow {
  /** The confirmed job, once there is one. */
  submitted: Submitted | undefined;
  /** Submit was clicked while another helper command ran: it goes when that is over. */
  private submitQueued = false;

  constructor(
    private readonly core: DialogCore,
    private readonly fields: FieldBinding,
    private readonly plan: PlanSession,
  ) {}

  /** The status line's answer to this action (lines joined), shown under the status area's rules (status-view.ts). */
  private say(lines: string[], style: StatusStyle): void {
    this.core.status.setOutcome({ text: lines.join("\n"), style });
    this.core.renderStatus();
  }

  createFolders(): void {
    const failed: string[] = [];
    for (const folder of this.plan.checks.missingFolders) {
      if (!this.core.host.createDir(folder)) failed.push(folder);
    }
    this.plan.checks = preflight(this.core.host.readComp(), this.core.host.os, (path) => this.core.host.dirExists(path));
    this.plan.showChecks();
    if (failed.length > 0) this.say(["Could not create " + failed.join(", ") + "."], "error");
  }

  /**
   * Submit cannot go ahead: the status line says so (the reasons stay next to their fields), and a message window
   * lists the reasons, so a click on Submit never goes unanswered.
   */
  private cannotSubmit(reasons: string[]): void {
    if (this.plan.toolsProblem !== undefined) this.plan.showToolsProblem();
    else this.say(["Fix the problems shown above, then submit again."], "error");
    const text = reasons.length > 0 ? reasons.join("\n\n") : "Fix the problems shown in the dialog, then submit again.";
    showMessage(this.core.ui, this.core.disp, "Cannot Submit", text, [{ id: "MessageOk", text: "OK" }]);
  }

  /**
   * Reads the comp and every field now, plans that exact request (unless the last plan was made from it), then
   * submits. Works whether or not change events and timers ever fired.
   */
  submit(): void {
    this.plan.planTimer.stop();
    const running = this.plan.runner.busyWith();
    if (running !== undefined) {
      // Already on its way, or already waiting for its turn: one click, one submission.
      if (this.plan.runner.isSubmitting() || this.submitQueued || this.plan.submitPlanning) return;
      // A check or a test is running: Submit goes as soon as it is over (reading the fields then).
      this.submitQueued = true;
      this.plan.runner.afterCurrent(() => {
        this.submitQueued = false;
        this.submit();
      });
      // Said as the running command's line: that command is what Submit waits for.
      this.core.status.setActivity({ text: running + "… Submitting once that is done (click Stop to submit sooner).", style: "note" });
      this.core.renderStatus();
      return;
    }
    const read = this.fields.readFields();
    // The comp may have changed while the dialog was open: check what will really be rendered.
    const comp = this.core.host.readComp();
    this.core.comp = comp;
    const fieldsOk = Object.keys(read.errors).length === 0;
    const planned =
      fieldsOk && this.plan.planState === "ok" && this.plan.planKey === encodeJson(buildRequest(read.settings, comp, this.core.host.platform, read.paused));
    if (!planned) {
      this.plan.submitPlanning = true;
      this.plan.planWith(read, comp, () => {
        this.plan.submitPlanning = false;
        this.submitPlanned(read, comp);
      });
      return;
    }
    this.plan.checks = preflight(comp, this.core.host.os, (path) => this.core.host.dirExists(path));
    this.plan.showChecks();
    this.submitPlanned(read, comp);
  }

  /** The request is planned (or failed to be): submits it, or says why it cannot be. */
  private submitPlanned(read: FieldRead, comp: CompSnapshot): void {
    const fieldsOk = Object.keys(read.errors).length === 0;
    // Every reason Submit cannot go ahead: the comp's blockers, then the fields' and the plan's problems.
    const reasons = [...this.plan.checks.blockers];
    if (this.plan.planState !== "ok" || !fieldsOk) for (const problem of this.plan.planProblems) reasons.push(problem);
    const toolsText = this.plan.toolsProblem !== undefined ? describeFailure(this.plan.toolsProblem) : undefined;
    if (toolsText !== undefined && !reasons.includes(toolsText)) reasons.push(toolsText);
    if (reasons.length > 0 || this.plan.planState !== "ok" || !fieldsOk) return this.cannotSubmit(reasons);

    const settings = read.settings;
    let submitted = comp;
    // What remembering `last` in the comp said, once it is written (Save and Submit writes it before saving).
    let compNotes: string[] | undefined;
    let savedFileOnly = false;
    if (comp.modified) {
      const answer = showMessage(
        this.core.ui,
        this.core.disp,
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
        if (!this.core.host.saveComp(comp.fileName)) {
          showMessage(this.core.ui, this.core.disp, "Save Failed", "Fusion could not save the comp to " + comp.fileName + ". Nothing was submitted.", [
            { id: "MessageOk", text: "OK" },
          ]);
          return;
        }
        submitted = this.core.host.readComp();
      } else if (answer === "SubmitSaved") {
        // The farm renders the file on disk: the helper reads its Savers from there.
        savedFileOnly = true;
      } else {
        this.say(["Not submitted."], "plain");
        return;
      }
    }

    const early = compNotes ?? [];
    this.say(["Submitting to " + settings.server + "…", ...early], early.length > 0 ? "note" : "plain");
    const request: SubmitRequest = buildRequest(settings, submitted, this.core.host.platform, read.paused);
    if (savedFileOnly) request.comp.savedFileOnly = true;
    this.plan.helper({ command: "submit", request }, "Submitting to " + settings.server, settings.server, (response) =>
      this.submitAnswered(settings, compNotes, early, response),
    );
  }

  /** What the helper's answer to submit means for the artist (and what is remembered: only a confirmed job). */
  private submitAnswered(settings: Settings, compNotes: string[] | undefined, early: string[], response: HelperResponse): void {
    if (response.ok && response.command === "submit" && this.plan.tools !== undefined) {
      // Only a submission the helper confirmed is remembered: a typo in the server must not become every comp's default.
      const storeNotes = [...(compNotes ?? this.rememberCompSettings(settings)), ...this.rememberStudioSettings(settings)];
      storeNotes.push(...recordSubmittedJob(this.core.host, settings.server, response, settings.jobName));
      this.say(["Submitted to " + settings.server + ".", ...storeNotes], storeNotes.length > 0 ? "note" : "plain");
      this.submitted = { result: response, server: settings.server, tools: this.plan.tools, storeNotes };
      this.core.disp.ExitLoop();
      return;
    }
    const text = response.ok ? "The helper answered " + response.command + " to submit." : describeFailure(response);
    if (!response.ok && response.error.field === STOPPED_FIELD) {
      // Stopped before it sent anything (a stop after sending ends as submit_unconfirmed).
      this.say(["Not submitted: " + text, ...early], "note");
      return;
    }
    if (!response.ok && response.error.code === "submit_unconfirmed") {
      // The job may exist: never "failed", nothing remembered either way; the artist checks the server first.
      const base = serverBaseUrl(settings.server);
      const page = this.jobPageOf(text, base);
      this.say(["Submission not confirmed: " + text, ...early], "note");
      const answer = showMessage(this.core.ui, this.core.disp, "Submission Not Confirmed", text, [
        { id: "OpenJobPage", text: page !== base + "/" ? "Open Job Page" : "Open Job List" },
        { id: "MessageOk", text: "OK" },
      ]);
      if (answer === "OpenJobPage") this.core.host.openUrl(page);
      return;
    }
    this.say([text, ...early], "error");
    showMessage(this.core.ui, this.core.disp, "Submission Failed", text, [{ id: "MessageOk", text: "OK" }]);
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
    const problem = rememberLast(this.core.host, this.core.compStore, settings);
    return problem !== undefined ? [problem] : [];
  }

  /**
   * After a confirmed submission: the studio facts (server, paths, roots) and the Node.js path on this computer.
   * Stored data this version cannot read is left alone: returns the sentences saying so.
   */
  private rememberStudioSettings(settings: Settings): string[] {
    const nodePath = trimText(textOf(this.core.items.NodePath, () => this.core.items.NodePath.Text));
    const problem = rememberStudioFacts(this.core.host, this.core.studio, settings, nodePath);
    return problem !== undefined ? [problem] : [];
  }
}
