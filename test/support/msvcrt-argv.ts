/**
 * How a Windows program's C runtime splits its command line into argv (post-2008 MSVCRT / UCRT rules, as
 * documented in Microsoft's "Parsing C++ command-line arguments"). Part of the cmd.exe model (cmd-model.ts).
 */

const isBlank = (c: string | undefined): boolean => c === " " || c === "\t";

/**
 * The C runtime's argv for a command line (post-2008 MSVCRT / UCRT rules, as documented in "Parsing C++
 * command-line arguments"). argv[0] is read by its own rule: quotes toggle, backslashes are literal.
 */
export function msvcrtArgv(commandLine: string): string[] {
  const argv: string[] = [];
  let i = 0;
  while (isBlank(commandLine[i])) i++;
  let program = "";
  let quoted = false;
  for (; i < commandLine.length; i++) {
    const c = commandLine[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && isBlank(c)) break;
    else program += c;
  }
  argv.push(program);
  for (;;) {
    while (isBlank(commandLine[i])) i++;
    if (i >= commandLine.length) break;
    let arg = "";
    quoted = false;
    while (i < commandLine.length) {
      const c = commandLine[i];
      if (!quoted && isBlank(c)) break;
      if (c === "\\") {
        let count = 0;
        while (commandLine[i + count] === "\\") count++;
        if (commandLine[i + count] === '"') {
          arg += "\\".repeat(Math.floor(count / 2));
          if (count % 2 === 1) {
            arg += '"';
            i += count + 1;
          } else {
            i += count; // the quote is a delimiter, handled next
          }
        } else {
          arg += "\\".repeat(count);
          i += count;
        }
        continue;
      }
      if (c === '"') {
        if (quoted && commandLine[i + 1] === '"') {
          arg += '"'; // `""` inside quotes: a literal quote, still quoted
          i += 2;
        } else {
          quoted = !quoted;
          i++;
        }
        continue;
      }
      arg += c;
      i++;
    }
    argv.push(arg);
  }
  return argv;
}
