// Child process that hosts the bundled handler like the Lambda Node.js runtime does: the module
// is loaded once (cold start), then invoked once per IPC message (warm invocations). Plain JS so
// it runs with `node` alone; the bundle's stdout (JSON log and EMF lines) goes to the parent.
'use strict';
const { randomUUID } = require('node:crypto');
const { performance } = require('node:perf_hooks');

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
  if (msg.type !== 'invoke') return;
  const deadline = Date.now() + msg.timeoutMs;
  const context = {
    awsRequestId: msg.requestId || randomUUID(),
    functionName: msg.functionName,
    ...(msg.invokedFunctionArn ? { invokedFunctionArn: msg.invokedFunctionArn } : {}),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  const started = performance.now();
  try {
    const result = await handler(msg.event, context);
    process.send({ type: 'result', id: msg.id, ok: true, result, durationMs: performance.now() - started });
  } catch (e) {
    const error = { errorType: (e && e.name) || 'Error', errorMessage: (e && e.message) || String(e) };
    process.send({ type: 'result', id: msg.id, ok: false, error, durationMs: performance.now() - started });
  }
});
