/**
 * The comp script's flow: one window at a time, refuse an unsaved comp, load settings (built-in < studio <
 * comp), run the submit dialog, then the job monitor.
 */
import type { SubmitResult } from "../types/request";
import type { HelperTools } from "./helper-session";
import type { Host } from "./host";
import { MAIN_WINDOW_ID } from "./dialog/main-layout";
import { MainDialog } from "./dialog/main-dialog";
import { Monitor, followSubmitted } from "./dialog/monitor";
import { PRODUCT_TITLE, Timers, showMessage } from "./dialog/ui";
import { UNSAVED_MESSAGE } from "./preflight";
import { copySettings } from "./settings";
import { loadComp, loadStudio } from "./store";

export const TITLE = PRODUCT_TITLE;

/** What every window of the app works with: the host (Fusion data), the UI Manager, its dispatcher, the timers. */
export interface AppContext {
  host: Host;
  ui: UIManager;
  disp: UIDispatcher;
  timers: Timers;
}

/** A job the helper confirmed: what the monitor follows. */
export interface Submitted {
  result: SubmitResult;
  server: string;
  tools: HelperTools;
  /** What Submit could not remember (stored data this version leaves alone), for the monitor to show. */
  storeNotes: string[];
}

export function runApp(host: Host, ui: UIManager, disp: UIDispatcher): void {
  // One dialog at a time (fusion.md §3, R19 RenamePlus): bring the open one to the front instead of a second one.
  // Its title names its comp. A job monitor left open by an earlier run does not block a new submission.
  const [looked, open] = pcall(() => ui.FindWindow(MAIN_WINDOW_ID));
  if (looked && open !== undefined && open !== null && (open as unknown) !== false) {
    pcall(() => open.Show());
    pcall(() => open.Raise());
    return;
  }
  const ctx: AppContext = { host, ui, disp, timers: new Timers(ui, disp) };
  const comp = host.readComp();
  if (comp.fileName === "") {
    host.log(TITLE + ": " + UNSAVED_MESSAGE);
    showMessage(ui, disp, TITLE, UNSAVED_MESSAGE, [{ id: "MessageOk", text: "OK" }]);
    return;
  }
  const studio = loadStudio(host);
  const compStore = loadComp(host, studio.defaults);
  const initial = copySettings(compStore.last ?? studio.defaults);
  const dialog = new MainDialog(ctx, { comp, studio, compStore, initial });
  const submitted = dialog.run();
  ctx.timers.stopAll();
  if (submitted === undefined) return;
  host.log(TITLE + ": submitted job " + string.format("%d", submitted.result.jobId) + " " + submitted.result.url);
  new Monitor(ctx, followSubmitted(submitted)).run();
  ctx.timers.stopAll();
}
