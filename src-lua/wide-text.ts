/**
 * UTF-8 ↔ UTF-16 for the Windows wide-character calls (src-lua/win-api.ts), and the choices made from paths. Pure Lua
 * string code (string.byte / string.char), so the conversion that runs in Fusion on Windows is the one the tests run
 * under LuaJIT on any OS (test/lua/wide-text-lua.test.ts). Strict: bytes that are not UTF-8 (a path from os.getenv,
 * which Windows gives in the ANSI code page) convert to undefined, and the caller then keeps Lua's own io.
 */
import { codePointToUtf8 } from "./json";

/** The UTF-16 code units of a UTF-8 string, or undefined when it is not valid UTF-8 (or holds a NUL). */
export function utf8ToUtf16(text: string): number[] | undefined {
  const units: number[] = [];
  const n = text.length;
  let i = 1;
  while (i <= n) {
    const b0 = string.byte(text, i);
    let code: number;
    let size: number;
    if (b0 === 0) return undefined;
    if (b0 < 0x80) {
      code = b0;
      size = 1;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      code = b0 - 0xc0;
      size = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      code = b0 - 0xe0;
      size = 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      code = b0 - 0xf0;
      size = 4;
    } else {
      return undefined;
    }
    if (i + size - 1 > n) return undefined;
    for (let k = 1; k < size; k++) {
      const b = string.byte(text, i + k);
      if (b < 0x80 || b > 0xbf) return undefined;
      code = code * 64 + (b - 0x80);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((size === 3 && code < 0x800) || (size === 4 && code < 0x10000) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
    if (code >= 0x10000) {
      const v = code - 0x10000;
      units.push(0xd800 + math.floor(v / 0x400), 0xdc00 + (v % 0x400));
    } else {
      units.push(code);
    }
    i += size;
  }
  return units;
}


/** UTF-16 code units (e.g. from GetTempPathW) → UTF-8; a lone surrogate becomes U+FFFD. */
export function utf16ToUtf8(units: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < units.length) {
    let code = units[i];
    i++;
    if (code >= 0xd800 && code <= 0xdbff && i < units.length && units[i] >= 0xdc00 && units[i] <= 0xdfff) {
      code = 0x10000 + (code - 0xd800) * 0x400 + (units[i] - 0xdc00);
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      code = 0xfffd;
    }
    parts.push(codePointToUtf8(code));
  }
  return parts.join("");
}

/** True when every byte is 7-bit ASCII: such a string means the same in UTF-8 and in every ANSI code page. */
export function isAscii(text: string): boolean {
  for (let i = 1; i <= text.length; i++) if (string.byte(text, i) >= 0x80) return false;
  return true;
}

/**
 * The temporary folder on Windows: GetTempPathW's answer (the OS's own TEMP/TMP/USERPROFILE rule, in Unicode) when
 * the wide calls work, else TEMP or TMP as os.getenv gives them (ANSI code page bytes), else C:\Windows\Temp.
 * Without a trailing separator (C:\ stays C:\).
 */
export function chooseWindowsTemp(wide: string | undefined, temp: string | undefined, tmp: string | undefined): string {
  const strip = (path: string): string => {
    let end = path.length;
    while (end > 3 && (path.substring(end - 1, end) === "\\" || path.substring(end - 1, end) === "/")) end--;
    return path.substring(0, end);
  };
  if (wide !== undefined && wide !== "") return strip(wide);
  // Two parameters, not a list: a Lua list stops at its first nil (TEMP unset).
  if (temp !== undefined && temp !== "") return strip(temp);
  if (tmp !== undefined && tmp !== "") return strip(tmp);
  return "C:\\Windows\\Temp";
}

/**
 * Why a Windows command line cannot be launched the narrow way (bmd.executebg or os.execute, which hand it on in the
 * ANSI code page or in an undocumented encoding), or undefined when it can: only an ASCII line is safe there. The wide
 * launch (CreateProcessW) takes any line.
 */
export function narrowLaunchProblem(line: string): string | undefined {
  if (isAscii(line)) return undefined;
  return (
    "its command line holds characters outside ASCII (a user name, TEMP folder or Node.js path with accents or other " +
    "scripts), which this Fusion cannot pass to a program without the wide Windows calls (LuaJIT FFI). Set TEMP to a " +
    "folder with an ASCII-only path (e.g. C:\\Temp) and keep Node.js and Reactor in ASCII-only folders"
  );
}
