/**
 * The snapshot function: NodejsFunction bundled locally by esbuild, its own role (no managed
 * policy), its own log group, and an asynchronous-invocation configuration that keeps the event of a
 * failed run in an encrypted, TLS-only queue instead of running it again.
 */
import * as path from 'node:path';
import { Arn, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Target } from '../../lambda/snapshot/types';
import { functionEnvironment } from '../function-environment';

export const FUNCTION_ENTRY = path.join(__dirname, '..', '..', 'lambda', 'snapshot', 'index.ts');
export const MEMORY_MB = 256;
/** How long an event may wait in Lambda's asynchronous queue (throttling) before it counts as failed. */
export const ASYNC_MAX_EVENT_AGE = Duration.hours(1);

export interface SnapshotFunctionProps {
  /** Secret name, or its complete ARN. */
  secretName: string;
  secretKmsKeyArn?: string;
  /** Where outcomes are published. */
  topicArn: string;
  /** The topic's customer-managed key, when it has one. */
  topicKeyArn?: string;
  targets: readonly Target[];
  retentionInDays: number;
  description: string;
  atlasBaseUrl?: string;
  timeout: Duration;
  logRetention: logs.RetentionDays;
  /** Runs the function in these subnets with these security groups (the `egress` option). */
  network?: FunctionNetwork;
}

export interface FunctionNetwork {
  vpc: ec2.IVpc;
  subnets: ec2.ISubnet[];
  securityGroups: ec2.ISecurityGroup[];
}

/**
 * What Lambda does with the function's role to attach it to a VPC (the actions of AWS's managed
 * AWSLambdaVPCAccessExecutionRole, which this role does not get: it has no managed policy).
 */
export const NETWORK_INTERFACE_READ_ACTIONS = ['ec2:DescribeNetworkInterfaces'];
export const NETWORK_INTERFACE_WRITE_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

export class SnapshotFunction extends Construct {
  readonly function: NodejsFunction;
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

  constructor(scope: Construct, id: string, props: SnapshotFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // Kept when the stack is deleted (CloudFormation's default for log groups): it is the record of
    // which snapshots were requested.
    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: props.logRetention });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'atlas-snapshot-scheduler function: read the Atlas secret, publish outcomes, write its own logs',
    });
    this.logGroup.grantWrite(this.role);

    this.secretArnIsPattern = !props.secretName.startsWith('arn:');
    // Secrets Manager appends "-" and 6 random characters to every secret's ARN; "??????" matches
    // exactly those 6 characters, so the pattern names one secret and no other.
    this.secretArn = this.secretArnIsPattern
      ? stack.formatArn({
          service: 'secretsmanager',
          resource: 'secret',
          resourceName: `${props.secretName}-??????`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        })
      : props.secretName;
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secretArn] }),
    );
    if (props.secretKmsKeyArn !== undefined) {
      const secretRegion = this.secretArnIsPattern
        ? stack.region
        : Arn.split(props.secretName, ArnFormat.COLON_RESOURCE_NAME).region;
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [props.secretKmsKeyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${secretRegion}.amazonaws.com` } },
        }),
      );
    }

    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.topicArn] }));
    if (props.topicKeyArn !== undefined) {
      // What SNS needs to encrypt a message published to a topic with a customer-managed key.
      this.role.addToPolicy(
        new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [props.topicKeyArn] }),
      );
    }

    if (props.network !== undefined) {
      // Lambda checks these permissions when it creates the function and uses them to create and
      // later delete the function's network interfaces. DescribeNetworkInterfaces has no
      // resource-level permissions ("*" only). The others are granted on every EC2 resource of this
      // account and region (arn:...:ec2:<region>:<account>:*/*), the form AWS's Lambda guide gives:
      // the interfaces' ids do not exist before Lambda creates them, and a role limited to
      // network-interface/* is reported to fail Lambda's check for DeleteNetworkInterface.
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

    const environment = functionEnvironment({
      secretId: props.secretName,
      topicArn: props.topicArn,
      targets: props.targets,
      retentionInDays: props.retentionInDays,
      description: props.description,
      ...(props.atlasBaseUrl !== undefined ? { atlasBaseUrl: props.atlasBaseUrl } : {}),
    });
    if (environment.targetsFile !== undefined) {
      // Writing the targets file into the bundle is not built yet: refuse rather than deploy a
      // function whose ATLAS_TARGETS_FILE names a file it does not have.
      throw new Error(
        `${props.targets.length} targets do not fit the function environment and the targets file is not written yet: ` +
          'use fewer targets or a { "projectId": "<id>", "clusterName": "*" } selector',
      );
    }

    this.function = new NodejsFunction(this, 'Function', {
      entry: FUNCTION_ENTRY,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: MEMORY_MB,
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
      bundling: {
        minify: true,
        sourceMap: false,
        target: 'node24',
        format: OutputFormat.CJS,
        // The Node.js 24 runtime provides AWS SDK v3.
        externalModules: ['@aws-sdk/*'],
        forceDockerBundling: false,
        // axios's form-data pulls in the 133 KB mime database only to name uploaded files'
        // types; the function uploads none. Relative to the project root (esbuild's cwd).
        esbuildArgs: { '--alias:mime-types': './lambda/shims/mime-types.js' },
      },
      ...(props.network !== undefined
        ? {
            vpc: props.network.vpc,
            vpcSubnets: { subnets: props.network.subnets },
            securityGroups: props.network.securityGroups,
          }
        : {}),
    });
    // Lambda checks the network-interface permissions when it creates the function.
    if (this.networkInterfacePolicy !== undefined) this.function.node.addDependency(this.networkInterfacePolicy);
  }
}
