/**
 * Small helpers over the UI Manager (fusion.md §3): building `ui:VGroup{ props..., child1, child2 }` tables
 * from TS, timers dispatched by ID, modal message windows, and the ESC / Ctrl+W hotkey idiom.
 */

/** The Lua table `{ props..., [1]=child1, [2]=child2 }` that UI Manager constructors take. */
export function withChildren<T extends object>(props: T, children: UIElement[]): T & UIChildren {
  const table = props as unknown as LuaTable<number, UIElement>;
  for (let i = 0; i < children.length; i++) table.set(i + 1, children[i]);
  return props as T & UIChildren;
}

export function vgroup(ui: UIManager, props: UIGroupProps | object, children: UIElement[]): UIElement {
  return ui.VGroup(withChildren(props as UIGroupProps, children));
}

export function hgroup(ui: UIManager, props: UIGroupProps | object, children: UIElement[]): UIElement {
  return ui.HGroup(withChildren(props as UIGroupProps, children));
}

/** A form row: a fixed-width caption and its fields. */
export function formRow(ui: UIManager, caption: string, fields: UIElement[], captionId?: string): UIElement {
  const label: UILabelProps = { Text: caption, Weight: 0, MinimumSize: [130, 0] };
  if (captionId !== undefined) label.ID = captionId;
  return hgroup(ui, { Weight: 0 }, [ui.Label(label), ...fields]);
}

/** A heading between sections. */
export function heading(ui: UIManager, text: string): UIElement {
  return ui.Label({ Text: text, Weight: 0, StyleSheet: "font-weight: bold; padding-top: 6px;" });
}

export const ERROR_STYLE = "color: #ff7b72;";
export const OK_STYLE = "color: #7ee787;";
export const NOTE_STYLE = "color: #d2a8ff;";
export const PLAIN_STYLE = "";

/**
 * Inserts line breaks so that a long sentence does not stretch a label across the screen
 * (documented UI Manager labels have no word-wrap property).
 */
export function wrapText(text: string, width: number): string {
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(" ")) {
      if (line === "") line = word;
      else if (line.length + 1 + word.length <= width) line = line + " " + word;
      else {
        out.push(line);
        line = word;
      }
    }
    out.push(line);
  }
  return out.join("\n");
}

/**
 * ESC, Ctrl+W and Ctrl+F4 close the window instead of reaching Fusion (which would close the comp):
 * `app:AddConfig(id, { Target{ID=id}, Hotkeys{Target=id, Defaults=true, ESCAPE=...} })` (fusion.md §3, R19 SaverManager, LF).
 * Best effort: a Fusion without AddConfig/Target/Hotkeys still gets a working dialog.
 */
export function installCloseHotkeys(windowId: string): void {
  const action = 'Execute{cmd = [[app.UIManager:QueueEvent(obj, "Close", {})]]}';
  pcall(() => {
    if (typeof Target !== "function" || typeof Hotkeys !== "function") return;
    app.AddConfig(windowId, [
      Target({ ID: windowId }),
      Hotkeys({ Target: windowId, Defaults: true, ESCAPE: action, CONTROL_W: action, CONTROL_F4: action }),
    ]);
  });
}

/**
 * One `disp.On.Timeout` handler for the whole script, dispatching on `ev.who` (the timer's ID, fusion.md §3
 * Timers, IS). Also assigns `win.On.<ID>.Timeout` where a window is given, as the other documented form;
 * a tick is delivered at most once per call to `fire` even if both forms fire.
 */
export class Timers {
  private readonly handlers = new LuaTable<string, () => void>();
  private readonly timers = new LuaTable<string, UITimer>();

  constructor(private readonly ui: UIManager, private readonly disp: UIDispatcher) {
    const handlers = this.handlers;
    disp.On.Timeout = (ev: UIEvent) => {
      const handler = handlers.get(ev.who);
      if (handler !== undefined) handler();
    };
  }

  create(id: string, intervalMs: number, singleShot: boolean, handler: () => void): UITimer {
    const timer = this.ui.Timer({ ID: id, Interval: intervalMs, SingleShot: singleShot });
    this.handlers.set(id, handler);
    this.timers.set(id, timer);
    return timer;
  }

  stopAll(): void {
    for (const [, timer] of pairs(this.timers)) pcall(() => timer.Stop());
  }
}

/** Each message window gets its own ID: a second window with an ID already used is not something to rely on. */
let messageCount = 0;

export interface MessageButton {
  id: string;
  text: string;
}

/**
 * A modal message: a read-only text (selectable, so errors can be copied) and buttons. Runs a nested loop
 * and returns the clicked button's id, or undefined when the window was closed.
 */
export function showMessage(
  ui: UIManager,
  disp: UIDispatcher,
  title: string,
  text: string,
  buttons: MessageButton[],
): string | undefined {
  messageCount++;
  const windowId = "KartaLinkHQueueMessage" + string.format("%d", messageCount);
  const buttonElements: UIElement[] = [ui.HGap(0, 1)];
  for (const button of buttons) buttonElements.push(ui.Button({ ID: button.id, Text: button.text, Weight: 0 }));
  const lines = text.split("\n").length + math.floor(text.length / 70);
  const height = math.min(520, 110 + lines * 18);
  const win = disp.AddWindow(
    withChildren({ ID: windowId, TargetID: windowId, WindowTitle: title, Geometry: [260, 220, 560, height] as [number, number, number, number] }, [
      vgroup(ui, { Spacing: 8 }, [
        ui.TextEdit({ ID: "MessageText", ReadOnly: true, PlainText: text, Weight: 1 }),
        hgroup(ui, { Weight: 0 }, buttonElements),
      ]),
    ]),
  );
  installCloseHotkeys(windowId);
  let result: string | undefined;
  win.On[windowId].Close = () => {
    result = undefined;
    disp.ExitLoop();
  };
  for (const button of buttons) {
    const id = button.id;
    win.On[id].Clicked = () => {
      result = id;
      disp.ExitLoop();
    };
  }
  win.Show();
  disp.RunLoop();
  win.Hide();
  return result;
}
