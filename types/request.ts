/**
 * The contract between the Fusion comp script (src-lua, LuaJIT) and the helper (src-node, Node).
 *
 * The comp script writes a {@link SubmitRequest} as JSON to a temporary file and runs
 * `node hqueue-helper.js <plan|submit> --request <file> --json`. The helper prints exactly one
 * {@link HelperResponse} as JSON on stdout and exits 0 on success, non-zero on failure.
 *
 * This file is type-only (no runtime code) so that both TypeScriptToLua and esbuild can import it.
 * Field names are camelCase on both sides; the Lua JSON encoder writes them verbatim.
 * Change this file in one commit together with both sides and their tests.
 */

/**
 * Client operating systems, spelled as HQueue spells the keys of a per-platform `command`
 * (`{"linux": …, "macosx": …, "windows": …}`, Houdini's hqrop `getJobCommands`).
 */
export type Platform = "linux" | "macosx" | "windows";

/** Which frames to render. `render`/`global` are resolved against the comp's ranges and step. */
export type FrameSource =
  | { kind: "render" }
  | { kind: "global" }
  /** A frame set as users type it: `1-100`, `1..100`, `1-100x2`, `1-100:2`, `1,5,10-20`, `-5--1`. */
  | { kind: "custom"; set: string };

/** Client selection, the three HQueue "Assign To" modes. Names must not contain spaces. */
export type Assign =
  | { mode: "any" }
  | { mode: "clients"; names: string[] }
  | { mode: "groups"; names: string[] };

/** One Saver tool of the comp, as the comp script (or the .comp reader) saw it. */
export interface SaverInfo {
  /** Tool name (`TOOLS_Name`). */
  name: string;
  /** False when the Saver is pass-through (`TOOLB_PassThrough`), i.e. disabled. */
  enabled: boolean;
  /** Output path resolved with `comp:MapPath` on the submitting machine; "" when the Saver has no file name. */
  path: string;
  /** The path as written in the Saver, before path maps (may start with `Comp:`). */
  rawPath?: string;
  /**
   * The Saver's `OutputFormat` input id (e.g. "OpenEXRFormat", "QuickTimeMovies"; fusion.md §11), when known:
   * a movie format means one file for all frames, whatever the extension (savers.ts isMovieFormat).
   */
  outputFormat?: string;
}

/** What the comp script read from the active composition. */
export interface CompInfo {
  /** `COMPS_FileName`: absolute path of the saved comp on the submitting machine. */
  path: string;
  /** OS of the submitting machine (decides how `path` is parsed and mapped). */
  platform: Platform;
  /** `COMPB_Modified` at the time of the request. */
  modified?: boolean;
  /**
   * The artist chose to submit the last SAVED version of a modified comp: the farm renders the file on disk, so the
   * helper reads the Savers (names, enabled, output paths) from that file instead of trusting `savers`, which
   * describe the comp in memory. The frames stay as chosen in the dialog.
   */
  savedFileOnly?: boolean;
  /** `COMPN_RenderStart` / `COMPN_RenderEnd`. */
  renderStart: number;
  renderEnd: number;
  /** `COMPN_GlobalStart` / `COMPN_GlobalEnd`. */
  globalStart: number;
  globalEnd: number;
  /** `COMPI_RenderStep` (1 when absent). */
  step: number;
  savers: SaverInfo[];
  /**
   * The comp's Loader tools as the comp script saw them (optional, additive): the pre-flight checks that their files
   * exist on this machine and are reachable by the farm. Absent: the helper reads the Loaders from the comp file.
   */
  loaders?: LoaderInfo[];
}

/** One Loader tool of the comp (its first clip), as the comp script (or the .comp reader) saw it. */
export interface LoaderInfo {
  /** Tool name (`TOOLS_Name`). */
  name: string;
  /** False when the Loader is pass-through (`TOOLB_PassThrough`): it reads nothing and is not checked. */
  enabled: boolean;
  /** The clip's file resolved with `comp:MapPath` on the submitting machine ("" when the Loader has no clip). */
  path: string;
  /** The file name as written in the Loader, before path maps (may start with `Comp:`). */
  rawPath?: string;
  /**
   * The file frame numbers the clip reads, first and last, when it is a numbered sequence; absent for a single file
   * (then only `path` is checked).
   */
  frames?: { first: number; last: number };
}

