/**
 * The Jobs view: this comp's recent jobs (recent-jobs.ts) with their status and progress, asked of the helper's
 * `status` one job after another in the background (never a wait on Fusion's UI thread), and what can be done to the
 * selected job: follow it in the monitor, resume it, retry its failed tasks, open its page, render its missing frames.
 * The first row is the comp's last job, selected when the view opens.
 */
import type { Failure, HelperResponse } from "../../types/request";
import { type HelperTools, STOPPED_FIELD } from "../helper-session";
import { type RecentJob, readRecentJobs } from "../recent-jobs";
import { formatInt } from "../text";
import { HelperRunner } from "./helper-runner";
import { type ActionContext, failureText, jobPage, renderMissing, resumeJob, retryJob } from "./job-actions";
import type { AppContext } from "../app";
import { followRecentJob, percent } from "./followed-job";
import { Monitor } from "./monitor";
import { ERROR_STYLE, NOTE_STYLE, PLAIN_STYLE, hgroup, installCloseHotkeys, readProp, vgroup, withChildren, wrapText, writeProp } from "./ui";

export const JOBS_WINDOW_ID = "KartaLinkHQueueJobs";
const WRAP = 100;
const COLUMNS = ["Job", "Name", "Submitted", "Status", "Progress", "Server"];
const STATUS_COLUMN = 3;
const PROGRESS_COLUMN = 4;

interface JobsItems {
  JobTree: UITree;
  JobDetail: UILabel;
  JobsStatus: UILabel;
  JobAnswer: UILabel;
  StopJobsHelper: UIButton;
}

/** "2026-12-06 06:15" (local time), or "" when unknown. */
function submittedText(seconds: number | undefined): string {
  if (seconds === undefined) return "";
  const [ok, text] = pcall(() => os.date("%Y-%m-%d %H:%M", seconds));
  return ok && typeof text === "string" ? text : "";
}

export class JobsView {
  private readonly win: UIWindow;
  private readonly items: JobsItems;
  private readonly jobs: RecentJob[];
  private readonly rows: UITreeItem[] = [];
  private selected = 0;
  /** Jobs whose status is still to be asked for (indexes into `jobs`), in order. */
  private queue: number[] = [];
  /** Rows whose status has been shown (a refresh an action stopped goes on with the others afterwards). */
  private readonly answered: boolean[] = [];
  /** The running helper only asks for a status (an action may stop it; it never stops an action). */
  private asking = false;
  private readonly runner: HelperRunner;

  constructor(private readonly ctx: AppContext, private readonly tools: HelperTools | undefined, private readonly toolsProblem: Failure | undefined, compName: string) {
    const ui = ctx.ui;
    const recent = readRecentJobs(ctx.host);
    this.jobs = recent.jobs;
    const button = (id: string, text: string): UIElement => ui.Button({ ID: id, Text: text, Weight: 0 });
    this.win = ctx.disp.AddWindow(
      withChildren(
        { ID: JOBS_WINDOW_ID, TargetID: JOBS_WINDOW_ID, WindowTitle: "HQueue Jobs: " + compName, Geometry: [180, 140, 760, 420] as [number, number, number, number], Spacing: 6 },
        [
          vgroup(ui, {}, [
            ui.Label({ ID: "JobsTitle", Text: "Recent jobs of " + compName + ", newest first. Click a job to select it.", Weight: 0 }),
            ui.Tree({ ID: "JobTree", SortingEnabled: false, Weight: 1, Events: { ItemClicked: true } }),
            ui.Label({ ID: "JobDetail", Text: "", Weight: 0 }),
            ui.Label({ ID: "JobsNotices", Text: wrapText(recent.notices.join("\n"), WRAP), Weight: 0, StyleSheet: recent.notices.length > 0 ? NOTE_STYLE : PLAIN_STYLE }),
            ui.Label({ ID: "JobsStatus", Text: "", Weight: 0 }),
            ui.Label({ ID: "JobAnswer", Text: "", Weight: 0 }),
            hgroup(ui, { Weight: 0 }, [
              button("OpenMonitor", "Open Monitor"),
              button("ResumeJob", "Resume"),
              button("RetryJob", "Retry Failed Tasks"),
              button("RenderMissing", "Render Missing Frames"),
              button("OpenJobPage", "Open Web Page"),
            ]),
            hgroup(ui, { Weight: 0 }, [
              button("RefreshJobs", "Refresh"),
              ui.HGap(0, 1),
              ui.Button({ ID: "StopJobsHelper", Text: "Stop", Weight: 0, Visible: false }),
              button("CloseJobs", "Close"),
            ]),
          ]),
        ],
      ),
    );
    installCloseHotkeys(JOBS_WINDOW_ID);
    this.items = this.win.GetItems<JobsItems>();
    this.fillTree();
    this.runner = new HelperRunner(ctx.host, ctx.timers, "JobsHelperPoll", this.win, {
      status: (text, style) => this.status(text, style),
      showStop: (visible) => writeProp(() => (this.items.StopJobsHelper.Visible = visible)),
    });
    const on = this.win.On;
    const handle = (id: string, event: keyof UIElementHandlers, fn: UIEventHandler): void => {
      pcall(() => {
        on[id][event] = fn;
      });
    };
    handle("JobTree", "ItemClicked", (ev) => this.select(ev));
    handle("OpenMonitor", "Clicked", () => this.openMonitor());
    handle("ResumeJob", "Clicked", () => this.act((action, job) => resumeJob(action, job)));
    handle("RetryJob", "Clicked", () => this.act((action, job) => retryJob(action, job)));
    handle("RenderMissing", "Clicked", () => this.act((action, job) => renderMissing(action, job)));
    handle("OpenJobPage", "Clicked", () => this.openPage());
    handle("RefreshJobs", "Clicked", () => this.refresh());
    handle("StopJobsHelper", "Clicked", () => this.stopRefresh());
    handle("CloseJobs", "Clicked", () => ctx.disp.ExitLoop());
    handle(JOBS_WINDOW_ID, "Close", () => ctx.disp.ExitLoop());
  }

