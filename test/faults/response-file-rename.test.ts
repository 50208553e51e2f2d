// The response file is renamed into place (R.tmp → R). On Windows an antivirus or indexer holding the file makes
// the rename fail for a moment with EPERM or EBUSY: the helper tries again before giving up, and gives up cleanly.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";

/** How many of the next renames fail, and with which code. */
const failing = { count: 0, code: "EPERM" };

vi.mock("node:fs", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs")>();
  const renameSync: typeof real.renameSync = (from, to) => {
    if (failing.count > 0) {
      failing.count--;
      throw Object.assign(new Error(`${failing.code}: operation not permitted, rename`), { code: failing.code });
    }
    real.renameSync(from, to);
  };
  return { ...real, default: { ...real, renameSync }, renameSync };
});

const { Output } = await import("../../src-node/output");
const dir = mkdtempSync(join(tmpdir(), "hq-rename-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  failing.count = 0;
});

function answer(file: string): { warnings: string[] } {
  const warnings: string[] = [];
  new Output(true, file, () => {}, (t) => warnings.push(t)).result({ ok: true, command: "ping", server: "x", milliseconds: 1, nodeVersion: "v20" }, "");
  return { warnings };
}

describe("the response file's rename", () => {
  for (const code of ["EPERM", "EBUSY"]) {
    it(`is tried again after ${code} (a file held for a moment), and the answer arrives whole`, () => {
      const file = join(dir, `${code}.json`);
      Object.assign(failing, { count: 2, code });
      const { warnings } = answer(file);
      expect(warnings).toEqual([]);
      expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ ok: true, command: "ping" });
      expect(existsSync(`${file}.tmp`)).toBe(false);
    });
  }

  it("gives up after a few tries, says so, and leaves no .tmp behind", () => {
    const file = join(dir, "held.json");
    Object.assign(failing, { count: 1000, code: "EBUSY" });
    const { warnings } = answer(file);
    expect(warnings.join("")).toContain("could not write the response file");
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.tmp`)).toBe(false);
    expect(failing.count).toBeGreaterThan(990);
  });

  it("does not retry other errors", () => {
    const file = join(dir, "other.json");
    Object.assign(failing, { count: 1, code: "ENOENT" });
    expect(answer(file).warnings.join("")).toContain("could not write the response file");
    expect(fs.existsSync(file)).toBe(false);
  });
});