/** A shared network root as each client OS mounts it, e.g. `{linux: "/mnt/hq", macosx: "/Volumes/hq", windows: "\\\\srv\\hq"}`. */
export type SharedRoot = Partial<Record<Platform, string>>;

export interface RenderNodeOptions {
  /** Fusion Render Node major version used for the default install paths, e.g. "19". */
  version: string;
  /** Custom executable per client OS; overrides the default install path. */
  paths?: Partial<Record<Platform, string>>;
}

export interface JobOptions {
  /** Job name shown in HQueue; the comp's file name is appended by the helper. */
  name: string;
  description?: string;
  /** HQueue priority, 0 (lowest) to 10. */
  priority: number;
  frames: FrameSource;
  /** Frames per task; 0 means the whole frame set in one task. */
  framesPerTask: number;
  /** User name shown in HQueue; the helper fills the OS user when absent. */
  submittedBy?: string;
  /** Tries per task (HQueue `triesLeft`); absent means the server default. */
  tries?: number;
  /** CPUs each task occupies; 0 or absent means the whole machine (`"single"` tag). */
  cpus?: number;
  /** Comma-separated e-mail recipients. */
  emailTo?: string;
  /** Status/event names that trigger an e-mail (validated against the server's lists when it has them). */
  emailReasons?: string[];
  /** Extra environment variables for every task. */
  environment?: Record<string, string>;
  /** Submit the job paused (`newjob` then `pauseJobs`). */
  paused?: boolean;
  /** Folder (submitter-side path, mapped per client OS) for one Fusion log file per task. */
  logDir?: string;
  /**
   * Folder (submitter-side path) under which the helper creates the job folder
   * `<comp name>_<YYYYMMDD-HHMMSS>_<random>/`; absent: `<comp folder>/hqueue`. When clients of another OS take
   * part it must lie under a shared root.
   */
  jobRoot?: string;
  /**
   * Render the comp file where it is, as Fusion saved it, without a job folder (no snapshot, no per-OS copies):
   * editing the comp after submit changes what later tasks render. For farms where nothing can be written next to
   * the comp; not recommended.
   */
  inPlace?: boolean;
  /** Turn Fusion's `Rendered frame N (i of n)` lines into HQueue progress where the client shell allows. Default true. */
  progress?: boolean;
}

export interface FarmOptions {
  /** Client OSes the farm has; a command is written for each. */
  platforms: Platform[];
  assign: Assign;
  /** Only clients of the submitter's OS (adds an `os` condition). */
  sameOsOnly?: boolean;
  renderNode: RenderNodeOptions;
  sharedRoots: SharedRoot[];
}

/** Marker and version of a request document. */
export type RequestKind = "kartalink.hqueue.request";

export interface SubmitRequest {
  kind: RequestKind;
  version: 1;
  /** HQueue server: `host`, `host:port`, `http://host:port` or a full URL; port 5000 and path /RPC2 by default. */
  server: string;
  /** Timeout for each XML-RPC call, in seconds (default 10). */
  timeoutSeconds?: number;
  /**
   * Most bytes one `newjob` call may carry (default 2 MB): a bigger job is sent as a parent plus batches of
   * children (`newjob(specs, parent_id)`). Servers built on Django refuse bodies over 2.5 MB by default.
   */
  maxBodyBytes?: number;
  comp: CompInfo;
  job: JobOptions;
  farm: FarmOptions;
}

/* ------------------------------------------------------------------------------------------------
 * HQueue job specification (the struct sent to `newjob`), see ../shared/reference/hqueue.md §3–4.
 * --------------------------------------------------------------------------------------------- */

export interface Condition {
  type: "client";
  name: "group" | "hostname" | "os";
  op: "==" | "any";
  value: string;
}

export interface JobSpec {
  name: string;
  /** A shell command string, or one per client OS. Absent: the job succeeds once its children have. */
  command?: string | Partial<Record<Platform, string>>;
  /** Never "bash" for a job that may run on Windows. We leave it unset: each client uses its OS shell. */
  shell?: string;
  description?: string;
  priority?: number;
  submittedBy?: string;
  tags?: string[];
  cpus?: number;
  triesLeft?: number;
  conditions?: Condition[];
  environment?: Record<string, string>;
  emailTo?: string;
  emailReasons?: string;
  children?: JobSpec[];
}

/* ------------------------------------------------------------------------------------------------
 * Helper responses (one JSON document on stdout in --json mode).
 * --------------------------------------------------------------------------------------------- */

