/**
 * Runs helper commands for one window without ever blocking Fusion: each run is a background HelperSession polled
 * from a ui:Timer; the window's status line says what is happening and a Stop button ends the wait.
 *
 * A UI Manager whose timers were never seen to fire (fusion.md §11: "Timeout may not fire in some versions") would
 * never poll: there the run is waited for in the click's handler (runToEnd), bounded by the same time limit, so
 * Submit still works, as it did before background runs.
 */
import type { HelperResponse } from "../../types/request";
import { type HelperCall, HelperSession, type HelperTools, runToEnd } from "../helper-session";
import { formatInt } from "../text";
import { NOTE_STYLE, PLAIN_STYLE, type ScriptTimer, type Timers } from "./ui";
import type { Host } from "../host";

/** How often a running helper is looked at. Each look is a few file checks. */
export const HELPER_POLL_MS = 200;
/** From then on the status line counts the seconds and mentions Stop. */
const SAY_WAITING_AFTER_SECONDS = 2;

export interface RunnerView {
  status(text: string, style: string): void;
  showStop(visible: boolean): void;
  /** The command is over, just before its continuation gets the answer (which says what it means). */
  ended?(): void;
}

export class HelperRunner {
  private session: HelperSession | undefined;
  private onDone: ((this: void, answer: HelperResponse) => void) | undefined;
  private what = "";
  private shownSeconds = -1;
  private readonly timer: ScriptTimer;

  /** `quiet`: the status line is only written once a run takes long (for routine polls). */
  constructor(
    private readonly host: Host,
    private readonly timers: Timers,
    timerId: string,
    win: UIWindow,
    private readonly view: RunnerView,
    private readonly quiet = false,
  ) {
    this.timer = timers.create(timerId, HELPER_POLL_MS, false, () => this.tick(), win);
  }

  /** What the running command is doing ("Contacting hq:5000"), or undefined when idle. */
  busyWith(): string | undefined {
    return this.session !== undefined ? this.what : undefined;
  }

  isSubmitting(): boolean {
    return this.session !== undefined && this.session.call.command === "submit";
  }

  /**
   * Starts `call`; `onDone` gets the answer (or the failure saying why there is none) later, from a timer tick,
   * or before run() returns when the launch failed or timers do not fire here. Callers check busyWith() first.
   */
  run(tools: HelperTools, call: HelperCall, what: string, server: string | undefined, onDone: (this: void, answer: HelperResponse) => void): void {
    const session = new HelperSession(this.host, tools, call, server);
    this.session = session;
    this.onDone = onDone;
    this.what = what;
    this.shownSeconds = -1;
    if (!this.quiet) this.view.status(what + "…", PLAIN_STYLE);
    const early = session.launch();
    if (early !== undefined) return this.end(early);
    if (!this.timers.ticked()) return this.end(runToEnd(this.host, session));
    this.view.showStop(true);
    this.timer.start();
  }

  /** The artist's Stop: the helper is stopped; onDone gets what that means (maybe "not confirmed"). */
  stop(): void {
    const session = this.session;
    if (session === undefined) return;
    session.stop("stopped");
    this.view.status("Stopping the helper…", NOTE_STYLE);
    this.tick();
  }

  /** The window closes: the helper is told to stop, nothing waits for it and nothing more is shown. */
  abandon(): void {
    const session = this.session;
    if (session === undefined) return;
    session.stop("stopped");
    this.timer.stop();
    this.session = undefined;
    this.onDone = undefined;
  }

  /** Runs `next` once the running command is over (after its own continuation), or now when idle. */
  afterCurrent(next: (this: void) => void): void {
    if (this.session === undefined) return next();
    const previous = this.onDone;
    this.onDone = (answer) => {
      if (previous !== undefined) previous(answer);
      next();
    };
  }

  /** Stops the running command (if any) and, once it is over, runs `next` instead of its own continuation. */
  stopThen(next: (this: void) => void): void {
    if (this.session === undefined) return next();
    this.onDone = () => next();
    this.stop();
  }

  private tick(): void {
    const session = this.session;
    if (session === undefined) {
      this.timer.stop();
      return;
    }
    const answer = session.poll();
    if (answer !== undefined) return this.end(answer);
    const seconds = math.floor(session.elapsed());
    if (seconds === this.shownSeconds) return;
    this.shownSeconds = seconds;
    if (session.state === "stopping") {
      this.view.status(
        seconds >= session.limitSeconds
          ? this.what + ": no answer within " + formatInt(session.limitSeconds) + " s. Stopping the helper…"
          : "Stopping the helper…",
        NOTE_STYLE,
      );
    } else if (seconds >= SAY_WAITING_AFTER_SECONDS) {
      this.view.status(
        this.what + "… (" + formatInt(seconds) + " s; given up after " + formatInt(session.limitSeconds) + " s). Fusion stays usable; click Stop to give up now.",
        PLAIN_STYLE,
      );
    }
  }

  private end(answer: HelperResponse): void {
    this.timer.stop();
    this.view.showStop(false);
    if (this.view.ended !== undefined) this.view.ended();
    const done = this.onDone;
    this.session = undefined;
    this.onDone = undefined;
    if (done !== undefined) done(answer);
  }
}
