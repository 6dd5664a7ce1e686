/**
 * The snapshot function: bundled locally by esbuild (NodejsFunction) in this repository, or the
 * package's prebuilt bundle when installed (lib/constructs/function-code.ts), the same function
 * either way; its own role (no managed policy), its own log group, and an asynchronous-invocation configuration that keeps the event of a
 * failed run in an encrypted, TLS-only queue instead of running it again. Its environment and its
 * permissions both follow from one set of values (lib/function-environment.ts): what the variables
 * name is exactly what the role may use.
 */
import * as path from 'node:path';
import { Arn, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULTS } from '../config';
import { functionEnvironment, type FunctionEnvironmentValues } from '../function-environment';
import { SCHEDULER_SERVICE } from './confirmation';
import {
  BUNDLE_FILE,
  FUNCTION_BUNDLE,
  HANDLER,
  HANDLER_EXPORT,
  locateFunctionCode,
  type FunctionCode,
} from './function-code';
import { copyIntoBundle, stageTargetsFile, stagePrebuiltBundle } from './targets-file';

export { FUNCTION_ENTRY } from './function-code';
/** The default memory (atlasSnapshot.memorySize). */
export const MEMORY_MB = DEFAULTS.memorySize;
/** How long an event may wait in Lambda's asynchronous queue (throttling) before it counts as failed. */
export const ASYNC_MAX_EVENT_AGE = Duration.hours(1);

export interface SnapshotFunctionProps {
  /**
   * The environment's values (secret, topics, targets, confirmation, ...): the variables are built
   * from them, and the role is granted what they name.
   */
  environment: FunctionEnvironmentValues;
  secretKmsKeyArn?: string;
  /** Customer-managed keys of the topics the function publishes to. */
  topicKeyArns: readonly string[];
  memorySize: number;
  timeout: Duration;
  logRetention: logs.RetentionDays;
  /** Runs the function in these subnets with these security groups (the `egress` option). */
  network?: FunctionNetwork;
  /** Where the code comes from; default: the source entry when it exists, else the prebuilt bundle. */
  code?: FunctionCode;
}

export interface FunctionNetwork {
  vpc: ec2.IVpc;
  subnets: ec2.ISubnet[];
  securityGroups: ec2.ISecurityGroup[];
}

/**
 * What Lambda does with the function's role to attach it to a VPC: the EC2 actions of AWS's managed
 * AWSLambdaVPCAccessExecutionRole (policy version 3, which added ec2:DescribeSubnets), which this
 * role does not get as such: it has no managed policy. The Describe actions have no resource-level
 * permissions.
 */
export const NETWORK_INTERFACE_READ_ACTIONS = ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'];
export const NETWORK_INTERFACE_WRITE_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];
/** What the function does with its follow-up schedules (docs/design.md "Completion confirmation"). */
export const FOLLOW_UP_SCHEDULE_ACTIONS = [
  'scheduler:CreateSchedule',
  'scheduler:GetSchedule',
  'scheduler:DeleteSchedule',
];

export class SnapshotFunction extends Construct {
  /** A NodejsFunction when bundled from source, a plain Function with the prebuilt bundle. */
  readonly function: lambda.Function;
  /** Where the code came from. */
  readonly code: FunctionCode;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** On-failure destination of asynchronous invocations. */
  readonly failedRunQueue: sqs.Queue;
  /** ARN (or ARN pattern, for a secret given by name) granted `secretsmanager:GetSecretValue`. */
  readonly secretArn: string;
  /** True when `secretArn` ends in `-??????` (a secret given by name). */
  readonly secretArnIsPattern: boolean;
  /** With `network`: the role's inline policy for the function's network interfaces. */
  readonly networkInterfacePolicy?: iam.Policy;
  /** With `network`: the EC2 resources `NETWORK_INTERFACE_WRITE_ACTIONS` are granted on. */
  readonly networkInterfaceArn?: string;
  /** With confirmation: the role's inline policy for the follow-up schedules. */
  readonly followUpPolicy?: iam.Policy;
  /** With confirmation: the schedules `FOLLOW_UP_SCHEDULE_ACTIONS` are granted on (`schedule/<group>/*`). */
  readonly followUpSchedulesArn?: string;
  /** The file written into the bundle when the targets do not fit the environment. */
  readonly targetsFile?: { name: string; source: string };

