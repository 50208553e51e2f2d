/**
 * After a successful submit: the job id and its web page, and a small monitor that polls the helper's
 * `status <id>` on a ui:Timer (overall and per-task progress) with a Cancel Job button.
 * Closing the monitor only stops watching; the job keeps running on the farm.
 * Each poll runs the helper in the background (helper-runner.ts): Fusion never waits for it, and a server that is
 * slow to answer shows as a waiting status line. Big jobs: the poll interval grows with the task count
 * (pollIntervalFor), at most MAX_TASK_ROWS rows are shown, and rows are updated in place between polls.
 * The monitor follows a job just submitted or one reopened from the Jobs view (FollowedJob). When the job finishes it
 * says so with the outcome, prints ONE line to Fusion's console (outcome and page), and keeps the first failed task's
 * output in view (`log <id> --tail N`, in the background too).
 */
import type { JobState } from "../../types/request";
import type { HelperResponse } from "../../types/request";
import type { HelperTools } from "../helper-session";
import { HelperRunner } from "./helper-runner";
import { type ActionContext, renderMissing } from "./job-actions";
import { formatInt, plural } from "../text";
import type { AppContext } from "../app";
import { type FollowedJob, failedCount, finishLine, finishOutcome, firstFailedOutput, formatOverall, percent } from "./followed-job";
import { ERROR_STYLE, NOTE_STYLE, OK_STYLE, PLAIN_STYLE, type ScriptTimer, hgroup, installCloseHotkeys, showMessage, vgroup, withChildren, wrapText, writeProp } from "./ui";

export { type FollowedJob, followRecentJob, followSubmitted, formatOverall } from "./followed-job";

export const MONITOR_WINDOW_ID = "KartaLinkHQueueMonitor";
export const POLL_INTERVAL_MS = 3000;
/** At most this many task rows are shown; a last row says how many more there are (the counts are in Overall). */
export const MAX_TASK_ROWS = 500;
/** Lines of the first failed task's output kept in view. */
export const FAILED_TAIL_LINES = 30;

/**
 * How often to poll a job with `taskCount` tasks. The helper runs in the background, but its answer is decoded
 * here, on Fusion's UI thread, and the server's work grows with the task count: big jobs are polled less often
 * (a job that big runs for a long time anyway).
 */
export function pollIntervalFor(taskCount: number): number {
  if (taskCount <= 100) return POLL_INTERVAL_MS;
  if (taskCount <= 1000) return 10000;
  return 30000;
}

/** The timer of each interval: a timer's Interval is only documented at creation (fusion.md §3 Timers). */
const POLL_TIMER_IDS: Record<number, string> = { 3000: "MonitorPoll", 10000: "MonitorPoll10s", 30000: "MonitorPoll30s" };

interface MonitorItems {
  JobTitle: UILabel;
  JobUrl: UILabel;
  SubmitNotes: UILabel;
  OpenWeb: UIButton;
  Overall: UILabel;
  TaskTree: UITree;
  MonitorStatus: UILabel;
  CancelJob: UIButton;
  CloseMonitor: UIButton;
  FailedHeading: UILabel;
  FailedOutput: UITextEdit;
  MonitorRenderMissing: UIButton;
}

export class Monitor {
  private readonly win: UIWindow;
  private readonly items: MonitorItems;
  /** Poll timers by interval (made when first needed) and the interval whose timer runs. */
  private readonly timers: { interval: number; timer: ScriptTimer }[] = [];
  private interval = POLL_INTERVAL_MS;
  /** The task rows shown, in order, and the summary row after them (when there are more tasks than rows). */
  private rows: UITreeItem[] = [];
  private rowTaskNames: string[] = [];
  private summaryRow: UITreeItem | undefined;
  private readonly jobId: number;
  private readonly tools: HelperTools;
  private readonly server: string;
  private finished = false;
  /** A status answer said the job was not finished yet: its finish is news (console line). */
  private seenUnfinished = false;
  /** The failed task's output was asked for (while running / once the job finished). */
  private failedAsked = false;
  private failedAskedFinished = false;
  private runner!: HelperRunner;

