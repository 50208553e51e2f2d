// The installable atom: Reactor reads the .atom as a Lua table and installs exactly the files its
// Deploy lists (case-sensitive). Load it with real LuaJIT, as Reactor's Lua does, and compare with the tree.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");
const ATOM_ID = "com.AndrewHazelden.KartaLink.HQueueRender";
const atomDir = join(root, "dist/Reactor/Atoms", ATOM_ID);
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [relative(atomDir, full).split(sep).join("/")];
  });
}

/** Loads the atom in a sandbox (Atom is the only global) and prints its fields, one per line. */
function loadAtom(): { fields: Record<string, string>; deploy: string[]; dependencies: string[] } {
  const lua = `
    local text = io.open(arg[1], "rb"):read("*a")
    local chunk = assert(loadstring("return " .. text))
    setfenv(chunk, { Atom = function(t) return t end })
    local atom = chunk()
    assert(type(atom) == "table", "the atom is not a table")
    for _, k in ipairs({ "Name", "Category", "Author", "Version", "Description" }) do
      print("F", k, type(atom[k]), tostring(atom[k]):gsub("\\n", " "))
    end
    print("D", "Date", table.concat(atom.Date, "-"), #atom.Date)
    for k, v in pairs(atom.Deploy) do
      assert(type(k) == "number", "per-OS Deploy keys are not used by this atom: " .. tostring(k))
      print("P", v)
    end
    for _, dep in pairs(atom.Dependencies) do print("N", dep) end
  `;
  const script = join(mkdtempSync(join(tmpdir(), "atom-")), "load-atom.lua");
  writeFileSync(script, lua);
  const run = spawnSync("luajit", [script, join(atomDir, `${ATOM_ID}.atom`)], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`luajit could not load the atom: ${run.stderr}`);
  const fields: Record<string, string> = {};
  const deploy: string[] = [];
  const dependencies: string[] = [];
  for (const line of run.stdout.split("\n")) {
    const [kind, ...rest] = line.split("\t");
    if (kind === "F") fields[rest[0]] = `${rest[1]}:${rest[2]}`;
    if (kind === "D") fields.Date = rest[1];
    if (kind === "P") deploy.push(rest[0]);
    if (kind === "N") dependencies.push(rest[0]);
  }
  return { fields, deploy, dependencies };
}

describe("Reactor atom", () => {
  it("is a Lua table with the fields Reactor reads, version and date from the build", () => {
    const { fields, dependencies } = loadAtom();
    expect(fields.Name).toBe("string:KartaLink | HQueue Render");
    expect(fields.Category).toBe("string:Kartaverse/KartaLink/Scripts");
    expect(fields.Author?.startsWith("string:")).toBe(true);
    const [major, minor] = String(pkg.version).split(".").map(Number);
    expect(fields.Version).toBe(`number:${major + minor / 10}`);
    expect(fields.Description?.startsWith("string:<p>")).toBe(true);
    expect(fields.Date).toMatch(/^\d{4}-\d{1,2}-\d{1,2}$/);
    const [y, m, d] = fields.Date.split("-").map(Number);
    expect(y).toBeGreaterThanOrEqual(2025);
    expect(m).toBeGreaterThanOrEqual(1);
    expect(m).toBeLessThanOrEqual(12);
    expect(d).toBeGreaterThanOrEqual(1);
    expect(d).toBeLessThanOrEqual(31);
    // Reactor installs the Node.js runtime atom with it (test/package/runtime-atom.test.ts checks that atom).
    expect(dependencies).toEqual(["com.AndrewHazelden.KartaLink.NodeRuntime"]);
  });

  it("deploys exactly the files in the tree, case for case", () => {
    const { deploy } = loadAtom();
    const tree = files(atomDir).filter((f) => f !== `${ATOM_ID}.atom`);
    expect([...deploy].sort()).toEqual([...tree].sort());
    expect(new Set(deploy).size).toBe(deploy.length);
    for (const required of [
      "Scripts/Comp/KartaLink/HQueue Render.lua",
      "Bin/KartaLink/HQueueRender/hqueue-helper.js",
      "Docs/Kartaverse/KartaLink/HQueue Render/README.md",
    ]) {
      expect(deploy).toContain(required);
    }
  });

  it("ships the same comp script and helper the build produced", () => {
    expect(readFileSync(join(atomDir, "Scripts/Comp/KartaLink/HQueue Render.lua"))).toEqual(readFileSync(join(root, "dist/build/HQueue Render.lua")));
    expect(readFileSync(join(atomDir, "Bin/KartaLink/HQueueRender/hqueue-helper.js"))).toEqual(readFileSync(join(root, "dist/build/hqueue-helper.js")));
  });
});
