-- .comp loader for the Fusion stand-in (test code). A .comp file is Lua table text (`Composition { ... }`);
-- it is loaded in a sandbox where every unknown global is a constructor that returns its table argument and
-- records the constructor's name (`Saver`, `Fuse.X`, `Dimension.GlobalAlign`, `FuID`, `Input`, ...), and
-- `ordered()` returns such a constructor. Trailing NUL bytes (written by Fusion 7.7-16.1) are stripped first.
local M = {}

-- table -> constructor name ("Saver", "GroupOperator", "Fuse.hos_Tiler", ...)
local typeOf = setmetatable({}, { __mode = "k" })
M.typeOf = function(t) return typeOf[t] end

local function constructor(name)
  return setmetatable({}, {
    __call = function(_, t)
      if type(t) == "table" then typeOf[t] = name end
      return t
    end,
    __index = function(_, sub) return constructor(name .. "." .. sub) end,
  })
end

local function sandbox()
  local env = {
    ordered = function() return constructor("ordered") end,
  }
  return setmetatable(env, { __index = function(_, name) return constructor(name) end })
end

--- Parses .comp text; returns the Composition table or nil, error.
function M.parse(text, chunkName)
  text = text:gsub("[%z%s]+$", "")
  local chunk, err = loadstring("return " .. text, "=" .. (chunkName or "comp"))
  if not chunk then return nil, err end
  setfenv(chunk, sandbox())
  local ok, result = pcall(chunk)
  if not ok then return nil, result end
  if type(result) ~= "table" then return nil, "comp file did not evaluate to a table" end
  return result
end

--- Reads and parses a .comp file.
function M.load(path)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local text = f:read("*a")
  f:close()
  return M.parse(text, path)
end

--- Every tool, nested GroupOperator/MacroOperator contents included, as a list of
--- { name = "Saver1", regId = "Saver", raw = <tool table>, group = "Group1" | nil }, sorted by name.
function M.tools(compTable)
  local list = {}
  local function walk(tools, group)
    if type(tools) ~= "table" then return end
    for name, tool in pairs(tools) do
      if type(name) == "string" and type(tool) == "table" then
        list[#list + 1] = { name = name, regId = typeOf[tool] or "Unknown", raw = tool, group = group }
        if type(tool.Tools) == "table" then walk(tool.Tools, name) end
      end
    end
  end
  walk(compTable.Tools, nil)
  table.sort(list, function(a, b) return a.name < b.name end)
  return list
end

--- The filename of a Saver (`Inputs.Clip.Value.Filename`) or Loader (`Clips[1].Filename`);
--- "" when the Clip has no filename, nil when the tool has no Clip at all.
function M.clipFilename(tool)
  local raw = tool.raw
  if tool.regId == "Loader" then
    local clips = raw.Clips
    if type(clips) ~= "table" then return nil end
    local first = clips[1]
    if type(first) ~= "table" then return "" end
    return type(first.Filename) == "string" and first.Filename or ""
  end
  local inputs = raw.Inputs
  local clipInput = type(inputs) == "table" and inputs.Clip or nil
  if type(clipInput) ~= "table" then return nil end
  local clip = clipInput.Value
  if type(clip) ~= "table" then return "" end
  return type(clip.Filename) == "string" and clip.Filename or ""
end

return M
