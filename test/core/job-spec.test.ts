import { describe, expect, it } from "vitest";
import type { JobSpec, PlanResult } from "../../types/request";
import { conditionsFor, planJob } from "../../src-node/core/job-spec";
import { HelperError } from "../../src-node/errors";
import { validateRequest } from "../../src-node/request";
import { makeRequest, type RequestOverrides } from "../support/requests";

const ctx = { user: "artist" };

function plan(over: RequestOverrides = {}): PlanResult {
  return planJob(validateRequest(makeRequest(over)), ctx);
}

function planError(over: RequestOverrides): HelperError {
  try {
    planJob(validateRequest(makeRequest(over)), ctx);
  } catch (e) {
    if (e instanceof HelperError) return e;
    throw e;
  }
  throw new Error("expected the plan to fail");
}

function commands(spec: JobSpec, i = 0): Record<string, string> {
  return spec.children![i].command as Record<string, string>;
}

describe("planJob: the job spec", () => {
  it("builds one parent named after the job and comp, with one child per chunk", () => {
    const p = plan({ job: { name: "sh010 comp", framesPerTask: 4, priority: 7, description: "first pass" } });
    expect(p.spec.name).toBe("sh010 comp -> sh010.comp");
    expect(p.spec.priority).toBe(7);
    expect(p.spec.description).toBe("first pass");
    expect(p.spec.submittedBy).toBe("artist");
    expect(p.spec.command).toBeUndefined();
    expect(p.spec.shell).toBeUndefined();
    expect(p.spec.children!.map((c) => c.name)).toEqual(["Frames 1-4", "Frames 5-8", "Frames 9-10"]);
    expect(p.frameCount).toBe(10);
    expect(p.taskCount).toBe(3);
    for (const child of p.spec.children!) {
      expect(child.priority).toBe(7);
      expect(child.tags).toEqual(["single"]);
      expect(child.shell).toBeUndefined();
    }
  });

  it("writes a command for each client OS, and keeps clients of other OSes away", () => {
    const p = plan({ farm: { platforms: ["linux", "macosx"], sharedRoots: [{ linux: "/mnt/hq", macosx: "/Volumes/hq" }] } });
    expect(p.spec.children![0].conditions).toEqual([{ type: "client", name: "os", op: "any", value: "linux macos" }]);
    const all = plan({ farm: { platforms: ["linux", "macosx", "windows"], sharedRoots: [{ linux: "/mnt/hq", macosx: "/Volumes/hq", windows: "H:\\" }] } });
    expect(all.spec.children![0].conditions).toBeUndefined();
    const cmd = commands(p.spec);
    expect(Object.keys(cmd).sort()).toEqual(["linux", "macosx"]);
    expect(cmd.linux).toContain("/mnt/hq/shots/sh010/comp/sh010.comp");
    expect(cmd.macosx).toContain("/Volumes/hq/shots/sh010/comp/sh010.comp");
    expect(cmd.macosx).toContain("Fusion Render Node.app/Contents/MacOS/Fusion Render Node");
  });

  it("uses a custom render node executable per OS", () => {
    const p = plan({ farm: { renderNode: { version: "18", paths: { linux: "/opt/farm/fusion node/FusionRenderNode" } } } });
    expect(commands(p.spec).linux).toContain("'/opt/farm/fusion node/FusionRenderNode'");
  });

  it("takes the default path for the chosen version", () => {
    const p = plan({ farm: { renderNode: { version: "18" } } });
    expect(commands(p.spec).linux).toContain("/opt/BlackmagicDesign/FusionRenderNode18/FusionRenderNode");
  });

  it("a CPU count replaces the whole-machine tag", () => {
    const p = plan({ job: { cpus: 4 } });
    expect(p.spec.children![0].cpus).toBe(4);
    expect(p.spec.children![0].tags).toBeUndefined();
  });

  it("copies conditions, tries and environment onto every child (children do not inherit)", () => {
    const p = plan({ job: { tries: 3, environment: { OCIO: "/mnt/hq/ocio/config.ocio" } }, farm: { assign: { mode: "groups", names: ["Fusion", "GPU"] } } });
    for (const child of p.spec.children!) {
      expect(child.conditions).toEqual([
        { type: "client", name: "group", op: "any", value: "Fusion GPU" },
        { type: "client", name: "os", op: "==", value: "linux" },
      ]);
      expect(child.triesLeft).toBe(3);
      expect(child.environment).toEqual({ OCIO: "/mnt/hq/ocio/config.ocio" });
    }
    expect(p.spec.conditions).toEqual(p.spec.children![0].conditions);
  });

  it("e-mail recipients and reasons go on the parent", () => {
    const p = plan({ job: { emailTo: "comp@studio", emailReasons: ["succeeded", "failed"] } });
    expect(p.spec.emailTo).toBe("comp@studio");
    expect(p.spec.emailReasons).toBe("succeeded,failed");
  });

  it("writes one log file per task into the mapped log folder", () => {
    const p = plan({
      job: { logDir: "/mnt/hq/shots/sh010/logs", framesPerTask: 5 },
      farm: { platforms: ["linux", "windows"], sharedRoots: [{ linux: "/mnt/hq", windows: "\\\\srv\\hq" }] },
    });
    expect(commands(p.spec, 0).linux).toContain("-log /mnt/hq/shots/sh010/logs/sh010.task1.f1-5.log -cleanlog");
    expect(commands(p.spec, 1).linux).toContain("/mnt/hq/shots/sh010/logs/sh010.task2.f6-10.log");
    expect(commands(p.spec, 0).windows).toContain('/log "\\\\srv\\hq\\shots\\sh010\\logs\\sh010.task1.f1-5.log" /cleanlog');
    // A submission stamp keeps two submissions of the same comp from sharing log files.
    const stamped = planJob(validateRequest(makeRequest({ job: { logDir: "/mnt/hq/logs", framesPerTask: 5, frames: { kind: "custom", set: "1-3,7" } } })), { user: "a", stamp: "20261122-081502" });
    expect(commands(stamped.spec, 0).linux).toContain("/mnt/hq/logs/sh010.20261122-081502.task1.f1-3.log");
  });

  it("progress can be switched off", () => {
    expect(commands(plan({ job: { progress: true } }).spec).linux).toContain("ALF_PROGRESS");
    expect(commands(plan({ job: { progress: false } }).spec).linux).not.toContain("ALF_PROGRESS");
  });
});

