import { describe, expect, it } from "vitest";
import {
  cmdForSlashC,
  cmdJoin,
  cmdProgramUnsafeReason,
  cmdTaskLine,
  cmdTaskLineUnsafeReason,
  cmdUnsafeReason,
  quoteCmdArg,
} from "../../src-node/core/quote-cmd";
import { CMD_INVOCATIONS, cmdParse, cmdRunAs, cmdRunAsPython, cmdSlashC } from "../support/cmd-model";
import { prng } from "../support/prng";


// Everything cmd.exe or MSVCRT could care about, except what we refuse (! " NUL and control characters).
const HOSTILE = [..."%^&()<>|;,'`$=+[]{}@#~.-_ \\/:*?"];
const PIECES = [
  "\\\\srv\\share\\", "C:\\", "\\", "\\\\", "%PATH%", "%temp%", "%CD%", "%RANDOM%", "%ERRORLEVEL%", "%%", "%X:~0,2%",
  "%a %b%", "Program Files (x86)", "shot 010", "é", "中文", "😀", "\u00a0", "\u3000", "ÿ", "^%", "^^", "&&", "||",
];

/** Random arguments a Windows path (or any argument we accept) may hold. */
function hostileArgs(seed: number, count: number): string[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const length = Math.floor(random() * 12);
    let s = "";
    for (let k = 0; k < length; k++) {
      const r = random();
      if (r < 0.5) s += pick(HOSTILE);
      else if (r < 0.75) s += pick(PIECES);
      else s += pick(["a", "Z", "0", "x9", "PATH", "temp"]);
    }
    if (random() < 0.15) s += "\\".repeat(1 + Math.floor(random() * 3)); // trailing backslashes
    out.push(s);
  }
  return out;
}

/** An environment defining every name found between two `%` of the arguments, with values that would show. */
function hostileEnv(args: readonly string[]): Record<string, string> {
  const env: Record<string, string> = { PATH: 'C:\\Windows;"&|', TEMP: "C:\\T&M P", USERNAME: "a!b!c" };
  for (const arg of args) {
    const percents: number[] = [];
    for (let i = 0; i < arg.length; i++) if (arg[i] === "%") percents.push(i);
    for (let a = 0; a < percents.length; a++) {
      for (let b = a + 1; b < percents.length; b++) {
        const name = arg.slice(percents[a] + 1, percents[b]);
        if (name !== "" && !name.includes("=")) env[name] = `<${name}&"x">`;
      }
    }
  }
  return env;
}

const PROGRAMS = [
  "C:\\Program Files\\Blackmagic Design\\Fusion Render Node 19\\FusionRenderNode.exe",
  "C:\\Program Files (x86)\\A&B ^ co; ' `$=+,[]\\Fusion Render Node.exe",
  "\\\\srv\\apps\\fusion é 中\\FusionRenderNode.exe",
  "node",
];

describe("quoteCmdArg", () => {
  it("quotes for MSVCRT, doubling backslashes before a closing quote", () => {
    expect(quoteCmdArg("C:\\dir\\")).toBe('"C:\\dir\\\\"');
    expect(quoteCmdArg("a b")).toBe('"a b"');
    expect(quoteCmdArg("")).toBe('""');
    expect(quoteCmdArg("\\\\srv\\share\\shot 010\\comp.comp")).toBe('"\\\\srv\\share\\shot 010\\comp.comp"');
    expect(quoteCmdArg("a\\b\\\\c")).toBe('"a\\b\\\\c"'); // inner backslashes stay single
  });

  it("writes % outside the quotes as ^%", () => {
    expect(quoteCmdArg("a%b")).toBe('"a"^%"b"');
    expect(quoteCmdArg("%PATH%")).toBe('""^%"PATH"^%""');
    expect(quoteCmdArg("C:\\x\\%y")).toBe('"C:\\x\\\\"^%"y"');
  });

  it("leaves simple flags and numbers bare", () => {
    for (const token of ["/render", "-start", "10", "-5", "C:/x/y.comp", "a=b", "x_y.z:1"]) {
      expect(quoteCmdArg(token)).toBe(token);
    }
    for (const token of ["a,b", "a;b", "a+b", "é", "a\\b", "(1)"]) expect(quoteCmdArg(token)).not.toBe(token);
  });

  it("refuses ! \" NUL CR LF and control characters, with a reason", () => {
    const refused: [string, RegExp][] = [
      ["C:\\Wow!\\a.comp", /"!".*delayed expansion/],
      ['say "hi"', /double quote/],
      ["a\0b", /NUL/],
      ["a\rb", /line break/],
      ["a\nb", /line break/],
      ["a\tb", /control character \(code 9\)/],
      ["a\x1bb", /control character \(code 27\)/],
      ["a\x7fb", /control character \(code 127\)/],
    ];
    for (const [arg, reason] of refused) {
      expect(cmdUnsafeReason(arg)).toMatch(reason);
      expect(() => quoteCmdArg(arg)).toThrow(reason);
      expect(() => cmdJoin(["C:\\x.exe", "ok", arg])).toThrow(reason);
    }
    expect(cmdUnsafeReason("C:\\ok %^&()' `$=\\é")).toBeUndefined();
  });
});

