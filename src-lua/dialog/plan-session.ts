/**
 * The dialog's use of the helper: finding node and the helper (tools), running one command at a time in the
 * background (HelperRunner: status line and Stop), and the live plan with its cache (the request the last plan was
 * made from, so that Submit does not plan the same request twice). showPlan records the plan's result in the status
 * state (status-view.ts decides where it shows: problems next to the fields they name, findings where they belong).
 */
import type { Failure, HelperResponse, PlanResult, Platform, SubmitRequest } from "../../types/request";
import { ALL_PLATFORMS, type Settings } from "../settings";
import { buildRequest } from "../build-request";
import { summarizeFrames } from "../frames-summary";
import { LAUNCH_FIELD, findHelper, findNode, type Lookup } from "../helper";
import type { HelperCall, HelperTools } from "../helper-session";
import type { CompSnapshot } from "../host";
import { encodeJson } from "../json";
import { type Preflight, preflight } from "../preflight";
import { plural, trimText } from "../text";
import { sharedRootMessageForRows } from "../../src-node/portable/field-words";
import type { Findings } from "./check-routing";
import { type DialogCore, checkedOf, describeFailure, styleOf, textOf } from "./dialog-core";
import type { FieldBinding, FieldRead } from "./field-binding";
import { HelperRunner } from "./helper-runner";
import { OS_CHECKBOX, frameRangesText } from "./main-layout";
import { proposeOses } from "./os-proposal";
import { type Message, failureLabel, fieldErrorIds } from "./status-view";
import { type ScriptTimer, writeProp } from "./ui";

export type PlanState = "unknown" | "ok" | "failed";

export class PlanSession {
  readonly runner: HelperRunner;
  /** Debounced re-plan after an edit. */
  readonly planTimer: ScriptTimer;
  planState: PlanState = "unknown";
  /** The request the last plan was made from (JSON), to skip planning again on Submit. */
  planKey: string | undefined;
  lastPlan: PlanResult | undefined;
  /** Why the last plan did not succeed, one sentence (or paragraph) per problem, for the Cannot Submit window. */
  planProblems: string[] = [];
  checks: Preflight;
  tools: HelperTools | undefined;
  toolsProblem: Failure | undefined;
  toolsLooked = false;
  /** The Node.js field text the tools were looked up with. */
  toolsNodeText = "";
  /** Where the node in use came from ("KartaLink | Node.js Runtime", "PATH", ...). */
  toolsNodeSource = "";
  /** The dialog rows of the shared roots the running or last plan was asked about (FieldRead.rootRows). */
  private rootRows: number[] = [];
  /** The running plan is Submit's own: a second click adds nothing. */
  submitPlanning = false;
  /** An edit's plan waits for the command that is running. */
  private planQueued = false;
  /** Issue 13: the checks next to a refused plan, shown where they belong (showChecks). */
  private refusedFindings: Findings | undefined;
  /**
   * Issue 13: a fresh dialog (no last settings, no studio defaults) ticks the OSes the farm's clients run, once.
   * `ticked`: the artist clicked an OS box or Same OS Only (MainDialog), which the proposal never overrides.
   */
  readonly osProposal = { mayPropose: false, initial: [] as Platform[], ticked: false, note: undefined as string | undefined, proposed: undefined as Platform[] | undefined };

  constructor(
    private readonly core: DialogCore,
    private readonly fields: FieldBinding,
    initialPlatforms: readonly Platform[],
    /** The fields changed without an event (the OS proposal ticked boxes): what an edit does (per-OS rows, re-plan). */
    private readonly edited: (this: void) => void,
  ) {
    this.checks = preflight(core.comp, core.host.os, (path) => core.host.dirExists(path));
    this.osProposal.mayPropose = core.compStore.lastKind === "absent" && core.studio.defaultsKind === "absent";
    this.osProposal.initial = [...initialPlatforms];
    this.planTimer = core.timers.create("PlanTimer", 500, true, () => this.runPlan(), core.win);
    this.runner = new HelperRunner(core.host, core.timers, "HelperPoll", core.win, {
      status: (text, style) => {
        core.status.setActivity({ text, style: styleOf(style) });
        core.renderStatus();
      },
      showStop: (visible) => writeProp(() => (core.items.StopHelper.Visible = visible)),
      // The answer's continuation records what it means; the line saying what ran is over either way.
      ended: () => core.status.activityEnded(),
    });
  }

