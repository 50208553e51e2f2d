/**
 * Imported first by cli.ts, so it runs before any other module of the bundle: refuses a Node.js older than the
 * helper supports with a JSON answer the comp script can show (the same document --json / --response-file carry),
 * instead of failing later in some API call. A Node.js too old even to parse the bundle fails with a SyntaxError
 * before this runs; the comp script maps that to the same advice.
 *
 * Written for old runtimes: no optional chaining, no newer APIs.
 */
import { writeFileAtomic } from "./atomic-file";
import { PhaseFile } from "./phase-file";

/** The oldest Node.js major version the helper runs on (package.json "engines" says the same). */
export const MIN_NODE_MAJOR = 18;

export function tooOldMessage(version: string): { message: string; hint: string } | undefined {
  const major = Number(version.replace(/^v/, "").split(".")[0]);
  if (!(major < MIN_NODE_MAJOR)) return undefined;
  return {
    message: `Node.js ${version} is too old: HQueue Render needs Node.js ${MIN_NODE_MAJOR} or newer.`,
    hint:
      'Install "KartaLink | Node.js Runtime" with Reactor (it brings its own Node.js), or install Node.js ' +
      `${MIN_NODE_MAJOR} or newer from https://nodejs.org, or enter a newer node program in the Node.js field of the dialog.`,
  };
}

function refuseOldNode(): void {
  const problem = tooOldMessage(process.version);
  if (problem === undefined) return;
  const doc = JSON.stringify({ ok: false, error: { code: "internal", message: problem.message, hint: problem.hint } });
  const argv = process.argv.slice(2);
  if (argv.indexOf("--json") >= 0) process.stdout.write(doc + "\n");
  else process.stderr.write("error: " + problem.message + "\nhint: " + problem.hint + "\n");
  for (let i = 0; i < argv.length; i++) {
    let file: string | undefined;
    if (argv[i] === "--response-file") file = argv[i + 1];
    else if (argv[i].indexOf("--response-file=") === 0) file = argv[i].slice("--response-file=".length);
    if (file) {
      try {
        // As every run with a response file (cli.ts): the phase file first, then the whole answer, atomically.
        PhaseFile.forResponseFile(file).start();
        writeFileAtomic(file, doc + "\n");
      } catch (e) {
        process.stderr.write("could not write the response file " + file + "\n");
      }
    }
  }
  process.exit(1);
}

// Only when this is the helper program itself (in the bundle this module is the program's module; the tests
// import cli.ts as a module under their own node).
if (require.main === module) refuseOldNode();
