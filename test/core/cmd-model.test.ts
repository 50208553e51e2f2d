/**
 * The cmd.exe + MSVCRT model itself, against documented examples: Microsoft's "Parsing C++ command-line
 * arguments" table, `cmd /?` on /c quote handling, and well-known cmd.exe behaviours (percent expansion in
 * command-line mode, carets, operators, delayed expansion).
 */
import { describe, expect, it } from "vitest";
import {
  CMD_INVOCATIONS,
  CmdModelUnsupported,
  cmdParse,
  cmdRunAs,
  percentExpandBatch,
  cmdProgram,
  cmdRunAsPython,
  cmdSlashC,
  msvcrtArgv,
  percentExpand,
} from "../support/cmd-model";

const plain = { env: {}, delayedExpansion: false };
const delayed = { env: {}, delayedExpansion: true };

describe("msvcrtArgv (Microsoft's table for post-2008 runtimes)", () => {
  const table: [string, string[]][] = [
    ['"a b c" d e', ["a b c", "d", "e"]],
    ['"ab\\"c" "\\\\" d', ['ab"c', "\\", "d"]],
    ['a\\\\\\b d"e f"g h', ["a\\\\\\b", "de fg", "h"]],
    ['a\\\\\\"b c d', ['a\\"b', "c", "d"]],
    ['a\\\\\\\\"b c" d e', ["a\\\\b c", "d", "e"]],
    ['a"b"" c d', ['ab" c d']],
  ];
  for (const [input, expected] of table) {
    it(`prog ${input}`, () => {
      expect(msvcrtArgv(`prog ${input}`)).toEqual(["prog", ...expected]);
    });
  }

  it("reads argv[0] with quotes but no backslash escapes", () => {
    expect(msvcrtArgv('"C:\\Program Files\\x\\"  a')).toEqual(["C:\\Program Files\\x\\", "a"]);
    expect(msvcrtArgv('C:\\a" "b\\c.exe x')).toEqual(["C:\\a b\\c.exe", "x"]);
  });

  it("keeps empty quoted arguments, joins adjacent quoted parts, ends an open quote at the end", () => {
    expect(msvcrtArgv('p "" x')).toEqual(["p", "", "x"]);
    expect(msvcrtArgv('p "a"%"b" "c\\\\"')).toEqual(["p", "a%b", "c\\"]);
    expect(msvcrtArgv('p "a b')).toEqual(["p", "a b"]);
    expect(msvcrtArgv("p \t a\tb  ")).toEqual(["p", "a", "b"]);
    expect(msvcrtArgv('p a\\b\\\\ "c\\d"')).toEqual(["p", "a\\b\\\\", "c\\d"]);
  });
});

describe("cmd /c quote handling (cmd /?)", () => {
  it("strips the first and the last quote when there are more than two", () => {
    expect(cmdSlashC('"echo a & echo b"')).toBe("echo a & echo b");
    expect(cmdSlashC('""C:\\a b\\x.exe" "arg""')).toBe('"C:\\a b\\x.exe" "arg"');
    expect(cmdSlashC('  "a" b"c')).toBe('a" bc');
  });

  it("keeps the quotes of one executable name with spaces (decided by the file system)", () => {
    expect(cmdSlashC('"C:\\a b\\x.exe"', () => true)).toBe('"C:\\a b\\x.exe"');
    expect(cmdSlashC('"C:\\a b\\x.exe"', () => false)).toBe("C:\\a b\\x.exe");
    expect(() => cmdSlashC('"C:\\a b\\x.exe"')).toThrow(CmdModelUnsupported);
    // A special character between the two quotes: old behaviour, no file system involved.
    expect(cmdSlashC('"echo a&b"')).toBe("echo a&b");
  });

  it("leaves text without a leading quote alone", () => {
    expect(cmdSlashC('echo "a"')).toBe('echo "a"');
  });
});

describe("percent expansion, command-line mode", () => {
  it("expands defined names case-insensitively and keeps undefined ones", () => {
    const env = { Path: "C:\\bin", TEMP: "C:\\t" };
    expect(percentExpand("%PATH%;%path%", env)).toBe("C:\\bin;C:\\bin");
    expect(percentExpand("%NOPE% %temp%", env)).toBe("%NOPE% C:\\t");
    expect(percentExpand("100% sure", env)).toBe("100% sure");
  });

  it("resumes after the first % of an undefined name (`set b=a`: `%a %b% c%` → `%a a c%`)", () => {
    expect(percentExpand("%a %b% c%", { b: "a" })).toBe("%a a c%");
    expect(percentExpand("%a %b% c%", { "a ": "b" })).toBe("bb% c%");
  });

  it("has no escape for % (`%%VAR%%` → % value %), and carets and quotes do not stop it", () => {
    expect(percentExpand("%%X%%", { X: "v" })).toBe("%v%");
    expect(percentExpand('"%X%" ^%X^%', { X: "v" })).toBe('"v" ^%X^%');
    expect(percentExpand("^%X%", { X: "v" })).toBe("^v");
  });

  it("answers dynamic variables and refuses to guess about edits of defined variables", () => {
    expect(percentExpand("%cd%", {})).toBe("<CD>");
    expect(() => percentExpand("%X:~0,1%", { X: "v" })).toThrow(CmdModelUnsupported);
    expect(percentExpand("%Y:~0,1%", { X: "v" })).toBe("%Y:~0,1%");
  });
});

