import "server-only";
/**
 * The organization's security posture (issue 22): one view of how well it is protected, each item
 * with its state, why it matters and where to fix it, a 0-100 score with its breakdown, and a daily
 * history (posture_snapshots). Queries take the database and the organization id explicitly.
 */
export { evaluatePosture, type PostureReport } from "./evaluate";
export { dayOf, postureHistory, saveSnapshot, snapshotAllOrganizations, type PosturePoint } from "./snapshots";
export { pointsFor, scorePosture, WEIGHTS, type PostureScore } from "./score";
export { postureSnapshotJob, POSTURE_SNAPSHOT_CRON } from "./job";
export { presentItems, type ShownItem } from "./present";
export type { PostureFix, PostureItem, PostureState } from "./types";
