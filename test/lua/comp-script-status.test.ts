/**
 * The whole dialog's status area (src-lua/dialog/status-view.ts through DialogCore.renderStatus): where call order
 * used to decide what a label showed. The rules themselves are tested as a module in status-view-lua.test.ts.
 */
import { describe, expect, it } from "vitest";
import { MAIN, click, runCompScript, set, timers } from "./comp-script-harness";

describe("the status area follows the dialog's facts, not the order they arrived in", () => {
  it("a refused plan: the refusal and the warning routed to the same label both show, refusal first", async () => {
    const failure = {
      ok: false,
      error: {
        code: "path_unmapped",
        message: "Saver Beauty writes outside every shared root.",
        field: "farm.sharedRoots",
        checks: [
          { code: "path_unmapped", level: "refusal", field: "farm.sharedRoots", message: "Saver Beauty writes outside every shared root." },
          { code: "local_path", level: "warning", field: "farm.sharedRoots.0", message: "The shared root /mnt/a is on this computer only." },
        ],
      },
    };
    const run = await runCompScript({ responses: { plan: failure }, actions: [timers] });
    expect(run.transcript.error).toBeNull();
    expect(run.text(MAIN, "RootsStatus")).toBe("Saver Beauty writes outside every shared root. Warning: The shared root /mnt/a is on this computer only.");
    expect(run.item(MAIN, "RootsStatus").StyleSheet).toContain("color");
    // Each sentence once: the refusal is not repeated in the list above Submit.
    expect(run.text(MAIN, "Checks")).not.toContain("outside every shared root");
  });

  it("a plan that could not reach the server, then a Test that could: the newer answer shows", async () => {
    const failure = { ok: false, error: { code: "unreachable", message: "Cannot reach the HQueue server at http://localhost:5000/RPC2." } };
    const run = await runCompScript({ responses: { plan: failure }, actions: [timers, click("TestServer")] });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("plan").length).toBeGreaterThan(0);
    expect(run.text(MAIN, "ServerStatus")).toBe("Connected: the HQueue server at http://localhost:5000 answered in 3 ms.");
    // The Test's own line is over, and the plan's failure is not said twice.
    expect(run.text(MAIN, "Status")).toBe("");
  });

  it("a Test answer goes when the server in the field changes, and does not come back for the old name", async () => {
    const run = await runCompScript({
      actions: [set("Server", "Text", "hq-a:5000"), click("TestServer"), set("Server", "Text", "hq-b:5000"), timers, set("Server", "Text", "hq-a:5000"), timers],
    });
    expect(run.transcript.error).toBeNull();
    expect(run.callsOf("ping")).toHaveLength(1);
    expect(run.text(MAIN, "ServerStatus")).toBe("");
  });
});