describe("planJob: frames", () => {
  it("the comp's global range", () => {
    const p = plan({ comp: { globalStart: 0, globalEnd: 24 }, job: { frames: { kind: "global" }, framesPerTask: 0 } });
    expect(p.tasks).toEqual([{ name: "Frames 0-24", frameCount: 25, runs: [{ start: 0, end: 24, step: 1 }] }]);
  });

  it("warns about frames outside the global range", () => {
    const p = plan({ comp: { globalStart: 1, globalEnd: 10 }, job: { frames: { kind: "custom", set: "8-12" } } });
    expect(p.warnings.join(" ")).toContain("2 frame(s) lie outside the comp's global range 1-10");
  });

  it("rejects a bad frame set with the field", () => {
    const e = planError({ job: { frames: { kind: "custom", set: "10-1" } } });
    expect(e.code).toBe("bad_frames");
    expect(e.field).toBe("job.frames.set");
  });

  it("a render range that runs backwards is explained", () => {
    const e = planError({ comp: { renderStart: 10, renderEnd: 1 } });
    expect(e.code).toBe("bad_frames");
    expect(e.message).toContain("render range");
  });

  it("a movie Saver makes one task and says why", () => {
    const p = plan({ comp: { savers: [{ name: "MovOut", enabled: true, path: "/mnt/hq/out/sh010.mov" }] }, job: { framesPerTask: 2 } });
    expect(p.taskCount).toBe(1);
    expect(p.notes.join(" ")).toContain("Movie Saver MovOut");
  });

  it("a disabled movie Saver does not force one task", () => {
    const p = plan({
      comp: { savers: [{ name: "MovOut", enabled: false, path: "/x/a.mov" }, { name: "Exr", enabled: true, path: "/mnt/hq/a.0000.exr" }] },
      job: { framesPerTask: 2 },
    });
    expect(p.taskCount).toBe(5);
  });

  it("a movie Saver with a broken-up frame set is refused", () => {
    const e = planError({ comp: { savers: [{ name: "MovOut", enabled: true, path: "/x/a.mp4" }] }, job: { frames: { kind: "custom", set: "1-5,10-12" } } });
    expect(e.code).toBe("bad_frames");
    expect(e.message).toContain("one contiguous frame range");
  });
});