  constructor(private readonly ctx: AppContext, private readonly job: FollowedJob) {
    const ui = ctx.ui;
    this.jobId = job.jobId;
    this.tools = job.tools;
    this.server = job.server;
    this.seenUnfinished = job.announceFinished;
    const idText = formatInt(job.jobId);
    const notes = job.notes;

    this.win = ctx.disp.AddWindow(
      withChildren(
        {
          ID: MONITOR_WINDOW_ID,
          TargetID: MONITOR_WINDOW_ID,
          WindowTitle: "HQueue Job " + idText,
          Geometry: [160, 120, 640, 460] as [number, number, number, number],
          Spacing: 6,
        },
        [
          vgroup(ui, {}, [
            ui.Label({
              ID: "JobTitle",
              Text: job.headline,
              Weight: 0,
              StyleSheet: OK_STYLE,
            }),
            hgroup(ui, { Weight: 0 }, [
              ui.Label({ ID: "JobUrl", Text: job.url, Weight: 1 }),
              ui.Button({ ID: "OpenWeb", Text: "Open Web Page", Weight: 0 }),
            ]),
            ui.Label({ ID: "SubmitNotes", Text: wrapText(notes.join("\n"), 90), Weight: 0, StyleSheet: notes.length > 0 ? NOTE_STYLE : PLAIN_STYLE }),
            ui.Label({ ID: "Overall", Text: "Waiting for the first status…", Weight: 0 }),
            ui.Tree({ ID: "TaskTree", SortingEnabled: false, Weight: 1 }),
            ui.Label({ ID: "FailedHeading", Text: "", Weight: 0, Visible: false, StyleSheet: ERROR_STYLE }),
            ui.TextEdit({ ID: "FailedOutput", ReadOnly: true, PlainText: "", Weight: 1, Visible: false }),
            ui.Label({ ID: "MonitorStatus", Text: "Closing this window does not cancel the job.", Weight: 0 }),
            hgroup(ui, { Weight: 0 }, [
              ui.Button({ ID: "CancelJob", Text: "Cancel Job", Weight: 0 }),
              ui.Button({ ID: "MonitorRenderMissing", Text: "Render Missing Frames", Weight: 0, Visible: false }),
              ui.HGap(0, 1),
              ui.Button({ ID: "CloseMonitor", Text: "Close", Weight: 0 }),
            ]),
          ]),
        ],
      ),
    );
    installCloseHotkeys(MONITOR_WINDOW_ID);
    this.items = this.win.GetItems<MonitorItems>();
    const tree = this.items.TaskTree;
    pcall(() => {
      tree.ColumnCount = 3;
      tree.SetHeaderLabels(["Task", "Status", "Progress"]);
    });

    const on = this.win.On;
    const handle = (id: string, event: keyof UIElementHandlers, fn: UIEventHandler): void => {
      pcall(() => {
        on[id][event] = fn;
      });
    };
    handle("OpenWeb", "Clicked", () => ctx.host.openUrl(job.url));
    handle("MonitorRenderMissing", "Clicked", () => this.renderMissing());
    handle("CancelJob", "Clicked", () => this.cancelJob());
    handle("CloseMonitor", "Clicked", () => ctx.disp.ExitLoop());
    this.runner = new HelperRunner(
      ctx.host,
      ctx.timers,
      "MonitorHelperPoll",
      this.win,
      { status: (text, style) => this.status(text, style), showStop: () => undefined },
      true,
    );
    handle(MONITOR_WINDOW_ID, "Close", () => ctx.disp.ExitLoop());
  }

  run(): void {
    this.win.Show();
    this.poll();
    this.ctx.disp.RunLoop();
    this.stopTimers();
    // Closing only stops watching: a status or cancel on its way is abandoned (the helper is stopped).
    this.runner.abandon();
    this.win.Hide();
  }

  private timerFor(interval: number): ScriptTimer {
    for (const entry of this.timers) if (entry.interval === interval) return entry.timer;
    const timer = this.ctx.timers.create(POLL_TIMER_IDS[interval] ?? "MonitorPoll", interval, false, () => this.poll(), this.win);
    this.timers.push({ interval, timer });
    return timer;
  }

  private stopTimers(): void {
    for (const entry of this.timers) entry.timer.stop();
  }

  /** The next poll, after the interval that fits the job's size (one timer runs at a time: see Timers.resolve). */
  private scheduleNextPoll(): void {
    this.stopTimers();
    if (!this.finished) this.timerFor(this.interval).start();
  }

