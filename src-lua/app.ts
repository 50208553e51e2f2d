/**
 * The comp script's flow: one window at a time, refuse an unsaved comp, load settings (built-in < studio <
 * comp), run the submit dialog, then the job monitor.
 */
import type { Host } from "./host";
import { type AppContext, MAIN_WINDOW_ID, MainDialog } from "./dialog/main-dialog";
import { MONITOR_WINDOW_ID, Monitor } from "./dialog/monitor";
import { Timers, showMessage } from "./dialog/ui";
import { UNSAVED_MESSAGE } from "./preflight";
import { copySettings } from "./settings";
import { loadComp, loadStudio } from "./store";

export const TITLE = "KartaLink | HQueue Render";

export function runApp(host: Host, ui: UIManager, disp: UIDispatcher): void {
  // One window at a time: bring the open one to the front instead of stacking a second dialog.
  for (const id of [MAIN_WINDOW_ID]) {
    const open = ui.FindWindow(id);
    if (open !== undefined) {
      open.Show();
      open.Raise();
      return;
    }
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
  // A monitor from an earlier submission may still be open in another run of this script: this one gets its own.
  void MONITOR_WINDOW_ID;
  new Monitor(ctx, submitted).run();
  ctx.timers.stopAll();
}