describe("cmdJoin", () => {
  it("is readable for normal paths", () => {
    const argv = [
      "C:\\Program Files\\Blackmagic Design\\Fusion Render Node 19\\FusionRenderNode.exe",
      "\\\\srv\\share\\shot 010\\comp.comp",
      ..."/render /start 1 /end 10 /step 1 /verbose /quit".split(" "),
    ];
    expect(cmdJoin(argv)).toBe(
      '"C:\\Program Files\\Blackmagic Design\\Fusion Render Node 19\\FusionRenderNode.exe" ' +
        '"\\\\srv\\share\\shot 010\\comp.comp" /render /start 1 /end 10 /step 1 /verbose /quit',
    );
  });

  it("always quotes the program and refuses % in it", () => {
    expect(cmdJoin(["node"])).toBe('"node"');
    expect(cmdProgramUnsafeReason("C:\\100%\\x.exe")).toMatch(/"%"/);
    expect(() => cmdJoin(["C:\\100%\\x.exe"])).toThrow(/"%"/);
    expect(() => cmdJoin([""])).toThrow(/empty/);
    expect(() => cmdJoin([])).toThrow();
  });

  it("cmdForSlashC survives the /c quote stripping of system()/io.popen", () => {
    const command = cmdJoin([PROGRAMS[1], "a b", "%x%"]);
    expect(cmdSlashC(cmdForSlashC(command))).toBe(command);
  });
});

describe("cmdJoin through the cmd.exe model", () => {
  const args = hostileArgs(0xc0ffee, 3000);

  for (const delayedExpansion of [false, true]) {
    it(`3000 hostile arguments arrive exactly, delayed expansion ${delayedExpansion ? "on" : "off"}`, () => {
      let checked = 0;
      for (let start = 0; start < args.length; start += 10) {
        const batch = args.slice(start, start + 10);
        const program = PROGRAMS[(start / 10) % PROGRAMS.length];
        const env = hostileEnv(batch);
        const command = cmdJoin([program, ...batch]);
        const viaHQueue = cmdRunAsPython(command, { env, delayedExpansion });
        expect(viaHQueue.separators, command).toEqual([]);
        expect(viaHQueue.commands).toHaveLength(1);
        expect(viaHQueue.commands[0].program, command).toBe(program);
        expect(viaHQueue.argv, command).toEqual([program, ...batch]);
        // io.popen / os.execute from the comp script.
        expect(cmdParse(cmdSlashC(cmdForSlashC(command)), { env, delayedExpansion }).argv).toEqual([program, ...batch]);
        checked += batch.length;
      }
      expect(checked).toBe(3000);
    });
  }

  it("the random arguments really are hostile", () => {
    const all = args.join("");
    for (const c of ["%", "^", "&", "(", ")", ";", "'", "`", "$", "=", "\\", " ", "é", "😀"]) expect(all).toContain(c);
    expect(args.filter((a) => a.endsWith("\\")).length).toBeGreaterThan(300);
    expect(args.filter((a) => a.includes("%PATH%")).length).toBeGreaterThan(100);
    // Without the ^% encoding, cmd.exe would expand them.
    const env = hostileEnv(args);
    const naiveBreaks = (a: string): boolean => {
      try {
        return cmdParse(`p "${a}"`, { env, delayedExpansion: false }).argv[1] !== a;
      } catch {
        return true; // the model met an edit of a defined variable: expansion happened
      }
    };
    expect(args.filter(naiveBreaks).length).toBeGreaterThan(500);
  });

  it("no encoding of ! is right in both delayed-expansion modes (why ! is refused)", () => {
    const candidates = ['"a!b"', '"a^!b"', '"a^^!b"', "a^!b", "a^^!b", 'a"!"b', '"a"^!"b"', '"a"^^!"b"'];
    for (const candidate of candidates) {
      const off = cmdParse(`p ${candidate}`, { env: {}, delayedExpansion: false }).argv[1];
      const on = cmdParse(`p ${candidate}`, { env: {}, delayedExpansion: true }).argv[1];
      expect(off === "a!b" && on === "a!b", candidate).toBe(false);
    }
  });
});

