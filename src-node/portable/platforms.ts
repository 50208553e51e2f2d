/**
 * The client OS families a job can run on (types/request.ts Platform) and how each is shown to people: the one
 * definition for the dialog (src-lua/settings.ts), the helper's messages (src-node/core/job-spec.ts,
 * job-package.ts, path-map.ts) and the farm's client list (src-node/hqueue/platform.ts).
 *
 * PORTABLE: compiled into the helper (esbuild) AND the comp script (TypeScriptToLua), tested on both
 * (test/core/platforms.test.ts, which also refuses another copy; test/lua/fields-lua.test.ts). Plain data only.
 */
import type { Platform } from "../../types/request";

/** Every family, in the order the dialog lists them. */
export const ALL_PLATFORMS: readonly Platform[] = ["linux", "macosx", "windows"];

/** "Linux", "macOS", "Windows". */
export const PLATFORM_LABELS: Readonly<Record<Platform, string>> = { linux: "Linux", macosx: "macOS", windows: "Windows" };
