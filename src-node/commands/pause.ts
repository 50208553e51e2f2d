import { jobControlCommand } from "./job-control";

export const pauseCommand = jobControlCommand("pause", "pause a job and all its tasks (running tasks stop until resumed)", [
  "hqueue-helper pause 1234 --server hq:5000",
]);
