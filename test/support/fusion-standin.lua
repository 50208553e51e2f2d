-- Fusion stand-in: runs a comp script under plain LuaJIT with the Fusion globals it expects, drives its UI from a
-- scripted action queue and writes a JSON transcript. Protocol: /tmp/fusion-standin-protocol.md (summarised in the
-- header of test/support/fusion-standin.ts). Only members declared in types/fusion.d.ts (all documented in
-- fusion.md) exist; every method asserts that it was called with a colon (obj:Method()) and every bmd function that
-- it was called with a dot. Tools and inputs are userdata, as in Fusion. Config switches (StandinConfig in
-- fusion-standin.ts) make it behave like a different but faithful Fusion: tool order, where a Saver's file name
-- shows, MapPath without Comp:, missing attributes, no FuPLATFORM_* globals, empty event tables, one timer form,
-- groups outside GetItems(), combos that select nothing, and how the script is loaded.
--
-- usage: luajit test/support/fusion-standin.lua <config.json>
-- exit: 0 when the run completed (script errors are recorded in the transcript), 2 for config/stand-in errors.
local here = (arg and arg[0] or ""):match("^(.*[/\\])") or "./"
local json = dofile(here .. "fusion-standin-json.lua")
local compLoader = dofile(here .. "fusion-standin-comp.lua")
local uiModule = dofile(here .. "fusion-standin-ui.lua")

-- A wall clock in milliseconds (the stand-in's own; the script's ffi may be switched off by config.ffi).
local clockMs
do
  local ok, ffi = pcall(require, "ffi")
  if ok and ffi.os ~= "Windows" then
    -- gettimeofday, not clock_gettime: a wrapper (test/support/bench-fusion.lua) may have declared that one already.
    pcall(ffi.cdef, "typedef struct { long tv_sec; long tv_usec; } standin_timeval; int gettimeofday(standin_timeval *tv, void *tz);")
    local tv = ffi.new("standin_timeval")
    clockMs = function()
      ffi.C.gettimeofday(tv, nil)
      return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
    end
  else
    clockMs = function() return os.clock() * 1000 end
  end
end

local real = {
  print = print, popen = io.popen, execute = os.execute, exit = os.exit, getenv = os.getenv,
  stderr = io.stderr,
}

local function fatal(message)
  real.stderr:write("fusion-standin: ", message, "\n")
  real.exit(2)
end

-- Config ----------------------------------------------------------------------------------------------------------
local configPath = arg and arg[1]
if not configPath then fatal("usage: luajit fusion-standin.lua <config.json>") end
local config
do
  local f = io.open(configPath, "rb")
  if not f then fatal("cannot read config " .. configPath) end
  local text = f:read("*a")
  f:close()
  local ok, result = pcall(json.decode, text)
  if not ok then fatal(tostring(result)) end
  config = result
end
if type(config) ~= "table" then fatal("config must be a JSON object") end
-- JSON null only has a meaning for "comp" (no composition); elsewhere a null member is the same as an absent one.
local noComp = config.comp == json.null
local function stripNulls(t)
  for k, v in pairs(t) do
    if v == json.null then t[k] = nil elseif type(v) == "table" and not json.isArray(v) then stripNulls(v) end
  end
end
stripNulls(config)
if type(config.script) ~= "string" then fatal("config.script (the comp script to run) is required") end
do
  local f = io.open(config.script, "rb")
  if not f then fatal("comp script not found: " .. config.script) end
  f:close()
end
local KNOWN_ACTIONS = { set = true, click = true, close = true, timers = true, select = true, sleep = true, hotkey = true, event = true,
  snapshot = true }
local actions = config.actions or json.array({})
for i, action in ipairs(actions) do
  if type(action) ~= "table" or not KNOWN_ACTIONS[action["do"]] then
    fatal(string.format("actions[%d]: unknown action %s", i - 1, json.encode(action)))
  end
  if (action["do"] == "set" or action["do"] == "click" or action["do"] == "select" or action["do"] == "event")
    and type(action.id) ~= "string" then
    fatal(string.format("actions[%d]: %q needs an id", i - 1, action["do"]))
  end
end
local platform = config.platform or "Linux"
if platform ~= "Linux" and platform ~= "Mac" and platform ~= "Windows" then fatal("config.platform must be Linux, Mac or Windows") end
local execMode = config.exec or "real"
if execMode ~= "real" and execMode ~= "record" then fatal('config.exec must be "real" or "record"') end
local separator = platform == "Windows" and "\\" or "/"

local cwd = real.popen("pwd"):read("*l") or "."
local function absolute(path)
  if path:sub(1, 1) == "/" then return path end
  return cwd .. "/" .. path:gsub("^%./", "")
end

