-- UI Manager for the Fusion stand-in (test code). Only members declared in types/fusion.d.ts (fusion.md §3).
-- Widgets are recording objects: properties live in a private table, reads/writes go through metamethods so
-- that Qt-like rules apply (SpinBox clamping, ComboBox index/text, ...). Methods assert colon calls.
--
-- M.new(S) returns the UI subsystem bound to the stand-in state S, which provides:
--   S.warn(msg), S.ignore(msg), S.abort(msg), S.callHandler(fn, ev, label), S.sleep(ms),
--   S.programmaticEvents (bool), S.timersStarted (list), S.json (the stand-in JSON module), and the variant
--   switches S.eventFields ("full" | "none"), S.timerEvents ("both" | "window" | "dispatcher"),
--   S.groupItems (bool), S.comboAutoSelect (bool), which make it behave like a different but faithful UI Manager.
--
-- Event tables carry only documented fields (fusion.md §3): who, sender, item, column, Value, Args.
local M = {}

local function copyList(t)
  local out = {}
  for i = 1, #t do out[i] = t[i] end
  return out
end

-- Documented properties per element type (fusion.md §3); anything else set on a widget is recorded as a warning,
-- which catches typos such as PlaceHolderText.
local COMMON_PROPS = { ID = true, Weight = true, ToolTip = true, Alignment = true, MinimumSize = true,
  StyleSheet = true, Visible = true, Enabled = true, Events = true }
-- Spacing is documented on the window only (the AddWindow skeleton), not on groups.
local TYPE_PROPS = {
  VGroup = {}, HGroup = {}, Stack = { CurrentIndex = true },
  Label = { Text = true },
  LineEdit = { Text = true, PlaceholderText = true, ReadOnly = true },
  TextEdit = { Text = true, PlainText = true, HTML = true, ReadOnly = true, PlaceholderText = true, Lexer = true,
    Font = true, LineWrapMode = true, AcceptRichText = true, TabStopWidth = true },
  SpinBox = { Minimum = true, Maximum = true, Value = true },
  DoubleSpinBox = { Minimum = true, Maximum = true, Value = true },
  Slider = { Minimum = true, Maximum = true, Value = true },
  CheckBox = { Text = true, Checked = true },
  ComboBox = { CurrentIndex = true, CurrentText = true },
  Button = { Text = true, Icon = true },
  TabBar = { CurrentIndex = true, DrawBase = true, Expanding = true },
  Tree = { SortingEnabled = true, ColumnCount = true, ColumnWidth = true },
  Font = { Family = true, PixelSize = true, MonoSpaced = true },
  HGap = {}, VGap = {},
}
local DEFAULTS = {
  Label = { Text = "" },
  LineEdit = { Text = "", PlaceholderText = "", ReadOnly = false },
  TextEdit = { Text = "", PlainText = "", HTML = "", ReadOnly = false, PlaceholderText = "" },
  SpinBox = { Value = 0, Minimum = 0, Maximum = 99 },
  DoubleSpinBox = { Value = 0, Minimum = 0, Maximum = 99.99 },
  Slider = { Value = 0, Minimum = 0, Maximum = 99 },
  CheckBox = { Text = "", Checked = false },
  ComboBox = { CurrentIndex = -1 },
  Button = { Text = "" },
  TabBar = { CurrentIndex = -1 },
  Stack = { CurrentIndex = 0 },
  Tree = { ColumnCount = 1, SortingEnabled = false },
}
-- The event Qt emits when the user changes a property (used by the "set" action).
local USER_EDIT_EVENT = {
  LineEdit = { Text = "TextChanged" },
  TextEdit = { Text = "TextChanged", PlainText = "TextChanged", HTML = "TextChanged" },
  SpinBox = { Value = "ValueChanged" }, DoubleSpinBox = { Value = "ValueChanged" }, Slider = { Value = "ValueChanged" },
  ComboBox = { CurrentIndex = "CurrentIndexChanged", CurrentText = "CurrentIndexChanged" },
  TabBar = { CurrentIndex = "CurrentIndexChanged" },
  CheckBox = { Checked = "Clicked" },
}

