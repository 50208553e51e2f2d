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

  it("a refusal about a shared root names the row the artist filled in (empty rows are not sent), and the row shows", async () => {
    // Rows 1 and 3 filled: the request holds two roots, and its item 1 is the dialog's row 3.
    const failure = { ok: false, error: { code: "bad_request", message: "Shared root 2 (Windows) contains a tab.", hint: "remove it and try again", field: "farm.sharedRoots[1].windows" } };
    const run = await runCompScript({
      responses: { plan: failure },
      actions: [click("OsWindows"), set("Root1Linux", "Text", "/mnt/a"), set("Root1Windows", "Text", "A:\\"), set("Root3Linux", "Text", "/mnt/c"), set("Root3Windows", "Text", "C:\\x"), click("Submit")],
    });
    expect(run.transcript.error).toBeNull();
    const sent = run.callsOf("plan").at(-1)?.request;
    expect(sent?.farm.sharedRoots).toEqual([{ linux: "/mnt/a", windows: "A:\\" }, { linux: "/mnt/c", windows: "C:\\x" }]);
    expect(run.text(MAIN, "RootsStatus")).toBe("Shared root 3 (Windows) contains a tab. remove it and try again");
    expect(run.item(MAIN, "RootsStatus").Visible).not.toBe(false);
    expect(run.item(MAIN, "Root3Windows").Visible).not.toBe(false);
  });

  it("a plan after an edit does not re-lay out the window (the bottom status line stays; no line comes and goes)", async () => {
    const relayouts = async (edits: number): Promise<number> => {
      const actions = [timers];
      for (let i = 0; i < edits; i++) actions.push(set("JobName", "Text", `shot ${i}`), timers);
      const run = await runCompScript({ actions });
      expect(run.transcript.error).toBeNull();
      expect(run.callsOf("plan").length).toBeGreaterThan(edits);
      return run.transcript.windows.find((w) => w.id === MAIN)!.recalcLayouts;
    };
    expect(await relayouts(4)).toBe(await relayouts(0));
  });
});