  /**
   * node + the helper. Looked up again when the Node.js field changed since the last lookup (whether or not a
   * TextChanged said so) and after a failed lookup (the artist may have installed Node.js meanwhile).
   */
  lookupTools(): HelperTools | undefined {
    const nodeText = trimText(textOf(this.core.items.NodePath, () => this.core.items.NodePath.Text));
    if (this.toolsLooked && this.toolsProblem === undefined && nodeText === this.toolsNodeText) return this.tools;
    this.toolsLooked = true;
    this.toolsNodeText = nodeText;
    const node: Lookup = findNode(this.core.host, nodeText);
    if (!node.ok) {
      this.toolsProblem = { ok: false, error: node.error };
      this.tools = undefined;
      return undefined;
    }
    const helper: Lookup = findHelper(this.core.host, this.core.studio.helperPath);
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
  showNodeInUse(version: string | undefined): void {
    const tools = this.tools;
    if (tools === undefined) return;
    const text = tools.node + " (" + this.toolsNodeSource + (version !== undefined && version !== "" ? ", Node.js " + version : "") + ")";
    if (this.toolsNodeText === "") writeProp(() => (this.core.items.NodePath.PlaceholderText = "Found: " + text));
    writeProp(() => (this.core.items.NodePath.ToolTip = "Node.js in use: " + text));
  }

  /**
   * Runs a helper command in the background; `onDone` gets its answer, or the reason it cannot run (node or helper
   * missing). Returns false (and says so) when another command is still running: one at a time per window.
   */
  helper(call: HelperCall, what: string, server: string | undefined, onDone: (this: void, answer: HelperResponse) => void): boolean {
    const running = this.runner.busyWith();
    if (running !== undefined) {
      this.core.status.setActivity({ text: "Still busy: " + running + "… Wait for it, or click Stop.", style: "note" });
      this.core.renderStatus();
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

  showToolsProblem(): void {
    if (this.toolsProblem === undefined) return;
    this.core.status.showToolsProblem(describeFailure(this.toolsProblem));
    this.core.renderStatus();
    // The fix may be the Node.js field, which lives in the advanced section.
    this.core.setAdvancedVisible(true);
  }

  /** Re-reads the comp and the fields, re-runs the local checks and asks the helper for the plan. */
  runPlan(): void {
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
    this.core.comp = this.core.host.readComp();
    this.planWith(this.fields.readFields(), this.core.comp);
  }

  /** Checks the fields here, then asks the helper for the plan (in the background); `then` runs when it is known. */
  planWith(read: FieldRead, comp: CompSnapshot, then?: (this: void) => void): void {
    this.rootRows = read.rootRows;
    this.checks = preflight(comp, this.core.host.os, (path) => this.core.host.dirExists(path));
    // The summary computed here shows until the helper's plan (the authority) answers.
    const estimate = read.errors.CustomFrames === undefined ? this.framesEstimate(read.settings) : undefined;
    this.core.status.planStarted(trimText(read.settings.server), read.errors, frameRangesText(this.core.comp), estimate);
    this.planKey = undefined;
    this.planProblems = [];
    this.refusedFindings = undefined;
    if (!this.showFieldErrors(read.errors)) {
      this.planState = "failed";
      this.lastPlan = undefined;
      // Every field error, in the order the status area lists them (a new required field included).
      for (const id of fieldErrorIds(read.errors)) this.planProblems.push(read.errors[id]);
      this.showChecks();
      if (then !== undefined) then();
      return;
    }
    const request = buildRequest(read.settings, comp, this.core.host.platform, read.paused);
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
    if (response.ok && response.command === "plan") {
      this.showNodeInUse(response.nodeVersion);
      this.planState = "ok";
      this.planKey = encodeJson(request);
      this.lastPlan = response;
      this.core.status.planCounted({ text: plural(response.frameCount, "frame", "frames") + " in " + plural(response.taskCount, "task", "tasks"), style: "ok" });
      this.proposeClientOses(request, response.farm);
    } else if (!response.ok) {
      this.planState = "failed";
      this.lastPlan = undefined;
      // The refusal itself shows next to its field (showPlanFailure); the warnings next to it go where they belong.
      this.refusedFindings = { checks: (response.error.checks ?? []).filter((check) => check.level !== "refusal") };
      const failure = this.asShown(response);
      this.planProblems = [describeFailure(failure)];
      this.showPlanFailure(failure);
    } else {
      this.planState = "failed";
      this.planProblems = ["The helper answered " + response.command + " to plan."];
      this.core.status.planFailed("Status", this.planProblems[0]);
    }
    this.showChecks();
  }

  /** The helper's refusal as the dialog shows its fields: a shared root named by the row the artist filled in. */
  private asShown(failure: Failure): Failure {
    const field = failure.error.field;
    if (field === undefined) return failure;
    const message = sharedRootMessageForRows(failure.error.message, field, this.rootRows);
    return message === failure.error.message ? failure : { ok: false, error: { ...failure.error, message } };
  }

  /** Issue 13: a fresh dialog ticks the OSes the farm's clients run (once, never over the artist's ticks); says when shared roots are needed. */
  private proposeClientOses(request: SubmitRequest, farm: PlanResult["farm"]): void {
    const core = this.core;
    const ticked = ALL_PLATFORMS.filter((platform) => checkedOf(core.field<UICheckBox>(OS_CHECKBOX[platform])));
    const state = this.osProposal;
    // Submit's own plan sends what the artist saw: the ticks change only between submissions.
    const mayPropose = state.mayPropose && !state.ticked && !this.submitPlanning && !checkedOf(core.items.SameOsOnly);
    const proposal = proposeOses({ farm, here: core.host.platform, ticked, mayPropose, initial: state.initial, sharedRoots: request.farm.sharedRoots.length, proposed: state.proposed });
    state.note = proposal.note !== "" ? proposal.note : undefined;
    if (farm !== undefined) state.mayPropose = false;
    if (proposal.platforms === undefined) return;
    state.proposed = proposal.platforms;
    for (const platform of ALL_PLATFORMS) {
      const box = core.field<UICheckBox>(OS_CHECKBOX[platform]);
      if (box !== undefined) writeProp(() => (box.Checked = proposal.platforms?.includes(platform) === true));
    }
    // The plan was made for the old ticks: the per-OS rows follow them and a plan runs for them (Submit would anyway: the request differs).
    this.edited();
  }

  /** Records the helper's error for the label next to the field it names (status-view.ts failureLabel) and shows that field. */
  private showPlanFailure(failure: Failure): void {
    if (this.toolsProblem !== undefined) return this.showToolsProblem();
    const label = failure.error.field === LAUNCH_FIELD ? "Status" : failureLabel(failure.error);
    this.core.status.planFailed(label, describeFailure(failure));
    // The fix is in the shared roots (shown whatever the client OSes) or in the advanced section.
    if (label === "RootsStatus") this.core.setPerOsVisible(true);
    if (label === "EnvironmentStatus") this.core.setAdvancedVisible(true);
  }

  /** Every finding next to its field (check-routing.ts: Clients, client OSes and shared roots, the list above Submit), each sentence once. */
  showChecks(): void {
    const items = this.core.items;
    const planned = this.lastPlan !== undefined && this.planState === "ok";
    this.core.status.setFindings(this.checks, planned ? this.lastPlan : this.refusedFindings, planned ? this.osProposal.note : undefined);
    this.core.renderStatus();
    const missing = this.checks.missingFolders.length > 0;
    writeProp(() => (items.CreateFolders.Visible = missing));
  }

  /** Shows field-level problems next to their fields (status-view.ts routes them by widget id); returns true when there are none. */
  showFieldErrors(errors: Record<string, string>): boolean {
    this.core.status.setFieldErrors(errors);
    this.core.renderStatus();
    if (errors.Environment !== undefined) this.core.setAdvancedVisible(true);
    for (const _ in errors) return false;
    return true;
  }

  /** The frames fields changed: the summary computed here (no helper run while typing). */
  showFramesSummary(settings: Settings): void {
    this.core.status.framesEstimated(this.framesEstimate(settings));
    this.core.renderStatus();
  }

  private framesEstimate(settings: Settings): Message {
    const summary = summarizeFrames(settings, this.core.comp);
    if (!summary.ok) return { text: summary.error, style: "error" };
    return { text: plural(summary.frameCount, "frame", "frames") + " in " + plural(summary.taskCount, "task", "tasks"), style: "ok" };
  }
}