  constructor(scope: Construct, id: string, props: SnapshotFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const values = props.environment;
    const environment = functionEnvironment(values);

    // Kept when the stack is deleted (CloudFormation's default for log groups): it is the record of
    // which snapshots were requested.
    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: props.logRetention });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'atlas-snapshot-scheduler function: read the Atlas secret, publish outcomes, write its own logs',
    });
    this.logGroup.grantWrite(this.role);

    const secretName = values.secretId;
    this.secretArnIsPattern = !secretName.startsWith('arn:');
    // Secrets Manager appends "-" and 6 random characters to every secret's ARN; "??????" matches
    // exactly those 6 characters, so the pattern names one secret and no other.
    this.secretArn = this.secretArnIsPattern
      ? stack.formatArn({
          service: 'secretsmanager',
          resource: 'secret',
          resourceName: `${secretName}-??????`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        })
      : secretName;
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secretArn] }),
    );
    if (props.secretKmsKeyArn !== undefined) {
      const secretRegion = this.secretArnIsPattern
        ? stack.region
        : Arn.split(secretName, ArnFormat.COLON_RESOURCE_NAME).region;
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [props.secretKmsKeyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${secretRegion}.amazonaws.com` } },
        }),
      );
    }

    const topics = [values.topicArn, ...(values.chatTopicArn !== undefined ? [values.chatTopicArn] : [])];
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: topics }));
    if (props.topicKeyArns.length > 0) {
      // What SNS needs to encrypt a message published to a topic with a customer-managed key.
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [...props.topicKeyArns],
        }),
      );
    }

    if (props.network !== undefined) {
      // Lambda checks these permissions when it creates the function and uses them to create and
      // later delete the function's network interfaces. DescribeNetworkInterfaces and DescribeSubnets
      // have no resource-level permissions ("*" only). The others are granted on every EC2 resource
      // of this account and region (arn:...:ec2:<region>:<account>:*/*), the form AWS's Lambda guide
      // gives: the interfaces' ids do not exist before Lambda creates them, and a role limited to
      // network-interface/* is reported to fail Lambda's check for DeleteNetworkInterface.
      // Subnets shared through AWS RAM are owned by another account: CreateNetworkInterface is also
      // authorized on the subnet's ARN, which names the owner's account, so this account-scoped grant
      // refuses an interface there (docs/operations.md, egress "vpc"). Use subnets this account owns.
      this.networkInterfaceArn = stack.formatArn({ service: 'ec2', resource: '*', resourceName: '*' });
      this.networkInterfacePolicy = new iam.Policy(this, 'NetworkInterfacePolicy', {
        roles: [this.role],
        statements: [
          new iam.PolicyStatement({
            sid: 'DescribeNetworkInterfaces',
            actions: NETWORK_INTERFACE_READ_ACTIONS,
            resources: ['*'],
          }),
          new iam.PolicyStatement({
            sid: 'ManageNetworkInterfaces',
            actions: NETWORK_INTERFACE_WRITE_ACTIONS,
            resources: [this.networkInterfaceArn],
          }),
        ],
      });
    }

    this.failedRunQueue = new sqs.Queue(this, 'FailedRunQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    if (values.confirmation !== undefined) {
      this.followUpSchedulesArn = stack.formatArn({
        service: 'scheduler',
        resource: 'schedule',
        resourceName: `${values.confirmation.scheduleGroupName}/*`,
      });
      this.followUpPolicy = this.followUpPermissions(this.followUpSchedulesArn, values.confirmation.roleArn);
    }

    if (environment.targetsFile !== undefined) {
      this.targetsFile = {
        name: environment.targetsFile.name,
        source: stageTargetsFile(this, environment.targetsFile),
      };
    }

    this.code = props.code ?? locateFunctionCode();
    const options: lambda.FunctionOptions & { runtime: lambda.Runtime } = {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      description: 'Requests MongoDB Atlas on-demand snapshots and reports each outcome to SNS',
      environment: environment.variables,
      // The function retries Atlas calls inside the invocation and notifies every outcome; a Lambda
      // retry would run every target again and repeat the notifications. A failed run's event is
      // kept in the queue instead.
      retryAttempts: 0,
      maxEventAge: ASYNC_MAX_EVENT_AGE,
      onFailure: new SqsDestination(this.failedRunQueue),
      ...(props.network !== undefined
        ? {
            vpc: props.network.vpc,
            vpcSubnets: { subnets: props.network.subnets },
            securityGroups: props.network.securityGroups,
          }
        : {}),
    };
    this.function =
      this.code.kind === 'source'
        ? new NodejsFunction(this, 'Function', {
            ...options,
            entry: this.code.entry,
            handler: HANDLER_EXPORT,
            bundling: this.sourceBundling(),
          })
        : new lambda.Function(this, 'Function', {
            ...options,
            handler: HANDLER,
            code: this.prebuiltCode(this.code.directory),
          });
    // Lambda checks the network-interface permissions when it creates the function; the follow-up
    // permissions must be in place before its first run.
    if (this.networkInterfacePolicy !== undefined) this.function.node.addDependency(this.networkInterfacePolicy);
    if (this.followUpPolicy !== undefined) this.function.node.addDependency(this.followUpPolicy);
  }

  /** esbuild at synth, with the package's options (FUNCTION_BUNDLE) and the targets file copied in. */
  private sourceBundling(): BundlingOptions {
    return {
      minify: FUNCTION_BUNDLE.minify,
      sourceMap: FUNCTION_BUNDLE.sourceMap,
      target: FUNCTION_BUNDLE.target,
      format: OutputFormat.CJS,
      externalModules: [...FUNCTION_BUNDLE.external],
      forceDockerBundling: false,
      esbuildArgs: Object.fromEntries(
        Object.entries(FUNCTION_BUNDLE.alias).map(([from, to]) => [`--alias:${from}`, to]),
      ),
      ...(this.targetsFile !== undefined
        ? { commandHooks: copyIntoBundle(this.targetsFile.source, this.targetsFile.name) }
        : {}),
    };
  }

  /** The prebuilt bundle as it is, or staged with the targets file beside it. */
  private prebuiltCode(directory: string): lambda.Code {
    if (this.targetsFile === undefined) return lambda.Code.fromAsset(directory);
    return lambda.Code.fromAsset(stagePrebuiltBundle(this, [path.join(directory, BUNDLE_FILE)], this.targetsFile));
  }

  /**
   * Schedule names are made at run time from snapshot ids (snap-<snapshotId>-<attempt>): the grant
   * covers every schedule of the stack's own group and no other group. The role may be passed to
   * EventBridge Scheduler only.
   */
  private followUpPermissions(schedulesArn: string, roleArn: string): iam.Policy {
    return new iam.Policy(this, 'FollowUpPolicy', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'FollowUpSchedules',
          actions: FOLLOW_UP_SCHEDULE_ACTIONS,
          resources: [schedulesArn],
        }),
        new iam.PolicyStatement({
          sid: 'PassFollowUpRole',
          actions: ['iam:PassRole'],
          resources: [roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': SCHEDULER_SERVICE } },
        }),
      ],
    });
  }
}
