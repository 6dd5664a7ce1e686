import { CONTEXT_KEY } from './limits';

/** Every problem of a configuration, each naming the field by its full path, the value and what is allowed. */
export class ConfigError extends Error {
  constructor(
    readonly problems: readonly string[],
    /** What was being read, for the first line of the message. */
    source = `${CONTEXT_KEY} configuration (cdk.json context or -c)`,
  ) {
    super(`Invalid ${source}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}
