/**
 * Thin binding to the Windows wide-character calls through LuaJIT's FFI (fusion.md §5: "LuaJIT's stdio uses the ANSI
 * codepage on Windows; use wide Win32 file APIs"; LuaJIT FFI docs https://luajit.org/ext_ffi_api.html). Fusion's
 * strings are UTF-8; io.open, os.remove and os.execute hand them to the C runtime, which reads them in the ANSI code
 * page: a user name or TEMP outside it (e.g. "Łukasz" on a Western code page, "山田" anywhere but Japanese) breaks
 * every temp file. The calls here are plain kernel32 (documented by Microsoft): GetTempPathW, CreateFileW, ReadFile,
 * WriteFile, CloseHandle, DeleteFileW, GetFileAttributesW, CreateProcessW (with CREATE_NO_WINDOW: no console flash).
 * Loaded only on Windows; any failure (no FFI, a declaration clash) leaves the caller on Lua's io.
 */
import { utf16ToUtf8, utf8ToUtf16 } from "./wide-text";

/** The part of LuaJIT's `ffi` module used here. */
interface Ffi {
  cdef(this: void, declarations: string): void;
  C: Record<string, (this: void, ...args: unknown[]) => unknown>;
  new: (this: void, type: string, ...init: unknown[]) => unknown;
  cast(this: void, type: string, value: unknown): unknown;
  string(this: void, pointer: unknown, length?: number): string;
  sizeof(this: void, type: string): unknown;
}

export interface WinApi {
  /** The temporary folder (GetTempPathW), UTF-8, or undefined. */
  tempPath(): string | undefined;
  /** undefined: the path is not UTF-8 (the caller uses io); else the file's bytes, or false when it cannot be read. */
  readFile(path: string): string | false | undefined;
  /** undefined: the path is not UTF-8; else whether every byte was written. */
  writeFile(path: string, text: string): boolean | undefined;
  /** undefined: the path is not UTF-8; else whether it was deleted. */
  removeFile(path: string): boolean | undefined;
  /** undefined: the path is not UTF-8; else whether a file (not a folder) is there. */
  fileExists(path: string): boolean | undefined;
  /**
   * Starts a command line without a window and without waiting; undefined when started, else why not. `program`: the
   * full path of the program the line starts (CreateProcessW's lpApplicationName), so that no `cmd.exe` in Fusion's
   * folder or the current folder is run instead.
   */
  launch(commandLine: string, program: string): string | undefined;
}

const DECLARATIONS = [
  "uint32_t GetTempPathW(uint32_t nBufferLength, uint16_t *lpBuffer);",
  "void *CreateFileW(const uint16_t *lpFileName, uint32_t dwDesiredAccess, uint32_t dwShareMode, void *lpSecurityAttributes, uint32_t dwCreationDisposition, uint32_t dwFlagsAndAttributes, void *hTemplateFile);",
  "int ReadFile(void *hFile, void *lpBuffer, uint32_t nNumberOfBytesToRead, uint32_t *lpNumberOfBytesRead, void *lpOverlapped);",
  "int WriteFile(void *hFile, const void *lpBuffer, uint32_t nNumberOfBytesToWrite, uint32_t *lpNumberOfBytesWritten, void *lpOverlapped);",
  "int CloseHandle(void *hObject);",
  "int DeleteFileW(const uint16_t *lpFileName);",
  "uint32_t GetFileAttributesW(const uint16_t *lpFileName);",
  "uint32_t GetLastError(void);",
  // Own struct names: another script in the same Lua state may have declared STARTUPINFOW its own way.
  "typedef struct { uint32_t cb; uint16_t *lpReserved; uint16_t *lpDesktop; uint16_t *lpTitle; uint32_t dwX; uint32_t dwY; uint32_t dwXSize; uint32_t dwYSize; uint32_t dwXCountChars; uint32_t dwYCountChars; uint32_t dwFillAttribute; uint32_t dwFlags; uint16_t wShowWindow; uint16_t cbReserved2; uint8_t *lpReserved2; void *hStdInput; void *hStdOutput; void *hStdError; } kartalink_STARTUPINFOW;",
  "typedef struct { void *hProcess; void *hThread; uint32_t dwProcessId; uint32_t dwThreadId; } kartalink_PROCESS_INFORMATION;",
  "int CreateProcessW(const uint16_t *lpApplicationName, uint16_t *lpCommandLine, void *lpProcessAttributes, void *lpThreadAttributes, int bInheritHandles, uint32_t dwCreationFlags, void *lpEnvironment, const uint16_t *lpCurrentDirectory, kartalink_STARTUPINFOW *lpStartupInfo, kartalink_PROCESS_INFORMATION *lpProcessInformation);",
];

const GENERIC_READ = 0x80000000;
const GENERIC_WRITE = 0x40000000;
const SHARE_ALL = 7; // FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE: the helper may be writing the same file
const CREATE_ALWAYS = 2;
const OPEN_EXISTING = 3;
const FILE_ATTRIBUTE_NORMAL = 0x80;
const FILE_ATTRIBUTE_DIRECTORY = 0x10;
const INVALID_FILE_ATTRIBUTES = 0xffffffff;
const CREATE_NO_WINDOW = 0x08000000;
const CHUNK = 65536;

