/**
 * What the HQueue stand-in (hqueue-standin.ts) is configured with and keeps: its options, fake clients and jobs, and the
 * job statuses it uses. Types and constants only, shared by the stand-in's scheduler, job control, methods and server.
 */
import type { ChildProcess } from "node:child_process";

export interface FakeClient {
  id?: number;
  hostname: string;
  /** The client's OS; with `arch` it makes the served `platform` ($HQCLIENTARCH style, e.g. "macos-arm64"). */
  os: "linux" | "macos" | "windows";
  /** Default "x86_64". */
  arch?: string;
  /** Served verbatim as `platform` instead of `<os>-<arch>` (to test odd values); `os` still decides how jobs run. */
  platform?: string;
  /** Group names (the stand-in numbers the groups; clients are served with group ids, as documented). */
  groups?: string[];
  /** Disabled on the farm (`disabled`): takes no work. Default false. */
  disabled?: boolean;
  /** False: connected but not available to process jobs (`available`): takes no work. Default true. */
  available?: boolean;
}

export type StandinPlatform = "linux" | "macosx" | "windows";

export interface StandinOptions {
  /** 0 (default) = an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: one linux client `standin-linux-01` in group "Fusion". */
  clients?: FakeClient[];
  /** "19.5" (default): getVersion and getNetworkFolders. "legacy": getHQRoot, no getVersion. */
  serverVersion?: "19.5" | "legacy";
  hqRoot?: Partial<Record<StandinPlatform, string>>;
  /** Default true. False: no job is ever picked up by a client (jobs without a command still succeed). */
  runJobs?: boolean;
  /** Jobs a client runs at once (default 1). */
  slotsPerClient?: number;
  /**
   * The scheduler runs after every change (submit, finish, cancel, resume…), at most once per `pollMs`
   * (default 10), so a burst of calls costs one pass. Nothing polls while nothing changes.
   */
  pollMs?: number;
  /** Keep only the last N entries of `calls` (default: all; the command-line program keeps 1000). */
  maxCalls?: number;
  /** Id of the first job (default 1). */
  firstJobId?: number;
  /** Methods this server lacks: each answers the "not supported" fault (e.g. a server without rescheduleJobs). */
  without?: string[];
  /** Job attributes this server does not report (left out of getJob/getJobs answers), e.g. ["submittedBy"]. */
  withoutAttribs?: string[];
  /**
   * Also report these job-spec keys as getJobs attributes (`command`, `shell`, `submittedBy`, `triesLeft`,
   * `environment`, `cpus`, `description`, `emailTo`, `emailReasons`): `true` for all, or a list of those to report.
   * They are NOT documented attributes (12 Python API): off by default, so the stand-in serves exactly what is
   * documented; tests turn them on to check how the helper uses a server that reports more.
   */
  specAttribs?: boolean | string[];
  /**
   * Answer getJobs in another order than the ids were asked in (rotated by one): the docs do not promise the order,
   * so the helper must find each answer by its `id`.
   */
  rotateGetJobs?: boolean;
  /** Largest request body accepted (default 32 MB); bigger ones get Django's HTTP 400. Django's default is 2.5 MB. */
  maxBodyBytes?: number;
}

export type StandinStatus =
  | "waiting for machine"
  | "running"
  | "paused"
  | "pausing"
  | "resuming"
  | "succeeded"
  | "failed"
  | "cancelled"
  | "abandoned";

export interface StandinCondition {
  type: string;
  name: string;
  op: string;
  value: string;
}

export interface StandinJob {
  id: number;
  name: string;
  parentId: number | null;
  rootId: number;
  childIds: number[];
  /** The spec as received, without `children`. */
  spec: Record<string, unknown>;
  command: string | Record<string, string> | null;
  shell: string | null;
  priority: number;
  tags: string[];
  conditions: StandinCondition[];
  description: string | null;
  submittedBy: string | null;
  triesLeft: number;
  environment: Record<string, string>;
  cpus: number | null;
  minHosts: number | null;
  maxHosts: number | null;
  status: StandinStatus;
  /** 0..1; for a job with children, the mean of its children (without those tagged `excludeProgress`). */
  progress: number;
  output: string;
  queueTime: Date;
  startTime: Date | null;
  endTime: Date | null;
  paused: boolean;
  /** The client the job last ran on. */
  clientHostname: string | null;
  /** What was executed last, for inspection: program, arguments and the HQueue variables given. */
  executed: { program: string; args: string[]; hqEnv: Record<string, string> } | null;
  /** The command a Windows client was given (the stand-in cannot run it). */
  windowsCommand: string | null;
}


export const FINISHED: ReadonlySet<StandinStatus> = new Set(["succeeded", "failed", "cancelled", "abandoned"]);

export const DEFAULT_HQ_ROOT: Record<StandinPlatform, string> = {
  linux: "/mnt/hq",
  macosx: "/Volumes/hq",
  windows: "\\\\hqserver\\hq",
};

export interface ClientState {
  id: number;
  hostname: string;
  os: FakeClient["os"];
  /** The served `platform`. */
  platform: string;
  groups: string[];
  disabled: boolean;
  available: boolean;
  running: Set<number>;
}

export interface RunState {
  process: ChildProcess | null;
  stopped: boolean;
}

export function isFinished(status: string): boolean {
  return FINISHED.has(status as StandinStatus);
}
