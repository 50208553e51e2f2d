/**
 * One frames/chunks test vector → one result line, written with the portable modules only, so the SAME function
 * runs on Node (test/lua/frames-lua.test.ts) and, compiled by TypeScriptToLua, under LuaJIT (frames-entry.ts).
 *
 * Vector: `parse <hex>` | `range <start> <end> <step>` | `chunk <framesPerTask> <hex frame set>`.
 * Result: `ok <frame count> <runs as text>` / `ok <task count> <labels;...> <frame counts,...>` or `err <hex message>`.
 */
import { chunkFrames, taskLabel } from "../../src-node/portable/chunks";
import { formatRuns, parseFrameSet, rangeFrames, toRuns, wholeNumberText } from "../../src-node/portable/frames";

const HEX = "0123456789abcdef";

export function toHex(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out = out + HEX.charAt(Math.floor(code / 16)) + HEX.charAt(code - Math.floor(code / 16) * 16);
  }
  return out;
}

export function fromHex(hex: string): string {
  let out = "";
  for (let i = 0; i + 1 < hex.length; i += 2) out = out + String.fromCharCode(HEX.indexOf(hex.charAt(i)) * 16 + HEX.indexOf(hex.charAt(i + 1)));
  return out;
}

function framesText(frames: number[]): string {
  return wholeNumberText(frames.length) + " " + formatRuns(toRuns(frames));
}

export function runFramesVector(line: string): string {
  const parts = line.split(" ");
  const fn = parts[0];
  try {
    if (fn === "parse") {
      const result = parseFrameSet(fromHex(parts[1] ?? ""));
      return result.ok ? "ok " + framesText(result.frames) : "err " + toHex(result.error);
    }
    if (fn === "range") {
      const result = rangeFrames(Number(parts[1]), Number(parts[2]), Number(parts[3]));
      return result.ok ? "ok " + framesText(result.frames) : "err " + toHex(result.error);
    }
    if (fn === "chunk") {
      const parsed = parseFrameSet(fromHex(parts[2] ?? ""));
      if (!parsed.ok) return "err " + toHex(parsed.error);
      const tasks = chunkFrames(parsed.frames, Number(parts[1]));
      const labels: string[] = [];
      const counts: string[] = [];
      for (let i = 0; i < tasks.length && i < 200; i++) {
        labels.push(taskLabel(tasks[i]));
        counts.push(wholeNumberText(tasks[i].frameCount));
      }
      return "ok " + wholeNumberText(tasks.length) + " " + labels.join(";") + " " + counts.join(",");
    }
    return "err " + toHex("unknown vector " + fn);
  } catch (e) {
    const message = typeof e === "object" && e !== null && typeof (e as { message?: unknown }).message === "string" ? (e as { message: string }).message : "thrown";
    return "err " + toHex(message);
  }
}
