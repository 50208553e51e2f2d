/**
 * The server's lists in the dialog: Test (ping), Fetch from Server (clients or client groups, in the ServerNames tree)
 * and a click on a name adding it to the names field.
 */
import type { HelperResponse } from "../../types/request";
import { type AssignMode, PLATFORM_LABELS } from "../settings";
import { formatInt, plural, splitNames, trimText } from "../text";
import { type DialogCore, describeFailure, textOf } from "./dialog-core";
import type { FieldBinding } from "./field-binding";
import type { PlanSession } from "./plan-session";
import { fieldRow } from "../../src-node/portable/fields";
import type { Message } from "./status-view";
import { readProp } from "./ui";

export class ServerLists {
  /** What the server list shows: client host names or client group names. */
  private serverNamesMode: AssignMode = "any";

  constructor(
    private readonly core: DialogCore,
    private readonly fields: FieldBinding,
    private readonly plan: PlanSession,
    /** An edit the plan should follow. */
    private readonly edited: (this: void) => void,
  ) {}

  /** The Test answer, kept while this server is in the field (status-view.ts). */
  private testAnswered(server: string, message: Message): void {
    this.core.status.testAnswered(server, message);
    this.core.renderStatus();
  }

  testServer(): void {
    const server = trimText(textOf(this.core.items.Server, () => this.core.items.Server.Text));
    if (server === "") return this.testAnswered(server, { text: fieldRow("server").required?.message ?? "", style: "error" });
    this.plan.helper({ command: "ping", options: ["--server", server] }, "Contacting " + server, server, (response) => {
      if (response.ok && response.command === "ping") {
        this.plan.showNodeInUse(response.nodeVersion);
        this.testAnswered(server, { text: "Connected: the HQueue server at " + response.server + " answered in " + formatInt(response.milliseconds) + " ms.", style: "ok" });
      } else if (!response.ok) {
        this.testAnswered(server, { text: describeFailure(response), style: "error" });
      } else {
        // Not an answer to ping: the line saying what ran is over all the same.
        this.core.renderStatus();
      }
    });
  }

  private fetchAnswered(message: Message): void {
    this.core.status.fetchAnswered(message);
    this.core.renderStatus();
  }

  /** Lists the server's clients or client groups (per the Clients choice) in the ServerNames tree. */
  fetchNames(): void {
    const items = this.core.items;
    const mode = this.fields.assignMode();
    if (mode === "any") return this.fetchAnswered({ text: "Choose Listed clients or Client groups first, then fetch their names from the server.", style: "note" });
    const server = trimText(textOf(items.Server, () => items.Server.Text));
    this.plan.helper({ command: mode === "clients" ? "clients" : "groups", options: ["--server", server] }, "Contacting " + server, server, (response) => {
      this.showNames(mode, response);
    });
  }

  private showNames(mode: AssignMode, response: HelperResponse): void {
    const items = this.core.items;
    if (!response.ok) return this.fetchAnswered({ text: describeFailure(response), style: "error" });
    const names: string[] = [];
    // Second column: a client's OS and state, a group's member hostnames (as the helper's `clients`/`groups` show them).
    const details: { [name: string]: string } = {};
    if (response.command === "clients") {
      for (const client of response.clients) {
        if (names.includes(client.hostname)) continue;
        names.push(client.hostname);
        const os = client.os === undefined ? undefined : PLATFORM_LABELS[client.os];
        details[client.hostname] = [os ?? client.platform ?? "", client.state ?? ""].filter((part) => part !== "").join(", ");
      }
    } else if (response.command === "groups") {
      for (const group of response.groups) {
        if (names.includes(group.name)) continue;
        names.push(group.name);
        details[group.name] = (group.hostnames ?? []).join(" ");
      }
    }
    names.sort();
    this.serverNamesMode = mode;
    this.core.reveal(this.core.field<UILabel>("ServerNamesCaption"));
    this.core.reveal(items.ServerNames);
    this.core.fillTree(items.ServerNames, names, mode === "clients" ? "Clients: click one to add it" : "Client groups: click one to add it", (name) => details[name], mode === "clients" ? "OS, state" : "Clients");
    const what = mode === "clients" ? plural(names.length, "client", "clients") : plural(names.length, "client group", "client groups");
    this.fetchAnswered(
      names.length > 0
        ? { text: "The server has " + what + ": click a name to add it.", style: "ok" }
        : { text: "The server has no " + (mode === "clients" ? "clients" : "client groups") + " yet.", style: "note" },
    );
  }

  /** The first column of the clicked row (`ev.item.Text[0]`, fusion.md §3 Tree row), or undefined. */
  private clickedRowText(ev: UIEvent | undefined): string | undefined {
    const value = readProp(ev, () => ev?.item?.Text[0]);
    return typeof value === "string" && trimText(value) !== "" ? trimText(value) : undefined;
  }

  addServerName(ev: UIEvent | undefined): void {
    const items = this.core.items;
    const picked = this.clickedRowText(ev);
    if (picked === undefined) return;
    if (this.serverNamesMode !== "any" && this.fields.assignMode() !== this.serverNamesMode) {
      this.fields.selectChoice("assignMode", this.serverNamesMode);
    }
    const names = splitNames(textOf(items.AssignNames, () => items.AssignNames.Text));
    if (!names.includes(picked)) names.push(picked);
    this.core.setText(items.AssignNames, names.join(", "));
    this.core.status.assignEdited();
    this.core.renderStatus();
    this.edited();
  }
}