describe("planJob: Saver warnings", () => {
  it("names a Saver with a relative path, one with an unexpanded path map, and one with no file name", () => {
    const p = plan({
      comp: {
        savers: [
          { name: "Rel", enabled: true, path: "render/a.0000.exr" },
          { name: "Mapped", enabled: true, path: "Renders:/sh010/a.0000.exr" },
          { name: "Empty", enabled: true, path: "" },
          { name: "Good", enabled: true, path: "/mnt/hq/a.0000.exr" },
        ],
      },
    });
    expect(p.warnings.find((w) => w.startsWith("Saver Rel "))).toContain("relative path");
    expect(p.warnings.find((w) => w.startsWith("Saver Mapped "))).toContain('path map "Renders:"');
    expect(p.warnings.find((w) => w.startsWith("Saver Empty "))).toContain("no output file name");
    expect(p.warnings.some((w) => w.startsWith("Saver Good "))).toBe(false);
  });

  it("a Windows drive letter is not taken for a path map", () => {
    const p = plan({ comp: { platform: "windows", path: "H:\\shots\\sh010.comp", savers: [{ name: "W", enabled: true, path: "H:\\render\\a.0000.exr" }] }, farm: { platforms: ["windows"] } });
    expect(p.warnings).toEqual([]);
  });
});

describe("planJob: a Windows path in a comp saved on Linux", () => {
  it("is one warning naming the Windows path (not a relative path)", () => {
    const p = plan({ comp: { savers: [{ name: "Win", enabled: true, path: "C:\\renders\\a.0000.exr" }] } });
    const mine = p.warnings.filter((w) => w.startsWith("Saver Win "));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain("C:\\renders\\a.0000.exr, a Windows path, but this comp was saved on Linux");
    expect(mine[0]).not.toContain("relative");
  });
});

describe("planJob: mixed-OS farms and e-mail", () => {
  it("names every absolute Saver path that render nodes of another OS read unchanged, with its mapped spelling", () => {
    const p = plan({
      comp: { platform: "windows", path: "H:\\shots\\sh010.comp", savers: [{ name: "Exr", enabled: true, path: "H:\\renders\\sh010.0000.exr" }] },
      farm: { platforms: ["windows", "linux"], sharedRoots: [{ windows: "H:\\", linux: "/mnt/hq" }] },
    });
    const w = p.warnings.find((x) => x.startsWith("Saver Exr "));
    expect(w).toContain("Linux render nodes read that path from the comp unchanged");
    expect(w).toContain("Linux: /mnt/hq/renders/sh010.0000.exr");
    const sameOs = plan({
      comp: { platform: "windows", path: "H:\\shots\\sh010.comp", savers: [{ name: "Exr", enabled: true, path: "H:\\renders\\sh010.0000.exr" }] },
      farm: { platforms: ["windows"] },
    });
    expect(sameOs.warnings).toEqual([]);
  });

  it("a Saver written through Comp: needs no path map", () => {
    const p = plan({
      comp: { savers: [{ name: "Rel", enabled: true, path: "/mnt/hq/shots/sh010/render/a.0000.exr", rawPath: "Comp:../render/a.0000.exr" }] },
      farm: { platforms: ["linux", "windows"], sharedRoots: [{ linux: "/mnt/hq", windows: "\\\\srv\\hq" }] },
    });
    expect(p.warnings.filter((w) => w.startsWith("Saver Rel "))).toEqual([]);
  });

  it("warns when e-mail has recipients but no reasons, or reasons but no recipients", () => {
    expect(plan({ job: { emailTo: "td@studio" } }).warnings.join(" ")).toContain("HQueue sends no e-mail");
    expect(plan({ job: { emailReasons: ["failed"] } }).warnings.join(" ")).toContain("no recipients");
    expect(plan({ job: { emailTo: "td@studio", emailReasons: ["failed"] } }).warnings).toEqual([]);
  });
});

