// One cold module load, in a fresh `node` process: the time `require` of the bundle takes
// (parse, compile, run the module scope, including the external AWS SDK it requires), the same
// method for every variant. Prints one JSON line.
'use strict';
const { performance } = require('node:perf_hooks');

const file = process.argv[2];
const started = performance.now();
const loaded = require(file);
const ms = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({ ms, handler: typeof loaded.handler, maxRssKb: process.resourceUsage().maxRSS })}\n`,
);