  private status(text: string, style: string): void {
    const label = this.items.MonitorStatus;
    writeProp(() => (label.Text = wrapText(text, 90)));
    writeProp(() => (label.StyleSheet = style));
  }

  /** Asks for the job's status in the background; the next poll is scheduled when the answer is in. */
  private poll(): void {
    if (this.runner.busyWith() !== undefined) return;
    this.stopTimers();
    const call = {
      command: "status" as const,
      positionals: [formatInt(this.jobId)],
      // The tree shows MAX_TASK_ROWS rows: the rest need not be sent, nor decoded here (the counts cover all).
      options: ["--server", this.server, "--max-tasks", formatInt(MAX_TASK_ROWS)],
    };
    this.runner.run(this.tools, call, "Asking " + this.server + " for the job's status", this.server, (response) => {
      this.showStatus(response);
      const failed = response.ok && response.command === "status" ? failedCount(response) : 0;
      // The first failed task's output, asked for when tasks first failed and once more when the job finished with
      // failures (the answer may have grown); the next poll waits for it (one helper at a time).
      const ask = failed > 0 && (!this.failedAsked || (this.finished && !this.failedAskedFinished));
      if (ask) {
        this.failedAsked = true;
        this.failedAskedFinished = this.finished;
        this.fetchFailedOutput();
        return;
      }
      this.scheduleNextPoll();
    });
  }

  /** `log <id> --tail N` in the background: the first failed task's output under the task list. */
  private fetchFailedOutput(): void {
    const call = { command: "log" as const, positionals: [formatInt(this.jobId)], options: ["--server", this.server, "--tail", formatInt(FAILED_TAIL_LINES)] };
    this.runner.run(this.tools, call, "Asking " + this.server + " for the failed task's output", this.server, (response) => {
      if (response.ok && response.command === "log") {
        const first = firstFailedOutput(response);
        const heading = first !== undefined ? first.heading : "Output of job " + formatInt(this.jobId) + ":";
        const output = first !== undefined ? first.output : response.output;
        writeProp(() => (this.items.FailedHeading.Text = heading));
        writeProp(() => (this.items.FailedOutput.PlainText = output));
        writeProp(() => (this.items.FailedHeading.Visible = true));
        writeProp(() => (this.items.FailedOutput.Visible = true));
        pcall(() => this.win.RecalcLayout());
      }
      this.scheduleNextPoll();
    });
  }

  /** Render Missing Frames for a finished job with a job folder (the same action as in the Jobs view). */
  private renderMissing(): void {
    const job = this.job;
    if (this.runner.busyWith() !== undefined) return this.status("Still busy: " + (this.runner.busyWith() ?? "") + "… Try again in a moment.", NOTE_STYLE);
    const action: ActionContext = {
      ctx: this.ctx,
      runner: this.runner,
      tools: this.tools,
      say: (text, style) => this.status(text, style),
      after: () => undefined,
    };
    renderMissing(action, { id: job.jobId, server: job.server, jobFolder: job.jobFolder, name: job.name, url: job.url });
  }

  private showStatus(response: HelperResponse): void {
    if (!response.ok) {
      const hint = response.error.hint;
      this.status("Could not get the job's status: " + response.error.message + (hint !== undefined ? " " + hint : "") + " (retrying)", ERROR_STYLE);
      return;
    }
    if (response.command !== "status") return;
    const overall = this.items.Overall;
    writeProp(() => (overall.Text = wrapText(formatOverall(response), 90)));
    writeProp(() => (overall.StyleSheet = response.finished ? (response.succeeded ? OK_STYLE : ERROR_STYLE) : PLAIN_STYLE));
    this.showTasks(response.tasks, response.taskCount ?? response.tasks.length);
    if (response.finished) {
      const news = !this.finished && this.seenUnfinished;
      this.finished = true;
      this.stopTimers();
      // A finished job cannot be cancelled (set from the poll's answer, not from an edit event: never stale).
      writeProp(() => (this.items.CancelJob.Enabled = false));
      const when = os.date("%H:%M", this.ctx.host.now());
      this.status(
        "Job " + formatInt(this.jobId) + " has finished" + (news ? " (" + when + ")" : "") + ": " + finishOutcome(response) + ".",
        response.succeeded ? OK_STYLE : ERROR_STYLE,
      );
      if (this.job.jobFolder !== undefined) writeProp(() => (this.items.MonitorRenderMissing.Visible = true));
      // ONE line in Fusion's console, when the job finished while it was followed (not when reopened finished).
      if (news) this.ctx.host.log(finishLine(this.jobId, response, this.job.url));
    } else {
      this.seenUnfinished = true;
      this.interval = pollIntervalFor(response.taskCount ?? response.tasks.length);
      const why = this.interval > POLL_INTERVAL_MS ? " (less often for a job this big, to keep Fusion responsive)" : "";
      this.status("Updated every " + formatInt(this.interval / 1000) + " s" + why + ". Closing this window does not cancel the job.", PLAIN_STYLE);
    }
  }