describe("planJob: refusals before anything is sent", () => {
  it("no enabled Saver has a file name", () => {
    const e = planError({ comp: { savers: [{ name: "NoName", enabled: true, path: "" }, { name: "Off", enabled: false, path: "/mnt/hq/x.exr" }] } });
    expect(e.code).toBe("bad_comp");
    expect(e.message).toContain("NoName");
  });

  it("no enabled Saver", () => {
    const e = planError({ comp: { savers: [{ name: "Saver1", enabled: false, path: "/mnt/hq/a.exr" }] } });
    expect(e.code).toBe("bad_comp");
    expect(e.hint).toContain("enable");
  });

  it("a comp path that is not absolute", () => {
    expect(planError({ comp: { path: "sh010.comp" } }).code).toBe("bad_comp");
  });

  it("a comp outside every shared root for another OS names the missing root", () => {
    const e = planError({ comp: { path: "/home/artist/sh010.comp" }, farm: { platforms: ["linux", "windows"], sharedRoots: [{ linux: "/mnt/hq", windows: "H:\\" }] } });
    expect(e.code).toBe("path_unmapped");
    expect(e.message).toContain("/home/artist/sh010.comp");
    expect(e.message).toContain("Windows");
  });

  it("the same comp is fine when only clients of the submitter's OS render", () => {
    const p = plan({ comp: { path: "/home/artist/sh010.comp" }, farm: { platforms: ["linux", "windows"], sameOsOnly: true } });
    expect(Object.keys(commands(p.spec))).toEqual(["linux"]);
    expect(p.spec.children![0].conditions).toEqual([{ type: "client", name: "os", op: "==", value: "linux" }]);
  });

  it("a path cmd.exe cannot carry safely is refused for Windows clients only", () => {
    const over: RequestOverrides = { comp: { path: "/mnt/hq/wow!/sh010.comp" }, farm: { platforms: ["linux", "windows"], sharedRoots: [{ linux: "/mnt/hq", windows: "\\\\srv\\hq" }] } };
    const e = planError(over);
    expect(e.code).toBe("unsafe_path");
    expect(e.message).toContain("Windows clients");
    const linuxOnly = plan({ ...over, farm: { ...over.farm, platforms: ["linux"] } });
    expect(commands(linuxOnly.spec).linux).toContain("'/mnt/hq/wow!/sh010.comp'");
  });
});

describe("conditionsFor", () => {
  it("maps the three Assign To modes and the OS filter", () => {
    expect(conditionsFor({ mode: "any" }, undefined)).toEqual([]);
    expect(conditionsFor({ mode: "any" }, ["linux", "windows"])).toEqual([{ type: "client", name: "os", op: "any", value: "linux windows" }]);
    expect(conditionsFor({ mode: "clients", names: ["rn01"] }, undefined)).toEqual([{ type: "client", name: "hostname", op: "==", value: "rn01" }]);
    expect(conditionsFor({ mode: "clients", names: ["rn01", "rn02"] }, undefined)).toEqual([{ type: "client", name: "hostname", op: "any", value: "rn01 rn02" }]);
    expect(conditionsFor({ mode: "groups", names: ["Fusion"] }, ["macosx"])).toEqual([
      { type: "client", name: "group", op: "==", value: "Fusion" },
      { type: "client", name: "os", op: "==", value: "macos" },
    ]);
  });
});
