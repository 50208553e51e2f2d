/**
 * Blackmagic Fusion comp-script host API, declared for TypeScriptToLua (luaTarget JIT).
 *
 * Only members that documented Fusion scripting has are declared. Every member names its source from
 * /work/shared/reference/fusion.md (source keys: F8, VP, R19, UIX, KW-UI, DL, LF, IS, CG, AY, RP; plus the section).
 * Items marked [I] are inferred, not confirmed: code defensively around them.
 *
 * Call conventions (TypeScriptToLua, toolchain.md §2):
 * - Fusion objects (Fusion, Composition, Tool, UIManager, windows, items, timers) are interfaces with METHODS:
 *   `comp.GetAttrs()` in TS is emitted as `comp:GetAttrs()`.
 * - Free functions (`bmd.*`, `dump`, `Target`, `Hotkeys`) are `this: void`: emitted as dot calls.
 * - Event handlers are `(this: void, ev: UIEvent) => void` properties: Fusion calls `win.On.Submit.Clicked(ev)`.
 * - Fusion's objects (composition, tools, inputs, windows) are userdata, not tables: never test them with
 *   `typeof x === "object"` (TSTL emits `type(x) == "table"`); test for undefined instead. Attribute tables, data and
 *   GetToolList's list are plain Lua tables.
 * - Lua tables returned by Fusion are `LuaTable`s (1-based arrays) or records; iterate arrays with
 *   `for (let i = 1; i <= t.length(); i++) t.get(i)` (never `for..of`, which becomes `pairs` with undefined order).
 *
 * This file is global (no import/export): the comp script sees these names without importing them.
 */

// ---------------------------------------------------------------------------------------------------------------
// Globals
// ---------------------------------------------------------------------------------------------------------------

/** The Fusion application object. fusion.md §1 Globals: `fusion`/`fu` (VP Composition_Scripts, F8 part30). */
declare const fu: Fusion;
/** Same object as {@link fu}. fusion.md §1 Globals (VP Composition_Scripts). */
declare const fusion: Fusion;
/** Same object as {@link fu}: "app: pointer variable which is equivalent to fu: or fusion:". fusion.md §1 Globals (R19 Docs/Creating-Atom-Packages.md). */
declare const app: Fusion;
/** The composition the comp script was started from. fusion.md §1 Globals (F8 part30; VP Composition_Scripts). */
declare const comp: Composition;
/** Same object as {@link comp}. fusion.md §1 Globals (VP Composition_Scripts). */
declare const composition: Composition;

/** True on Windows, nil elsewhere. fusion.md §1 Globals (R19 System/Reactor.lua; RP; KW-UI). */
declare const FuPLATFORM_WINDOWS: boolean | undefined;
/** True on macOS, nil elsewhere. fusion.md §1 Globals (R19 System/Reactor.lua; RP; KW-UI). */
declare const FuPLATFORM_MAC: boolean | undefined;
/** True on Linux, nil elsewhere. fusion.md §1 Globals (R19 System/Reactor.lua; RP; KW-UI). */
declare const FuPLATFORM_LINUX: boolean | undefined;

/** Bare-global form of {@link Fusion.TIME_UNDEFINED}. fusion.md §1 Globals (R19 scripts). */
declare const TIME_UNDEFINED: number;

/** Built-in pretty-printer: prints a value (tables recursively) to the Console. fusion.md §1 Lua dialect (F8 part14). */
declare function dump(this: void, value: unknown): void;

/**
 * Config constructor used inside `app:AddConfig(name, { Target{ID=...}, Hotkeys{...} })` to declare a hotkey
 * target (the window's `TargetID`). fusion.md §3 ESC / Ctrl+W closing idiom (R19 SaverManager, LF).
 * Returns its argument table, tagged as a Target entry.
 */
declare function Target(this: void, props: FusionTargetProps): FusionConfigEntry;

/**
 * Config constructor for hotkeys bound to a target: keys are key names (`ESCAPE`, `CONTROL_W`, `CONTROL_F4`), values
 * are action strings such as `'Execute{cmd=[[app.UIManager:QueueEvent(obj, "Close", {})]]}'`.
 * fusion.md §3 ESC / Ctrl+W closing idiom (R19 SaverManager, LF). Key names other than ESCAPE are [I] (LF uses them).
 */
declare function Hotkeys(this: void, props: FusionHotkeysProps): FusionConfigEntry;

/** `Target{}` props. fusion.md §3 (R19 SaverManager). */
interface FusionTargetProps {
  /** Matches the window's `TargetID`. */
  ID: string;
}

