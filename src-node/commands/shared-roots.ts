import type { Platform, SharedRoot } from "../../types/request";
import type { HQueueClient } from "../hqueue/client";

/**
 * Shared roots the server knows: `getNetworkFolders()` on HQueue 19.5+, `getHQRoot(platform)` before.
 * Both are optional (a Fault means "not supported"), and the shape of getNetworkFolders() is not
 * documented, so entries are read leniently: any struct with per-OS path keys becomes a root.
 */
const KEYS: Record<string, Platform> = {
  linux: "linux",
  macosx: "macosx",
  macos: "macosx",
  mac: "macosx",
  darwin: "macosx",
  windows: "windows",
  win: "windows",
  linux_path: "linux",
  macosx_path: "macosx",
  mac_path: "macosx",
  windows_path: "windows",
};

export function rootsFromNetworkFolders(folders: readonly unknown[]): SharedRoot[] {
  const roots: SharedRoot[] = [];
  for (const entry of folders) {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) continue;
    const root: SharedRoot = {};
    for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
      const p = KEYS[key.toLowerCase()];
      if (p && typeof value === "string" && value.trim() !== "") root[p] = value.trim();
    }
    if (Object.keys(root).length >= 2) roots.push(root);
  }
  return roots;
}

export async function serverSharedRoots(client: HQueueClient): Promise<SharedRoot[]> {
  const folders = await client.getNetworkFolders();
  if (folders && folders.length > 0) {
    const roots = rootsFromNetworkFolders(folders);
    if (roots.length > 0) return roots;
  }
  const root: SharedRoot = {};
  for (const p of ["linux", "macosx", "windows"] as const) {
    const path = await client.getHQRoot(p);
    if (typeof path === "string" && path.trim() !== "") root[p] = path.trim();
  }
  return Object.keys(root).length >= 2 ? [root] : [];
}