export type ErrorCode =
  /** Wrong command-line usage. */
  | "usage"
  /** The request document is missing fields, has wrong types or unsafe values. */
  | "bad_request"
  /** The .comp file could not be read or is not a comp. */
  | "bad_comp"
  /** The frame set or frames-per-task is invalid. */
  | "bad_frames"
  /** A path is outside every shared root but must reach clients of another OS. */
  | "path_unmapped"
  /** A path cannot be written safely for a client's shell (e.g. `!` for cmd.exe). */
  | "unsafe_path"
  /** Connection refused, DNS failure, reset. */
  | "unreachable"
  /** The server did not answer within the timeout. */
  | "timeout"
  /** The server answered with an HTTP error status. */
  | "http"
  /** The server answered with an XML-RPC fault. */
  | "fault"
  /** The server's answer is not valid XML-RPC. */
  | "malformed_response"
  /** `newjob` was sent but its answer was lost: the job may or may not exist. */
  | "submit_unconfirmed"
  /** A job id that the server does not know. */
  | "not_found"
  /** The server lacks an optional call the command needs (it answered with a fault), and there is no fallback. */
  | "not_supported"
  /** Pre-flight: no client of the farm can ever take the job (it would wait for a machine for ever). */
  | "no_client"
  | "internal";

export interface ErrorBody {
  code: ErrorCode;
  /** What went wrong, in words for the artist. */
  message: string;
  /** What to do about it. */
  hint?: string;
  /** The request field at fault, dotted (e.g. "job.frames.set"). */
  field?: string;
  /** Every pre-flight finding when the pre-flight refused the job (the refusal and the warnings next to it). */
  checks?: PreflightCheck[];
}

/* ------------------------------------------------------------------------------------------------
 * Pre-flight findings (plan and submit): what would stall or break a render, each with a code and the field/tool
 * it concerns, so a front end can show it next to that field.
 * --------------------------------------------------------------------------------------------- */

export type PreflightCode =
  /** No client can take the job (refusal). */
  | "no_client"
  /** Every client that could take the job is disabled or unavailable now (warning). */
  | "clients_not_ready"
  /** The server could not list its clients or groups: the client check was skipped (note). */
  | "clients_not_checked"
  /** The OSes the farm's clients run, and whether shared roots are needed for them (note). */
  | "farm_oses"
  /** The comp, a Saver or a Loader is on a location only this machine can reach (warning). */
  | "local_path"
  /** A Loader's file (or a frame of its sequence) does not exist on this machine (warning). */
  | "loader_missing"
  /** A Loader's file could not be checked (path map the helper cannot expand, relative path, other OS) (note). */
  | "loader_not_checked"
  /** A Saver file name ends in digits: Fusion reads them as the frame number (warning). */
  | "saver_name_digits"
  /** A Saver file name has no extension (warning). */
  | "saver_name_no_extension"
  /** A Saver's output folder does not exist on this machine (warning; same words as the dialog's pre-flight). */
  | "output_folder_missing";

export interface PreflightCheck {
  code: PreflightCode;
  /** `refusal`: submit refuses the job; `warning`: sent, but the artist should look; `note`: for information. */
  level: "refusal" | "warning" | "note";
  message: string;
  /** What to do about it. */
  hint?: string;
  /** The request field it concerns, dotted (e.g. "farm.assign.names", "comp.path", "comp.savers"). */
  field?: string;
  /** The tool it concerns (Saver or Loader name). */
  tool?: string;
  /** The path it concerns. */
  path?: string;
}

/** What the farm's clients run (`plan --server-clients`): proposed client OSes and whether shared roots are needed. */
export interface FarmOses {
  /** Number of clients the server listed. */
  clients: number;
  /** Clients per OS family (clients whose platform names no family are counted in `unknown`). */
  byOs: Partial<Record<Platform, number>>;
  unknown: number;
  /** The OS families present, in linux, macosx, windows order: what a fresh dialog proposes as client OSes. */
  platforms: Platform[];
  /** True when clients of an OS other than the submitting machine's exist and the request names no shared root. */
  sharedRootsNeeded: boolean;
}

export interface Failure {
  ok: false;
  error: ErrorBody;
}

/** An arithmetic run of frames: start, start+step, …, end (end reached exactly). */
export interface FrameRun {
  start: number;
  end: number;
  step: number;
}

export interface TaskPlan {
  name: string;
  frameCount: number;
  runs: FrameRun[];
}