/** `Hotkeys{}` props. fusion.md §3 (R19 SaverManager, LF). */
interface FusionHotkeysProps {
  /** The `Target{ID=...}` these hotkeys apply to. */
  Target: string;
  /** Keep Fusion's default hotkeys for keys not listed. */
  Defaults?: boolean;
  /** Key name → action string (e.g. `ESCAPE`, `CONTROL_W`, `CONTROL_F4` [I]). */
  [key: string]: string | boolean | undefined;
}

/** An opaque entry built by {@link Target} or {@link Hotkeys}, passed to {@link Fusion.AddConfig}. */
interface FusionConfigEntry {
  readonly __fusionConfigEntry: never;
}

// ---------------------------------------------------------------------------------------------------------------
// Fusion (fu / fusion / app)
// ---------------------------------------------------------------------------------------------------------------

/** Values Fusion can store with SetData/GetData: "number|string|boolean|table". fusion.md §4 (VP Object/SetData; F8 part56). */
type FusionDataValue = string | number | boolean | object;

/** The Fusion application object (`fu`, `fusion`, `app`). fusion.md §1, §3, §4. */
interface Fusion {
  /** Attribute table, e.g. `FUSIONS_Version`. fusion.md §1 Globals (UIX FuScript Subtype Essentials.lua; DL). */
  GetAttrs(): FusionAttrs;
  /** Single attribute. Single-key form as for comp/tool attrs: fusion.md §2 (CG Afanasy.py; UIX Action Listener.lua) [I for the Fusion object]. */
  GetAttrs<K extends keyof FusionAttrs>(key: K): FusionAttrs[K];
  /** `{[1]=major,[2]=minor,[3]=patch, App="Fusion"|"Resolve"|...}`. fusion.md §1 Globals (R19 System/Reactor.lua; Creating-Atom-Packages.md). */
  GetVersion(): FusionVersion;
  /**
   * Reads a preference, dots for subtables: `fu:GetPrefs("Global.Paths.Map.Reactor:")`; without a name the whole
   * prefs table. fusion.md §1 Path maps and preferences (RP; R19 Reactor.lua).
   */
  GetPrefs(name?: string): unknown;
  /** Writes a preference (persist with {@link SavePrefs}). fusion.md §1 Path maps and preferences (R19). */
  SetPrefs(name: string, value: unknown): void;
  /** Saves the preferences file. fusion.md §1 Path maps and preferences (R19). */
  SavePrefs(): void;
  /**
   * Reads app data saved in Fusion.prefs. Dotted names are subtables; `GetData("A")` returns the whole subtree;
   * without a name, all data [I]. Returns nil when absent. fusion.md §4 (VP Object/GetData; F8 part56; DL; R19 Toolbar16).
   */
  GetData(name?: string): unknown;
  /**
   * Stores app data (saved in Fusion.prefs). Dotted names are subtables; `SetData("A")` with no value clears the
   * subtree. fusion.md §4 (VP Object/SetData; F8 part56; DL; R19 Toolbar16).
   */
  SetData(name: string, value?: FusionDataValue): void;
  /** Expands GLOBAL path maps only (not `Comp:`). fusion.md §1 Path maps and preferences (F8 reference; DL pitfall). */
  MapPath(path: string): string;
  /**
   * The UI Manager. Treat as possibly unavailable (Resolve Free 19.1+). fusion.md §3 (UIX, KW-UI, R19; RD docs/reactor.md caveat).
   */
  readonly UIManager: UIManager | undefined;
  /** The active composition (nil when none). fusion.md §1 Globals (R19 AtomProbe bootstrap). */
  readonly CurrentComp: Composition | undefined;
  /**
   * Registers a config (e.g. hotkeys for a window's TargetID): `app:AddConfig('X', { Target{ID='X'}, Hotkeys{...} })`.
   * fusion.md §3 ESC / Ctrl+W closing idiom (R19 SaverManager, LF).
   */
  AddConfig(name: string, config: FusionConfigEntry[]): void;
  /** Time key for non-animated inputs: `saver.Clip[fu.TIME_UNDEFINED]`. fusion.md §1 Globals (R19 scripts). */
  readonly TIME_UNDEFINED: number;
}

/** `fu:GetAttrs()`. fusion.md §1 Globals (UIX FuScript Subtype Essentials.lua; DL). */
interface FusionAttrs {
  /** Version string such as "9.0.2". */
  FUSIONS_Version: string;
}