describe("cmdTaskLine: one line for every way the HQueue client may start cmd.exe", () => {
  // The hostile arguments minus "%" (refused: see below), and programs of every shape we accept.
  const args = hostileArgs(0x15c0de, 3000).map((a) => a.split("%").join("_"));
  const programs = [...PROGRAMS, "C:\\x.exe", "\\\\srv\\a b\\é (1)\\r.exe", "_tool", ".\\r n.exe", "9 lives.exe"];

  for (const form of CMD_INVOCATIONS) {
    for (const delayedExpansion of [false, true]) {
      it(`3000 hostile arguments arrive exactly: ${form}, delayed expansion ${delayedExpansion ? "on" : "off"}`, () => {
        let checked = 0;
        for (let start = 0; start < args.length; start += 10) {
          const batch = args.slice(start, start + 10);
          const program = programs[(start / 10) % programs.length];
          const line = cmdTaskLine([program, ...batch]);
          expect(line.startsWith('"'), line).toBe(false);
          // cmd /c rule 1 (exactly two quotes around an executable) must not matter: decide it both ways.
          for (const isExecutable of [() => true, () => false]) {
            const r = cmdRunAs(form, line, { env: hostileEnv(batch), delayedExpansion }, isExecutable);
            expect(r.separators, line).toEqual([]);
            expect(r.commands).toHaveLength(1);
            expect(r.commands[0].program, line).toBe(program);
            expect(r.argv, line).toEqual([program, ...batch]);
          }
          checked += batch.length;
        }
        expect(checked).toBe(3000);
      });
    }
  }

  it("chains with && the same way under every form", () => {
    const a = ["C:\\Program Files\\R N\\r.exe", "\\\\srv\\x & y\\c.comp", "/start", "1"];
    const b = ["C:\\Program Files\\R N\\r.exe", "\\\\srv\\x & y\\c.comp", "/start", "9"];
    const line = cmdTaskLine(a) + " && " + cmdTaskLine(b);
    for (const form of CMD_INVOCATIONS) {
      const r = cmdRunAs(form, line, { env: {}, delayedExpansion: true });
      expect(r.separators).toEqual(["&&"]);
      expect(r.commands.map((c) => c.argv)).toEqual([a, b]);
    }
  });

  it("is readable: a drive path keeps X:\\ bare, other programs their first character", () => {
    expect(cmdTaskLine(["C:\\Program Files\\F\\R.exe", "\\\\srv\\s\\c.comp", "/render", "1"])).toBe(
      'C:\\"Program Files\\F\\R.exe" "\\\\srv\\s\\c.comp" /render 1',
    );
    expect(cmdTaskLine(["\\\\srv\\r.exe"])).toBe('\\"\\srv\\r.exe"');
    expect(cmdTaskLine(["node", "x"])).toBe('n"ode" x');
  });

  it("refuses %, !, \" and control characters anywhere, and odd program starts, with the reason", () => {
    expect(cmdTaskLineUnsafeReason("\\\\srv\\100%\\a.comp")).toMatch(/"%".*batch file/);
    expect(() => cmdTaskLine(["C:\\x.exe", "\\\\srv\\100%\\a.comp"])).toThrow(/"%"/);
    expect(() => cmdTaskLine(["C:\\x.exe", "a!b"])).toThrow(/"!"/);
    expect(() => cmdTaskLine(["C:\\x.exe", 'a"b'])).toThrow(/double quote/);
    expect(() => cmdTaskLine(["C:\\x.exe", "a\nb"])).toThrow(/line break/);
    expect(() => cmdTaskLine(["C:\\1%\\x.exe"])).toThrow(/"%"/);
    for (const program of ["", " x.exe", "&x.exe", "(x).exe", "@x.exe", ":x.exe", "^x.exe", '"x.exe']) {
      expect(() => cmdTaskLine([program]), program).toThrow(/program/);
    }
    expect(() => cmdTaskLine([])).toThrow();
    expect(cmdTaskLineUnsafeReason("C:\\ok ^&()' `$=\\é")).toBeUndefined();
  });

  it("the helper-launch encoding (cmdJoin) would not do: it starts with a quote and spells % for one form", () => {
    const program = "C:\\Program Files\\F\\R.exe";
    const broken = cmdRunAs("slash-c", cmdJoin([program, "a b"]), { env: {}, delayedExpansion: false });
    expect(broken.commands[0].program).not.toBe(program);
    const percent = cmdRunAs("batch-line", cmdJoin([program, "a%b"]), { env: {}, delayedExpansion: false });
    expect(percent.argv[1]).not.toBe("a%b");
  });
});