export interface PlanResult {
  ok: true;
  command: "plan";
  frameCount: number;
  taskCount: number;
  tasks: TaskPlan[];
  /** Things the user should know but that do not stop the submission. */
  warnings: string[];
  /** Decisions the helper took, e.g. "movie Saver: one task". */
  notes: string[];
  spec: JobSpec;
  /** The helper's own Node.js (process.version, e.g. "v22.23.2"), for the dialog's Node.js field. Optional: older helpers leave it out. */
  nodeVersion?: string;
  /** The pre-flight findings (their messages are also in `warnings`/`notes`). */
  checks?: PreflightCheck[];
  /** With `--server-clients`: the OSes the farm's clients run. */
  farm?: FarmOses;
}

export interface SubmitResult {
  ok: true;
  command: "submit";
  jobId: number;
  /** The job's page on the HQueue web UI: http://host:port/jobs/view/<id>. */
  url: string;
  frameCount: number;
  taskCount: number;
  paused: boolean;
  /** The job folder (submitter-side path): comp snapshot, one comp copy per client OS, manifest.json. */
  jobFolder?: string;
  warnings: string[];
  notes: string[];
  /** The pre-flight findings (their messages are also in `warnings`/`notes`). */
  checks?: PreflightCheck[];
}

export interface JobState {
  id: number;
  name: string;
  status: string;
  /** 0..1 */
  progress: number;
}

export interface StatusResult {
  ok: true;
  command: "status";
  job: JobState;
  /** The tasks, in order; only the first `--max-tasks` when that option was given (see taskCount). */
  tasks: JobState[];
  /** Number of tasks of the job (tasks.length unless --max-tasks cut the list). */
  taskCount: number;
  /** Number of tasks per status name. */
  counts: Record<string, number>;
  finished: boolean;
  succeeded: boolean;
  url: string;
}

export interface PingResult {
  ok: true;
  command: "ping";
  server: string;
  milliseconds: number;
  /** As PlanResult.nodeVersion. */
  nodeVersion?: string;
}

/**
 * One client, read from the documented getClients attributes (`id`, `hostname`, `platform`, `groups`, `disabled`,
 * `available`; SideFX 12 Python API). A field is absent when the server did not report it.
 */
export interface ClientInfo {
  id: number;
  hostname: string;
  /** `platform` exactly as the server reports it ("client's operating system and architecture", e.g. "linux-x86_64"). */
  platform?: string;
  /**
   * The OS family read from `platform` (`linux…` → linux, `macos…`/`darwin…`/`osx…` → macosx, `win…` → windows);
   * absent when `platform` is missing or names none of these (never guessed).
   */
  os?: Platform;
  /** Names of the client's groups: its `groups` ids joined with getClientGroups (ids with no known group are left out). */
  groups?: string[];
  /** The client's `groups` as the server reports them: group ids. */
  groupIds?: number[];
  /** Disabled on the farm: takes no jobs. */
  disabled?: boolean;
  /** Available to process jobs at the current time. */
  available?: boolean;
  /** One word for people: "disabled" (wins over available), "available" or "unavailable"; absent when neither was reported. */
  state?: ClientState;
}

export type ClientState = "disabled" | "available" | "unavailable";

export interface ClientsResult {
  ok: true;
  command: "clients";
  clients: ClientInfo[];
}

export interface GroupInfo {
  id: number;
  name: string;
  /** Client ids in the group. */
  clients: number[];
  /** Hostnames of those clients, where getClients knows them (same order as `clients`, unknown ids left out). */
  hostnames?: string[];
}

export interface GroupsResult {
  ok: true;
  command: "groups";
  groups: GroupInfo[];
}

export interface CancelResult {
  ok: true;
  command: "cancel";
  jobId: number;
  /** Set when the job had already finished: nothing was cancelled. */
  alreadyFinished?: string;
}

export interface LogResult {
  ok: true;
  command: "log";
  jobId: number;
  /** What a person sees: for a parent, the failed tasks' output (tails) first, then the others. */
  output: string;
  /** For a parent job (or with --task): each task shown, failed ones first. */
  tasks?: TaskLog[];
  /** Ids of the tasks that failed or were cancelled. */
  failedTaskIds?: number[];
}

export interface TaskLog {
  id: number;
  name: string;
  status: string;
  failed: boolean;
  output: string;
  /** The output was cut to its last --tail lines. */
  truncated: boolean;
}

