/**
 * The thin binding to Fusion's globals (fu, comp, bmd) and to Lua's io/os: every Fusion or process call of the
 * comp script outside the UI code is here, and everything it returns is plain data (see host.ts).
 */
import type { Platform } from "../types/request";
import type { CompSnapshot, Host, OsName, SaverSnapshot } from "./host";

function detectOs(): OsName {
  if (FuPLATFORM_WINDOWS) return "Windows";
  if (FuPLATFORM_MAC) return "Mac";
  return "Linux";
}

export function platformOf(os: OsName): Platform {
  return os === "Windows" ? "windows" : os === "Mac" ? "macosx" : "linux";
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && value === value ? value : fallback;
}

/** The Saver's file name as written: `saver.Clip[fu.TIME_UNDEFINED]`, else TOOLST_Clip_Name (string or table). */
function saverRawPath(tool: Tool, attrs: ToolAttrs): string {
  const [ok, fromInput] = pcall(() => {
    const clip = tool.Clip;
    if (clip === undefined) return undefined;
    return clip[fu.TIME_UNDEFINED];
  });
  if (ok && typeof fromInput === "string" && fromInput !== "") return fromInput;
  const clipName = attrs.TOOLST_Clip_Name;
  if (typeof clipName === "string") return clipName;
  if (typeof clipName === "object") {
    const first = clipName.get(1);
    if (typeof first === "string") return first;
  }
  return "";
}

function readSavers(c: Composition): SaverSnapshot[] {
  const savers: SaverSnapshot[] = [];
  const tools = c.GetToolList(false, "Saver");
  if (tools === undefined) return savers;
  for (const [, tool] of pairs(tools)) {
    const attrs = tool.GetAttrs();
    const rawPath = saverRawPath(tool, attrs);
    let path = "";
    if (rawPath !== "") {
      const [mapped, result] = pcall(() => c.MapPath(rawPath));
      path = mapped && typeof result === "string" ? result : rawPath;
    }
    savers.push({
      name: typeof attrs.TOOLS_Name === "string" ? attrs.TOOLS_Name : "Saver",
      enabled: attrs.TOOLB_PassThrough !== true,
      rawPath,
      path,
    });
  }
  savers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return savers;
}

/** `comp:GetPrefs("Comp.FrameFormat")` → `{Width, Height, Rate, ...}` (fusion.md §1, AY api/lib.py). */
function readFormat(c: Composition): CompSnapshot["format"] {
  const [ok, value] = pcall(() => c.GetPrefs("Comp.FrameFormat"));
  if (!ok || typeof value !== "object" || value === undefined) return undefined;
  const format = value as { Width?: unknown; Height?: unknown; Rate?: unknown };
  const num = (v: unknown): number | undefined => (typeof v === "number" && v > 0 ? v : undefined);
  return { width: num(format.Width), height: num(format.Height), rate: num(format.Rate) };
}

export function readCompSnapshot(c: Composition): CompSnapshot {
  const attrs = c.GetAttrs();
  const renderStart = numberOr(attrs.COMPN_RenderStart, 0);
  const renderEnd = numberOr(attrs.COMPN_RenderEnd, renderStart);
  const step = numberOr(attrs.COMPI_RenderStep, 1);
  const snapshot: CompSnapshot = {
    fileName: typeof attrs.COMPS_FileName === "string" ? attrs.COMPS_FileName : "",
    name: typeof attrs.COMPS_Name === "string" ? attrs.COMPS_Name : "",
    modified: attrs.COMPB_Modified === true,
    renderStart,
    renderEnd,
    globalStart: numberOr(attrs.COMPN_GlobalStart, renderStart),
    globalEnd: numberOr(attrs.COMPN_GlobalEnd, renderEnd),
    step: step >= 1 ? step : 1,
    savers: readSavers(c),
    currentTime: typeof attrs.COMPN_CurrentTime === "number" ? attrs.COMPN_CurrentTime : undefined,
    hiQ: typeof attrs.COMPB_HiQ === "boolean" ? attrs.COMPB_HiQ : undefined,
    proxy: typeof attrs.COMPB_Proxy === "boolean" ? attrs.COMPB_Proxy : undefined,
  };
  snapshot.format = readFormat(c);
  return snapshot;
}

let tokenCounter = 0;

export function createFusionHost(c: Composition): Host {
  const osName = detectOs();
  return {
    os: osName,
    platform: platformOf(osName),
    getenv: (name) => {
      const value = os.getenv(name);
      return value === undefined || value === "" ? undefined : value;
    },
    readComp: () => readCompSnapshot(c),
    getCompData: (key) => c.GetData(key),
    setCompData: (key, value) => c.SetData(key, value),
    saveComp: (path) => c.Save(path) === true,
    getStudioData: (key) => fu.GetData(key),
    setStudioData: (key, value) => {
      fu.SetData(key, value);
      // SetData on the app is kept in Fusion.prefs; write the file now so a crash does not lose it.
      pcall(() => fu.SavePrefs());
    },
    mapGlobalPath: (path) => fu.MapPath(path),
    fileExists: (path) => bmd.fileexists(path) === true,
    dirExists: (path) => bmd.direxists(path) === true,
    createDir: (path) => {
      bmd.createdir(path);
      return bmd.direxists(path) === true;
    },
    readFile: (path) => {
      const [file] = io.open(path, "rb");
      if (file === undefined) return undefined;
      const text = file.read("*a");
      file.close();
      return typeof text === "string" ? text : undefined;
    },
    writeFile: (path, text) => {
      const [file] = io.open(path, "wb");
      if (file === undefined) return false;
      const [written] = file.write(text);
      file.close();
      return written !== undefined;
    },
    removeFile: (path) => {
      os.remove(path);
    },
    tempDir: () => {
      const candidates = osName === "Windows" ? ["TEMP", "TMP"] : ["TMPDIR"];
      for (const name of candidates) {
        const value = os.getenv(name);
        if (value !== undefined && value !== "") return stripTrailingSeparator(value);
      }
      return osName === "Windows" ? "C:\\Windows\\Temp" : "/tmp";
    },
    uniqueToken: () => {
      tokenCounter++;
      // tostring({}) is "table: 0x…": an address unique among live objects, so two Fusion processes
      // (or two runs in the same second) do not collide.
      const address = tostring({}).replace("table: ", "").replace("0x", "");
      return string.format("%d-%d-%s", os.time(), tokenCounter, address);
    },
    runCommand: (commandLine) => {
      const [pipe] = io.popen(commandLine, "r");
      if (pipe === undefined) return undefined;
      const output = pipe.read("*a");
      pipe.close();
      return typeof output === "string" ? output : "";
    },
    openUrl: (url) => bmd.openurl(url),
    scriptPath: () => {
      const info = debug.getinfo(1, "S");
      const source = info?.source;
      if (typeof source !== "string" || source.substring(0, 1) !== "@") return undefined;
      return source.substring(1);
    },
    log: (message) => print(message),
  };
}

function stripTrailingSeparator(path: string): string {
  let end = path.length;
  while (end > 1 && (path.substring(end - 1, end) === "/" || path.substring(end - 1, end) === "\\")) end--;
  return path.substring(0, end);
}
