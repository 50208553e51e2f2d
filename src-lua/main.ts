/**
 * KartaLink | HQueue Render: Fusion comp script (Scripts > Comp > KartaLink > HQueue Render).
 * Entry point of the one-file LuaJIT bundle; the work happens in app.ts.
 */
import { runApp, TITLE } from "./app";
import { createFusionHost } from "./fusion-host";

function main(): void {
  // `comp` is documented for comp scripts (fusion.md §1); fu.CurrentComp is the fallback (a strict global table may
  // even refuse to read an absent `comp`, hence the pcall).
  const [globalRead, fromGlobal] = pcall(() => comp);
  const [currentRead, current] = pcall(() => fu.CurrentComp);
  const active = (globalRead ? (fromGlobal as Composition | undefined) : undefined) ?? (currentRead ? (current as Composition | undefined) : undefined);
  if (active === undefined) {
    print(TITLE + ": open a comp first (this script works on the active composition).");
    return;
  }
  const ui = fu.UIManager;
  if (ui === undefined) {
    print(TITLE + ": this Fusion has no UI Manager (e.g. DaVinci Resolve Free 19.1+), so the dialog cannot open. Use the hqueue-helper command line instead.");
    return;
  }
  const host = createFusionHost(active);
  runApp(host, ui, bmd.UIDispatcher(ui));
}

const [ok, problem] = xpcall(main, (message: unknown) => debug.traceback(tostring(message), 2));
if (!ok) {
  print(TITLE + " failed: " + tostring(problem));
  error(problem, 0);
}