/** One root job in `jobs`. Fields the server did not report are absent. */
export interface JobSummary {
  id: number;
  name: string;
  status: string;
  /** 0..1: overallProgress when the server reports it, else progress. */
  progress: number;
  priority?: number;
  submittedBy?: string;
  /** Naive ISO time as the server sent it (UTC per the docs). */
  queueTime?: string;
  url: string;
}

export interface JobsResult {
  ok: true;
  command: "jobs";
  jobs: JobSummary[];
  /** The user filter applied, or null when every user's jobs are listed. */
  user: string | null;
  /** Root jobs looked at (newest first); `more` is true when older ones were not. */
  scanned: number;
  more: boolean;
  /** How the list was made where a server lacks something (e.g. it does not report submittedBy). */
  notes: string[];
}

/** `pause` and `resume`. */
export interface JobControlResult {
  ok: true;
  command: "pause" | "resume";
  jobId: number;
  /** The job's status after the call (or before, when nothing was done). */
  status: string;
  /** Nothing was sent: the job had already finished (pause, resume) or was not paused (resume). */
  unchanged?: string;
  warnings: string[];
}

export interface RetryResult {
  ok: true;
  command: "retry";
  jobId: number;
  /**
   * "rescheduled": the server's rescheduleJobs re-queued the tasks in the same job; "resubmitted": a new job with
   * exactly those tasks (newJobId); "nothing": no task had failed or been cancelled.
   */
  method: "rescheduled" | "resubmitted" | "nothing";
  tasks: { id: number; name: string; status: string }[];
  /** The frames of those tasks, as a frame set ("1-10,21-30"); "" when no task name tells them. */
  frames: string;
  newJobId?: number;
  /** Page of the job that renders them (the new one when resubmitted). */
  url: string;
  warnings: string[];
}

export interface PriorityResult {
  ok: true;
  command: "priority";
  jobId: number;
  priority: number;
  previous?: number;
  warnings: string[];
}

/** `--help --json`: the help text as one document, so --json output is always exactly one JSON document. */
export interface HelpResult {
  ok: true;
  command: "help";
  text: string;
}

/** `verify`: what a job folder's job did not write. */
export interface VerifyResult {
  ok: true;
  command: "verify";
  jobFolder: string;
  jobId?: number;
  /** True when every expected file exists and is not empty. */
  complete: boolean;
  frameCount: number;
  /** Frames some Saver did not write (missing or empty file), ascending. */
  missingFrames: number[];
  savers: { saver: string; path: string; movie: boolean; expected: number; problems: { frame: number | null; file: string; state: "missing" | "empty" }[] }[];
}

/** `resubmit --missing`: a new job for exactly the missing frames, rendering the same job folder's copies. */
export interface ResubmitResult {
  ok: true;
  command: "resubmit";
  jobFolder: string;
  /** The new job; absent when nothing was missing (nothing submitted). */
  jobId?: number;
  url?: string;
  frames: number[];
  taskCount: number;
  paused: boolean;
  warnings: string[];
  notes: string[];
}

export type HelperResponse =
  | Failure
  | VerifyResult
  | ResubmitResult
  | HelpResult
  | PingResult
  | PlanResult
  | SubmitResult
  | StatusResult
  | ClientsResult
  | GroupsResult
  | CancelResult
  | LogResult
  | JobsResult
  | JobControlResult
  | RetryResult
  | PriorityResult;

/**
 * How the comp script runs the helper (all commands accept these):
 *   node hqueue-helper.js plan   --request <file.json> --json --response-file <out.json>
 *   node hqueue-helper.js submit --request <file.json> --json --response-file <out.json>
 *   node hqueue-helper.js ping|clients|groups --server <addr> --json --response-file <out.json>
 *   node hqueue-helper.js status|cancel|log|pause|resume|retry <jobId> --server <addr> --json --response-file <out.json>
 *   node hqueue-helper.js priority <jobId> <N> / jobs [--user U] [--status S] --server <addr> --json --response-file <out.json>
 * With --response-file the single JSON document is written to that file (and also to stdout), so callers that
 * cannot read a child's stdout reliably (io.popen on Windows) still get it. Exit status 0 = ok, 1 = failure, 2 = usage.
 */
export type HelperCommand =
  | "plan" | "submit" | "ping" | "clients" | "groups" | "status" | "cancel" | "log" | "watch"
  | "jobs" | "pause" | "resume" | "retry" | "priority" | "verify" | "resubmit";
