import { HelperError } from "../errors";
import { type Command, jobIdArgument, makeClient, OUTPUT_OPTIONS, SERVER_OPTIONS, serverError } from "./common";
import { describeStatus, finishedNames, jobStatus } from "./status";

function bar(progress: number, width = 30): string {
  const filled = Math.round(progress * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

export const watchCommand: Command = {
  name: "watch",
  summary: "follow a job until it finishes; exits 0 when it succeeded, 1 otherwise",
  usage: "hqueue-helper watch JOB_ID [--interval SECONDS] [--server HOST[:PORT]] [--json]",
  options: {
    interval: { value: true, meta: "SECONDS", help: "seconds between polls (default 2)" },
    ...SERVER_OPTIONS,
    ...OUTPUT_OPTIONS,
  },
  async run(ctx) {
    const id = jobIdArgument(ctx);
    const intervalText = ctx.args.values.get("interval")?.[0];
    const interval = intervalText === undefined ? 2 : Number(intervalText);
    if (!(interval >= 0.05 && interval <= 3600)) throw new HelperError("usage", `--interval must be from 0.05 to 3600 seconds (got "${intervalText}")`);
    const client = makeClient(ctx);
    let names;
    try {
      names = await finishedNames(client);
    } catch (e) {
      throw serverError(e, client, "reading the status names");
    }
    const tty = !ctx.out.json && process.stdout.isTTY === true;
    let lastLine = "";
    for (;;) {
      const status = await jobStatus(client, id, names);
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
