import "server-only";

// Background work on pg-boss (issue 21): a PostgreSQL job queue on the app's own database, PGlite in
// development included. Capabilities define their jobs; lib/workers starts the workers.
export { getBoss, stopBoss, jobsSchema } from "./boss";
export { enqueue, ensureQueue, type EnqueueOptions, type JobDefinition } from "./define";
export { enqueueSingleton, type SingletonOutcome } from "./singleton";
export { startWorkers, stopWorkers, runQueuedJobs, type Schedule } from "./workers";
export { queueHealth, queueHealthFor, type QueueHealth } from "./health";
