/**
 * `npm run docs:images`: captures the dialog and the monitor from the built comp script (dist/build) in the Fusion
 * stand-in, writes their element trees to test/tools/docs-images/captured/ and renders them with Qt into
 * Reactor/Docs/Images/, then prints the window sizes Qt computes (issue 9: the dialog must open at most 700 px
 * tall on a 1366×768 screen). The test test/docs/docs-images.test.ts fails when these files are out of date.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../support/fusion-standin";
import { captureWindows, stableJson } from "./capture";
import { CAPTURED_DIR, IMAGES_DIR, SCREEN_BUDGET, fitsLaptop, renderPictures, rendererProblem } from "./renderer";

function say(text = ""): void {
  process.stdout.write(`${text}\n`);
}

async function main(): Promise<number> {
  const windows = await captureWindows();
  fs.mkdirSync(CAPTURED_DIR, { recursive: true });
  for (const window of windows) {
    fs.writeFileSync(path.join(CAPTURED_DIR, window.picture.replace(/\.png$/, ".json")), stableJson(window));
  }
  say(`captured ${windows.length} windows → ${path.relative(repoRoot, CAPTURED_DIR)}/`);
  const problem = rendererProblem();
  if (problem !== undefined) {
    say(`cannot render the pictures: ${problem}`);
    return 1;
  }
  const report = renderPictures(windows, IMAGES_DIR);
  say(`rendered → ${path.relative(repoRoot, IMAGES_DIR)}/ (run npm run build to put them into dist/Reactor)`);
  say("");
  say("window sizes as Qt lays them out (width×height):");
  const fmt = ([w, h]: [number, number]): string => `${w}×${h}`.padEnd(9);
  for (const w of report.windows) {
    say(`  ${w.picture.padEnd(18)} requested ${fmt(w.requested)} natural ${fmt(w.natural)} minimum ${fmt(w.minimum)} opens at ${fmt(w.opened)}` +
      (fitsLaptop(w) ? "" : `  exceeds ${SCREEN_BUDGET.width}×${SCREEN_BUDGET.height}`));
  }
  for (const w of report.windows.filter((one) => !fitsLaptop(one))) {
    const tallest = [...w.rows].sort((a, b) => b.height - a.height).slice(0, 8);
    say(`  ${w.picture}: tallest rows: ${tallest.map((row) => `${row.element} ${row.height}`).join(", ")}`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`docs:images failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
