-- Minimal JSON for the Fusion stand-in (test code only; deliberately separate from src-lua/json.ts so that a bug
-- in the product's JSON cannot hide itself). Reads the stand-in config, writes the transcript.
--   decode(text) -> value   arrays are tagged (M.array), null is M.null (in objects too: the caller decides)
--   encode(value) -> text   sorted keys; tagged or 1..n tables are arrays; empty untagged tables are {}
local M = {}

local ARRAY_MT = { __standinJson = "array" }
local NULL_MT = { __standinJson = "null", __tostring = function() return "null" end }
M.null = setmetatable({}, NULL_MT)

function M.array(t)
  return setmetatable(t or {}, ARRAY_MT)
end

function M.isArray(t)
  return getmetatable(t) == ARRAY_MT
end

-- decoding ------------------------------------------------------------------------------------------------------

local function decodeError(text, pos, message)
  error(string.format("config JSON: %s at byte %d", message, pos), 0)
end

local function skip(text, pos)
  return (text:find("[^ \t\r\n]", pos)) or (#text + 1)
end

local function utf8(code)
  if code < 0x80 then return string.char(code) end
  if code < 0x800 then return string.char(0xc0 + math.floor(code / 64), 0x80 + code % 64) end
  if code < 0x10000 then
    return string.char(0xe0 + math.floor(code / 4096), 0x80 + math.floor(code / 64) % 64, 0x80 + code % 64)
  end
  return string.char(0xf0 + math.floor(code / 262144), 0x80 + math.floor(code / 4096) % 64,
    0x80 + math.floor(code / 64) % 64, 0x80 + code % 64)
end

local escapes = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }

local decodeValue

local function decodeString(text, pos)
  local parts = {}
  local i = pos + 1
  while true do
    local stop = text:find('["\\%z\1-\31]', i)
    if not stop then decodeError(text, pos, "unterminated string") end
    parts[#parts + 1] = text:sub(i, stop - 1)
    local c = text:sub(stop, stop)
    if c == '"' then return table.concat(parts), stop + 1 end
    if c ~= "\\" then decodeError(text, stop, "control character in string") end
    local e = text:sub(stop + 1, stop + 1)
    if escapes[e] then
      parts[#parts + 1] = escapes[e]
      i = stop + 2
    elseif e == "u" then
      local hex = text:sub(stop + 2, stop + 5)
      if not hex:match("^%x%x%x%x$") then decodeError(text, stop, "bad \\u escape") end
      local code = tonumber(hex, 16)
      i = stop + 6
      if code >= 0xd800 and code <= 0xdbff and text:sub(i, i + 1) == "\\u" then
        local low = tonumber(text:sub(i + 2, i + 5), 16)
        if low and low >= 0xdc00 and low <= 0xdfff then
          code = 0x10000 + (code - 0xd800) * 1024 + (low - 0xdc00)
          i = i + 6
        end
      end
      parts[#parts + 1] = utf8(code)
    else
      decodeError(text, stop, "bad escape")
    end
  end
end

function decodeValue(text, pos, depth)
  if depth > 200 then decodeError(text, pos, "nesting too deep") end
  pos = skip(text, pos)
  local c = text:sub(pos, pos)
  if c == "{" then
    local obj = {}
    pos = skip(text, pos + 1)
    if text:sub(pos, pos) == "}" then return obj, pos + 1 end
    while true do
      pos = skip(text, pos)
      if text:sub(pos, pos) ~= '"' then decodeError(text, pos, "string key expected") end
      local key
      key, pos = decodeString(text, pos)
      pos = skip(text, pos)
      if text:sub(pos, pos) ~= ":" then decodeError(text, pos, "':' expected") end
      local value
      value, pos = decodeValue(text, pos + 1, depth + 1)
      obj[key] = value
      pos = skip(text, pos)
      local d = text:sub(pos, pos)
      if d == "}" then return obj, pos + 1 end
      if d ~= "," then decodeError(text, pos, "',' or '}' expected") end
      pos = pos + 1
    end
  elseif c == "[" then
    local arr = M.array({})
    pos = skip(text, pos + 1)
    if text:sub(pos, pos) == "]" then return arr, pos + 1 end
    while true do
      local value
      value, pos = decodeValue(text, pos, depth + 1)
      arr[#arr + 1] = value
      pos = skip(text, pos)
      local d = text:sub(pos, pos)
      if d == "]" then return arr, pos + 1 end
      if d ~= "," then decodeError(text, pos, "',' or ']' expected") end
      pos = pos + 1
    end
  elseif c == '"' then
    return decodeString(text, pos)
  elseif text:sub(pos, pos + 3) == "true" then
    return true, pos + 4
  elseif text:sub(pos, pos + 4) == "false" then
    return false, pos + 5
  elseif text:sub(pos, pos + 3) == "null" then
    return M.null, pos + 4
  end
  local num = text:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
  if not num or num == "" or not tonumber(num) then decodeError(text, pos, "unexpected character") end
  return tonumber(num), pos + #num
end

function M.decode(text)
  local value, pos = decodeValue(text, 1, 0)
  pos = skip(text, pos)
  if pos <= #text then decodeError(text, pos, "trailing text") end
  return value
end

-- encoding ------------------------------------------------------------------------------------------------------

local function encodeString(s)
  s = s:gsub('[%z\1-\31"\\\127]', function(c)
    local short = ({ ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" })[c]
    return short or string.format("\\u%04x", c:byte())
  end)
  return '"' .. s .. '"'
end

local function encodeNumber(x)
  if x ~= x or x == math.huge or x == -math.huge then return "null" end
  if x == math.floor(x) and math.abs(x) <= 2 ^ 53 then return string.format("%.0f", x) end
  for _, fmt in ipairs({ "%.14g", "%.15g", "%.16g" }) do
    local s = string.format(fmt, x)
    if tonumber(s) == x then return s end
  end
  return string.format("%.17g", x)
end

local function isSequence(t)
  local n = 0
  for k in pairs(t) do
    if type(k) ~= "number" then return false end
    n = n + 1
  end
  if n == 0 then return false end
  for i = 1, n do if t[i] == nil then return false end end
  return true
end

local function encodeValue(v, out, depth, seen)
  local kind = type(v)
  if v == nil or v == M.null then
    out[#out + 1] = "null"
  elseif kind == "boolean" then
    out[#out + 1] = tostring(v)
  elseif kind == "number" then
    out[#out + 1] = encodeNumber(v)
  elseif kind == "string" then
    out[#out + 1] = encodeString(v)
  elseif kind == "table" then
    if seen[v] or depth > 100 then
      out[#out + 1] = '"<cycle>"'
      return
    end
    seen[v] = true
    if M.isArray(v) or isSequence(v) then
      out[#out + 1] = "["
      for i = 1, #v do
        if i > 1 then out[#out + 1] = "," end
        encodeValue(v[i], out, depth + 1, seen)
      end
      out[#out + 1] = "]"
    else
      local keys = {}
      for k in pairs(v) do keys[#keys + 1] = k end
      table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
      out[#out + 1] = "{"
      for i, k in ipairs(keys) do
        if i > 1 then out[#out + 1] = "," end
        out[#out + 1] = encodeString(type(k) == "number" and encodeNumber(k) or tostring(k))
        out[#out + 1] = ":"
        encodeValue(v[k], out, depth + 1, seen)
      end
      out[#out + 1] = "}"
    end
    seen[v] = nil
  else
    -- functions, userdata: describe instead of failing, the transcript must always be written
    out[#out + 1] = encodeString("<" .. kind .. ">")
  end
end

function M.encode(v)
  local out = {}
  encodeValue(v, out, 0, {})
  return table.concat(out)
end

return M
