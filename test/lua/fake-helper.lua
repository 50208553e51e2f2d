-- A stand-in for hqueue-helper.js in comp-script tests, run by LuaJIT instead of node: the comp script launches
-- `<KARTALINK_NODE> <helper> <command> ...`, and the tests point KARTALINK_NODE at luajit, which starts in a few
-- milliseconds where node needs a hundred. Same behaviour as test/support/fake-helper.js: every call is appended to
-- `log` as a JSON line { command, argv, positionals, options, request }, and the answer is canned JSON.
--
-- The wrapper the harness writes (comp-script-harness.ts writeFakeHelper) is:
--   dofile("<repo>/test/lua/fake-helper.lua")({ log = "...", responses = { plan = { "<json>", ... } },
--     defaults = { plan = "<json>", ... }, skipResponseFile = false, stdout = nil })
-- `responses[command]` is a list of JSON texts used in order (the last one repeats); `defaults[command]` otherwise.
--
-- Background-run contract (contract-8): with --response-file R it writes R .. ".phase": `started <pid>` at once,
-- and for submit `sending` before its (pretend) newjob and `answered <jobId>` after it. Misbehaviour knobs:
--   delays = { <command> = seconds }  waits that long before answering (submit: after `sending`), like a slow server
--     (delayOnce = true: only the command's first call);
--   die = "beforeSend" | "afterSend" | "afterAnswer"  SIGKILLs itself at that point of a submit (no answer file);
--   truncate = "<command>"  writes only the first half of that command's answer file;
--   noPhase = true  writes no phase file (an older helper).
return function(config)
  local ffi = require("ffi")
  pcall(ffi.cdef, "int getpid(void); int kill(int pid, int sig); int poll(void *fds, unsigned long n, int timeout);")
  local function sleep(seconds)
    local left = math.floor(seconds * 1000)
    while left > 0 do
      local step = math.min(left, 1000)
      ffi.C.poll(nil, 0, step)
      left = left - step
    end
  end
  local argv = {}
  for i = 1, #arg do argv[i] = arg[i] end

  local function quote(s)
    return '"' .. s:gsub('[%c"\\]', function(c)
      if c == '"' then return '\\"' end
      if c == "\\" then return "\\\\" end
      return string.format("\\u%04x", c:byte())
    end) .. '"'
  end

  local command
  local positionals, optionNames, options = {}, {}, {}
  local i = 1
  while i <= #argv do
    local a = argv[i]
    if a:sub(1, 2) == "--" then
      local name = a:sub(3)
      optionNames[#optionNames + 1] = name
      if name == "json" or name == "server-roots" or name == "missing" or name == "paused" or name == "server-clients" then
        options[name] = true
      else
        options[name] = argv[i + 1]
        i = i + 1
      end
    elseif command == nil then
      command = a
    else
      positionals[#positionals + 1] = a
    end
    i = i + 1
  end
  command = command or ""

  local requestText
  if type(options.request) == "string" then
    local f = io.open(options.request, "rb")
    if f then
      -- The comp script's JSON: raw line breaks can only be whitespace between tokens.
      requestText = f:read("*a"):gsub("[\r\n]", " ")
      f:close()
    end
  end

  local index = 0
  local prefix = '{"command":' .. quote(command) .. ","
  local log = io.open(config.log, "rb")
  if log then
    for line in log:lines() do
      if line:sub(1, #prefix) == prefix then index = index + 1 end
    end
    log:close()
  end

  local function list(items)
    local out = {}
    for n, item in ipairs(items) do out[n] = quote(item) end
    return "[" .. table.concat(out, ",") .. "]"
  end
  local optionParts = {}
  for _, name in ipairs(optionNames) do
    local value = options[name]
    optionParts[#optionParts + 1] = quote(name) .. ":" .. (value == true and "true" or quote(tostring(value)))
  end
  local entry = prefix .. '"argv":' .. list(argv) .. ',"positionals":' .. list(positionals) ..
    ',"options":{' .. table.concat(optionParts, ",") .. "}" .. (requestText and (',"request":' .. requestText) or "") .. "}\n"
  log = assert(io.open(config.log, "ab"))
  log:write(entry)
  log:close()

  local phasePath = options["response-file"] and (options["response-file"] .. ".phase")
  local function phase(line)
    if not phasePath or config.noPhase then return end
    local f = assert(io.open(phasePath, "ab"))
    f:write(line, "\n")
    f:close()
  end
  local function die(point)
    if config.die == point then ffi.C.kill(ffi.C.getpid(), 9) end
  end
  phase("started " .. tostring(ffi.C.getpid()))
  if command == "submit" then
    die("beforeSend")
    phase("sending")
    die("afterSend")
  end
  -- delayOnce: only the first call of the command is slow (index = earlier calls of it).
  local delay = config.delays and config.delays[command]
  if delay and not (config.delayOnce and index > 0) then sleep(delay) end

  local configured = config.responses and config.responses[command]
  local text
  if configured ~= nil then
    text = configured[math.min(index + 1, #configured)]
  else
    text = config.defaults and config.defaults[command]
      or '{"ok":false,"error":{"code":"usage","message":"fake helper: no answer for ' .. command .. '"}}'
  end
  if command == "submit" then
    local jobId = text:match('"jobId":(%d+)')
    if jobId then phase("answered " .. jobId) end
    die("afterAnswer")
  end
  if options["response-file"] and not config.skipResponseFile then
    local out = assert(io.open(options["response-file"], "wb"))
    out:write(config.truncate == command and text:sub(1, math.floor(#text / 2)) or text)
    out:close()
  end
  io.stdout:write(config.stdout or (text .. "\n"))
  os.exit(text:find('"ok":true', 1, true) and 0 or 1)
end
