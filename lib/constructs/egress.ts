/**
 * Where the function's calls leave AWS from, so that they can be put on an Atlas API access list.
 *
 * - `nat`: a small VPC of its own: two private subnets for the function, two public subnets that hold
 *   nothing but ONE NAT gateway, whose Elastic IP is the address Atlas sees; VPC flow logs to a
 *   CloudWatch log group; the default security group stripped of its rules.
 * - `vpc`: an existing VPC, built from ids only (no context lookups, so `cdk synth` needs no AWS
 *   credentials); the user's routing decides the egress address.
 *
 * Both: the function's own security group allows outbound TCP 443 to anywhere and nothing else
 * (DNS goes to the VPC resolver, which security groups do not filter), and no inbound traffic.
 */
import { Annotations, Aws, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IDependable } from 'constructs';
import type { EgressConfig } from '../config';

/** The VPC of the `nat` mode: four /26 subnets (public and private in two zones). */
export const NAT_VPC_CIDR = '10.0.0.0/24';
export const NAT_SUBNET_CIDR_MASK = 26;
export const HTTPS_PORT = 443;

export interface EgressProps {
  config: EgressConfig;
  /** Retention of the VPC flow log group (`nat`). */
  flowLogRetention: logs.RetentionDays;
}

export class Egress extends Construct {
  readonly vpc: ec2.IVpc;
  /** The subnets the function's network interfaces are placed in. */
  readonly subnets: ec2.ISubnet[];
  /** The function's own security group: outbound HTTPS only. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The function's own group first, then the configured ones (`vpc`). */
  readonly securityGroups: ec2.ISecurityGroup[];
  /** `nat`: the NAT gateway's Elastic IP, created here so that it outlives changes to the VPC. */
  readonly natEip?: ec2.CfnEIP;
  /** `nat`: the VPC created here. */
  readonly createdVpc?: ec2.Vpc;
  /** `nat`: where the VPC flow logs go. */
  readonly flowLogGroup?: logs.LogGroup;

  constructor(scope: Construct, id: string, props: EgressProps) {
    super(scope, id);
    const { config } = props;

    if (config.mode === 'nat') {
      this.natEip = new ec2.CfnEIP(this, 'NatEip', {
        domain: 'vpc',
        tags: [{ key: 'Name', value: 'atlas-snapshot-scheduler NAT gateway (Atlas API access list)' }],
      });
      const vpc = new ec2.Vpc(this, 'Vpc', {
        ipAddresses: ec2.IpAddresses.cidr(NAT_VPC_CIDR),
        // Two zones without lookups: an environment-agnostic stack selects them with Fn::GetAZs.
        maxAzs: 2,
        natGateways: 1,
        natGatewayProvider: ec2.NatProvider.gateway({ eipAllocationIds: [this.natEip.attrAllocationId] }),
        subnetConfiguration: [
          // Holds the NAT gateway only; nothing launched here gets a public address.
          {
            name: 'Public',
            subnetType: ec2.SubnetType.PUBLIC,
            cidrMask: NAT_SUBNET_CIDR_MASK,
            mapPublicIpOnLaunch: false,
          },
          { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: NAT_SUBNET_CIDR_MASK },
        ],
        restrictDefaultSecurityGroup: true,
      });
      // CloudWatch Logs rather than S3: no bucket (and its access-log bucket) to secure, the same
      // retention setting as the function's logs, and a few MB a month cost cents to ingest.
      this.flowLogGroup = new logs.LogGroup(this, 'FlowLogGroup', { retention: props.flowLogRetention });
      // The service may assume the role only for flow logs of this account and region (confused deputy).
      const flowLogRole = new iam.Role(this, 'FlowLogRole', {
        description: 'atlas-snapshot-scheduler: VPC flow logs write to their log group',
        assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com').withConditions({
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': Stack.of(this).formatArn({ service: 'ec2', resource: 'vpc-flow-log', resourceName: '*' }),
          },
        }),
      });
      vpc.addFlowLog('FlowLog', {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup, flowLogRole),
        trafficType: ec2.FlowLogTrafficType.ALL,
      });
      this.createdVpc = vpc;
      // aws-cdk-lib's Vpc declares vpnGatewayId as `string | undefined` where IVpc has it optional,
      // so under exactOptionalPropertyTypes it is not assignable (aws/aws-cdk#37995); it is an IVpc.
      this.vpc = vpc as ec2.IVpc;
      this.subnets = vpc.privateSubnets;
    } else {
      // Ids only: no lookup. The zones are required by the type but used only to place subnets given
      // as attributes; the subnets here are given one by one. Fn::GetAZs (not stack.availabilityZones,
      // which looks zones up when the stack has an account and region) keeps synthesis offline.
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', { vpcId: config.vpcId, availabilityZones: Fn.getAzs() });
      // CDK warns that a list token for the zones breaks constructs that select subnets from this
      // VPC at synth. Nothing here does: the function's subnets are the configured ids, given one
      // by one, and only the VPC id is used (security group). `cdk synth --strict` fails on any
      // warning left standing.
      Annotations.of(this.vpc).acknowledgeWarning(
        '@aws-cdk/aws-ec2:vpcAttributeIsListTokenavailabilityZones',
        'Only the VPC id is used; subnets are given by id (atlasSnapshot.egress.subnetIds), none is selected by zone.',
      );
      this.subnets = config.subnetIds.map((subnetId, i) => {
        const subnet = ec2.Subnet.fromSubnetId(this, `Subnet${i + 1}`, subnetId);
        Annotations.of(subnet).acknowledgeWarning(
          '@aws-cdk/aws-ec2:noSubnetRouteTableId',
          "Only the id is used (the function's VpcConfig); the stack reads and adds no routes in an existing VPC.",
        );
        return subnet;
      });
    }

    this.securityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description:
        'atlas-snapshot-scheduler function: outbound HTTPS only (Atlas Admin API, Secrets Manager, SNS), no inbound',
      allowAllOutbound: false,
      allowAllIpv6Outbound: false,
    });
    this.securityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(HTTPS_PORT),
      'HTTPS to the Atlas Admin API and AWS endpoints',
    );

    const given =
      config.mode === 'vpc'
        ? config.securityGroupIds.map((sgId, i) =>
            // mutable: false, so that nothing in this app ever adds a rule to a group it does not own.
            ec2.SecurityGroup.fromSecurityGroupId(this, `SecurityGroup${i + 1}`, sgId, { mutable: false }),
          )
        : [];
    this.securityGroups = [this.securityGroup, ...given];
  }

  /**
   * Keeps `permissions` (the role's network-interface permissions) until the network resources the
   * function's interfaces live in are deleted: Lambda releases those interfaces after the function
   * is deleted, with the function's role, and a security group or subnet with interfaces left in it
   * cannot be deleted.
   */
  dependOnInterfacePermissions(permissions: IDependable): void {
    this.securityGroup.node.addDependency(permissions);
    for (const subnet of this.createdVpc?.privateSubnets ?? []) subnet.node.addDependency(permissions);
  }
}
