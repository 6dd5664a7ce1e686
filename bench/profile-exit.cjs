// Preloaded (`--require`) into a function process run with `--cpu-prof`: V8 writes the profile
// only when the process exits normally, and the harness ends the process with SIGTERM.
'use strict';
process.once('SIGTERM', () => process.exit(0));
