/**
 * The pure parts of the comp script's Windows file and launch binding (src-lua/wide-text.ts), compiled by
 * TypeScriptToLua and run under real LuaJIT: UTF-8 ↔ UTF-16 (checked against Node's own encoder), the temporary
 * folder choice and the narrow-launch refusal. The FFI calls themselves (src-lua/win-api.ts) need Windows.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transpileLuaModule } from "../support/lua-module";

let work = "";
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "hq-wide-"));
  transpileLuaModule("src-lua/wide-text.ts", path.join(work, "lua"), ".");
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function lua(body: string): string[] {
  const script = `
    package.path = ${JSON.stringify(path.join(work, "lua") + "/?.lua")} .. ";" .. package.path
    local w = require("src-lua.wide-text")
    local function out(...) io.write(table.concat({...}, "\\t"), "\\n") end
    local function hex(bytes) return (bytes:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end
    ${body}
  `;
  const run = spawnSync("luajit", ["-e", script], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout.split("\n").filter((l) => l !== "");
}

const luaString = (text: string): string => '"' + [...Buffer.from(text, "utf8")].map((b) => "\\" + b).join("") + '"';

const PATHS = [
  "C:\\Users\\Łukasz\\AppData\\Local\\Temp",
  "C:\\Users\\山田太郎\\AppData\\Local\\Temp",
  "D:\\tmp\\emoji 😀 folder\\x-request.json",
  "C:\\Users\\Zoë\\AppData\\Local\\Temp\\kartalink-hqueue-1-2-abc-response.json",
  "\\\\server\\share\\\u0928\u092e\u0938\u094d\u0924\u0947",
  "plain ascii",
  "",
];

describe("UTF-8 ↔ UTF-16 under LuaJIT", () => {
  it("gives the code units Node gives, and back to the same bytes", () => {
    const body = PATHS.map((p) => `
      do
        local units = w.utf8ToUtf16(${luaString(p)})
        local parts = {}
        for i = 1, #units do parts[i] = string.format("%04x", units[i]) end
        out(table.concat(parts, " "), hex(w.utf16ToUtf8(units)), tostring(w.isAscii(${luaString(p)})))
      end`).join("\n");
    const lines = lua(body);
    expect(lines).toHaveLength(PATHS.length);
    PATHS.forEach((p, i) => {
      const units = [...Buffer.from(p, "utf16le")].reduce<string[]>((acc, b, k, all) => (k % 2 === 0 ? [...acc, (all[k] | (all[k + 1] << 8)).toString(16).padStart(4, "0")] : acc), []);
      expect(lines[i].split("\t")).toEqual([units.join(" "), Buffer.from(p, "utf8").toString("hex"), String(/^[\x00-\x7f]*$/.test(p))]);
    });
  });

  it("refuses what is not UTF-8 (ANSI bytes from os.getenv, overlong forms, surrogates, NUL), and mends lone surrogates", () => {
    const lines = lua(`
      for _, bytes in ipairs({ "\\233t\\233", "\\192\\175", "\\237\\160\\128", "a\\0b", "\\226\\130", "\\244\\144\\128\\128" }) do
        out(tostring(w.utf8ToUtf16(bytes)))
      end
      out(hex(w.utf16ToUtf8({ 0x41, 0xd800, 0x42 })))
    `);
    expect(lines).toEqual(["nil", "nil", "nil", "nil", "nil", "nil", "41efbfbd42"]);
  });
});

describe("Windows temp folder and launch choice", () => {
  it("GetTempPathW's answer first (trailing separator dropped), else TEMP/TMP, else C:\\Windows\\Temp", () => {
    const lines = lua(`
      out(w.chooseWindowsTemp(${luaString("C:\\Users\\Łukasz\\AppData\\Local\\Temp\\")}, "C:\\\\ansi", nil))
      out(w.chooseWindowsTemp(nil, nil, "C:\\\\Temp\\\\"))
      out(w.chooseWindowsTemp("", "", nil))
      out(w.chooseWindowsTemp("C:\\\\", nil, nil))
    `);
    expect(lines).toEqual(["C:\\Users\\Łukasz\\AppData\\Local\\Temp", "C:\\Temp", "C:\\Windows\\Temp", "C:\\"]);
  });

  it("a narrow launch (no FFI) takes only an ASCII line; a non-ASCII one is refused with what to do", () => {
    const lines = lua(`
      out(tostring(w.narrowLaunchProblem('cmd.exe /d /s /c "node.exe x"')))
      out(w.narrowLaunchProblem(${luaString('cmd.exe /d /s /c "node.exe C:\\Users\\Łukasz\\x"')}))
    `);
    expect(lines[0]).toBe("nil");
    expect(lines[1]).toContain("Set TEMP to a folder with an ASCII-only path");
  });
});
