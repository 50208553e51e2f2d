/**
 * Entry of the LuaJIT bundle built by test/lua/fields-lua.test.ts: the pure comp-script modules that the test drives
 * as modules (settings, build-request, the JSON encoder), and the field table's dump (test/lua/fields-dump.ts).
 */
export { dumpFields } from "./fields-dump";
export {
  COMP_ONLY_KEYS,
  RENDER_NODE_VERSIONS,
  advancedDiffers,
  defaultSettings,
  readSettings,
  studioSettingsToStored,
  withoutCompOnly,
} from "../../src-lua/settings";
export { buildRequest } from "../../src-lua/build-request";
export { encodeJson } from "../../src-lua/json";
