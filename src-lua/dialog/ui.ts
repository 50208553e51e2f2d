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

/** The product's name: window titles and the first word of every console line. */
export const PRODUCT_TITLE = "KartaLink | HQueue Render";

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
  // Target and Hotkeys may be functions or callable objects: no type test, pcall is the guard.
  pcall(() => {
    app.AddConfig(windowId, [
      Target({ ID: windowId }),
      Hotkeys({ Target: windowId, Defaults: true, ESCAPE: action, CONTROL_W: action, CONTROL_F4: action }),
    ]);
  });
}

/** A started-or-stopped timer of the script; the handler runs at most once per tick and never after stop(). */
export interface ScriptTimer {
  start(): void;
  stop(): void;
}

interface TimerEntry {
  id: string;
  timer: UITimer | undefined;
  handler: (this: void) => void;
  singleShot: boolean;
  /** Started and not stopped (as far as this script is concerned: a stopped timer that still ticks is ignored). */
  active: boolean;
  /** The documented form that delivered this timer's first tick ("disp" or "win"); the other form is then ignored. */
  via: string | undefined;
}

/**
 * The script's timers (fusion.md §3 Timers, IS). Fusion documents two ways a tick arrives: `disp.On.Timeout` with
 * `ev.who` = the timer's ID, and `win.On.<TimerID>.Timeout`. Both are installed; whichever delivers a timer's first
 * tick is used from then on, so a UI Manager that fires both still runs the handler once per tick. Without `ev.who`
 * the tick is matched by `ev.sender` (the timer object), else it goes to every active timer (see resolve).
 * Ticks of a timer this script stopped are ignored, and a single-shot timer fires once per start().
 */
export class Timers {
  private readonly entries: TimerEntry[] = [];
  /** A tick was delivered at least once: this UI Manager runs timers (see helper-runner.ts). */
  private seenTick = false;

  constructor(private readonly ui: UIManager, disp: UIDispatcher) {
    pcall(() => {
      disp.On.Timeout = (ev: UIEvent | undefined) => {
        for (const entry of this.resolve(ev)) this.deliver("disp", entry);
      };
    });
  }

  /** Creates a timer; `win` also gets the `win.On.<id>.Timeout` form (best effort: an On table may not take it). */
  create(id: string, intervalMs: number, singleShot: boolean, handler: (this: void) => void, win?: UIWindow): ScriptTimer {
    const [made, timer] = pcall(() => this.ui.Timer({ ID: id, Interval: intervalMs, SingleShot: singleShot }));
    const entry: TimerEntry = { id, timer: made ? timer : undefined, handler, singleShot, active: false, via: undefined };
    this.entries.push(entry);
    if (win !== undefined) {
      pcall(() => {
        win.On[id].Timeout = () => this.deliver("win", entry);
      });
    }
    return {
      start: () => {
        entry.active = true;
        if (entry.timer !== undefined) {
          const timer = entry.timer;
          pcall(() => timer.Start());
        }
      },
      stop: () => {
        entry.active = false;
        if (entry.timer !== undefined) {
          const timer = entry.timer;
          pcall(() => timer.Stop());
        }
      },
    };
  }

  /** Whether any timer of this script has ever fired. */
  ticked(): boolean {
    return this.seenTick;
  }

  stopAll(): void {
    for (const entry of this.entries) {
      entry.active = false;
      if (entry.timer !== undefined) {
        const timer = entry.timer;
        pcall(() => timer.Stop());
      }
    }
  }

  /**
   * The timer(s) a disp.On.Timeout tick is for. Without ev.who and ev.sender it cannot be told which active timer
   * fired: every active one gets the tick (each handler only looks at files or re-plans, so an early tick is
   * harmless, where a dropped one could leave a helper run never polled again).
   */
  private resolve(ev: UIEvent | undefined): TimerEntry[] {
    const who = ev !== undefined ? ev.who : undefined;
    const sender = ev !== undefined ? ev.sender : undefined;
    for (const entry of this.entries) if (who !== undefined && entry.id === who) return [entry];
    for (const entry of this.entries) if (sender !== undefined && entry.timer !== undefined && rawequal(entry.timer, sender)) return [entry];
    if (who !== undefined) return []; // another script's timer
    return this.entries.filter((entry) => entry.active);
  }

  private deliver(form: string, entry: TimerEntry | undefined): void {
    if (entry === undefined || !entry.active) return;
    if (entry.via === undefined) entry.via = form;
    else if (entry.via !== form) return;
    if (entry.singleShot) entry.active = false;
    this.seenTick = true;
    entry.handler();
  }
}

/**
 * Selects `labels[index]` in a combo that holds `labels` (in order): by assigning CurrentText (documented, LF),
 * then, if that did not take, by assigning CurrentIndex (a Qt property; only reading it is documented).
 */
export function selectComboItem(combo: UIComboBox, labels: string[], index: number): void {
  const label = labels[index];
  if (label === undefined) return;
  pcall(() => {
    combo.CurrentText = label;
  });
  if (comboChoice(combo, labels) === index) return;
  pcall(() => {
    combo.CurrentIndex = index;
  });
}

/**
 * Which of `labels` the combo shows: by CurrentText (documented), else by CurrentIndex (0-based, documented);
 * -1 when neither tells (nothing selected).
 */
export function comboChoice(combo: UIComboBox, labels: string[]): number {
  const [textRead, text] = pcall(() => combo.CurrentText);
  if (textRead && typeof text === "string" && text !== "") {
    const byText = labels.indexOf(text);
    if (byText >= 0) return byText;
  }
  const [indexRead, index] = pcall(() => combo.CurrentIndex);
  if (indexRead && typeof index === "number" && index >= 0 && index < labels.length && math.floor(index) === index) return index;
  return -1;
}

/** The combo's CurrentText, "" when it has none. */
export function comboText(combo: UIComboBox): string {
  const [read, text] = pcall(() => combo.CurrentText);
  return read && typeof text === "string" ? text : "";
}

/** A property read that never throws: undefined when the item or the property is missing. */
export function readProp(item: object | undefined, read: () => unknown): unknown {
  if (item === undefined) return undefined;
  const [ok, value] = pcall(read);
  return ok ? value : undefined;
}

/** A property write that never throws (for optional cosmetics: styles, visibility, placeholders). */
export function writeProp(write: () => void): void {
  pcall(write);
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
    withChildren({ ID: windowId, TargetID: windowId, WindowTitle: title, Geometry: [260, 220, 560, height] as [number, number, number, number], Spacing: 8 }, [
      vgroup(ui, {}, [
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
