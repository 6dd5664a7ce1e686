/**
 * The core the handler's integration tests run against (FakeAtlas behind it).
 * MERGE NOTE (r2-handler): with the round-2 core merged, this becomes
 *   { parseInvocation } from event, { runTargets } from core/run, { confirmSnapshot } from core/confirm.
 */
export { round1Core as realCore } from '../../lambda/snapshot/merge-bridge';
