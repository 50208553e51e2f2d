import { jobControlCommand } from "./job-control";

export const resumeCommand = jobControlCommand("resume", "resume a paused job (or one submitted with --paused) and its tasks", [
  "hqueue-helper resume 1234 --server hq:5000",
]);