/** The wide calls, or undefined when LuaJIT's FFI or kernel32's functions are not there. */
export function loadWinApi(): WinApi | undefined {
  const [loaded, module] = pcall(require, "ffi");
  if (!loaded || typeof module !== "object") return undefined;
  const ffi = module as Ffi;
  // A declaration already made (a second run in the same Lua state, or another script) is an error to repeat: each
  // on its own, then look the functions up, which is what must work.
  for (const declaration of DECLARATIONS) pcall(() => ffi.cdef(declaration));
  const [found] = pcall(() => {
    for (const name of ["GetTempPathW", "CreateFileW", "ReadFile", "WriteFile", "CloseHandle", "DeleteFileW", "GetFileAttributesW", "CreateProcessW"]) {
      if (ffi.C[name] === undefined) error("missing " + name);
    }
    ffi.new("kartalink_STARTUPINFOW");
  });
  if (!found) return undefined;
  const C = ffi.C;

  /** A NUL-terminated wide string for `text`, or undefined when it is not UTF-8. */
  const wide = (text: string): unknown => {
    const units = utf8ToUtf16(text);
    if (units === undefined) return undefined;
    const buffer = ffi.new("uint16_t[?]", units.length + 1) as LuaTable<number, number>;
    for (let i = 0; i < units.length; i++) buffer.set(i, units[i]);
    buffer.set(units.length, 0);
    return buffer;
  };
  const invalid = (handle: unknown): boolean => handle === undefined || tonumber(ffi.cast("intptr_t", handle)) === -1;
  const open = (path: string, access: number, disposition: number): unknown | false | undefined => {
    const name = wide(path);
    if (name === undefined) return undefined;
    const handle = C.CreateFileW(name, access, SHARE_ALL, undefined, disposition, FILE_ATTRIBUTE_NORMAL, undefined);
    return invalid(handle) ? false : handle;
  };

  return {
    tempPath: () => {
      const size = 1024;
      const buffer = ffi.new("uint16_t[?]", size) as LuaTable<number, number>;
      const length = tonumber(C.GetTempPathW(size, buffer)) ?? 0;
      if (length <= 0 || length >= size) return undefined;
      const units: number[] = [];
      for (let i = 0; i < length; i++) units.push(buffer.get(i));
      return utf16ToUtf8(units);
    },
    readFile: (path) => {
      const handle = open(path, GENERIC_READ, OPEN_EXISTING);
      if (handle === undefined || handle === false) return handle;
      const buffer = ffi.new("uint8_t[?]", CHUNK);
      const count = ffi.new("uint32_t[1]") as LuaTable<number, number>;
      const parts: string[] = [];
      let ok = true;
      for (;;) {
        if (C.ReadFile(handle, buffer, CHUNK, count, undefined) === 0) {
          ok = false;
          break;
        }
        const n = tonumber(count.get(0)) ?? 0;
        if (n === 0) break;
        parts.push(ffi.string(buffer, n));
      }
      C.CloseHandle(handle);
      return ok ? parts.join("") : false;
    },
    writeFile: (path, text) => {
      const handle = open(path, GENERIC_WRITE, CREATE_ALWAYS);
      if (handle === undefined || handle === false) return handle;
      const count = ffi.new("uint32_t[1]") as LuaTable<number, number>;
      let ok = text.length === 0 || C.WriteFile(handle, text, text.length, count, undefined) !== 0;
      if (ok && text.length > 0) ok = tonumber(count.get(0)) === text.length;
      C.CloseHandle(handle);
      return ok;
    },
    removeFile: (path) => {
      const name = wide(path);
      if (name === undefined) return undefined;
      return C.DeleteFileW(name) !== 0;
    },
    fileExists: (path) => {
      const name = wide(path);
      if (name === undefined) return undefined;
      const attributes = tonumber(C.GetFileAttributesW(name)) ?? INVALID_FILE_ATTRIBUTES;
      return attributes !== INVALID_FILE_ATTRIBUTES && math.floor(attributes / FILE_ATTRIBUTE_DIRECTORY) % 2 === 0;
    },
    launch: (commandLine, program) => {
      const line = wide(commandLine);
      const application = wide(program);
      if (line === undefined || application === undefined) return "the command line is not valid UTF-8";
      const startup = ffi.new("kartalink_STARTUPINFOW") as { cb: number };
      const info = ffi.new("kartalink_PROCESS_INFORMATION") as { hProcess: unknown; hThread: unknown };
      startup.cb = tonumber(ffi.sizeof("kartalink_STARTUPINFOW")) ?? 0;
      if (C.CreateProcessW(application, line, undefined, undefined, 0, CREATE_NO_WINDOW, undefined, undefined, startup, info) === 0) {
        return "CreateProcessW failed (Windows error " + tostring(C.GetLastError()) + ")";
      }
      C.CloseHandle(info.hProcess);
      C.CloseHandle(info.hThread);
      return undefined;
    },
  };
}

