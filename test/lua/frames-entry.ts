/** Entry of the LuaJIT frames check bundle (test/lua/tsconfig.frames.json): one vector per stdin line → one result line. */
import { runFramesVector } from "./frames-vectors";

declare const io: {
  read(this: void, format: "*l"): string | undefined;
  write(this: void, ...parts: string[]): void;
};

for (;;) {
  const line = io.read("*l");
  if (line === undefined) break;
  io.write(runFramesVector(line), "\n");
}
