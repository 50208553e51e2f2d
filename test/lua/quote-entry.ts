/**
 * Entry of the LuaJIT check bundle (test/lua/tsconfig.quote.json): runs the portable quoting functions on
 * vectors read from stdin and prints the results, so test/lua/quote-lua.test.ts can compare them with Node.
 *
 * Input, one vector per line: `<function> <hex>[,<hex>…]` — the argument(s) as hex-encoded UTF-8 bytes.
 * Output, one line per vector: `ok <hex>` (result), `none` (undefined result) or `err <hex>` (error message).
 * Hex keeps newlines, NUL and every other byte out of the line framing.
 */
import { cmdForSlashC, cmdJoin, cmdProgramUnsafeReason, cmdTaskLine, cmdTaskLineUnsafeReason, cmdUnsafeReason, quoteCmdArg } from "../../src-node/core/quote-cmd";
import { quoteSh, shJoin } from "../../src-node/core/quote-sh";

// Only the two Lua io functions used here (module-scoped, so this also type-checks on the Node side).
declare const io: {
  read(this: void, format: "*l"): string | undefined;
  write(this: void, ...parts: string[]): void;
};

const HEX = "0123456789abcdef";

function toHex(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out = out + HEX.charAt(Math.floor(code / 16)) + HEX.charAt(code % 16);
  }
  return out;
}

function fromHex(hex: string): string {
  let out = "";
  for (let i = 0; i + 1 < hex.length; i += 2) {
    out = out + String.fromCharCode(HEX.indexOf(hex.charAt(i)) * 16 + HEX.indexOf(hex.charAt(i + 1)));
  }
  return out;
}

function list(hexes: string): string[] {
  const out: string[] = [];
  if (hexes.length === 0) return out;
  const parts = hexes.split(",");
  for (let i = 0; i < parts.length; i++) out.push(fromHex(parts[i]));
  return out;
}

function run(fn: string, hexes: string): string | undefined {
  if (fn === "quoteSh") return quoteSh(fromHex(hexes));
  if (fn === "shJoin") return shJoin(list(hexes));
  if (fn === "quoteCmdArg") return quoteCmdArg(fromHex(hexes));
  if (fn === "cmdJoin") return cmdJoin(list(hexes));
  if (fn === "cmdUnsafeReason") return cmdUnsafeReason(fromHex(hexes));
  if (fn === "cmdProgramUnsafeReason") return cmdProgramUnsafeReason(fromHex(hexes));
  if (fn === "cmdForSlashC") return cmdForSlashC(fromHex(hexes));
  if (fn === "cmdTaskLine") return cmdTaskLine(list(hexes));
  if (fn === "cmdTaskLineUnsafeReason") return cmdTaskLineUnsafeReason(fromHex(hexes));
  throw new Error("unknown function " + fn);
}

for (;;) {
  const line = io.read("*l");
  if (line === undefined) break;
  const space = line.indexOf(" ");
  const fn = space < 0 ? line : line.substring(0, space);
  const hexes = space < 0 ? "" : line.substring(space + 1);
  let result: string;
  try {
    const value = run(fn, hexes);
    result = value === undefined ? "none" : "ok " + toHex(value);
  } catch (e) {
    result = "err " + toHex((e as Error).message);
  }
  io.write(result, "\n");
}
