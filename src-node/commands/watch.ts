import { HelperError } from "../errors";
import { type Command, jobIdArgument, makeClient, OUTPUT_OPTIONS, SERVER_OPTIONS, serverError } from "./common";
import { describeStatus, readFinishedNames, jobStatus } from "./status";

function bar(progress: number, width = 30): string {
  const filled = Math.round(progress * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

export const watchCommand: Command = {
  name: "watch",
  summary: "follow a job until it finishes; exits 0 when it succeeded, 1 when it failed or the server stays unreachable",
  usage: "hqueue-helper watch JOB_ID [--interval SECONDS] [--server HOST[:PORT]] [--json]",
  options: {
    interval: { value: true, meta: "SECONDS", help: "seconds between polls (default 2)" },
    patience: { value: true, meta: "SECONDS", help: "how long to keep retrying when the server stops answering (default 60)" },
    ...SERVER_OPTIONS,
    ...OUTPUT_OPTIONS,
  },
  async run(ctx) {
    const id = jobIdArgument(ctx);
    const intervalText = ctx.args.values.get("interval")?.[0];
    const interval = intervalText === undefined ? 2 : Number(intervalText);
    if (!(interval >= 0.05 && interval <= 3600)) throw new HelperError("usage", `--interval must be from 0.05 to 3600 seconds (got "${intervalText}")`);
    const client = makeClient(ctx);
    const names = await readFinishedNames(client);
    const tty = !ctx.out.json && process.stdout.isTTY === true;
    let lastLine = "";
    // A dropped poll is not a failed job: keep trying for a while before giving up on the server.
    const patienceText = ctx.args.values.get("patience")?.[0];
    const patience = patienceText === undefined ? 60 : Number(patienceText);
    if (!(patience >= 0 && patience <= 86_400)) throw new HelperError("usage", `--patience must be from 0 to 86400 seconds (got "${patienceText}")`);
    const patienceMs = patience * 1000;
    let lostSince: number | undefined;
    for (;;) {
      let status;
      try {
        status = await jobStatus(client, id, names);
        lostSince = undefined;
      } catch (e) {
        const transient = e instanceof HelperError && (e.code === "unreachable" || e.code === "timeout" || e.code === "http");
        if (!transient) throw e;
        lostSince ??= Date.now();
        if (Date.now() - lostSince > patienceMs) {
          throw new HelperError(e.code, `${e.message} Lost contact with the server for ${Math.round(patienceMs / 1000)} s while watching job ${id}; the job itself may still be running.`, { hint: e.hint });
        }
        ctx.out.info(`lost contact with the server (${e.code}); retrying…`);
        await new Promise((r) => setTimeout(r, interval * 1000));
        continue;
      }
      const done = status.tasks.filter((t) => names.succeeded.includes(t.status)).length;
      const line = `job ${id} ${status.job.status} ${Math.round(status.job.progress * 100)}% (${done}/${status.tasks.length} tasks done)`;
      if (tty) ctx.out.raw(`\r${bar(status.job.progress)} ${line}\x1b[K`);
      else if (line !== lastLine) ctx.out.info(line);
      lastLine = line;
      if (status.finished) {
        if (tty) ctx.out.raw("\n");
        ctx.out.result(status, describeStatus(status));
        return status.succeeded ? 0 : 1;
      }
      await new Promise((r) => setTimeout(r, interval * 1000));
    }
  },
};