local function stripTags(html)
  local text = html:gsub("<[^>]*>", "")
  text = text:gsub("&lt;", "<"):gsub("&gt;", ">"):gsub("&quot;", '"'):gsub("&amp;", "&")
  return text
end

function M.new(S)
  local U = {
    windows = {},      -- creation order
    showOrder = {},    -- windows, most recently shown last
    timers = {},       -- creation order
    dispatchers = {},
    loopStack = {},    -- running RunLoop levels, innermost last
    pendingEvents = {}, -- from QueueEvent
    existingWindows = {},
  }
  local elementInfo = setmetatable({}, { __mode = "k" }) -- element descriptor -> { type, props, children }
  local itemInfo = setmetatable({}, { __mode = "k" })    -- item object -> { type, props, win, comboItems, rows, ... }
  local treeItemInfo = setmetatable({}, { __mode = "k" })

  local function checkSelf(self, obj, name, how)
    if not rawequal(self, obj) then
      error(name .. " must be called as " .. how .. ":" .. name .. "()", 3)
    end
  end

  -- UI Manager ----------------------------------------------------------------------------------------------------
  local ui = {}
  U.ui = ui

  -- Elements are numbered as the script creates them: Qt's focus chain (the Tab order) follows creation, so tests
  -- compare this order with the visual order (U.layoutOf reports it as `created`).
  local createdCount = 0
  local function makeElement(typeName, props)
    createdCount = createdCount + 1
    local info = { type = typeName, props = {}, children = {}, created = createdCount }
    if props ~= nil and type(props) ~= "table" then
      error("ui:" .. typeName .. " expects one table of properties and children", 3)
    end
    for k, v in pairs(props or {}) do
      if type(k) == "number" then
        if not elementInfo[v] then error("ui:" .. typeName .. ": child " .. k .. " is not a UI element", 3) end
        info.children[k] = v
      else
        info.props[k] = v
        local known = COMMON_PROPS[k] or (TYPE_PROPS[typeName] and TYPE_PROPS[typeName][k])
        if not known then
          S.warn(string.format("%s %s: unknown property %s", typeName, tostring(props.ID or "(no ID)"), tostring(k)))
        end
      end
    end
    local maxChild = 0
    for k in pairs(info.children) do if k > maxChild then maxChild = k end end
    for i = 1, maxChild do
      if info.children[i] == nil then error("ui:" .. typeName .. ": children must be 1.." .. maxChild .. " (hole at " .. i .. ")", 3) end
    end
    local element = setmetatable({}, { __index = function() return nil end, __tostring = function() return "UIElement(" .. typeName .. ")" end })
    elementInfo[element] = info
    return element
  end

  for typeName in pairs(TYPE_PROPS) do
    if typeName ~= "HGap" and typeName ~= "VGap" then
      ui[typeName] = function(self, props)
        checkSelf(self, ui, typeName, "ui")
        return makeElement(typeName, props)
      end
    end
  end
  for _, gap in ipairs({ "HGap", "VGap" }) do
    ui[gap] = function(self, size, weight)
      checkSelf(self, ui, gap, "ui")
      if size ~= nil and type(size) ~= "number" then error("ui:" .. gap .. "(size, weight) expects numbers", 2) end
      local element = makeElement(gap, {})
      elementInfo[element].props.size = size
      elementInfo[element].props.weight = weight
      return element
    end
  end

  function ui.Timer(self, props)
    checkSelf(self, ui, "Timer", "ui")
    if type(props) ~= "table" or type(props.ID) ~= "string" then error("ui:Timer expects {ID=..., Interval=...}", 2) end
    local state = { ID = props.ID, Interval = props.Interval or 0, SingleShot = props.SingleShot == true, active = false }
    local timer = {}
    local methods = {}
    function methods.Start(s)
      checkSelf(s, timer, "Start", "timer")
      state.active = true
      S.timersStarted[#S.timersStarted + 1] = state.ID
    end
    function methods.Stop(s)
      checkSelf(s, timer, "Stop", "timer")
      state.active = false
    end
    setmetatable(timer, {
      __index = function(_, k)
        if methods[k] then return methods[k] end
        if k == "ID" or k == "Interval" or k == "SingleShot" then return state[k] end
        return nil
      end,
      __newindex = function(_, k, v)
        if k == "Interval" or k == "SingleShot" then state[k] = v
        else error("Timer: cannot set " .. tostring(k), 2) end
      end,
    })
    U.timers[#U.timers + 1] = { timer = timer, state = state }
    return timer
  end

  function ui.FindWindow(self, id)
    checkSelf(self, ui, "FindWindow", "ui")
    for i = #U.windows, 1, -1 do
      local w = U.windows[i]
      if w.id == id and w.visible then return w.win end
    end
    return U.existingWindows[id]
  end

  function ui.QueueEvent(self, target, eventName, args)
    checkSelf(self, ui, "QueueEvent", "ui")
    U.pendingEvents[#U.pendingEvents + 1] = { target = target, event = eventName, args = args }
  end

  -- Items ---------------------------------------------------------------------------------------------------------
  local function findWindowRecord(win)
    for _, w in ipairs(U.windows) do if w.win == win then return w end end
  end

  local function comboText(info)
    local i = info.props.CurrentIndex
    return info.comboItems[i + 1] or ""
  end

  local fireItemEvent -- forward

  -- Applies a property write with Qt's rules; returns true when the value changed.
  local function setProp(item, info, key, value)
    local p = info.props
    local t = info.type
    local before = p[key]
    if key == "CurrentText" and t == "ComboBox" then
      for i, text in ipairs(info.comboItems) do
        if text == value then
          local changed = p.CurrentIndex ~= i - 1
          p.CurrentIndex = i - 1
          return changed, "CurrentIndex"
        end
      end
      return false, "CurrentIndex", true -- not found: no change (non-editable combo)
    end
    if key == "CurrentIndex" and t == "ComboBox" then
      if type(value) ~= "number" then error("ComboBox.CurrentIndex must be a number", 3) end
      if value < 0 or value >= #info.comboItems then value = -1 end
      p.CurrentIndex = value
      return before ~= value, key
    end
    if (t == "SpinBox" or t == "DoubleSpinBox" or t == "Slider") then
      if key == "Value" or key == "Minimum" or key == "Maximum" then
        if type(value) ~= "number" then error(t .. "." .. key .. " must be a number", 3) end
        if t ~= "DoubleSpinBox" then value = math.floor(value + 0.5) end
        p[key] = value
        if key == "Minimum" and p.Maximum < value then p.Maximum = value end
        if key == "Maximum" and p.Minimum > value then p.Minimum = value end
        local old = p.Value
        p.Value = math.min(math.max(p.Value, p.Minimum), p.Maximum)
        if key == "Value" then return before ~= p.Value, "Value" end
        return old ~= p.Value, "Value"
      end
    end
    if t == "TextEdit" and (key == "Text" or key == "PlainText" or key == "HTML") then
      if type(value) ~= "string" then error("TextEdit." .. key .. " must be a string", 3) end
      local oldPlain = p.PlainText
      if key == "HTML" then
        p.HTML = value
        p.PlainText = stripTags(value)
      else
        p.PlainText = value
        p.HTML = value
      end
      p.Text = p.PlainText
      return oldPlain ~= p.PlainText, "Text"
    end
    if key == "Text" and type(value) ~= "string" then
      error(t .. ".Text must be a string (got " .. type(value) .. ")", 3)
    end
    if (key == "Checked" or key == "Enabled" or key == "Visible" or key == "ReadOnly") and type(value) ~= "boolean" then
      error(t .. "." .. key .. " must be a boolean (got " .. type(value) .. ")", 3)
    end
    if not (COMMON_PROPS[key] or (TYPE_PROPS[t] and TYPE_PROPS[t][key])) then
      S.warn(string.format("%s %s: unknown property %s", t, tostring(p.ID), tostring(key)))
    end
    p[key] = value
    return before ~= value, key
  end

  local function makeTreeItem()
    local item = { Text = {} }
    treeItemInfo[item] = true
    return item
  end

  local function itemMethods(item, info)
    local m = {}
    local function method(name, fn)
      m[name] = function(self, ...)
        checkSelf(self, item, name, "item")
        return fn(...)
      end
    end
    if info.type == "ComboBox" then
      method("AddItem", function(text)
        if type(text) ~= "string" then error("ComboBox:AddItem expects a string", 3) end
        info.comboItems[#info.comboItems + 1] = text
        if info.props.CurrentIndex == -1 and S.comboAutoSelect then
          info.props.CurrentIndex = 0
          if S.programmaticEvents then fireItemEvent(item, info, "CurrentIndexChanged") end
        end
      end)
      method("AddItems", function(texts)
        if type(texts) ~= "table" then error("ComboBox:AddItems expects a Lua array of strings", 3) end
        for i = 1, #texts do item:AddItem(texts[i]) end
      end)
      -- No Clear(): fusion.md documents only AddItem/AddItems for ComboBox.
    elseif info.type == "Tree" then
      method("NewItem", function() return makeTreeItem() end)
      method("AddTopLevelItem", function(row)
        if not treeItemInfo[row] then error("Tree:AddTopLevelItem expects an item from Tree:NewItem()", 3) end
        info.rows[#info.rows + 1] = row
      end)
      method("Clear", function()
        info.rows = {}
        info.clears = info.clears + 1
      end)
      method("SetHeaderLabels", function(labels)
        if type(labels) ~= "table" then error("Tree:SetHeaderLabels expects a Lua array of strings", 3) end
        info.header = copyList(labels)
        if #labels > info.props.ColumnCount then info.props.ColumnCount = #labels end
      end)
      method("SetHeaderItem", function(row)
        if not treeItemInfo[row] then error("Tree:SetHeaderItem expects an item from Tree:NewItem()", 3) end
        local header = {}
        for col = 0, math.max(info.props.ColumnCount, 1) - 1 do header[#header + 1] = row.Text[col] or "" end
        info.header = header
      end)
    end
    return m
  end

  local function makeItem(typeName, props, winRecord)
    local info = { type = typeName, props = {}, win = winRecord, comboItems = {}, rows = {}, header = nil, clears = 0 }
    for k, v in pairs(DEFAULTS[typeName] or {}) do info.props[k] = v end
    info.props.Enabled = true
    info.props.Visible = true
    info.props.ToolTip = ""
    info.props.StyleSheet = ""
    if typeName == "Tree" then info.props.ColumnWidth = {} end
    local item = {}
    itemInfo[item] = info
    -- Range limits first, then the rest (so Value is clamped against the given limits, not the defaults).
    for _, key in ipairs({ "Minimum", "Maximum" }) do
      if props[key] ~= nil then setProp(item, info, key, props[key]) end
    end
    for k, v in pairs(props) do
      if k ~= "Minimum" and k ~= "Maximum" then
        if typeName == "TextEdit" and (k == "Text" or k == "PlainText" or k == "HTML") then
          setProp(item, info, k, v)
        else
          info.props[k] = v
        end
      end
    end
    if typeName == "ComboBox" and props.CurrentIndex ~= nil then info.props.CurrentIndex = -1 end
    local methods = itemMethods(item, info)
    setmetatable(item, {
      __index = function(_, k)
        if methods[k] then return methods[k] end
        if k == "CurrentText" and typeName == "ComboBox" then return comboText(info) end
        return info.props[k]
      end,
      __newindex = function(_, k, v)
        if methods[k] then error(typeName .. ": cannot assign to method " .. k, 2) end
        local changed, changedKey, notFound = setProp(item, info, k, v)
        if notFound then S.warn(string.format("ComboBox %s: CurrentText %q matches no item", tostring(info.props.ID), tostring(v))) end
        if changed and S.programmaticEvents then
          local event = USER_EDIT_EVENT[typeName] and USER_EDIT_EVENT[typeName][changedKey]
          if event and event ~= "Clicked" then fireItemEvent(item, info, event) end
        end
      end,
      __tostring = function() return "UIItem(" .. typeName .. " " .. tostring(info.props.ID) .. ")" end,
    })
    return item, info
  end

  -- Windows -------------------------------------------------------------------------------------------------------
  local function handlerFor(winRecord, id, event)
    local handlers = rawget(winRecord.on, id)
    if type(handlers) ~= "table" then return nil end
    return handlers[event]
  end

  local function dispatch(winRecord, id, event, ev)
    local fn = handlerFor(winRecord, id, event)
    if fn == nil then return false end
    if type(fn) ~= "function" then S.abort(string.format("win.On.%s.%s is a %s, not a function", id, event, type(fn))) end
    S.callHandler(fn, ev, string.format("%s.On.%s.%s", winRecord.id, id, event))
    return true
  end

  --- The event table a handler receives: documented fields only, or none at all (eventFields = "none").
  local function eventTable(fields)
    if S.eventFields == "none" then return {} end
    return fields
  end
  U.eventTable = eventTable

  function fireItemEvent(item, info, event, extra)
    local ev = { who = info.props.ID, sender = item }
    for k, v in pairs(extra or {}) do ev[k] = v end
    if event == "ValueChanged" then ev.Value = info.props.Value end
    return dispatch(info.win, info.props.ID, event, eventTable(ev))
  end

  U.fireItemEvent = fireItemEvent
  U.userEditEvent = USER_EDIT_EVENT
  U.itemInfo = function(item) return itemInfo[item] end
  U.setProp = setProp

  local function fireClose(winRecord, hide)
    dispatch(winRecord, winRecord.id, "Close", eventTable({ who = winRecord.id }))
    if hide then winRecord.visible = false end
  end
  U.fireClose = fireClose

  -- Every element becomes a layout node with a parent link (items use their info table as node), so that
  -- Enabled/Visible can be inherited as in Qt: a disabled or hidden group disables or hides its children.
  -- Also returns the element's layout node for the window's recorded tree (U.layoutOf): its type, its children in
  -- order, and where its properties live now (the item's table for items, the construction table otherwise).
  local function buildItems(element, winRecord, parentNode)
    local info = elementInfo[element]
    local node = { props = info.props, parent = parentNode }
    local layout = { type = info.type, props = info.props, children = {}, created = info.created }
    local isGroup = info.type == "VGroup" or info.type == "HGroup" or info.type == "Stack"
    if info.props.ID ~= nil and not (isGroup and not S.groupItems) then
      local id = info.props.ID
      if winRecord.items[id] then S.warn("window " .. winRecord.id .. ": duplicate item ID " .. id) end
      local item, itemNode = makeItem(info.type, info.props, winRecord)
      itemNode.parent = parentNode
      node = itemNode
      winRecord.items[id] = item
      winRecord.itemOrder[#winRecord.itemOrder + 1] = id
      layout.item = item
    end
    for i = 1, #info.children do layout.children[i] = buildItems(info.children[i], winRecord, node) end
    return layout
  end

  --- false when the item or one of its layout ancestors has `prop` (Enabled/Visible) set to false.
  function U.effective(info, prop)
    local node = info
    while node do
      if node.props[prop] == false then return false end
      node = node.parent
    end
    return true
  end

  local function newDispatcher()
    local disp = {}
    local on = {}
    local methods = {}
    function methods.AddWindow(self, props)
      checkSelf(self, disp, "AddWindow", "disp")
      if type(props) ~= "table" then error("disp:AddWindow expects one table of properties and children", 2) end
      local record = { props = {}, items = {}, itemOrder = {}, shown = 0, visible = false, recalcs = 0, layout = {} }
      record.id = props.ID
      if type(record.id) ~= "string" then error("disp:AddWindow: the window needs a string ID (its Close handler key)", 2) end
      for _, w in ipairs(U.windows) do
        if w.id == record.id then S.warn("disp:AddWindow: a window with ID " .. record.id .. " already exists") end
      end
      local children = {}
      for k, v in pairs(props) do
        if type(k) == "number" then
          if not elementInfo[v] then error("disp:AddWindow: child " .. k .. " is not a UI element", 2) end
          children[k] = v
        else
          record.props[k] = v
        end
      end
      record.on = setmetatable({}, {
        __index = function(t, id)
          local handlers = {}
          rawset(t, id, handlers)
          return handlers
        end,
      })
      local win = {}
      record.win = win
      local wm = {}
      local function method(name, fn)
        wm[name] = function(s, ...)
          checkSelf(s, win, name, "win")
          return fn(...)
        end
      end
      method("Show", function()
        record.visible = true
        record.shown = record.shown + 1
        for i = #U.showOrder, 1, -1 do if U.showOrder[i] == record then table.remove(U.showOrder, i) end end
        U.showOrder[#U.showOrder + 1] = record
      end)
      method("Hide", function() record.visible = false end)
      method("GetItems", function()
        local map = {}
        for id, item in pairs(record.items) do map[id] = item end
        return map
      end)
      method("RecalcLayout", function() record.recalcs = record.recalcs + 1 end)
      method("Raise", function() end)
      method("ActivateWindow", function() end)
      setmetatable(win, {
        __index = function(_, k)
          if k == "On" then return record.on end
          return wm[k]
        end,
        __newindex = function(_, k) error("window: cannot set " .. tostring(k), 2) end,
        __tostring = function() return "UIWindow(" .. record.id .. ")" end,
      })
      local maxChild = 0
      for k in pairs(children) do if k > maxChild then maxChild = k end end
      for i = 1, maxChild do
        if children[i] == nil then error("disp:AddWindow: children must be 1.." .. maxChild, 2) end
        record.layout[i] = buildItems(children[i], record, nil)
      end
      U.windows[#U.windows + 1] = record
      return win
    end
    function methods.RunLoop(self)
      checkSelf(self, disp, "RunLoop", "disp")
      U.runLoop(disp)
    end
    function methods.ExitLoop(self)
      checkSelf(self, disp, "ExitLoop", "disp")
      local level = U.loopStack[#U.loopStack]
      if level then level.exit = true else S.warn("disp:ExitLoop() called while no RunLoop is running") end
    end
    setmetatable(disp, {
      __index = function(_, k)
        if k == "On" then return on end
        return methods[k]
      end,
      __newindex = function(_, k) error("dispatcher: cannot set " .. tostring(k), 2) end,
    })
    U.dispatchers[#U.dispatchers + 1] = { disp = disp, on = on }
    return disp
  end
  U.newDispatcher = newDispatcher

  -- Timers --------------------------------------------------------------------------------------------------------
  -- Fires Timeout for one timer: win.On.<TimerID>.Timeout on every window that has it, then disp.On.Timeout.
  local function fireTimeout(entry)
    local id = entry.state.ID
    local handled = false
    if S.timerEvents ~= "dispatcher" then
      for _, w in ipairs(U.windows) do
        if handlerFor(w, id, "Timeout") then
          handled = dispatch(w, id, "Timeout", eventTable({ who = id, sender = entry.timer })) or handled
        end
      end
    end
    if S.timerEvents ~= "window" then
      for _, d in ipairs(U.dispatchers) do
        local fn = rawget(d.on, "Timeout")
        if fn ~= nil then
          if type(fn) ~= "function" then S.abort("disp.On.Timeout is not a function") end
          S.callHandler(fn, eventTable({ who = id, sender = entry.timer }), "disp.On.Timeout")
          handled = true
        end
      end
    end
    if not handled then S.warn("timer " .. id .. " fired with no Timeout handler") end
  end

  function U.anyTimerActive()
    for _, entry in ipairs(U.timers) do if entry.state.active then return true end end
    return false
  end

  function U.runTimers(maxTicks, sleepMs, level)
    for round = 1, maxTicks do
      local active = {}
      for _, entry in ipairs(U.timers) do if entry.state.active then active[#active + 1] = entry end end
      if #active == 0 then return end
      -- Time passes between ticks, as in Fusion (background processes the script follows make progress):
      -- sleepMs when given, else the shortest active Interval, scaled down to at most 20 ms to keep tests fast.
      local pause = sleepMs
      if pause == nil then
        pause = 20
        for _, entry in ipairs(active) do
          local interval = tonumber(entry.state.Interval) or 0
          if interval < pause then pause = interval end
        end
      end
      if round > 1 and pause > 0 then S.sleep(pause) end
      for _, entry in ipairs(active) do
        if entry.state.active then
          if entry.state.SingleShot then entry.state.active = false end
          fireTimeout(entry)
          if level.exit then return end
        end
      end
    end
  end

  -- Transcript ----------------------------------------------------------------------------------------------------
  local function plain(value, depth)
    depth = depth or 0
    if type(value) ~= "table" or depth > 20 then return value end
    if elementInfo[value] then
      local info = elementInfo[value]
      local out = { type = info.type }
      for k, v in pairs(info.props) do out[k] = plain(v, depth + 1) end
      return out
    end
    local out = {}
    for k, v in pairs(value) do out[k] = plain(v, depth + 1) end
    return out
  end

  --- An item's properties as they are now, plus its combo entries or tree rows (the transcript's item form).
  local function itemState(info)
    local json = S.json
    local out = { type = info.type }
    for k, v in pairs(info.props) do out[k] = plain(v) end
    if info.type == "ComboBox" then
      out.items = json.array(copyList(info.comboItems))
      out.CurrentText = comboText(info)
    elseif info.type == "Tree" then
      local rows = json.array({})
      for _, row in ipairs(info.rows) do
        local cells = json.array({})
        local columns = info.props.ColumnCount
        for col, _ in pairs(row.Text) do if type(col) == "number" and col + 1 > columns then columns = col + 1 end end
        for col = 0, columns - 1 do cells[#cells + 1] = row.Text[col] or "" end
        rows[#rows + 1] = cells
      end
      out.rows = rows
      out.header = json.array(copyList(info.header or {}))
      out.clears = info.clears
      local widths = {}
      for col, width in pairs(info.props.ColumnWidth) do widths[tostring(col)] = width end
      out.ColumnWidth = widths
    end
    return out
  end

  --- The window's element tree as the script built it, each node with its properties as they are now (items) or as
  --- constructed (elements without an ID, which the script cannot change): what a renderer needs to lay it out.
  local function layoutNodes(nodes)
    local list = S.json.array({})
    for i, node in ipairs(nodes) do
      local out
      if node.item then
        out = itemState(itemInfo[node.item])
      else
        out = { type = node.type }
        for k, v in pairs(node.props) do out[k] = plain(v) end
      end
      out.created = node.created
      out.children = layoutNodes(node.children)
      list[i] = out
    end
    return list
  end

  function U.layoutOf(record)
    return layoutNodes(record.layout)
  end

  function U.transcriptWindows()
    local json = S.json
    local list = json.array({})
    for _, w in ipairs(U.windows) do
      local items = {}
      for _, id in ipairs(w.itemOrder) do
        items[id] = itemState(itemInfo[w.items[id]])
      end
      local props = {}
      for k, v in pairs(w.props) do props[k] = plain(v) end
      list[#list + 1] = {
        id = w.id, title = w.props.WindowTitle, targetId = w.props.TargetID, shown = w.shown, visible = w.visible,
        recalcLayouts = w.recalcs, props = props, items = items,
      }
    end
    return list
  end

  function U.treeRow(item, row)
    local info = itemInfo[item]
    return info and info.rows[row + 1]
  end

  function U.findRecord(win) return findWindowRecord(win) end

  return U
end

return M