  /**
   * Shows the first MAX_TASK_ROWS tasks and a summary row for the rest. When the same tasks are shown as before,
   * only the cells that changed are written (no Clear and rebuild on every poll).
   */
  private showTasks(tasks: JobState[], total: number): void {
    const tree = this.items.TaskTree;
    const shown = math.min(tasks.length, MAX_TASK_ROWS);
    const hidden = math.max(total, tasks.length) - shown;
    const summary = hidden > 0 ? "… and " + plural(hidden, "more task", "more tasks") + " (see the counts above or the web page)" : undefined;
    let same = shown === this.rows.length && (summary !== undefined) === (this.summaryRow !== undefined);
    for (let i = 0; same && i < shown; i++) if (this.rowTaskNames[i] !== tasks[i].name) same = false;
    const [ok] = pcall(() => {
      if (same) {
        for (let i = 0; i < shown; i++) {
          const row = this.rows[i];
          const task = tasks[i];
          const progress = percent(task.progress);
          if (row.Text[1] !== task.status) row.Text[1] = task.status;
          if (row.Text[2] !== progress) row.Text[2] = progress;
        }
        if (this.summaryRow !== undefined && summary !== undefined && this.summaryRow.Text[0] !== summary) this.summaryRow.Text[0] = summary;
        return;
      }
      this.rows = [];
      this.rowTaskNames = [];
      this.summaryRow = undefined;
      tree.Clear();
      for (let i = 0; i < shown; i++) {
        const task = tasks[i];
        const row = tree.NewItem();
        row.Text[0] = task.name;
        row.Text[1] = task.status;
        row.Text[2] = percent(task.progress);
        tree.AddTopLevelItem(row);
        this.rows.push(row);
        this.rowTaskNames.push(task.name);
      }
      if (summary !== undefined) {
        const row = tree.NewItem();
        row.Text[0] = summary;
        tree.AddTopLevelItem(row);
        this.summaryRow = row;
      }
    });
    // A tree that refused an in-place write is rebuilt on the next poll.
    if (!ok) this.rows = [];
  }

  private cancelJob(): void {
    const idText = formatInt(this.jobId);
    const answer = showMessage(
      this.ctx.ui,
      this.ctx.disp,
      "Cancel Job " + idText,
      "Cancel job " + idText + " on the farm? Its running tasks are stopped and waiting tasks will not start.",
      [
        { id: "ConfirmCancelJob", text: "Cancel Job" },
        { id: "KeepJob", text: "Keep Running" },
      ],
    );
    if (answer !== "ConfirmCancelJob") return;
    // A status poll on its way is not worth waiting for: it is stopped, then the cancel goes, then a fresh poll.
    this.runner.stopThen(() => {
      this.stopTimers();
      this.status("Cancelling job " + idText + "…", PLAIN_STYLE);
      const call = { command: "cancel" as const, positionals: [idText], options: ["--server", this.server] };
      this.runner.run(this.tools, call, "Cancelling job " + idText, this.server, (response) => this.cancelAnswered(idText, response));
    });
  }

  private cancelAnswered(idText: string, response: HelperResponse): void {
    if (!response.ok) {
      const hint = response.error.hint;
      this.status("Could not cancel job " + idText + ": " + response.error.message + (hint !== undefined ? " " + hint : ""), ERROR_STYLE);
      this.scheduleNextPoll();
      return;
    }
    this.poll();
    const finished = response.command === "cancel" ? response.alreadyFinished : undefined;
    if (finished !== undefined) {
      this.status("Job " + idText + " had already finished (" + finished + "); nothing was cancelled.", NOTE_STYLE);
      return;
    }
    this.status("Job " + idText + " was cancelled. Closing this window does not change anything on the farm.", NOTE_STYLE);
  }
}
