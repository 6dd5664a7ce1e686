/**
 * What `npm start` prints, as pure functions of what the run observed: the simulator's request
 * log (or the function's own debug lines in real mode), the function's JSON log lines, the
 * messages the SNS endpoint received and what the invocation returned. No I/O here: each function
 * returns the lines to print, so tests assert on them directly.
 */
export * from './advice';
export * from './atlas-calls';
export * from './counts';
export * from './follow-ups';
export * from './log-lines';
export * from './notifications';
export * from './results';
export * from './style';
