// Child process that hosts the bundled handler like the Lambda Node.js runtime does: the module
// is loaded once (cold start), then invoked once per IPC message (warm invocations). Plain JS so
// it runs with `node` alone; the bundle's stdout (JSON log and EMF lines) goes to the parent.
//
// A virtual clock for local runs (docs/local.md): `Date.now()` and `new Date()` read the real time
// plus an offset the parent sets before the bundle loads (LOCAL_LAMBDA_CLOCK_OFFSET_MS) and moves
// between invocations (a `clock` message), so a follow-up check "5 minutes later" runs now. Timers,
// `performance.now()` and the invocation's remaining time stay real. The bundle has no test clock.
'use strict';
const { randomUUID } = require('node:crypto');
const { performance } = require('node:perf_hooks');

const RealDate = Date;
let offsetMs = Number(process.env.LOCAL_LAMBDA_CLOCK_OFFSET_MS || 0);

/** `Date` with the offset: `Date()`, `new Date()` and `Date.now()` shifted; everything else as it was. */
function ShiftedDate(...args) {
  if (new.target === undefined) return new RealDate(RealDate.now() + offsetMs).toString();
  return Reflect.construct(RealDate, args.length === 0 ? [RealDate.now() + offsetMs] : args, new.target);
}
Object.setPrototypeOf(ShiftedDate, RealDate);
Object.defineProperty(ShiftedDate, 'name', { value: 'Date' });
Object.defineProperty(ShiftedDate, 'length', { value: 7 });
ShiftedDate.prototype = RealDate.prototype;
ShiftedDate.now = () => RealDate.now() + offsetMs;
globalThis.Date = ShiftedDate;

const bundle = process.env.LOCAL_LAMBDA_BUNDLE;
const loadStart = performance.now();
let handler;
try {
  handler = require(bundle).handler;
} catch (e) {
  process.send({ type: 'init-error', message: String(e && e.stack ? e.stack : e) });
  process.exit(1);
}
process.send({ type: 'ready', initMs: performance.now() - loadStart });

process.on('message', async (msg) => {
  if (msg.type === 'clock') {
    offsetMs = msg.offsetMs;
    process.send({ type: 'clock-set', id: msg.id });
    return;
  }
  if (msg.type !== 'invoke') return;
  const started = performance.now();
  const deadline = started + msg.timeoutMs;
  const context = {
    awsRequestId: msg.requestId || randomUUID(),
    functionName: msg.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: msg.invokedFunctionArn,
    memoryLimitInMB: String(msg.memoryMb),
    logGroupName: msg.logGroupName,
    logStreamName: msg.logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, Math.floor(deadline - performance.now())),
  };
  try {
    const result = await handler(msg.event, context);
    process.send({ type: 'result', id: msg.id, ok: true, result, durationMs: performance.now() - started });
  } catch (e) {
    const error = { errorType: (e && e.name) || 'Error', errorMessage: (e && e.message) || String(e) };
    process.send({ type: 'result', id: msg.id, ok: false, error, durationMs: performance.now() - started });
  }
});