-- State shared with the UI module -------------------------------------------------------------------------------
local T = { -- transcript parts
  console = json.array({}), openedUrls = json.array({}), executed = json.array({}), ignored = json.array({}), snapshots = json.array({}),
  warnings = json.array({}), timersStarted = json.array({}), compSaves = json.array({}), configs = json.array({}),
  prefsSaved = 0, error = nil,
  -- The longest time one event handler kept the UI thread (time inside nested RunLoops excluded: a modal message
  -- window's loop keeps the UI responsive), and per handler label the longest time.
  slowestHandler = { ms = 0, label = json.null }, handlerMs = {},
}
local S = {
  json = json,
  timersStarted = T.timersStarted,
  programmaticEvents = config.uiProgrammaticEvents == true,
  -- Variants of a faithful UI Manager (see fusion-standin.ts StandinConfig for each switch).
  eventFields = config.uiEventFields or "full",
  timerEvents = config.uiTimerEvents or "both",
  groupItems = config.uiGroupItems ~= false,
  comboAutoSelect = config.uiComboAutoSelect ~= false,
}
if S.eventFields ~= "full" and S.eventFields ~= "none" then fatal('config.uiEventFields must be "full" or "none"') end
if S.timerEvents ~= "both" and S.timerEvents ~= "window" and S.timerEvents ~= "dispatcher" then
  fatal('config.uiTimerEvents must be "both", "window" or "dispatcher"')
end
local writeTranscript -- forward

function S.warn(message) T.warnings[#T.warnings + 1] = message end
function S.ignore(message) T.ignored[#T.ignored + 1] = message end
function S.sleep(ms)
  if ms > 0 then real.execute(string.format("sleep %.3f", ms / 1000)) end
end

--- Stops the run: records the error, writes the transcript and exits 0 (the run completed, with an error).
function S.abort(message)
  if T.error == nil then T.error = message end
  writeTranscript()
  real.exit(0)
end

local function errorText(e)
  if type(e) == "table" then
    local mt = getmetatable(e)
    if mt and mt.__tostring then return tostring(e) end
    if e.message ~= nil then return tostring(e.name or "Error") .. ": " .. tostring(e.message) end
  end
  return tostring(e)
end

local function traceback(e)
  return errorText(e) .. "\n" .. debug.traceback("", 2)
end

--- Calls a UI handler the way Fusion does: ONE argument, the event table. An error in a handler ends the run.
local handlerStack = {}
function S.callHandler(fn, ev, label)
  local frame = { start = clockMs(), nested = 0 }
  handlerStack[#handlerStack + 1] = frame
  local ok, err = xpcall(fn, traceback, ev)
  table.remove(handlerStack)
  local own = clockMs() - frame.start - frame.nested
  if own > T.slowestHandler.ms then T.slowestHandler = { ms = own, label = label } end
  if own > (T.handlerMs[label] or 0) then T.handlerMs[label] = own end
  if not ok then S.abort("error in " .. label .. " handler: " .. err) end
end

--- Time spent in a nested RunLoop is not the enclosing handler's own time.
function S.nestedLoopTime(ms)
  local top = handlerStack[#handlerStack]
  if top then top.nested = top.nested + ms end
end

-- Console: print() and dump() ----------------------------------------------------------------------------------
local function consoleWrite(text)
  for line in (text .. "\n"):gmatch("(.-)\n") do T.console[#T.console + 1] = line end
  real.stderr:write(text, "\n")
end

print = function(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
  consoleWrite(table.concat(parts, "\t"))
end

local function dumpText(value, indent, seen)
  if type(value) == "string" then return string.format("%q", value) end
  if type(value) ~= "table" then return tostring(value) end
  if seen[value] then return "<cycle>" end
  seen[value] = true
  local keys = {}
  for k in pairs(value) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b)
    if type(a) == type(b) and (type(a) == "number" or type(a) == "string") then return a < b end
    return type(a) < type(b)
  end)
  local lines = { "{" }
  for _, k in ipairs(keys) do
    local key = type(k) == "string" and k or "[" .. tostring(k) .. "]"
    lines[#lines + 1] = indent .. "\t" .. key .. " = " .. dumpText(value[k], indent .. "\t", seen) .. ","
  end
  lines[#lines + 1] = indent .. "}"
  seen[value] = nil
  return table.concat(lines, "\n")
end

dump = function(value) consoleWrite(dumpText(value, "", {})) end

-- Processes and environment -------------------------------------------------------------------------------------
local function record(fn, cmd, mode)
  T.executed[#T.executed + 1] = { fn = fn, cmd = cmd, mode = mode }
end

io.popen = function(cmd, mode)
  record("io.popen", cmd, mode)
  if execMode == "record" then return nil, "fusion-standin: command execution is disabled (exec=record)" end
  return real.popen(cmd, mode)
end

os.execute = function(cmd)
  if cmd == nil then return real.execute() end
  record("os.execute", cmd)
  if execMode == "record" then return 256 end -- wait status of exit code 1
  return real.execute(cmd)
end

os.exit = function(code)
  S.abort("the script called os.exit(" .. tostring(code) .. "): in Fusion that quits the application")
end

local envOverrides = config.env or {}
os.getenv = function(name)
  local value = envOverrides[name]
  if value == false then return nil end -- "NAME": false = unset
  if value ~= nil then return tostring(value) end
  return real.getenv(name)
end

-- Data trees (SetData/GetData, prefs) ---------------------------------------------------------------------------
local function checkStorable(value, what, depth)
  local kind = type(value)
  if kind == "string" or kind == "number" or kind == "boolean" or value == nil then return end
  if kind ~= "table" or depth > 50 then
    error(what .. ": cannot store a " .. kind .. " (number|string|boolean|table only)", 4)
  end
  for k, v in pairs(value) do
    if type(k) ~= "string" and type(k) ~= "number" then error(what .. ": table keys must be strings or numbers", 4) end
    checkStorable(v, what, depth + 1)
  end
end

-- Copies a value; tables become plain tables (no JSON tags), as Fusion hands out fresh tables.
local function deepCopy(value)
  if type(value) ~= "table" then return value end
  local out = {}
  for k, v in pairs(value) do out[k] = deepCopy(v) end
  return out
end

local function splitName(name)
  local parts = {}
  for part in (name .. "."):gmatch("([^.]*)%.") do parts[#parts + 1] = part end
  return parts
end

local function dataGet(root, name)
  if name == nil then return deepCopy(root) end
  local node = root
  for _, part in ipairs(splitName(name)) do
    if type(node) ~= "table" then return nil end
    node = node[part]
  end
  return deepCopy(node)
end

local function dataSet(root, name, value)
  local parts = splitName(name)
  local node = root
  for i = 1, #parts - 1 do
    local nextNode = node[parts[i]]
    if type(nextNode) ~= "table" then
      if value == nil then return end
      nextNode = {}
      node[parts[i]] = nextNode
    end
    node = nextNode
  end
  node[parts[#parts]] = deepCopy(value)
end

local function dataMethods(obj, root, how)
  local function getData(self, name)
    if not rawequal(self, obj) then error("GetData must be called as " .. how .. ":GetData()", 2) end
    if name ~= nil and type(name) ~= "string" then error("GetData(name): name must be a string", 2) end
    return dataGet(root, name)
  end
  local function setData(self, name, value)
    if not rawequal(self, obj) then error("SetData must be called as " .. how .. ":SetData()", 2) end
    if type(name) ~= "string" or name == "" then error("SetData(name, value): name must be a non-empty string", 2) end
    checkStorable(value, "SetData", 0)
    dataSet(root, name, value)
  end
  return getData, setData
end

-- Path maps -----------------------------------------------------------------------------------------------------
local function lookupMap(maps, name)
  local lname = name:lower()
  for _, m in ipairs(maps) do
    if type(m) == "table" then
      for k, v in pairs(m) do
        if type(k) == "string" and type(v) == "string" and k:lower() == lname then return v end
      end
    end
  end
end

-- Expands a leading "Name:" path map (recursively: a map's value may start with another map).
local function expandPath(path, resolve, depth)
  if depth > 16 then return path end
  local name, rest = path:match("^([^:/\\]+:)(.*)$")
  if not name or #name <= 2 then return path end -- "C:" is a drive letter, not a map
  local value = resolve(name)
  if value == nil then return path end
  value = expandPath(value:match("^[^;]*"), resolve, depth + 1)
  rest = rest:gsub("^[/\\]+", "")
  if value ~= "" and rest ~= "" and not value:match("[/\\]$") then value = value .. separator end
  return value .. rest
end

-- Fusion ----------------------------------------------------------------------------------------------------------
local prefsRoot = {}
for key, value in pairs(config.prefs or {}) do dataSet(prefsRoot, key, value) end
local function globalMaps()
  local g = prefsRoot.Global
  local maps = g and g.Paths and g.Paths.Map
  return { type(maps) == "table" and maps or {} }
end

local version = config.fusionVersion or { 19, 1, 4 }
local TIME_UNDEFINED_VALUE = -1000000000

local fu = {}
local function fuMethod(name, fn)
  fu[name] = function(self, ...)
    if not rawequal(self, fu) then error(name .. " must be called as fu:" .. name .. "()", 2) end
    return fn(...)
  end
end
fuMethod("GetAttrs", function(key)
  local attrs = { FUSIONS_Version = string.format("%d.%d.%d", version[1] or 0, version[2] or 0, version[3] or 0) }
  if key ~= nil then return attrs[key] end
  return attrs
end)
fuMethod("GetVersion", function()
  return { version[1], version[2], version[3], App = config.fusionApp or "Fusion" }
end)
fuMethod("GetPrefs", function(name) return dataGet(prefsRoot, name) end)
fuMethod("SetPrefs", function(name, value)
  if type(name) == "table" then
    for k, v in pairs(name) do dataSet(prefsRoot, k, v) end
  elseif type(name) == "string" then
    checkStorable(value, "SetPrefs", -1)
    dataSet(prefsRoot, name, value)
  else
    error("SetPrefs(name, value): name must be a string", 3)
  end
end)
fuMethod("SavePrefs", function() T.prefsSaved = T.prefsSaved + 1 end)
local fuData = deepCopy(config.fuData or {})
fu.GetData, fu.SetData = dataMethods(fu, fuData, "fu")
fuMethod("MapPath", function(path)
  if type(path) ~= "string" then error("MapPath(path): path must be a string", 3) end
  local maps = globalMaps()
  return expandPath(path, function(name)
    if name:lower() == "comp:" then return nil end -- Comp: is only known to the composition (DL pitfall)
    return lookupMap(maps, name)
  end, 0)
end)

local configEntryType = setmetatable({}, { __mode = "k" })
fuMethod("AddConfig", function(name, entries)
  if type(name) ~= "string" or type(entries) ~= "table" then error("AddConfig(name, { Target{...}, Hotkeys{...} })", 3) end
  local list = json.array({})
  for i = 1, #entries do
    local entry = entries[i]
    local out = deepCopy(entry)
    if type(out) == "table" then out.type = configEntryType[entry] or "untyped" end
    list[i] = out
  end
  T.configs[#T.configs + 1] = { name = name, entries = list }
end)
fu.TIME_UNDEFINED = TIME_UNDEFINED_VALUE

Target = function(props)
  if type(props) ~= "table" then error("Target{ID=...} expects a table", 2) end
  configEntryType[props] = "Target"
  return props
end
Hotkeys = function(props)
  if type(props) ~= "table" then error("Hotkeys{Target=..., ...} expects a table", 2) end
  configEntryType[props] = "Hotkeys"
  return props
end

-- Composition -----------------------------------------------------------------------------------------------------
local comp, compState
if not noComp then
  local cc = config.comp or {}
  local raw = {}
  if cc.file then
    local loaded, err = compLoader.load(cc.file)
    if not loaded then fatal("cannot load comp " .. tostring(cc.file) .. ": " .. tostring(err)) end
    raw = loaded
  end
  local fileName = cc.fileName
  if fileName == nil then fileName = cc.file and absolute(cc.file) or "" end
  local prefs = type(raw.Prefs) == "table" and raw.Prefs or {}
  local compPrefs = type(prefs.Comp) == "table" and prefs.Comp or {}
  local unsorted = type(compPrefs.Unsorted) == "table" and compPrefs.Unsorted or {}
  local final = unsorted.RenderSettings and unsorted.RenderSettings.Configs and unsorted.RenderSettings.Configs.Final
  local step = 1
  if type(final) == "table" and final.StepRender == true and type(final.StepSize) == "number" then step = final.StepSize end
  local rr = type(raw.RenderRange) == "table" and raw.RenderRange or {}
  local gr = type(raw.GlobalRange) == "table" and raw.GlobalRange or {}
  local attrs = {
    COMPS_FileName = fileName,
    COMPS_Name = fileName:match("[^/\\]*$"),
    COMPB_Modified = cc.modified == true,
    COMPN_RenderStart = rr[1] or 0,
    COMPN_RenderEnd = rr[2] or 1000,
    COMPN_GlobalStart = gr[1] or unsorted.GlobalStart or 0,
    COMPN_GlobalEnd = gr[2] or unsorted.GlobalEnd or 1000,
    COMPI_RenderStep = step,
    COMPB_HiQ = false, COMPB_Proxy = false, COMPB_Rendering = false, COMPB_Locked = false,
  }
  attrs.COMPN_CurrentTime = type(raw.CurrentTime) == "number" and raw.CurrentTime or attrs.COMPN_RenderStart
  attrs.COMPN_RenderStartTime = attrs.COMPN_RenderStart
  attrs.COMPN_RenderEndTime = attrs.COMPN_RenderEnd
  for k, v in pairs(cc.attrs or {}) do attrs[k] = v end
  for _, name in ipairs(cc.omitAttrs or {}) do attrs[name] = nil end
  local saverClip = cc.saverClip or "both"
  if saverClip ~= "both" and saverClip ~= "input" and saverClip ~= "attrs" and saverClip ~= "attrsString" then
    fatal('config.comp.saverClip must be "both", "input", "attrs" or "attrsString"')
  end
  local compMaps = { cc.pathMaps or {}, compPrefs.Paths and compPrefs.Paths.Map or {} }
  local compData = deepCopy(cc.data or raw.CustomData or {})
  compState = { attrs = attrs, data = compData, locks = 0, undo = 0, raw = raw }

  comp = {}
  local function compMethod(name, fn)
    comp[name] = function(self, ...)
      if not rawequal(self, comp) then error(name .. " must be called as comp:" .. name .. "()", 2) end
      return fn(...)
    end
  end

  -- Tools
  local selected = {}
  for _, name in ipairs(cc.selected or {}) do selected[name] = true end
  local tools = {}
  -- Fusion's objects are userdata, not tables (type(tool) == "userdata"): tools and inputs are proxies here too,
  -- so a script that tests for tables fails as it would in Fusion.
  local function userdataOf(t)
    local proxy = newproxy(true)
    local mt = getmetatable(proxy)
    mt.__index = t
    mt.__newindex = function(_, k) error("the stand-in does not support setting " .. tostring(k) .. " on a tool", 2) end
    mt.__tostring = function() return "FusionObject" end
    return proxy
  end
  for _, entry in ipairs(compLoader.tools(raw)) do
    local fields = {}
    local tool = userdataOf(fields)
    local filename = compLoader.clipFilename(entry)
    if entry.regId == "Saver" and filename == nil then filename = "" end -- a Saver always has its Clip input
    local toolAttrs = {
      TOOLS_Name = entry.name, TOOLS_RegID = entry.regId, TOOLB_PassThrough = entry.raw.PassThrough == true,
    }
    if filename ~= nil and (saverClip == "both" or saverClip == "attrs") then toolAttrs.TOOLST_Clip_Name = { filename } end
    if filename ~= nil and saverClip == "attrsString" then toolAttrs.TOOLST_Clip_Name = filename end
    if filename ~= nil and (saverClip == "both" or saverClip == "input") then
      local input = newproxy(true)
      local inputMt = getmetatable(input)
      inputMt.__index = function(_, time)
        if type(time) ~= "number" then error("inputs are indexed by time: tool.Clip[fu.TIME_UNDEFINED]", 2) end
        return filename
      end
      inputMt.__newindex = function() error("the stand-in does not support setting inputs", 2) end
      fields.Clip = input
    end
    fields.GetAttrs = function(self, key)
      if not rawequal(self, tool) then error("GetAttrs must be called as tool:GetAttrs()", 2) end
      if key ~= nil then return deepCopy(toolAttrs[key]) end
      return deepCopy(toolAttrs)
    end
    fields.GetData, fields.SetData = dataMethods(tool, deepCopy(entry.raw.CustomData or {}), "tool")
    tools[#tools + 1] = { tool = tool, regId = entry.regId, selected = selected[entry.name] == true }
  end

  compMethod("GetAttrs", function(key)
    if key ~= nil then return attrs[key] end
    return deepCopy(attrs)
  end)
  compMethod("GetToolList", function(onlySelected, regId)
    if onlySelected ~= nil and type(onlySelected) ~= "boolean" then error("GetToolList(selected, regId): selected must be a boolean", 3) end
    if regId ~= nil and type(regId) ~= "string" then error("GetToolList(selected, regId): regId must be a string", 3) end
    local list = {}
    for _, t in ipairs(tools) do
      local typeMatches = regId == nil or t.regId == regId or cc.toolListIgnoresRegId == true
      if (not onlySelected or t.selected) and typeMatches then list[#list + 1] = t.tool end
    end
    if cc.toolListOrder == "reverse" then
      for i = 1, math.floor(#list / 2) do list[i], list[#list + 1 - i] = list[#list + 1 - i], list[i] end
    end
    return list
  end)
  local function compResolve(name)
    if name:lower() == "comp:" then
      if attrs.COMPS_FileName == "" or cc.mapPathExpandsComp == false then return nil end
      return attrs.COMPS_FileName:match("^(.*[/\\])") or ""
    end
    return lookupMap(compMaps, name) or lookupMap(globalMaps(), name)
  end
  compMethod("MapPath", function(path)
    if type(path) ~= "string" then error("MapPath(path): path must be a string", 3) end
    return expandPath(path, compResolve, 0)
  end)
  compMethod("ReverseMapPath", function(path)
    if type(path) ~= "string" then error("ReverseMapPath(path): path must be a string", 3) end
    local names = { "Comp:" }
    for _, maps in ipairs({ compMaps[1], compMaps[2], globalMaps()[1] }) do
      for k in pairs(maps) do if type(k) == "string" then names[#names + 1] = k end end
    end
    local bestName, bestValue = nil, ""
    for _, name in ipairs(names) do
      local value = compResolve(name)
      if value then
        value = expandPath(value, compResolve, 1)
        local boundary = value:match("[/\\]$") or path:sub(#value + 1, #value + 1):match("^[/\\]?$")
        if #value > #bestValue and path:sub(1, #value) == value and boundary then bestName, bestValue = name, value end
      end
    end
    if not bestName then return path end
    return bestName .. "/" .. path:sub(#bestValue + 1):gsub("^[/\\]+", "")
  end)
  comp.GetData, comp.SetData = dataMethods(comp, compData, "comp")
  if cc.setDataMarksModified then
    local setData = comp.SetData
    comp.SetData = function(self, ...)
      setData(self, ...)
      attrs.COMPB_Modified = true
    end
  end
  compMethod("Save", function(filename)
    if filename ~= nil and type(filename) ~= "string" then error("Save(filename): filename must be a string", 3) end
    T.compSaves[#T.compSaves + 1] = filename or json.null
    if cc.saveFails then return false end
    if filename == nil and attrs.COMPS_FileName == "" then return false end -- an unnamed comp needs a name
    if filename ~= nil then
      attrs.COMPS_FileName = filename
      attrs.COMPS_Name = filename:match("[^/\\]*$")
    end
    attrs.COMPB_Modified = false
    return true
  end)
  compMethod("GetPrefs", function(name) return dataGet(prefs, name) end)
  compMethod("Lock", function()
    compState.locks = compState.locks + 1
    attrs.COMPB_Locked = true
  end)
  compMethod("Unlock", function()
    if compState.locks == 0 then S.warn("comp:Unlock() without comp:Lock()") else compState.locks = compState.locks - 1 end
    attrs.COMPB_Locked = compState.locks > 0
  end)
  compMethod("StartUndo", function(name)
    if type(name) ~= "string" then error("StartUndo(name): name must be a string", 3) end
    compState.undo = compState.undo + 1
  end)
  compMethod("EndUndo", function(keep)
    if type(keep) ~= "boolean" then error("EndUndo(keep): keep must be a boolean", 3) end
    if compState.undo == 0 then S.warn("comp:EndUndo() without comp:StartUndo()") else compState.undo = compState.undo - 1 end
  end)
end

-- UI ---------------------------------------------------------------------------------------------------------------
local U = uiModule.new(S)
for _, w in ipairs(config.existingWindows or {}) do
  local id = type(w) == "table" and w.id or w
  U.existingWindows[id] = setmetatable({}, { __index = function(_, k)
    if k == "On" then return {} end
    return function() end -- Show/Hide/Raise/... of a window owned by another script
  end })
end

fu.UIManager = (config.uiManager ~= false) and U.ui or nil
fu.CurrentComp = comp

-- bmd -------------------------------------------------------------------------------------------------------------
local bmd = {}
local function bmdFunction(name, fn)
  bmd[name] = function(first, ...)
    if rawequal(first, bmd) then
      error("bmd." .. name .. " must be called with a dot (bmd." .. name .. "(...)), not a colon", 2)
    end
    return fn(first, ...)
  end
end
local function needString(value, what)
  if type(value) ~= "string" then error(what .. " expects a string, got " .. type(value), 3) end
end
local function shellQuote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

bmdFunction("UIDispatcher", function(ui)
  if not rawequal(ui, U.ui) then error("bmd.UIDispatcher(ui) expects fu.UIManager", 3) end
  return U.newDispatcher()
end)
bmdFunction("fileexists", function(path)
  needString(path, "bmd.fileexists")
  local f = io.open(path, "rb")
  if not f then return false end
  local _, err = f:read(0)
  f:close()
  return not (err and err:find("directory", 1, true))
end)
bmdFunction("direxists", function(path)
  needString(path, "bmd.direxists")
  local f = io.open(path:gsub("[/\\]$", "") .. "/.", "rb")
  if f then f:close() return true end
  return false
end)
bmdFunction("createdir", function(path)
  needString(path, "bmd.createdir")
  return real.execute("mkdir -p " .. shellQuote(path)) == 0
end)
bmdFunction("readdir", function(pattern)
  needString(pattern, "bmd.readdir")
  local dir, glob = pattern:match("^(.*[/\\])([^/\\]*)$")
  if not dir then dir, glob = "./", pattern end
  local luaPattern = "^" .. glob:gsub("[%^%$%(%)%%%.%[%]%+%-]", "%%%0"):gsub("%*", ".*"):gsub("%?", ".") .. "$"
  local list = {}
  local p = real.popen("ls -1Ap " .. shellQuote(dir) .. " 2>/dev/null")
  for line in p:lines() do
    local isDir = line:sub(-1) == "/"
    local name = isDir and line:sub(1, -2) or line
    if name:match(luaPattern) then list[#list + 1] = { Name = name, IsDir = isDir } end
  end
  p:close()
  return list
end)
bmdFunction("parseFilename", function(path)
  needString(path, "bmd.parseFilename")
  local folder, fullName = path:match("^(.*[/\\])([^/\\]*)$")
  if not folder then folder, fullName = "", path end
  local name, extension = fullName:match("^(.+)(%.[^.]*)$")
  if not name then name, extension = fullName, "" end
  local clean, digits = name:match("^(.-)(%d+)$")
  return {
    Path = folder, FullName = fullName, Name = name, Extension = extension, FullPath = path,
    CleanName = clean or name, SNum = digits, UNC = path:match("^[/\\][/\\]") ~= nil,
  }
end)
bmdFunction("openurl", function(url)
  needString(url, "bmd.openurl")
  T.openedUrls[#T.openedUrls + 1] = url
end)
bmdFunction("wait", function(seconds)
  if type(seconds) ~= "number" then error("bmd.wait(seconds) expects a number", 3) end
  S.sleep(seconds * 1000)
end)
local clipboard = config.clipboard
bmdFunction("getclipboard", function() return clipboard end)
bmdFunction("setclipboard", function(text)
  needString(text, "bmd.setclipboard")
  clipboard = text
end)
bmdFunction("executebg", function(cmd)
  needString(cmd, "bmd.executebg")
  record("bmd.executebg", cmd)
  if execMode == "record" then return nil end
  -- Starts the whole line and does not wait (fusion.md §11), with no console (output goes nowhere); its return value
  -- is not documented: nothing is returned.
  real.execute("( " .. cmd .. " ) </dev/null >/dev/null 2>&1 &")
end)

-- Globals -----------------------------------------------------------------------------------------------------------
_G.fu, _G.fusion, _G.app = fu, fu, fu
_G.comp, _G.composition = comp, comp
_G.bmd = bmd
if config.platformGlobals ~= false then
  _G.FuPLATFORM_WINDOWS = platform == "Windows" or nil
  _G.FuPLATFORM_MAC = platform == "Mac" or nil
  _G.FuPLATFORM_LINUX = platform == "Linux" or nil
else
  -- A Fusion without the FuPLATFORM_* globals: the platform shows only through the documented Lua-level
  -- fallbacks, package.config's directory separator and require("ffi").os (fusion.md §1, §5).
  package.config = separator .. package.config:sub(2)
end
if config.ffi == false then
  package.loaded.ffi = nil
  package.preload.ffi = function() error("module 'ffi' not found (fusion-standin: config.ffi = false)") end
elseif config.platformGlobals == false then
  local realFfi = require("ffi")
  local ffiOs = ({ Windows = "Windows", Mac = "OSX", Linux = "Linux" })[platform]
  package.loaded.ffi = setmetatable({ os = ffiOs, arch = config.cpuArch }, { __index = realFfi })
elseif config.cpuArch ~= nil then
  -- What ffi.arch says (default: the real LuaJIT's), to test the macOS arm64 / x64 choice.
  package.loaded.ffi = setmetatable({ arch = config.cpuArch }, { __index = require("ffi") })
end
_G.TIME_UNDEFINED = TIME_UNDEFINED_VALUE

-- RunLoop and actions -------------------------------------------------------------------------------------------
local nextAction = 1

local function windowById(id)
  for i = #U.windows, 1, -1 do if U.windows[i].id == id then return U.windows[i] end end
end

--- The action's window, else the most recently shown visible window.
local function targetWindow(action)
  if action and action.window then return windowById(action.window) end
  for i = #U.showOrder, 1, -1 do
    if U.showOrder[i].visible then return U.showOrder[i] end
  end
end

local function hotkeyCommand(action)
  -- Execute{cmd=[[...]]} or Execute{cmd="..."}
  local _, cmd = action:match("^%s*Execute%s*{%s*cmd%s*=%s*%[(=*)%[(.-)%]%1%]%s*}%s*$")
  if cmd then return cmd end
  return action:match('^%s*Execute%s*{%s*cmd%s*=%s*"(.-)"%s*}%s*$')
end

local function runHotkey(index, action, record)
  local key = action.key
  local target = record.props.TargetID
  local command
  for c = #T.configs, 1, -1 do
    for _, entry in ipairs(T.configs[c].entries) do
      if entry.type == "Hotkeys" and entry.Target == target and target ~= nil and type(entry[key]) == "string" then
        command = command or entry[key]
      end
    end
  end
  if not command then
    S.ignore(string.format("ignored hotkey %s: no Hotkeys binding for target %s", tostring(key), tostring(target)))
    return
  end
  local code = hotkeyCommand(command)
  if not code then S.abort(string.format("hotkey %s: cannot parse action %q", key, command)) end
  local chunk, err = loadstring(code, "=hotkey " .. key)
  if not chunk then S.abort(string.format("hotkey %s: %s", key, err)) end
  setfenv(chunk, setmetatable({ obj = record.win, app = fu, fu = fu, fusion = fu, comp = comp, composition = comp },
    { __index = _G }))
  S.callHandler(chunk, nil, "hotkey " .. key)
end

local function performAction(index, action, level)
  local kind = action["do"]
  local label = string.format("action %d (%s)", index - 1, kind)
  if kind == "sleep" then
    S.sleep(action.ms or 0)
    return
  end
  if kind == "timers" then
    U.runTimers(action.maxTicks or 50, action.sleepMs, level)
    return
  end
  if kind == "snapshot" then
    -- The visible windows as they are now (stacking order, front last), with their element trees: the docs' pictures.
    local windows = json.array({})
    for _, record in ipairs(U.showOrder) do
      if record.visible then
        local props = {}
        for k, v in pairs(record.props) do props[k] = v end
        windows[#windows + 1] = { id = record.id, props = props, layout = U.layoutOf(record) }
      end
    end
    T.snapshots[#T.snapshots + 1] = { name = action.name or json.null, windows = windows }
    return
  end
  local record = targetWindow(action)
  if not record then
    S.abort(label .. ": no " .. (action.window and ("window " .. action.window) or "visible window"))
  end
  if not record.visible then
    S.ignore(string.format("ignored %s on hidden window %s", kind, record.id))
    return
  end
  if kind == "close" then
    U.fireClose(record, true)
    return
  end
  if kind == "hotkey" then
    runHotkey(index, action, record)
    return
  end
  if kind == "event" and action.id == record.id then
    U.fireClose(record, false) -- only Close is meaningful for a window ID
    return
  end
  local item = record.items[action.id]
  if not item then S.abort(string.format("%s: window %s has no item %s", label, record.id, action.id)) end
  local info = U.itemInfo(item)
  local id = action.id
  if kind == "click" then
    if info.type ~= "Button" and info.type ~= "CheckBox" then
      S.ignore(string.format("ignored click on %s %s (not clickable)", info.type, id))
    elseif not U.effective(info, "Enabled") then
      S.ignore("ignored click on disabled " .. id)
    elseif not U.effective(info, "Visible") then
      S.ignore("ignored click on hidden " .. id)
    else
      if info.type == "CheckBox" then info.props.Checked = not info.props.Checked end
      U.fireItemEvent(item, info, "Clicked")
    end
  elseif kind == "set" then
    local prop = action.prop
    if not U.effective(info, "Enabled") then
      S.ignore("ignored set on disabled " .. id)
    elseif not U.effective(info, "Visible") then
      S.ignore("ignored set on hidden " .. id)
    elseif info.props.ReadOnly == true then
      S.ignore("ignored set on read-only " .. id)
    else
      local ok, changed, changedKey, notFound = pcall(U.setProp, item, info, prop, action.value)
      if not ok then S.abort(label .. ": " .. tostring(changed)) end
      if notFound then S.abort(string.format("%s: ComboBox %s has no item %q", label, id, tostring(action.value))) end
      local events = U.userEditEvent[info.type]
      local event = events and events[changedKey]
      -- silent: a harness that writes the property and fires nothing.
      if changed and event and action.silent ~= true then U.fireItemEvent(item, info, event) end
    end
  elseif kind == "select" then
    local row = U.treeRow(item, action.row or 0)
    if info.type ~= "Tree" or not row then
      S.abort(string.format("%s: %s %s has no row %s", label, info.type, id, tostring(action.row)))
    end
    U.fireItemEvent(item, info, "ItemClicked", { item = row, column = action.column or 0 })
  elseif kind == "event" then
    U.fireItemEvent(item, info, action.event)
  end
end

local function deliverPending(pending)
  local target = pending.target
  local record = U.findRecord(target)
  if record then
    if pending.event == "Close" then
      U.fireClose(record, false)
    else
      local handlers = rawget(record.win.On, record.id)
      local fn = handlers and handlers[pending.event]
      if fn then S.callHandler(fn, U.eventTable({ who = record.id, Args = pending.args }), "QueueEvent " .. pending.event) end
    end
    return
  end
  local info = U.itemInfo(target)
  if info then
    U.fireItemEvent(target, info, pending.event, { Args = pending.args })
    return
  end
  S.warn("QueueEvent(" .. tostring(target) .. ", " .. tostring(pending.event) .. "): unknown target")
end

function U.runLoop()
  local loopStart = clockMs()
  local level = { exit = false, closed = false }
  U.loopStack[#U.loopStack + 1] = level
  while not level.exit do
    if #U.pendingEvents > 0 then
      deliverPending(table.remove(U.pendingEvents, 1))
    elseif nextAction <= #actions then
      local index = nextAction
      nextAction = nextAction + 1
      performAction(index, actions[index], level)
    elseif config.idleTimers == true and not level.idled and U.anyTimerActive() then
      -- Nothing left to do but wait: time passes and timers fire before the artist closes the window.
      level.idled = true
      U.runTimers(config.idleMaxTicks or 50, nil, level)
    else
      if level.closed then S.abort("RunLoop did not exit after Close") end
      local record = targetWindow(nil)
      if not record then S.abort("RunLoop did not exit after Close (no visible window left to close)") end
      level.closed = true
      U.fireClose(record, true)
    end
  end
  table.remove(U.loopStack)
  S.nestedLoopTime(clockMs() - loopStart)
end

-- Transcript --------------------------------------------------------------------------------------------------------
function writeTranscript()
  if compState then
    if compState.locks > 0 then S.warn("comp left locked (comp:Lock() without comp:Unlock())") end
    if compState.undo > 0 then S.warn("undo block left open (comp:StartUndo() without comp:EndUndo())") end
  end
  local transcript = {
    error = T.error or json.null,
    console = T.console,
    windows = U.transcriptWindows(),
    compData = compState and compState.data or json.null,
    compModified = compState and compState.attrs.COMPB_Modified or false,
    compFileName = compState and compState.attrs.COMPS_FileName or json.null,
    compSaves = T.compSaves,
    fuData = fuData,
    prefs = prefsRoot,
    prefsSaved = T.prefsSaved,
    openedUrls = T.openedUrls,
    executed = T.executed,
    ignored = T.ignored,
    warnings = T.warnings,
    actionsLeft = #actions - nextAction + 1,
    timersStarted = T.timersStarted,
    configs = T.configs,
    clipboard = clipboard,
    snapshots = T.snapshots,
    slowestHandler = T.slowestHandler,
    handlerMs = T.handlerMs,
  }
  local text = json.encode(transcript)
  if config.transcript then
    local f = io.open(config.transcript, "wb")
    if not f then fatal("cannot write transcript " .. config.transcript) end
    f:write(text)
    f:close()
  else
    io.stdout:write(text, "\n")
  end
end

-- Run -----------------------------------------------------------------------------------------------------------------
-- How the script is loaded decides what debug.getinfo(1).source says: "file" (loadfile: "@<path>", default),
-- "namedString" (loadstring with the path as chunk name: "<path>"), "anonymousString" (loadstring: the code itself).
local chunk, loadError
local scriptLoad = config.scriptLoad or "file"
if scriptLoad == "file" then
  chunk, loadError = loadfile(config.script)
else
  local f = assert(io.open(config.script, "rb"))
  local code = f:read("*a")
  f:close()
  if scriptLoad == "namedString" then chunk, loadError = loadstring(code, config.script)
  elseif scriptLoad == "anonymousString" then chunk, loadError = loadstring(code)
  else fatal('config.scriptLoad must be "file", "namedString" or "anonymousString"') end
end
if not chunk then
  T.error = "cannot load the comp script: " .. tostring(loadError)
else
  local ok, err = xpcall(chunk, traceback)
  if not ok then T.error = err end
end
writeTranscript()
real.exit(0)