describe("special characters", () => {
  it("splits on unquoted & && | || and reports redirections", () => {
    const r = cmdParse("a 1 & b 2 && c | d || e > f >> g < h", plain);
    expect(r.separators).toEqual(["&", "&&", "|", "||", ">", ">>", "<"]);
    expect(r.commands.map((c) => c.argv[0])).toEqual(["a", "b", "c", "d", "e", "f", "g", "h"]);
    expect(r.argv).toEqual(["a", "1"]);
  });

  it("takes operators inside quotes and after a caret literally", () => {
    expect(cmdParse('p "a & b|c<d>e(f)" x^&y ^(z^)', plain)).toEqual({
      argv: ["p", "a & b|c<d>e(f)", "x&y", "(z)"],
      separators: [],
      commands: [{ text: 'p "a & b|c<d>e(f)" x&y (z)', program: "p", argv: ["p", "a & b|c<d>e(f)", "x&y", "(z)"] }],
    });
  });

  it("removes carets outside quotes only, drops a final caret, reports parentheses and line ends", () => {
    expect(cmdParse('p a^^b "c^d" e^', plain).argv).toEqual(["p", "a^b", "c^d", "e"]);
    expect(cmdParse("p (a)", plain).separators).toEqual(["(", ")"]);
    expect(cmdParse("p a\nq b", plain)).toMatchObject({ argv: ["p", "a"], separators: ["LF"] });
    expect(cmdParse("p a\r b", plain).argv).toEqual(["p", "a", "b"]);
  });

  it("a caret escapes a quote for cmd, which the program still reads as a quote", () => {
    // cmd sees ^" as literal, so the & after it is outside cmd's quotes.
    expect(cmdParse('p ^"a & b"', plain).separators).toEqual(["&"]);
  });
});

describe("delayed expansion", () => {
  // The well-known `echo` cases: the command's text is what echo prints.
  const echoed = (line: string, delayedExpansion: boolean): string =>
    cmdParse(line, { env: {}, delayedExpansion }).commands[0].text.slice("echo ".length);

  it("with delayed expansion on", () => {
    expect(echoed("echo ^^!", true)).toBe("!");
    expect(echoed("echo ^!", true)).toBe("");
    expect(echoed("echo !", true)).toBe("");
    expect(echoed('echo "^!"', true)).toBe('"!"');
    expect(echoed('echo "!"', true)).toBe('""');
    expect(echoed('echo "^a" ^^x', true)).toBe('"^a" ^x'); // no `!`: nothing happens
  });

  it("with delayed expansion off", () => {
    expect(echoed("echo ^^!", false)).toBe("^!");
    expect(echoed("echo ^!", false)).toBe("!");
    expect(echoed('echo "^!"', false)).toBe('"^!"');
  });

  it("expands !NAME!, collapses opening !, and refuses to guess about undefined names", () => {
    const env = { V: "x y" };
    expect(cmdParse('p "!v!" !!V!', { env, delayedExpansion: true }).argv).toEqual(["p", "x y", "x", "y"]);
    expect(() => cmdParse("p !U!", delayed)).toThrow(CmdModelUnsupported);
  });

  it("expands each token on its own: carets of a token without ! stay", () => {
    expect(cmdParse('"a^b" "c^d!"', delayed).commands[0]).toMatchObject({ program: "a^b", argv: ["a^b", "cd"] });
  });
});

describe("the program cmd.exe starts", () => {
  it("is the first token with quotes removed", () => {
    expect(cmdProgram('"C:\\Program Files\\x.exe" a')).toBe("C:\\Program Files\\x.exe");
    expect(cmdProgram("  notepad,file")).toBe("notepad");
    expect(cmdProgram('"a b"=c')).toBe("a b");
  });

  it("HQueue's Windows client: cmd.exe /c \"<command>\"", () => {
    const r = cmdRunAsPython('"C:\\Fusion\\FusionRenderNode.exe" "\\\\srv\\a b\\c.comp" /render', plain);
    expect(r).toMatchObject({ separators: [], argv: ["C:\\Fusion\\FusionRenderNode.exe", "\\\\srv\\a b\\c.comp", "/render"] });
    expect(r.commands[0].program).toBe("C:\\Fusion\\FusionRenderNode.exe");
  });
});