  /** Shows the view until it is closed (a nested loop, like a message window); helper runs on the way are stopped. */
  run(): void {
    this.win.Show();
    this.showDetail();
    if (this.jobs.length === 0) this.status("No job has been submitted from this comp yet (jobs are listed here once the server accepted them).", PLAIN_STYLE);
    else this.refresh();
    this.ctx.disp.RunLoop();
    this.queue = [];
    this.runner.abandon();
    this.win.Hide();
  }

  /** The status line: what the helper is doing, the statuses as they come in. */
  private status(text: string, style: string): void {
    this.write(this.items.JobsStatus, text, style);
  }

  /** The last action's answer: it stays while the statuses are asked again. */
  private answer(text: string, style: string): void {
    this.write(this.items.JobAnswer, text, style);
  }

  private write(label: UILabel, text: string, style: string): void {
    writeProp(() => (label.Text = wrapText(text, WRAP)));
    writeProp(() => (label.StyleSheet = style));
  }

  private fillTree(): void {
    const tree = this.items.JobTree;
    pcall(() => {
      tree.ColumnCount = COLUMNS.length;
      tree.SetHeaderLabels(COLUMNS);
      tree.Clear();
      for (const job of this.jobs) {
        const row = tree.NewItem();
        row.Text[0] = formatInt(job.id);
        row.Text[1] = job.name ?? "";
        row.Text[2] = submittedText(job.submitted);
        row.Text[STATUS_COLUMN] = "…";
        row.Text[PROGRESS_COLUMN] = "";
        row.Text[5] = job.server;
        tree.AddTopLevelItem(row);
        this.rows.push(row);
      }
    });
  }

  /** A row click: the row's job id and server (columns 0 and 5) pick the job; a click the script cannot read changes nothing. */
  private select(ev: UIEvent | undefined): void {
    const idText = readProp(ev, () => ev?.item?.Text[0]);
    const server = readProp(ev, () => ev?.item?.Text[5]);
    const id = typeof idText === "string" ? tonumber(idText) : undefined;
    for (let i = 0; i < this.jobs.length; i++) {
      if (this.jobs[i].id === id && (typeof server !== "string" || server === this.jobs[i].server)) {
        this.selected = i;
        break;
      }
    }
    this.showDetail();
  }

  private current(): RecentJob | undefined {
    return this.jobs[this.selected];
  }

  private showDetail(): void {
    const job = this.current();
    const text =
      job === undefined
        ? ""
        : "Selected: job " + formatInt(job.id) + (job.name !== undefined ? " \"" + job.name + "\"" : "") + " on " + job.server + "\nPage: " + jobPage(job) +
          "\nJob folder: " + (job.jobFolder ?? "none (Render Missing Frames needs one)");
    writeProp(() => (this.items.JobDetail.Text = wrapText(text, WRAP)));
  }

