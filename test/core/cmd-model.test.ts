/**
 * The cmd.exe + MSVCRT model itself, against documented examples: Microsoft's "Parsing C++ command-line
 * arguments" table, `cmd /?` on /c quote handling, and well-known cmd.exe behaviours (percent expansion in
 * command-line mode, carets, operators, delayed expansion).
 */
import { describe, expect, it } from "vitest";
import {
  CmdModelUnsupported,
  cmdParse,
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