describe("cmd /s /c (cmd /?: /S always takes rule 2)", () => {
  it("strips the first and the last quote even around one executable name", () => {
    expect(cmdSlashC('"C:\\a b\\x.exe"', () => true, true)).toBe("C:\\a b\\x.exe");
    expect(cmdSlashC('""C:\\a b\\x.exe" "arg""', undefined, true)).toBe('"C:\\a b\\x.exe" "arg"');
    expect(cmdSlashC('C:\\"a b"\\x.exe', undefined, true)).toBe('C:\\"a b"\\x.exe');
  });
});

describe("batch-file percent expansion (phase 1, batch mode)", () => {
  const env = { X: "v", Path: "C:\\bin" };
  it("%% is one %, undefined names are nothing, a lone % is removed", () => {
    expect(percentExpandBatch("100%% %X% %path% %NOPE%|", env)).toBe("100% v C:\\bin |");
    expect(percentExpandBatch("a%b", env)).toBe("ab");
    expect(percentExpandBatch("%%X%%", env)).toBe("%X%");
    expect(percentExpandBatch('"%X%" ^%X^%', env)).toBe('"v" ^'); // carets and quotes do not protect
  });

  it("%0-%9 and %* are the batch file's arguments; %~ modifiers and edits are not modelled", () => {
    expect(percentExpandBatch("%0 %1 %2 %3 %*", {}, ["t.bat", "1", "10"])).toBe("t.bat 1 10  1 10");
    expect(() => percentExpandBatch("%~dp0", {})).toThrow(CmdModelUnsupported);
    expect(percentExpandBatch("[%~1] [%~2] [%~3]", {}, ["t.bat", "\"a b\"", "c", ""])).toBe("[a b] [c] []");
    expect(percentExpandBatch("%X:~0,1%|%N:~-4%|%N:~1%|%N:~1,-1%|%N:~-10%", { X: "v", N: "000042" })).toBe("v|0042|00042|0004|000042");
    expect(() => percentExpandBatch("%X:a=b%", env)).toThrow(CmdModelUnsupported);
    expect(() => percentExpandBatch("%U:~1%", env)).toThrow(CmdModelUnsupported);
  });

  it("an undefined !NAME! is nothing in a batch file", () => {
    const r = cmdParse("p a!U!b", { env: {}, delayedExpansion: true, mode: "batch" });
    expect(r.argv).toEqual(["p", "ab"]);
  });
});

describe("the four ways a client may run a line", () => {
  const exe = "C:\\Program Files\\x\\x.exe";
  const opts = { env: { PATH: "C:\\Windows" }, delayedExpansion: false };

  it("a line that starts with a quote breaks under cmd /c <line> (the program name falls apart)", () => {
    const line = `"${exe}" "a b" /render`;
    expect(cmdRunAs("python-shell", line, opts).argv).toEqual([exe, "a b", "/render"]);
    expect(cmdRunAs("slash-s-c", line, opts).argv).toEqual([exe, "a b", "/render"]);
    expect(cmdRunAs("batch-line", line, opts).argv).toEqual([exe, "a b", "/render"]);
    const broken = cmdRunAs("slash-c", line, opts);
    expect(broken.commands[0].program).toBe("C:\\Program");
  });

  it("a line that does not start with a quote comes out the same under all four", () => {
    const line = 'C:\\"Program Files\\x\\x.exe" "a b" /render';
    for (const form of CMD_INVOCATIONS) {
      const r = cmdRunAs(form, line, opts, () => true);
      expect(r.commands[0].program, form).toBe(exe);
      expect(r.argv, form).toEqual([exe, "a b", "/render"]);
    }
  });

  it("% is escaped on a command line and doubled in a batch file: no spelling serves both", () => {
    for (const spelling of ['"a"^%"b"', '"a%%b"', '"a%b"', "a^%b", '"a"%%"b"']) {
      const results = CMD_INVOCATIONS.map((form) => cmdRunAs(form, `p"x" ${spelling}`, { env: {}, delayedExpansion: false }).argv[1]);
      expect(results.every((arg) => arg === "a%b"), spelling).toBe(false);
    }
    expect(cmdRunAs("slash-c", 'p"x" "a"^%"b"', opts).argv[1]).toBe("a%b");
    expect(cmdRunAs("batch-line", 'p"x" "a%%b"', opts).argv[1]).toBe("a%b");
  });

  it("Python's quotes around a line with no quote at all meet rule 1 (decided by the file system)", () => {
    expect(() => cmdRunAs("python-shell", "notepad a.txt", opts)).toThrow(CmdModelUnsupported);
    expect(cmdRunAs("python-shell", "notepad a.txt", opts, () => false).argv).toEqual(["notepad", "a.txt"]);
  });
});
