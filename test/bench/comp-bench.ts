import type { Row } from "./bench";

export interface CompBenchResult {
  rows: Row[];
  problems: string[];
}

export async function benchCompScript(_options: { quick: boolean; log: (text: string) => void }): Promise<CompBenchResult> {
  return { rows: [], problems: ["comp script bench: not written yet"] };
}