  /** Asks for every listed job's status, one after the other. */
  private refresh(): void {
    const running = this.runner.busyWith();
    if (running !== undefined) return this.answer("Still busy: " + running + "… Wait for it, or click Stop.", NOTE_STYLE);
    this.queue = [];
    for (let i = 0; i < this.jobs.length; i++) this.queue.push(i);
    this.next();
  }

  private stopRefresh(): void {
    this.queue = [];
    this.runner.stop();
  }

  private next(): void {
    const index = this.queue.shift();
    if (index === undefined) return;
    this.ask(index, () => this.next());
  }

  /** One job's status into its row; `then` runs when the answer is in. */
  private ask(index: number, then: (this: void) => void): void {
    const tools = this.tools;
    const job = this.jobs[index];
    if (tools === undefined || job === undefined) {
      if (tools === undefined) this.noTools();
      return;
    }
    const idText = formatInt(job.id);
    const call = { command: "status" as const, positionals: [idText], options: ["--server", job.server, "--max-tasks", "0"] };
    this.asking = true;
    this.runner.run(tools, call, "Asking " + job.server + " about job " + idText, job.server, (response) => {
      this.asking = false;
      this.showStatus(index, response);
      then();
    });
  }

  private showStatus(index: number, response: HelperResponse): void {
    const row = this.rows[index];
    if (row === undefined) return;
    const job = this.jobs[index];
    // A run the artist or an action stopped says nothing about the job: the row waits for the next ask.
    if (!response.ok && response.error.field === STOPPED_FIELD) {
      return this.status("Stopped. Refresh asks for the statuses again.", NOTE_STYLE);
    }
    this.answered[index] = true;
    if (response.ok && response.command === "status") {
      pcall(() => {
        row.Text[STATUS_COLUMN] = response.job.status;
        row.Text[PROGRESS_COLUMN] = percent(response.job.progress);
      });
      this.status("Job " + formatInt(job.id) + ": " + response.job.status + ", " + percent(response.job.progress) + ".", PLAIN_STYLE);
      return;
    }
    const failed = failureText("get the status of job " + formatInt(job.id), response);
    pcall(() => {
      row.Text[STATUS_COLUMN] = !response.ok && response.error.code === "not_found" ? "not on the server" : "unknown";
    });
    this.status(failed.text, failed.style);
  }

  private noTools(): void {
    const problem = this.toolsProblem;
    const text = problem !== undefined ? problem.error.message + (problem.error.hint !== undefined ? " " + problem.error.hint : "") : "The helper cannot run.";
    this.status(text, ERROR_STYLE);
  }

  /** Runs an action on the selected job once no status request is on its way (a pending refresh is dropped). */
  private act(action: (this: void, context: ActionContext, job: RecentJob) => void): void {
    const job = this.current();
    const tools = this.tools;
    if (job === undefined) return this.answer("There is no job to act on: none has been submitted from this comp yet.", NOTE_STYLE);
    if (tools === undefined) return this.noTools();
    const running = this.runner.busyWith();
    if (running !== undefined && !this.asking) {
      return this.answer("Still busy: " + running + "… Wait for it, or click Stop.", NOTE_STYLE);
    }
    this.queue = [];
    const index = this.selected;
    this.runner.stopThen(() => {
      // A stopped ask's own continuation never runs (stopThen replaces it).
      this.asking = false;
      const context: ActionContext = {
        ctx: this.ctx,
        runner: this.runner,
        tools,
        say: (text, style) => this.answer(text, style),
        // The job's row shows its new state (then the rows a stopped refresh left), the answer stays on its line.
        after: () => {
          this.queue = [index];
          for (let i = 0; i < this.jobs.length; i++) if (i !== index && this.answered[i] !== true) this.queue.push(i);
          this.next();
        },
      };
      action(context, job);
    });
  }

  private openPage(): void {
    const job = this.current();
    if (job !== undefined) this.ctx.host.openUrl(jobPage(job));
  }

  /** Follows the selected job in the monitor (its own window and loop); the list is asked again when it closes. */
  private openMonitor(): void {
    const job = this.current();
    const tools = this.tools;
    if (job === undefined) return;
    if (tools === undefined) return this.noTools();
    this.queue = [];
    this.runner.abandon();
    this.asking = false;
    new Monitor(this.ctx, followRecentJob(job, tools)).run();
    pcall(() => this.win.Raise());
    this.refresh();
  }
}

/** The main dialog's Jobs button: the tools it found (or why it found none). */
export function openJobsView(ctx: AppContext, tools: HelperTools | undefined, toolsProblem: Failure | undefined, compName: string): void {
  new JobsView(ctx, tools, toolsProblem, compName).run();
}
