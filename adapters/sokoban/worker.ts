/** Worker-thread entry for Sokoban's heavy jobs (see jobs.ts and kit/worker-pool.ts). */
import { serveJobs } from "../kit/worker-serve.js";
import { runSokobanJob } from "./jobs.js";

serveJobs(runSokobanJob);
