/**
 * Runs render.py (PySide6, Qt offscreen) on captured windows. The renderer is optional on a developer's machine:
 * `rendererProblem()` says why it cannot run, and the callers skip or stop with that text.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../../support/fusion-standin";
import { type CapturedWindow, TOOL_DIR } from "./capture";

/** Where the pictures go: Reactor/Docs/Images ships in the atom as Docs/Kartaverse/KartaLink/HQueue Render/Images. */
export const IMAGES_DIR = path.join(repoRoot, "Reactor/Docs/Images");
/** The trees the committed pictures were rendered from (test-only: not shipped in the atom). */
export const CAPTURED_DIR = path.join(TOOL_DIR, "captured");
const RENDER_PY = path.join(TOOL_DIR, "render.py");
/** The font render.py uses (Debian fonts-dejavu-core). */
const FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
/** The pinned renderer (also installed by .ci/run). */
export const REQUIREMENTS = path.join(TOOL_DIR, "requirements.txt");

/** The python that has PySide6: KARTALINK_DOCS_PYTHON, else python3 on PATH. */
export function python(): string {
  return process.env.KARTALINK_DOCS_PYTHON || "python3";
}

/** undefined when render.py can run here, else what is missing and how to install it. */
export function rendererProblem(): string | undefined {
  if (!fs.existsSync(FONT)) return `${FONT} is missing (Debian: apt-get install fonts-dejavu-core)`;
  // QtWidgets, not just PySide6: it loads the system libraries Qt needs (libEGL, libfontconfig, libxkbcommon, …).
  const probe = spawnSync(python(), ["-c", "import PySide6, PySide6.QtWidgets, sys; sys.stdout.write(PySide6.__version__)"], { encoding: "utf8" });
  if (probe.error !== undefined) return `${python()} cannot be run (${probe.error.message})`;
  if (probe.status !== 0) {
    const why = probe.stderr.trim().split("\n").pop() ?? "";
    return `PySide6 cannot be loaded by ${python()} (${why}): python3 -m pip install -r ${path.relative(repoRoot, REQUIREMENTS)} ` +
      "(see .ci/run for the Debian libraries Qt needs), or point KARTALINK_DOCS_PYTHON at a python that has it";
  }
  const pinned = /pyside6-essentials==([\d.]+)/.exec(fs.readFileSync(REQUIREMENTS, "utf8"))?.[1];
  if (pinned !== undefined && probe.stdout.trim() !== pinned) {
    return `PySide6 ${probe.stdout.trim()} is installed, the pictures are rendered with the pinned ${pinned}: ` +
      `python3 -m pip install -r ${path.relative(repoRoot, REQUIREMENTS)}`;
  }
  return undefined;
}

/** Sizes Qt computed for one window, [width, height] each. */
export interface WindowSizes {
  picture: string;
  id: string;
  /** The Geometry the script asked for. */
  requested: [number, number];
  /** The layout's sizeHint. */
  natural: [number, number];
  /** The layout's minimumSizeHint: the window cannot be smaller. */
  minimum: [number, number];
  /** The window's size once shown: the Geometry, grown to the minimum where it is smaller. */
  opened: [number, number];
  /** The rows of the window's outer group as laid out (0 for hidden ones), to see where the height goes. */
  rows: { element: string; height: number }[];
}

export interface RenderReport {
  windows: WindowSizes[];
  /** Pictures whose pixels differ from those in compareDir (or that are missing there). */
  differ: string[];
}

/** Renders `windows` into outDir (PNG per picture); with compareDir, also reports which pictures differ from it. */
export function renderPictures(windows: CapturedWindow[], outDir: string, compareDir?: string): RenderReport {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kartalink-render-"));
  try {
    const input = path.join(tmp, "captured.json");
    fs.writeFileSync(input, JSON.stringify(windows));
    fs.mkdirSync(outDir, { recursive: true });
    const args = [RENDER_PY, input, outDir, ...(compareDir !== undefined ? ["--compare", compareDir] : [])];
    const run = spawnSync(python(), args, {
      encoding: "utf8",
      env: { ...process.env, QT_QPA_PLATFORM: "offscreen", LANG: "C.UTF-8", LC_ALL: "C.UTF-8" },
    });
    if (run.status !== 0) throw new Error(`render.py failed (exit ${run.status}):\n${run.stderr}`);
    const last = run.stdout.trim().split("\n").pop() ?? "";
    return JSON.parse(last) as RenderReport;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** A laptop screen of 1366×768 leaves about 700 px for a window (issue 9). */
export const SCREEN_BUDGET = { width: 1366, height: 700 };

export function fitsLaptop(sizes: WindowSizes): boolean {
  return sizes.opened[0] <= SCREEN_BUDGET.width && sizes.opened[1] <= SCREEN_BUDGET.height;
}
