// A Reactor install stand-in, from R19 System/Reactor.lua as fusion.md §7 describes it: the .atom is loaded as a Lua
// table; for a platform, the common Deploy entries and those of its section (Windows/Mac/Linux) are installed:
// `Atoms/<id>/<Prefix><file>` (Prefix "Linux/" etc. for a section) is copied to `Reactor:/Deploy/<file>`. Reactor
// downloads files over HTTP, so nothing keeps its executable bit (files land as 0644). Then the atom's InstallScript
// for that platform runs with `app:MapPath` mapping `Reactor:` to the tree, as Reactor's own atoms use it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const INSTALLER = `
local atomFile, atomDir, reactorRoot, platform = arg[1], arg[2], arg[3], arg[4]
local text = assert(io.open(atomFile, "rb")):read("*a")
local chunk = assert(loadstring("return " .. text))
setfenv(chunk, { Atom = function(t) return t end })
local atom = assert(chunk(), "the atom is not a table")
local function sh(s) return "'" .. s:gsub("'", "'\\\\''") .. "'" end
local function install(remote, localPath)
  local src = assert(io.open(atomDir .. "/" .. remote, "rb"), "Deploy lists a missing file: " .. remote)
  local data = src:read("*a"); src:close()
  local dest = reactorRoot .. "/Deploy/" .. localPath
  assert(os.execute("mkdir -p " .. sh(dest:match("^(.*)/[^/]*$"))) == 0)
  local out = assert(io.open(dest, "wb")); out:write(data); out:close()
  assert(os.execute("chmod 644 " .. sh(dest)) == 0)
  print("installed", localPath)
end
for _, file in ipairs(atom.Deploy) do install(file, file) end
for _, file in ipairs(atom.Deploy[platform] or {}) do install(platform .. "/" .. file, file) end
local scripts = atom.InstallScript and atom.InstallScript[platform] or {}
local env = setmetatable({
  app = { MapPath = function(self, p) return (p:gsub("^[Rr]eactor:/?", reactorRoot .. "/")) end },
}, { __index = _G })
for _, code in ipairs(scripts) do
  local run = assert(loadstring(code, "InstallScript"))
  setfenv(run, env)
  run()
  print("ran", "InstallScript")
end
`;

/** Installs the atom at `atomDir` for `platform` into `<reactorRoot>/Deploy/`; returns the installer's lines. */
export function reactorInstall(atomDir: string, atomId: string, reactorRoot: string, platform: "Linux" | "Mac" | "Windows" = "Linux"): string[] {
  const script = join(mkdtempSync(join(tmpdir(), "reactor-install-")), "install.lua");
  writeFileSync(script, INSTALLER);
  const run = spawnSync("luajit", [script, join(atomDir, `${atomId}.atom`), atomDir, reactorRoot, platform], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`installing ${atomId} failed: ${run.stderr}${run.stdout}`);
  return run.stdout.split("\n").filter((l) => l !== "");
}
