-- JSON encoding figure for `npm run bench`: src-lua/json.ts (transpiled to a Lua module by the bench) encoding a
-- request document as the comp script builds it, timed with a monotonic clock through LuaJIT's FFI.
--
-- usage: luajit test/support/bench-json.lua <json.lua module> <frames> <savers> <repeats> <listed|range>
--   listed: the frame set lists every frame ("1,3,5,…"), the longest frame set a request can carry;
--   range:  the frame set is one range ("1-N").
-- Prints one JSON document: {"runs":[ms,…],"bytes":N}.
local json = dofile(arg[1])
local frames, savers, repeats, mode = tonumber(arg[2]), tonumber(arg[3]), tonumber(arg[4]), arg[5]

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]])
local timespec = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, timespec)
  return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end

local function request()
  local saverList = json.jsonArray({})
  for i = 1, savers do
    saverList[i] = {
      name = string.format("Saver%d", i),
      enabled = i % 10 ~= 0,
      path = string.format("/mnt/hq/shots/bench/render/S%04d/S%04d.0000.exr", i, i),
      rawPath = string.format("Comp:../render/S%04d/S%04d.0000.exr", i, i),
    }
  end
  local set
  if mode == "listed" then
    local parts = {}
    for i = 1, frames do parts[i] = string.format("%d", 2 * i - 1) end
    set = table.concat(parts, ",")
  else
    set = string.format("1-%d", frames)
  end
  return {
    kind = "kartalink.hqueue.request",
    version = 1,
    server = "hqserver:5000",
    timeoutSeconds = 10,
    comp = {
      path = "/mnt/hq/shots/bench/comp/bench.comp",
      platform = "linux",
      modified = false,
      renderStart = 1,
      renderEnd = 2 * frames,
      globalStart = 1,
      globalEnd = 2 * frames,
      step = 1,
      savers = saverList,
    },
    job = {
      name = "bench \"quoted\" \\ é 🎬",
      description = "line 1\nline 2\ttab",
      priority = 5,
      frames = { kind = "custom", set = set },
      framesPerTask = 10,
      environment = json.jsonObject({ OCIO = "/mnt/hq/ocio/config.ocio" }),
      emailReasons = json.jsonArray({}),
      paused = false,
      progress = true,
    },
    farm = {
      platforms = json.jsonArray({ "linux", "macosx", "windows" }),
      assign = { mode = "groups", names = json.jsonArray({ "Fusion", "Render" }) },
      sameOsOnly = false,
      renderNode = { version = "19" },
      sharedRoots = json.jsonArray({ { linux = "/mnt/hq", macosx = "/Volumes/hq", windows = "\\\\srv\\hq" } }),
    },
  }
end

local doc = request()
local runs, bytes = {}, 0
for i = 1, repeats do
  collectgarbage()
  local started = now()
  local text = json.encodeJson(doc)
  runs[i] = now() - started
  bytes = #text
end
local out = {}
for i, ms in ipairs(runs) do out[i] = string.format("%.3f", ms) end
io.stdout:write(string.format('{"runs":[%s],"bytes":%d}\n', table.concat(out, ","), bytes))