/** `fu:GetVersion()`: `{[1]=major,[2]=minor,[3]=patch, App=...}`. fusion.md §1 Globals (R19 System/Reactor.lua). */
interface FusionVersion {
  /** 1 = major, 2 = minor, 3 = patch (Lua keys, no offset: `v[1]` is the major version). */
  readonly [index: number]: number | undefined;
  /** "Fusion", "Resolve", ... */
  readonly App: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Composition (comp / composition)
// ---------------------------------------------------------------------------------------------------------------

/** The composition object. fusion.md §1 Path maps, §2, §4. */
interface Composition {
  /** Full attribute table. fusion.md §2 `comp:GetAttrs()` keys (UIX FuScript Subtype Essentials.lua; F8 part80). */
  GetAttrs(): CompositionAttrs;
  /** Single-key form: `comp:GetAttrs("COMPS_FileName")`. fusion.md §2 (CG Afanasy.py; UIX Action Listener.lua). */
  GetAttrs<K extends keyof CompositionAttrs>(key: K): CompositionAttrs[K];
  /**
   * Tools as a 1-based Lua array. `selected` true = only selected tools; `regId` filters by type, e.g.
   * `comp:GetToolList(false, "Saver")`; the comp script asks for `"Loader"` the same way (the documented call with
   * another RegID; a Fusion that ignores the type is filtered by TOOLS_RegID). Order is not documented: sort if order matters.
   * fusion.md §2 Savers (F8 reference; R19 SaverManager).
   */
  GetToolList(selected: boolean, regId?: string): LuaTable<number, Tool>;
  /**
   * Expands global path maps, the comp's own path maps and the built-in `Comp:` (the comp's folder).
   * Always use this (not fu:MapPath) for Saver paths. fusion.md §1 Path maps and preferences (F8 reference; DL pitfall).
   */
  MapPath(path: string): string;
  /** Re-inserts path maps into an absolute path. fusion.md §1 Path maps and preferences (F8 reference). */
  ReverseMapPath(path: string): string;
  /**
   * Reads comp custom data (saved in the .comp). Dotted names are subtables; `GetData("A")` returns the subtree;
   * nil when absent. fusion.md §4 (VP Object/GetData; F8 part56; DL `comp:GetData('DEADLINE_FrameRange')`).
   */
  GetData(name?: string): unknown;
  /**
   * Stores comp custom data; durable only once the comp is saved [I]; whether it sets COMPB_Modified is undocumented [I].
   * `SetData("A")` with no value clears the subtree. fusion.md §4 (VP Object/SetData; F8 part56; AY).
   */
  SetData(name: string, value?: FusionDataValue): void;
  /**
   * Saves the comp; `Save()` with no argument on an already-named comp. Returns success.
   * fusion.md §2 `comp:Render` section (RP .fu; DL SubmitToDeadlineMonitor.lua; CG Afanasy.lua).
   */
  Save(filename?: string): boolean;
  /**
   * Per-comp prefs, dots for subtables, e.g. `comp:GetPrefs("Comp.FrameFormat")` → `{Rate, Width, Height, ...}`.
   * fusion.md §1 Path maps and preferences (F8 reference; AY api/lib.py).
   */
  GetPrefs(name?: string): unknown;
  /** Suppresses dialogs while scripting the comp. fusion.md §2 Other useful methods (F8 reference; DL). */
  Lock(): void;
  /** Ends {@link Lock}. fusion.md §2 Other useful methods (F8 reference; DL). */
  Unlock(): void;
  /** Starts an undo block. fusion.md §2 Other useful methods (F8 reference). */
  StartUndo(name: string): void;
  /** Ends an undo block; `keep` true keeps it. fusion.md §2 Other useful methods (F8 reference). */
  EndUndo(keep: boolean): void;
}

/** `comp:GetAttrs()` keys. fusion.md §2 (a real Fusion 9.0.2 dump, UIX FuScript Subtype Essentials.lua; meanings F8 part80). */
interface CompositionAttrs {
  /** Full path of the .comp; "" if never saved. */
  COMPS_FileName: string;
  /** File name, e.g. "Foo.comp". */
  COMPS_Name: string;
  /** Unsaved changes. */
  COMPB_Modified: boolean;
  /** Current time (frame). */
  COMPN_CurrentTime: number;
  /** Default render range start. */
  COMPN_RenderStart: number;
  /** Default render range end. */
  COMPN_RenderEnd: number;
  /** Render range start time (DL uses these). */
  COMPN_RenderStartTime: number;
  /** Render range end time (DL uses these). */
  COMPN_RenderEndTime: number;
  /** Valid (global) range start. */
  COMPN_GlobalStart: number;
  /** Valid (global) range end. */
  COMPN_GlobalEnd: number;
  /** Render step: note COMPI_, not COMPN_. */
  COMPI_RenderStep: number;
  /** High quality. */
  COMPB_HiQ: boolean;
  /** Proxy mode. */
  COMPB_Proxy: boolean;
  /** A render is running. */
  COMPB_Rendering: boolean;
  /** Comp locked. */
  COMPB_Locked: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Tools and inputs
// ---------------------------------------------------------------------------------------------------------------

/** A tool (node) in a composition. fusion.md §2 Savers, §4. */
interface Tool {
  /** Attribute table. fusion.md §2 Savers (DL; R19 SaverManager; AY). */
  GetAttrs(): ToolAttrs;
  /** Single-key form: `tool:GetAttrs("TOOLS_Name")`. fusion.md §2 (CG Afanasy.py; UIX Action Listener.lua). */
  GetAttrs<K extends keyof ToolAttrs>(key: K): ToolAttrs[K];
  /** Tool custom data (saved in the .comp), dotted names = subtables. fusion.md §4 (VP Object/GetData; F8 part56; AY). */
  GetData(name?: string): unknown;
  /** Stores tool custom data; no value clears. fusion.md §4 (VP Object/SetData; F8 part56; AY). */
  SetData(name: string, value?: FusionDataValue): void;
  /**
   * Saver/Loader filename input: read it as `tool.Clip[fu.TIME_UNDEFINED]` (or `tool.Clip[1]`, DL), then
   * `comp:MapPath(...)` it. Undefined on tools without a Clip input. fusion.md §2 Savers (R19; DL; AY).
   */
  readonly Clip?: FusionInput<string>;
  /**
   * Saver file format input: an id such as "OpenEXRFormat", "TiffFormat" or "QuickTimeMovies", read as
   * `tool.OutputFormat[fu.TIME_UNDEFINED]`; it does not change the Clip's extension, so the two can disagree.
   * fusion.md §11 Saver inputs (OpenPype/AYON Fusion creators). Not read by the comp script yet (the helper reads
   * it from the .comp file: comp-file.ts).
   */
  readonly OutputFormat?: FusionInput<string>;
}

/** `tool:GetAttrs()` keys used by submitters. fusion.md §2 Savers (DL RenderTasks.eyeonscript; R19 SaverManager; AY). */
interface ToolAttrs {
  /** Tool name, e.g. "Saver1". */
  TOOLS_Name: string;
  /** Tool type, e.g. "Saver", "Loader", "Fuse.X". */
  TOOLS_RegID: string;
  /** True when the tool is disabled (pass-through). */
  TOOLB_PassThrough: boolean;
  /**
   * Saver output filename: "can be either a string or a table" (DL), use `[1]` for tables. Unmapped: MapPath it.
   * Read for Loaders too (their clip's file name), after the documented `Clip` input; unverified on Loaders (fusion.md
   * documents it for Savers), so it is only a fallback.
   */
  TOOLST_Clip_Name?: string | LuaTable<number, string>;
}

/**
 * An input of a tool, indexed by time: `saver.Clip[fu.TIME_UNDEFINED]` for non-animated inputs.
 * fusion.md §1 Globals and §2 Savers (R19; DL `saver.Clip[1]`).
 */
interface FusionInput<T> {
  readonly [time: number]: T | undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// bmd utility library
// ---------------------------------------------------------------------------------------------------------------

/** BMD's utility library. fusion.md §1 `bmd.*` functions seen in real code. */
declare namespace bmd {
  /** Creates the UI dispatcher: `local disp = bmd.UIDispatcher(ui)`. fusion.md §1 table, §3 (UIX, KW-UI, R19). */
  function UIDispatcher(this: void, ui: UIManager): UIDispatcher;
  /** True when the file exists. fusion.md §1 table (R19, many scripts). */
  function fileexists(this: void, path: string): boolean;
  /** True when the directory exists. fusion.md §1 table (R19, many scripts). */
  function direxists(this: void, path: string): boolean;
  /** Creates a directory (recursive use seen). Return value undocumented [I]. fusion.md §1 table (R19 Reactor.lua). */
  function createdir(this: void, path: string): boolean | undefined;
  /** Lists a pattern, e.g. `bmd.readdir(dir.."*")`: 1-based array of `{Name, IsDir}`. fusion.md §1 table (R19 System/Reactor.lua). */
  function readdir(this: void, pattern: string): LuaTable<number, BmdDirEntry>;
  /** Splits a path. fusion.md §1 table (UIX GetScriptDir.lua). Exact field values for edge cases are [I]. */
  function parseFilename(this: void, path: string): BmdParsedFilename;
  /** Opens a URL in the OS browser. fusion.md §1 table. */
  function openurl(this: void, url: string): void;
  /** Sleeps. fusion.md §1 table. */
  function wait(this: void, seconds: number): void;
  /** Reads the clipboard text. fusion.md §1 table (UIX FuScript Subtype Essentials.lua). */
  function getclipboard(this: void): string | undefined;
  /** Sets the clipboard text. fusion.md §1 table (UIX FuScript Subtype Essentials.lua). */
  function setclipboard(this: void, text: string): void;
  /**
   * Background launch of a command line. [C] exists; return value, blocking and quoting are [I].
   * fusion.md §1 table (Vonk Ultra docs; a public Resolve script uses `pcall(bmd.executebg, ...)` "to launch without
   * a console window"), §5 Backgrounding, §11 ("starts a process without a console window and does not wait; its
   * callers poll a marker file" [likely]). Used for the helper on Windows (src-lua/fusion-host.ts launchBackground):
   * the return value is ignored (only an error counts), the line works whether it reaches CreateProcess or another
   * cmd.exe /c, and a launch that did not happen shows as no phase file (helper-session.ts); if it blocks, the run
   * is simply already over when it returns.
   */
  function executebg(this: void, commandLine: string): unknown;
}

/** `bmd.readdir` entry. fusion.md §1 table (R19 System/Reactor.lua). */
interface BmdDirEntry {
  readonly Name: string;
  readonly IsDir: boolean;
}

/** `bmd.parseFilename` result. fusion.md §1 table (UIX GetScriptDir.lua). Field contents are [I] beyond the names. */
interface BmdParsedFilename {
  /** Folder part (with trailing separator) [I]. */
  readonly Path: string;
  /** File name with extension. */
  readonly FullName: string;
  /** File name without extension. */
  readonly Name: string;
  /** Name without trailing frame digits. */
  readonly CleanName: string;
  /** Extension including the dot [I]. */
  readonly Extension: string;
  /** The whole path. */
  readonly FullPath: string;
  /** Trailing frame digits of the name as text [I]. */
  readonly SNum: string | undefined;
  /** UNC path flag [I]. */
  readonly UNC: boolean | undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// UI Manager
// ---------------------------------------------------------------------------------------------------------------

/** Children of a layout/window: the Lua table's array part (`ui:VGroup{ ID='root', child1, child2 }`). fusion.md §3. */
interface UIChildren {
  readonly [index: number]: UIElement;
}

/** An element description returned by a `ui:X{...}` constructor, to be placed in a layout or window. fusion.md §3. */
interface UIElement {
  readonly __uiElement: never;
}

/** `Alignment={AlignHCenter=true,...}`. fusion.md §3 Common properties. */
interface UIAlignment {
  AlignLeft?: boolean;
  AlignRight?: boolean;
  AlignHCenter?: boolean;
  AlignTop?: boolean;
  AlignBottom?: boolean;
  AlignVCenter?: boolean;
  AlignCenter?: boolean;
}

/** `ui:Font{Family, PixelSize, MonoSpaced}`. fusion.md §3 Element list (KW-UI). */
interface UIFontProps {
  Family?: string;
  PixelSize?: number;
  MonoSpaced?: boolean;
}

/** Properties common to all elements. fusion.md §3 Common properties (KW-UI, LF, UIX). */
interface UIProps {
  /** Key in GetItems() and in `win.On`. */
  ID?: string;
  /** Layout stretch. */
  Weight?: number;
  ToolTip?: string;
  Alignment?: UIAlignment;
  /** `{w, h}`. */
  MinimumSize?: [number, number];
  /** Qt CSS. */
  StyleSheet?: string;
  Visible?: boolean;
  Enabled?: boolean;
  /** Opt-in events, e.g. Tree `Events={ItemClicked=true}`. fusion.md §3 Tree row. */
  Events?: { [eventName: string]: boolean };
}

/**
 * VGroup/HGroup/Stack props plus children. fusion.md §3 (canonical skeleton; KW-UI). `Spacing` is documented on the
 * window only (the AddWindow skeleton), so it is not declared here.
 */
interface UIGroupProps extends UIProps, UIChildren {}

/** ui:Label props. fusion.md §3 (canonical skeleton: `ui:Label{Text='…'}`). */
interface UILabelProps extends UIProps {
  /** fusion.md §3 canonical skeleton. */
  Text?: string;
}
/** ui:LineEdit props. fusion.md §3 table, LineEdit row (R19 RenamePlus; LF). */
interface UILineEditProps extends UIProps {
  Text?: string;
  PlaceholderText?: string;
  ReadOnly?: boolean;
}
/** ui:TextEdit props. fusion.md §3 table, TextEdit row. */
interface UITextEditProps extends UIProps {
  Text?: string;
  PlainText?: string;
  HTML?: string;
  ReadOnly?: boolean;
  PlaceholderText?: string;
  Lexer?: string;
  Font?: UIElement;
  LineWrapMode?: string;
  AcceptRichText?: boolean;
  TabStopWidth?: number;
}
/** ui:SpinBox / ui:DoubleSpinBox / ui:Slider props. fusion.md §3 table (R19 System/UI/Preferences.lua; LF). */
interface UIRangeProps extends UIProps {
  Minimum?: number;
  Maximum?: number;
  Value?: number;
}
/** ui:CheckBox props. fusion.md §3 table, CheckBox row. */
interface UICheckBoxProps extends UIProps {
  Text?: string;
  Checked?: boolean;
}
/** ui:ComboBox props (items are added after window creation). fusion.md §3 table, ComboBox row (LF). */
interface UIComboBoxProps extends UIProps {}
/** ui:Button props. fusion.md §3 table, Button row. */
interface UIButtonProps extends UIProps {
  Text?: string;
}
/** ui:TabBar props. fusion.md §3 table, TabBar row. */
interface UITabBarProps extends UIProps {
  CurrentIndex?: number;
  DrawBase?: boolean;
  Expanding?: boolean;
}
/** ui:Tree props. fusion.md §3 table, Tree row. */
interface UITreeProps extends UIProps {
  SortingEnabled?: boolean;
}
/** ui:Timer props (non-visual). fusion.md §3 Timers (IS). */
interface UITimerProps {
  ID: string;
  /** Milliseconds. */
  Interval: number;
  SingleShot?: boolean;
}

/** `disp:AddWindow({...})` props plus children. fusion.md §3 (canonical skeleton; KW; public scripts for WindowFlags). */
interface UIWindowProps extends UIChildren {
  /** Window ID: the key of its Close handler (`win.On.<ID>.Close`). */
  ID: string;
  /** Hotkey target for `app:AddConfig` (ESC / Ctrl+W idiom). fusion.md §3. */
  TargetID?: string;
  WindowTitle?: string;
  /** `{x, y, w, h}`. */
  Geometry?: [number, number, number, number];
  Spacing?: number;
  WindowFlags?: { [flag: string]: boolean };
}

/**
 * `fu.UIManager` (conventionally `ui`). fusion.md §3 (KW-UI element list; UIX; R19). Every element constructor below
 * is in the KW-UI element list of fusion.md §3; its properties and events are in the §3 table row of the same name.
 */
interface UIManager {
  /** Vertical layout. fusion.md §3 canonical skeleton, KW-UI element list. */
  VGroup(props: UIGroupProps): UIElement;
  /** Horizontal layout. fusion.md §3 canonical skeleton, KW-UI element list. */
  HGroup(props: UIGroupProps): UIElement;
  /** Page stack (used with TabBar). fusion.md §3 TabBar row. */
  Stack(props: UIGroupProps): UIElement;
  /** `ui:VGap(5)` fixed gap, `ui:VGap(0, 1.0)` flexible: the vertical twin of HGap (fusion.md §3 Gaps documents the HGap form; VGap is in the KW-UI element list). */
  VGap(size?: number, weight?: number): UIElement;
  /** `ui:HGap(5)` fixed gap, `ui:HGap(0, 1.0)` flexible. fusion.md §3 Gaps. */
  HGap(size?: number, weight?: number): UIElement;
  /** fusion.md §3 canonical skeleton, KW-UI element list. */
  Label(props: UILabelProps): UIElement;
  /** fusion.md §3 table, LineEdit row (R19 RenamePlus; LF). */
  LineEdit(props: UILineEditProps): UIElement;
  /** fusion.md §3 table, TextEdit row. */
  TextEdit(props: UITextEditProps): UIElement;
  /** fusion.md §3 table, SpinBox row (R19 System/UI/Preferences.lua; LF). */
  SpinBox(props: UIRangeProps): UIElement;
  /** fusion.md §3 table, SpinBox / DoubleSpinBox row. */
  DoubleSpinBox(props: UIRangeProps): UIElement;
  /** fusion.md §3 table, Slider row. */
  Slider(props: UIRangeProps): UIElement;
  /** fusion.md §3 table, ComboBox row (LF). */
  ComboBox(props: UIComboBoxProps): UIElement;
  /** fusion.md §3 table, CheckBox row. */
  CheckBox(props: UICheckBoxProps): UIElement;
  /** fusion.md §3 table, Button row. */
  Button(props: UIButtonProps): UIElement;
  /** fusion.md §3 table, TabBar row. */
  TabBar(props: UITabBarProps): UIElement;
  /** fusion.md §3 table, Tree row (`Events={ItemClicked=true, ...}` to receive row clicks). */
  Tree(props: UITreeProps): UIElement;
  /** `ui:Font{...}` value for a `Font` prop. fusion.md §3 Element list. */
  Font(props: UIFontProps): UIElement;
  /** Non-visual timer: `ui:Timer{ID='Poll', Interval=500, SingleShot=false}`. fusion.md §3 Timers (IS). */
  Timer(props: UITimerProps): UITimer;
  /** An already-open window by ID (single-instance idiom), nil if none. fusion.md §3 (R19 RenamePlus, Toolbar16). */
  FindWindow(id: string): UIWindow | undefined;
  /**
   * Queues an event for an object, e.g. `app.UIManager:QueueEvent(obj, "Close", {})` inside a hotkey action.
   * fusion.md §3 ESC / Ctrl+W closing idiom (R19 SaverManager, LF).
   */
  QueueEvent(target: unknown, eventName: string, args: object): void;
}

/** A handler: Fusion calls it with ONE argument, `handler(ev)`. fusion.md §3; §9 (`this: void`). */
type UIEventHandler = (this: void, ev: UIEvent) => void;

/** Handlers for one element ID: `win.On.<ID>.<Event> = fn`. Event names from fusion.md §3 table and Timers. */
interface UIElementHandlers {
  /** Button, CheckBox. */
  Clicked?: UIEventHandler;
  /** LineEdit, TextEdit. */
  TextChanged?: UIEventHandler;
  /** LineEdit. */
  ReturnPressed?: UIEventHandler;
  /** SpinBox, DoubleSpinBox, Slider (`ev.Value`). */
  ValueChanged?: UIEventHandler;
  /** ComboBox, TabBar. */
  CurrentIndexChanged?: UIEventHandler;
  /** Tree (`ev.item`, `ev.column`). */
  ItemClicked?: UIEventHandler;
  ItemDoubleClicked?: UIEventHandler;
  CurrentItemChanged?: UIEventHandler;
  ItemActivated?: UIEventHandler;
  /** Window ID: title-bar X / ESC (via QueueEvent). */
  Close?: UIEventHandler;
  /** Timer ID: `win.On.Poll.Timeout = fn`. fusion.md §3 Timers. */
  Timeout?: UIEventHandler;
}

/** `win.On`: element ID → handlers. fusion.md §3 canonical skeleton. */
interface UIWindowHandlers {
  [id: string]: UIElementHandlers;
}

/** `bmd.UIDispatcher(ui)`. fusion.md §3 canonical skeleton; §3 Timers. */
interface UIDispatcher {
  /** Creates a window from props + children (the Lua table's array part). fusion.md §3 canonical skeleton. */
  AddWindow(props: UIWindowProps): UIWindow;
  /**
   * Runs the event loop until {@link ExitLoop}. fusion.md §3 canonical skeleton. A RunLoop nested inside a handler
   * (modal message windows) is [I].
   */
  RunLoop(): void;
  /** Exits the innermost running {@link RunLoop}. fusion.md §3 canonical skeleton. */
  ExitLoop(): void;
  /** Dispatcher-level handlers: `function disp.On.Timeout(ev) if ev.who ~= t.ID then return end ... end` (IS). */
  readonly On: UIDispatcherHandlers;
}

/** `disp.On`. fusion.md §3 Timers (IS). */
interface UIDispatcherHandlers {
  /** Fired for every timer; `ev.who` is the timer ID. */
  Timeout?: UIEventHandler;
}

/** A window from `disp:AddWindow`. fusion.md §3 canonical skeleton; Other window methods. */
interface UIWindow {
  /** fusion.md §3 canonical skeleton (`win:Show()`). */
  Show(): void;
  /** fusion.md §3 canonical skeleton (`win:Hide()`). */
  Hide(): void;
  /**
   * ID → item for every element with an ID. The type parameter only names the caller's item map
   * (e.g. `win.GetItems<DialogItems>()`); nothing is checked at run time.
   */
  GetItems<T extends object = UIItemMap>(): T;
  /** Re-layout after toggling `Visible` (LF). fusion.md §3 Other window methods. */
  RecalcLayout(): void;
  /** fusion.md §3 Other window methods (R19 RenamePlus single-instance idiom). */
  Raise(): void;
  /** fusion.md §3 Other window methods. */
  ActivateWindow(): void;
  /**
   * Element ID → handlers (`function win.On.Submit.Clicked(ev)`, fusion.md §3 canonical skeleton). Whether an ID that
   * is not an element's (e.g. a timer's) has an entry is [I]: assign those inside pcall.
   */
  readonly On: UIWindowHandlers;
}

/** Default GetItems() map. */
interface UIItemMap {
  [id: string]: UIItem | undefined;
}

/**
 * Properties every item has. fusion.md §3 Common properties ("Common properties on all elements: Weight, ToolTip,
 * Alignment, MinimumSize, StyleSheet, Visible (toggle it, then call win:RecalcLayout(), as in LF), Enabled").
 * Whether layout groups (VGroup/HGroup with an ID) are items of GetItems() is [I]: treat them as possibly absent.
 */
interface UIItem {
  /** The element's ID (fusion.md §3 canonical skeleton: the key in GetItems()). */
  readonly ID: string;
  Enabled: boolean;
  Visible: boolean;
  ToolTip: string;
  StyleSheet: string;
  Weight: number;
}

/** fusion.md §3 (canonical skeleton). */
interface UILabel extends UIItem {
  Text: string;
}
/** fusion.md §3 table, LineEdit row. */
interface UILineEdit extends UIItem {
  Text: string;
  PlaceholderText: string;
  ReadOnly: boolean;
}
/** fusion.md §3 table, TextEdit row. */
interface UITextEdit extends UIItem {
  Text: string;
  PlainText: string;
  HTML: string;
  ReadOnly: boolean;
  PlaceholderText: string;
}
/** SpinBox / DoubleSpinBox / Slider. fusion.md §3 table. */
interface UIRangeItem extends UIItem {
  Value: number;
  Minimum: number;
  Maximum: number;
}
/** fusion.md §3 table, CheckBox row. */
interface UICheckBox extends UIItem {
  Text: string;
  Checked: boolean;
}
/** fusion.md §3 table, Button row. */
interface UIButton extends UIItem {
  Text: string;
}
/**
 * fusion.md §3 table, ComboBox row (LF): items are added after window creation with AddItem/AddItems; read
 * CurrentIndex (0-based) and CurrentText; CurrentText can be assigned to select an item. No way to remove items is
 * documented (no Clear), so the list a ComboBox shows must never need to shrink.
 */
interface UIComboBox extends UIItem {
  /**
   * 0-based. Reading is documented; -1 when nothing is selected [I]; assigning it is [I] (a Qt property, but the
   * docs only show reads): prefer assigning {@link CurrentText}.
   */
  CurrentIndex: number;
  /** The selected item's text; assign to select a matching item (LF). */
  CurrentText: string;
  /** fusion.md §3 ComboBox row (`itm.Combo:AddItem('A')`). */
  AddItem(text: string): void;
  /** Adds a Lua array of strings. fusion.md §3 ComboBox row (`:AddItems({...})`). */
  AddItems(texts: string[]): void;
}
/** fusion.md §3 table, TabBar row. */
interface UITabBar extends UIItem {
  /** fusion.md §3 TabBar row. */
  CurrentIndex: number;
}
/** fusion.md §3 table, Tree row. */
interface UITree extends UIItem {
  /** Number of columns. */
  ColumnCount: number;
  /** Per-column widths: `tree.ColumnWidth[0] = 120` (0-based column keys [I]). */
  readonly ColumnWidth: { [column: number]: number };
  SortingEnabled: boolean;
  /** A new, detached row item. */
  NewItem(): UITreeItem;
  AddTopLevelItem(item: UITreeItem): void;
  /** Removes all rows. */
  Clear(): void;
  /** Header labels as a Lua array of strings. */
  SetHeaderLabels(labels: string[]): void;
  /** Header from an item made with NewItem(). */
  SetHeaderItem(item: UITreeItem): void;
}
/** A Tree row: `it.Text[0] = "..."` (column keys, 0-based [I]); `ev.item.Text[n]`. fusion.md §3 table, Tree row. */
interface UITreeItem {
  readonly Text: { [column: number]: string };
}

/** `ui:Timer{...}`. fusion.md §3 Timers (IS): `t.ID`, `t:Start()`, `t:Stop()`. */
interface UITimer {
  /** fusion.md §3 Timers (`if ev.who ~= t.ID`). */
  readonly ID: string;
  /** Milliseconds (the constructor prop; reading it back is [I]). */
  Interval: number;
  /** The constructor prop; reading it back is [I]. */
  SingleShot: boolean;
  /** fusion.md §3 Timers. */
  Start(): void;
  /** fusion.md §3 Timers. */
  Stop(): void;
}

/**
 * The single argument of every handler. fusion.md §3 Timers: `ev.who` carries the emitting element's ID (IS: "not
 * documented in any known BMD doc"); other fields seen: `ev.sender`, `ev.item`, `ev.column`, `ev.Key`, `ev.Value`,
 * `ev.Args`. Every field is optional here: handlers must work when a field (or the whole table) is missing.
 */
interface UIEvent {
  /** ID of the emitting element (window ID for Close, timer ID for Timeout). */
  readonly who?: string;
  /** The emitting item. */
  readonly sender?: unknown;
  /** Tree events: the row. */
  readonly item?: UITreeItem;
  /** Tree events: the column. */
  readonly column?: number;
  /** ValueChanged: the new value. */
  readonly Value?: number;
  /** Key events. */
  readonly Key?: unknown;
  /** Extra args (e.g. the QueueEvent table). */
  readonly Args?: unknown;
}
