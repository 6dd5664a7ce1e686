/** The core the handler's integration tests run against (FakeAtlas behind it): the real one. */
import { confirmSnapshot } from '../../lambda/snapshot/core/confirm';
import { runTargets } from '../../lambda/snapshot/core/run';
import type { CoreApi } from '../../lambda/snapshot/core-api';
import { parseInvocation } from '../../lambda/snapshot/event';

export const realCore: CoreApi = { parseInvocation, runTargets, confirmSnapshot };
