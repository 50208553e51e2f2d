import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quoteSh, shJoin } from "../../src-node/core/quote-sh";
import { prng } from "../support/prng";
import { SHELLS } from "../support/shells";


const HOSTILE = [..."'\"\\$`!*?~#;&|<>(){}[] \t\n\r=%@+,:./-^_"];
const UNICODE = ["é", "ß", "中", "😀", "\u00a0", "\u2028", "\ufeff", "e\u0301", "ÿ", "\u0085"];

/** Random strings of hostile ASCII, every other ASCII byte but NUL, and non-ASCII text. */
function hostileStrings(seed: number, count: number): string[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const length = Math.floor(random() * 16);
    let s = "";
    for (let k = 0; k < length; k++) {
      const r = random();
      if (r < 0.55) s += pick(HOSTILE);
      else if (r < 0.8) s += String.fromCharCode(1 + Math.floor(random() * 127));
      else if (r < 0.9) s += pick(UNICODE);
      else s += pick(["a", "Z", "0", "x9"]);
    }
    out.push(s);
  }
  return out;
}

describe("quoteSh", () => {
  it("leaves safe words bare and single-quotes the rest", () => {
    expect(quoteSh("abc")).toBe("abc");
    expect(quoteSh("/mnt/hq/shot_010/comp-v2.comp")).toBe("/mnt/hq/shot_010/comp-v2.comp");
    expect(quoteSh("-render")).toBe("-render");
    expect(quoteSh("user@host:50%,a+b")).toBe("user@host:50%,a+b");
    expect(quoteSh("")).toBe("''");
    expect(quoteSh("a b")).toBe("'a b'");
    expect(quoteSh("it's")).toBe("'it'\\''s'");
    expect(quoteSh("'")).toBe("''\\'''");
    expect(quoteSh("~user")).toBe("'~user'");
    expect(quoteSh("=ls")).toBe("'=ls'");
    expect(quoteSh("$HOME")).toBe("'$HOME'");
    expect(quoteSh("a\nb")).toBe("'a\nb'");
    expect(quoteSh("café")).toBe("'café'");
  });

  it("refuses NUL", () => {
    expect(() => quoteSh("a\0b")).toThrow(/NUL/);
  });

  it("quotes a program word that the shell would read as an assignment or a keyword", () => {
    expect(shJoin(["FOO=bar", "x=1"])).toBe("'FOO=bar' x=1");
    expect(shJoin(["if", "then"])).toBe("'if' then");
    expect(shJoin(["/usr/bin/env", "a b"])).toBe("/usr/bin/env 'a b'");
    expect(() => shJoin([])).toThrow();
  });
});


describe("shJoin through real shells", () => {
  let dir = "";
  let recorder = "";

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "quote-sh-"));
    // The recorder's own path is hostile too: it is argv[0] of every command.
    recorder = path.join(dir, `rec 'q"$x\`;(é) & #1.sh`);
    writeFileSync(recorder, "#!/bin/sh\nprintf '%s\\0' \"$@\"\n");
    chmodSync(recorder, 0o755);
  });
  afterAll(() => {
    if (dir !== "" && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  });

  it("has /bin/sh", () => {
    expect(SHELLS.map((s) => s.name)).toContain("/bin/sh");
  });

  it("runs programs named like assignments and reserved words, in every shell", () => {
    const names = ["x=y", "if", "then", "done", "{", "!", "time", "function", "=cmd"];
    for (const name of names) writeFileSync(path.join(dir, name), "#!/bin/sh\nprintf '%s\\0' \"$0\" \"$@\"\n", { mode: 0o755 });
    for (const shell of SHELLS) {
      for (const name of names) {
        const result = spawnSync(shell.name, [...shell.argsPrefix, "-c", shJoin([name, "arg 1"])], {
          env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ""}` },
        });
        expect(result.stdout.toString(), `${shell.name}: ${name}: ${result.stderr.toString()}`).toBe(`${path.join(dir, name)}\0arg 1\0`);
      }
    }
  });

  for (const shell of SHELLS) {
    it(`${shell.name} -c: 2000 hostile arguments arrive byte-identical`, () => {
      const args = hostileStrings(0x5eed + shell.name.length, 2000);
      args.push("", "-n", "-e", "--", "a'b'c", "''", "\\", "\\\\'", "!!", "$(id)", "`id`", "*", "~", "#x", "x#");
      args.push("=ls", "=", "==", "a=b", "%1", "@", "+x", ",", ":", "-", "--x=1", "=sh");
      const batchSize = 300;
      for (let start = 0; start < args.length; start += batchSize) {
        const batch = args.slice(start, start + batchSize);
        const command = shJoin([recorder, ...batch]);
        const result = spawnSync(shell.name, [...shell.argsPrefix, "-c", command], {
          env: { ...process.env, LC_ALL: "C.UTF-8" },
          maxBuffer: 64 * 1024 * 1024,
        });
        expect(result.status, result.stderr.toString()).toBe(0);
        const received = result.stdout.toString("utf8").split("\0");
        expect(received.pop()).toBe(""); // after the last terminator
        expect(received).toEqual(batch);
      }
    });
  }
});
