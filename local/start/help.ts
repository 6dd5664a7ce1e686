/** `npm start -- --help` and `--list`: every option, scenario and secret kind, explained. */
import { SECRET_CHOICES } from './options';
import { SCENARIO_NAMES, startScenario } from './scenarios';

/** `words` joined by ", " in lines of at most `width` characters, each indented by `indent`. */
function wrap(words: readonly string[], indent: string, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const [i, word] of words.entries()) {
    const piece = i < words.length - 1 ? `${word},` : word;
    if (line && indent.length + line.length + 1 + piece.length > width) {
      lines.push(line);
      line = piece;
    } else {
      line = line ? `${line} ${piece}` : piece;
    }
  }
  if (line) lines.push(line);
  return lines.join(`\n${indent}`);
}

export function scenarioList(): string {
  const width = Math.max(...SCENARIO_NAMES.map((n) => n.length));
  const scenarios = SCENARIO_NAMES.map((name) => `  ${name.padEnd(width)}  ${startScenario(name).description}`);
  const secrets = Object.entries(SECRET_CHOICES).map(([name, text]) => `  ${name.padEnd(width)}  ${text}`);
  return ['Scenarios (--scenario NAME):', ...scenarios, '', 'Secrets (--secret KIND):', ...secrets, ''].join('\n');
}

const INDENT = ' '.repeat(24);

export const HELP = `npm start: run the deployable function on this machine, end to end

Builds the bundle exactly as "cdk synth" does, starts a local Atlas Admin API simulator and
local Secrets Manager, SNS and EventBridge Scheduler endpoints, and runs the whole life of a
snapshot with the bundle in a Lambda-like process: the scheduled run requests it (and creates
its first follow-up schedule), a console run right after finds it in progress, then a simulated
clock moves to each follow-up schedule, which invokes the function to confirm the snapshot
completed (or failed, or never finished). Prints each Atlas call, each decision, each
notification (subject and e-mail body; the run summary as its lines), what each invocation
returned and the counts. Nothing leaves this machine.

Usage: npm start [-- options]   (options go after "--": npm keeps the ones before it for itself)

Which configuration:
      by default        a built-in scenario (its own targets, retention 7 days); cdk.json is not used
      --config cdk      your atlasSnapshot block in this project's cdk.json (validated as cdk synth
                        does): its targets, retention and description, against simulated clusters
                        (one healthy M10 replica set per named cluster; for selectors, a small
                        seeded set of clusters and projects); --config FILE.json reads another file

Local run:
  -s, --scenario NAME   Atlas simulator scenario (default: default); --list shows them all:
${INDENT}${wrap(SCENARIO_NAMES, INDENT)}
      --secret KIND     what the function finds in Secrets Manager (default: serviceAccount):
${INDENT}${wrap(Object.keys(SECRET_CHOICES), INDENT)}
  -e, --event JSON      the console run's event (default: {}, a manual run);
                        e.g. '{"dryRun":true}', '{"retentionInDays":30}'
      --targets JSON    override the scenario's targets ('[{"projectId":"...","clusterName":"*"}]')
      --strict          exit 1 when an outcome is ERROR or an invocation failed
  -v, --verbose         also print the function's raw JSON log lines (at debug level)
      --no-synth        reuse the bundle already in cdk.out instead of running cdk synth
      --list            list the scenarios and secret kinds, then exit
  -h, --help            this help

Real run (--real): the same bundle against real AWS and Atlas, before you deploy
      --real            use your AWS credentials (default SDK chain: AWS_PROFILE, AWS_REGION,
                        environment, SSO, ...) and your existing Atlas credentials secret
      --secret-id ID    name or ARN of that secret (required)
      --targets JSON    the clusters to check, or:
      --project-id ID --cluster NAME
                        one cluster ("*" = every cluster of the project)
      --topic-arn ARN   publish the outcomes to this SNS topic; without it nothing is published:
                        the messages go to a local SNS stand-in and are printed
      --atlas-base-url URL
                        e.g. https://cloud.mongodbgov.com (default: the secret's BaseUrl, else
                        https://cloud.mongodb.com)
      --region REGION   AWS region of the secret (default: AWS_REGION / your profile)
      --take-snapshot   really request on-demand snapshots; without it the run is a DRY RUN
                        (authenticates, reads each cluster and its snapshots, requests nothing)
      --confirm-minutes N
                        with --take-snapshot: wait up to N minutes (default 15, at most 60; 0 = do
                        not wait) for the follow-up checks, run in this process 1, 3, 7 and 15
                        minutes after the request; their schedules go to a local stand-in, never
                        to your account. Still pending after that: said plainly, look in Atlas
      --event JSON      extra console-event fields (retentionInDays, description)

Exit codes:
  0  the run completed; ERROR outcomes are what some scenarios demonstrate (missing-cluster,
     access-list, --secret malformed, ...) and do not fail a local run unless --strict
  1  --strict (or --real) and an outcome was ERROR or the invocation failed; or the run itself
     could not happen (cdk synth failed, no bundle, no AWS credentials, an invalid --config, ...)
  2  bad command line (including options npm kept for itself: "npm start --scenario x")

Examples:
  npm start
  npm start -- --list
  npm start -- --config cdk
  npm start -- --scenario dry-run
  npm start -- --scenario pending
  npm start -- --scenario never-finishes
  npm start -- --scenario promotion
  npm start -- --scenario many-projects
  npm start -- --scenario rate-limited
  npm start -- --scenario missing-cluster --strict
  npm start -- --secret apiKey
  npm start -- --secret malformed
  npm start -- --scenario mixed --event '{"dryRun":true}'
  npm start -- --no-synth --verbose
  AWS_PROFILE=prod npm start -- --real --secret-id atlas/snapshot-scheduler \\
      --project-id 5f1d7a3b2c4e6f8a9b0c1d2e --cluster Cluster0
  npm start -- --real --region eu-west-1 --secret-id atlas/snapshot-scheduler \\
      --targets '[{"projectId":"5f1d7a3b2c4e6f8a9b0c1d2e","clusterName":"*"}]' \\
      --topic-arn arn:aws:sns:eu-west-1:123456789012:atlas-snapshots --take-snapshot
`;
