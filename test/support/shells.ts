// The POSIX shells present on this machine (CI has sh, bash and dash; a developer machine may have more).
import { spawnSync } from "node:child_process";

export interface Shell {
  name: string;
  /** Arguments before `-c` (busybox needs its applet name). */
  argsPrefix: string[];
}

export const SHELLS: Shell[] = ["/bin/sh", "bash", "dash", "zsh", "ksh", "mksh", "busybox"]
  .map((name) => {
    const argsPrefix = name === "busybox" ? ["sh"] : [];
    const probe = spawnSync(name, [...argsPrefix, "-c", "exit 0"]);
    return probe.error === undefined && probe.status === 0 ? { name, argsPrefix } : undefined;
  })
  .filter((shell): shell is Shell => shell !== undefined);
