-- Timing wrapper around the Fusion stand-in for `npm run bench` (test/bench/comp-bench.ts).
--
-- usage: luajit test/support/bench-fusion.lua <fusion-standin.lua> <config.json> <marks.json>
--
-- Runs the stand-in unchanged, with a monotonic wall clock (clock_gettime through LuaJIT's FFI) read at:
--   "script"        the comp script's first instruction (the stand-in loads it with loadfile);
--   "action"        each `{"do":"sleep","ms":0.0001}` action: the stand-in runs actions only inside the script's
--                   disp:RunLoop(), so the first one marks "the dialog is open and waiting for the artist";
--   "popen"/"close" each command the script runs (`command -v node`, …), from io.popen to the pipe's close, with the
--                   command line, so helper processes can be told apart from the script's own work; sleeps likewise;
--   "launch"        each background launch through os.execute (the helper), when it is made.
-- BENCH_LUA_PROFILE=<jit.p options> adds LuaJIT's profiler report (on stderr) to find where the time goes.
-- The wrappers are installed BEFORE the stand-in loads, so the stand-in's own io.popen/os.execute call them as the
-- "real" functions; a 0.0001 ms sleep (`sleep 0.000`) is a mark and sleeps for no time.
local standinPath, configPath, marksPath = arg[1], arg[2], arg[3]
if not (standinPath and configPath and marksPath) then
  io.stderr:write("usage: luajit bench-fusion.lua <fusion-standin.lua> <config.json> <marks.json>\n")
  os.exit(2)
end

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]])
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end

-- BENCH_LUA_PROFILE=<options> (e.g. "Fl,30"): LuaJIT's sampling profiler over the run, report on stderr.
local profile = os.getenv("BENCH_LUA_PROFILE")
if profile then require("jit.p").start(profile) end

local marks = {}
local function mark(name, detail)
  marks[#marks + 1] = { name = name, ms = now(), detail = detail }
end

-- The comp script's path, from the config (the stand-in reads the same file).
local scriptPath
do
  local f = assert(io.open(configPath, "rb"))
  local text = f:read("*a")
  f:close()
  scriptPath = text:match('"script"%s*:%s*"(.-)"')
end

local realLoadfile = loadfile
loadfile = function(path, ...)
  local chunk, err = realLoadfile(path, ...)
  if chunk and path == scriptPath then
    return function(...)
      mark("script")
      return chunk(...)
    end
  end
  return chunk, err
end

local realPopen, realExecute = io.popen, os.execute
io.popen = function(cmd, mode)
  mark("popen", cmd)
  local f, err = realPopen(cmd, mode)
  if not f then
    mark("close", cmd)
    return f, err
  end
  -- A proxy so that the pipe's close (which waits for the process) is timed too.
  local proxy = {}
  function proxy.read(_, ...) return f:read(...) end
  function proxy.lines(_, ...) return f:lines(...) end
  function proxy.write(_, ...) return f:write(...) end
  function proxy.close(_, ...)
    local a, b, c = f:close(...)
    mark("close", cmd)
    return a, b, c
  end
  return proxy
end
os.execute = function(cmd)
  if cmd == "sleep 0.000" then
    mark("action")
    return 0
  end
  -- A sleep (the stand-in's time passing between timer ticks, or bmd.wait) is time the script is not working:
  -- timed like a command, so that it is left out.
  if type(cmd) == "string" and cmd:match("^sleep ") then
    mark("popen", cmd)
    local a, b, c = realExecute(cmd)
    mark("close", cmd)
    return a, b, c
  end
  -- Anything else is a background launch (the helper, a kill): the mark names it, the launch itself is counted.
  if type(cmd) == "string" then mark("launch", cmd) end
  return realExecute(cmd)
end

local function writeMarks()
  if profile then
    require("jit.p").stop()
    profile = nil
  end
  local out = {}
  for i, m in ipairs(marks) do
    local detail = m.detail and string.format(',"detail":%q', m.detail):gsub("\\\n", "\\n") or ""
    out[i] = string.format('{"name":"%s","ms":%.3f%s}', m.name, m.ms, detail)
  end
  local f = assert(io.open(marksPath, "wb"))
  f:write("[", table.concat(out, ","), "]\n")
  f:close()
end

-- The stand-in ends with os.exit: write the marks first.
local realExit = os.exit
os.exit = function(...)
  writeMarks()
  return realExit(...)
end

arg = { [0] = standinPath, configPath }
dofile(standinPath)
writeMarks()
