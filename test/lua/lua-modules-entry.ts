/**
 * Entry of the LuaJIT bundle built by test/lua/fields-lua.test.ts and pure-modules-lua.test.ts: the pure comp-script
 * modules they drive as modules (settings, store, build-request, preflight, text, the JSON encoder), and the field
 * table dump (test/lua/fields-dump.ts).
 */
export { dumpFields } from "./fields-dump";
export {
  ALL_PLATFORMS,
  PLATFORM_LABELS,
  COMP_ONLY_KEYS,
  RENDER_NODE_VERSIONS,
  advancedDiffers,
  defaultSettings,
  readSettings,
  studioSettingsToStored,
  withoutCompOnly,
} from "../../src-lua/settings";
export { ALL_PLATFORMS as PORTABLE_PLATFORMS, PLATFORM_LABELS as PORTABLE_PLATFORM_LABELS } from "../../src-node/portable/platforms";
export { buildRequest } from "../../src-lua/build-request";
export { encodeJson } from "../../src-lua/json";
export { classifyStored, parseCompData, parseStudioData, readablePresets } from "../../src-lua/store";
export { preflight } from "../../src-lua/preflight";
export { compBaseName, dirnameOf, formatEnvironment, formatInt, joinPath, parseEnvironment, splitNames, trimText } from "../../src-lua/text";
export { routeChecks } from "../../src-lua/dialog/check-routing";
export { perOsRowsWanted } from "../../src-lua/dialog/field-binding";
