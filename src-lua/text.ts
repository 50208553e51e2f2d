/**
 * Small string helpers that behave the same under TypeScriptToLua (bytes) and JS: ASCII-only tests,
 * no RegExp, no lastIndexOf. Integers are formatted with %d (Lua's tostring would print 1e+15 style).
 */

const SPACE_CODES = [32, 9, 10, 13, 11, 12];

function isSpace(code: number): boolean {
  return SPACE_CODES.includes(code);
}

export function trimText(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return text.substring(start, end);
}

export function formatInt(value: number): string {
  return string.format("%d", value >= 0 ? math.floor(value) : -math.floor(-value));
}

/** A frame number as Fusion shows it: integers without ".0", others with up to 3 decimals. */
export function formatFrame(value: number): string {
  if (math.floor(value) === value) return formatInt(value);
  return string.format("%.3f", value);
}

/** Index of the last `/` or `\` in `path`, or -1. */
function lastSeparator(path: string): number {
  for (let i = path.length - 1; i >= 0; i--) {
    const code = path.charCodeAt(i);
    if (code === 47 || code === 92) return i;
  }
  return -1;
}

/** The folder of a file path (either separator); "" when it has none. */
export function dirnameOf(path: string): string {
  const index = lastSeparator(path);
  if (index < 0) return "";
  if (index === 0) return path.substring(0, 1);
  // Keep "C:\" for a file at a drive's root.
  if (index === 2 && path.charCodeAt(1) === 58) return path.substring(0, 3);
  return path.substring(0, index);
}

export function basenameOf(path: string): string {
  return path.substring(lastSeparator(path) + 1);
}

/** Joins with the platform's separator; `/` in `name` becomes `\` on Windows. */
export function joinPath(platform: "windows" | "linux" | "macosx", dir: string, name: string): string {
  const separator = platform === "windows" ? "\\" : "/";
  const relative = platform === "windows" ? name.split("/").join("\\") : name;
  if (dir === "") return relative;
  const last = dir.charCodeAt(dir.length - 1);
  if (last === 47 || last === 92) return dir + relative;
  return dir + separator + relative;
}

/** The comp's name without the `.comp` extension (any case). */
export function compBaseName(name: string): string {
  const base = basenameOf(name);
  if (base.length > 5 && base.substring(base.length - 5).toLowerCase() === ".comp") return base.substring(0, base.length - 5);
  return base;
}

export function lastLines(text: string, count: number): string {
  const lines = text.split("\n");
  return lines.slice(math.max(0, lines.length - count)).join("\n");
}

/** Comma- or whitespace-separated names (clients, groups, e-mail reasons): trimmed, no empties, no duplicates. */
export function splitNames(text: string): string[] {
  const names: string[] = [];
  let current = "";
  const flush = (): void => {
    if (current !== "" && !names.includes(current)) names.push(current);
    current = "";
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 44 || code === 59 || isSpace(code)) flush();
    else current = current + text.substring(i, i + 1);
  }
  flush();
  return names;
}

function isNameStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

function isNameChar(code: number): boolean {
  return isNameStart(code) || (code >= 48 && code <= 57);
}

export function isEnvName(name: string): boolean {
  if (name.length === 0 || !isNameStart(name.charCodeAt(0))) return false;
  for (let i = 1; i < name.length; i++) if (!isNameChar(name.charCodeAt(i))) return false;
  return true;
}

export type EnvParse = { ok: true; environment: Record<string, string> } | { ok: false; error: string };

/** `NAME=value` lines (blank lines and `#` comments ignored) into a record. */
export function parseEnvironment(text: string): EnvParse {
  const environment: Record<string, string> = {};
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = trimText(lines[n]);
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    const name = eq > 0 ? trimText(line.substring(0, eq)) : "";
    if (!isEnvName(name)) {
      return { ok: false, error: "line " + formatInt(n + 1) + ": write NAME=value (a name of letters, digits and _)" };
    }
    environment[name] = line.substring(eq + 1);
  }
  return { ok: true, environment };
}

export function formatEnvironment(environment: Record<string, string>): string {
  const names: string[] = [];
  for (const name in environment) names.push(name);
  names.sort();
  return names.map((name) => name + "=" + environment[name]).join("\n");
}

/** "1 frame" / "12 frames". */
export function plural(count: number, one: string, many: string): string {
  return formatInt(count) + " " + (count === 1 ? one : many);
}
