/**
 * The `egress` option: no network resources by default; `nat` creates a small VPC whose one NAT
 * gateway has an Elastic IP (the stack output to put on the Atlas API access list); `vpc` runs the
 * function in an existing VPC named by ids. Each mode is synthesized once per describe.
 */
import type { App } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { AtlasSnapshotStack } from '../../lib/atlas-snapshot-stack';
import { SINGLE_SUBNET_WARNING } from '../../lib/atlas-snapshot-stack';
import { ConfigError, CONTEXT_KEY, parseConfig } from '../../lib/config';
import { logicalId, rawConfig, synthStack, warningsOf } from './helpers';

const VPC_ID = 'vpc-0123456789abcdef0';
const SUBNET_A = 'subnet-0123456789abcdef0';
const SUBNET_B = 'subnet-1a2b3c4d';
const GIVEN_SG = 'sg-0fedcba9876543210';

type Resource = { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] };

function ref(id: string): { Ref: string } {
  return { Ref: id };
}
function getAtt(id: string, attribute: string): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [id, attribute] };
}
function resources(template: Template): Record<string, Resource> {
  return template.toJSON().Resources as Record<string, Resource>;
}
/** How many resources of each AWS::EC2::* type the template has. */
function ec2Counts(template: Template): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of Object.values(resources(template))) {
    if (r.Type.startsWith('AWS::EC2::')) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
  }
  return counts;
}
function resource(template: Template, id: string): Resource {
  const r = resources(template)[id];
  if (r === undefined) throw new Error(`no resource ${id}`);
  return r;
}

/** The function role's inline network-interface policy, as the VPC modes must produce it. */
const NETWORK_INTERFACE_STATEMENTS = [
  {
    Sid: 'DescribeNetworkInterfaces',
    Effect: 'Allow',
    // ec2:DescribeSubnets as in AWSLambdaVPCAccessExecutionRole (policy version 3).
    Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
    Resource: '*',
  },
  {
    Sid: 'ManageNetworkInterfaces',
    Effect: 'Allow',
    Action: [
      'ec2:CreateNetworkInterface',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ],
    Resource: {
      'Fn::Join': [
        '',
        ['arn:', ref('AWS::Partition'), ':ec2:', ref('AWS::Region'), ':', ref('AWS::AccountId'), ':*/*'],
      ],
    },
  },
];

/** Assertions shared by both VPC modes: the function's security group, role and policies. */
function itHasTheFunctionNetworkPermissions(get: () => Template): void {
  it('gives the function its own security group: outbound TCP 443 to 0.0.0.0/0 only, no inbound', () => {
    const template = get();
    const sg = resource(template, logicalId(template, 'AWS::EC2::SecurityGroup', 'EgressFunctionSecurityGroup'));

    expect(sg.Properties?.SecurityGroupEgress).toEqual([
      {
        CidrIp: '0.0.0.0/0',
        Description: 'HTTPS to the Atlas Admin API and AWS endpoints',
        FromPort: 443,
        IpProtocol: 'tcp',
        ToPort: 443,
      },
    ]);
    expect(sg.Properties?.SecurityGroupIngress).toBeUndefined();
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
  });

  it('grants the network-interface actions in one inline policy of the function role, and no managed policy', () => {
    const template = get();
    const role = logicalId(template, 'AWS::IAM::Role', 'SnapshotFunctionRole');
    const policy = logicalId(template, 'AWS::IAM::Policy', 'SnapshotFunctionNetworkInterfacePolicy');

    expect(resource(template, policy).Properties).toEqual({
      PolicyDocument: { Version: '2012-10-17', Statement: NETWORK_INTERFACE_STATEMENTS },
      PolicyName: expect.any(String),
      Roles: [ref(role)],
    });
    expect(resource(template, role).Properties?.ManagedPolicyArns).toBeUndefined();
    // No other policy of the function role (its default policy, the follow-up one) grants any EC2 action.
    const others = Object.entries(resources(template)).filter(
      ([id, r]) =>
        r.Type === 'AWS::IAM::Policy' &&
        id !== policy &&
        JSON.stringify(r.Properties?.Roles) === JSON.stringify([ref(role)]),
    );
    expect(others).toHaveLength(2);
    expect(JSON.stringify(others)).not.toContain('ec2:');
  });

  it('creates the function after its network permissions, and deletes them after its security group', () => {
    const template = get();
    const policy = logicalId(template, 'AWS::IAM::Policy', 'SnapshotFunctionNetworkInterfacePolicy');

    expect(resource(template, logicalId(template, 'AWS::Lambda::Function', 'SnapshotFunction')).DependsOn).toContain(
      policy,
    );
    expect(
      resource(template, logicalId(template, 'AWS::EC2::SecurityGroup', 'EgressFunctionSecurityGroup')).DependsOn,
    ).toEqual([policy]);
  });
}

describe('egress absent (the default): no network resources at all', () => {
  let template: Template;
  let stack: AtlasSnapshotStack;

  beforeAll(() => {
    ({ template, stack } = synthStack());
  });

  it('has no AWS::EC2::* resource, no default-security-group custom resource and no VpcConfig', () => {
    expect(ec2Counts(template)).toEqual({});
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', VpcConfig: Match.absent() });
  });

  it('grants no EC2 action and outputs no access-list IP', () => {
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('ec2:');
    expect(Object.keys(template.findOutputs('*'))).not.toContain('AtlasAccessListIp');
    expect(stack.egress).toBeUndefined();
  });
});

describe('egress { "mode": "nat" }: a small VPC with one NAT gateway and its Elastic IP', () => {
  let app: App;
  let template: Template;
  let ids: {
    vpc: string;
    eip: string;
    nat: string;
    privateSubnets: string[];
    publicSubnets: string[];
    sg: string;
    flowLogGroup: string;
  };

  beforeAll(() => {
    ({ app, template } = synthStack({ egress: { mode: 'nat' } }));
    const subnets = (kind: string): string[] =>
      Object.keys(template.findResources('AWS::EC2::Subnet'))
        .filter((id) => id.startsWith(`EgressVpc${kind}Subnet`))
        .sort();
    ids = {
      vpc: logicalId(template, 'AWS::EC2::VPC', 'EgressVpc'),
      eip: logicalId(template, 'AWS::EC2::EIP', 'EgressNatEip'),
      nat: logicalId(template, 'AWS::EC2::NatGateway', 'EgressVpcPublicSubnet1NATGateway'),
      privateSubnets: subnets('Private'),
      publicSubnets: subnets('Public'),
      sg: logicalId(template, 'AWS::EC2::SecurityGroup', 'EgressFunctionSecurityGroup'),
      flowLogGroup: logicalId(template, 'AWS::Logs::LogGroup', 'EgressFlowLogGroup'),
    };
  });

  it('creates exactly these EC2 resources: one VPC, 2 public + 2 private subnets, one internet gateway, ONE NAT gateway, ONE Elastic IP, one flow log, one security group', () => {
    expect(ec2Counts(template)).toEqual({
      'AWS::EC2::VPC': 1,
      'AWS::EC2::Subnet': 4,
      'AWS::EC2::RouteTable': 4,
      'AWS::EC2::SubnetRouteTableAssociation': 4,
      'AWS::EC2::Route': 4,
      'AWS::EC2::InternetGateway': 1,
      'AWS::EC2::VPCGatewayAttachment': 1,
      'AWS::EC2::NatGateway': 1,
      'AWS::EC2::EIP': 1,
      'AWS::EC2::FlowLog': 1,
      'AWS::EC2::SecurityGroup': 1,
    });
    expect(ids.publicSubnets).toHaveLength(2);
    expect(ids.privateSubnets).toHaveLength(2);
  });

  it('needs no context lookup (synth stays offline, without credentials)', () => {
    expect(app.synth().manifest.missing).toBeUndefined();
  });

  it('uses two zones chosen at deploy time (Fn::GetAZs, no lookup) and gives nothing a public address', () => {
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/24' });
    const zones = [...ids.publicSubnets, ...ids.privateSubnets].map(
      (id) => resource(template, id).Properties?.AvailabilityZone,
    );
    const az = (i: number): unknown => ({ 'Fn::Select': [i, { 'Fn::GetAZs': '' }] });
    expect(zones).toEqual([az(0), az(1), az(0), az(1)]);
    for (const id of [...ids.publicSubnets, ...ids.privateSubnets]) {
      expect(resource(template, id).Properties?.MapPublicIpOnLaunch).toBe(false);
    }
  });

  it("puts the one NAT gateway in a public subnet with the stack's Elastic IP, and routes both private subnets through it", () => {
    expect(resource(template, ids.eip).Properties).toMatchObject({ Domain: 'vpc' });
    expect(resource(template, ids.nat).Properties).toMatchObject({
      AllocationId: getAtt(ids.eip, 'AllocationId'),
      SubnetId: ref(ids.publicSubnets[0]!),
    });
    const privateRoutes = Object.values(
      template.findResources('AWS::EC2::Route', { Properties: { NatGatewayId: ref(ids.nat) } }),
    );
    expect(privateRoutes).toHaveLength(2);
    expect(privateRoutes.map((r) => (r as Resource).Properties?.DestinationCidrBlock)).toEqual([
      '0.0.0.0/0',
      '0.0.0.0/0',
    ]);
  });

  it('outputs the Elastic IP as AtlasAccessListIp', () => {
    template.hasOutput('AtlasAccessListIp', {
      Value: getAtt(ids.eip, 'PublicIp'),
      Description: Match.stringLikeRegexp('API access list of the Atlas service account or API key'),
    });
  });

  it('runs the function in the private subnets with its own security group only', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      VpcConfig: {
        SubnetIds: ids.privateSubnets.map(ref),
        SecurityGroupIds: [getAtt(ids.sg, 'GroupId')],
      },
    });
    expect(resource(template, ids.sg).Properties?.VpcId).toEqual(ref(ids.vpc));
  });

  it('logs all VPC traffic to a log group with retention, through a role only VPC flow logs of this account can assume', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      ResourceId: ref(ids.vpc),
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: ref(ids.flowLogGroup),
    });
    expect(resource(template, ids.flowLogGroup).Properties).toEqual({ RetentionInDays: 90 });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
              ArnLike: {
                'aws:SourceArn': Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':vpc-flow-log/*'])] }),
              },
            },
          },
        ],
      },
    });
  });

  it("strips the rules of the VPC's default security group", () => {
    template.hasResourceProperties('Custom::VpcRestrictDefaultSG', {
      DefaultSecurityGroupId: getAtt(ids.vpc, 'DefaultSecurityGroup'),
    });
  });

  it('keeps the network permissions until the private subnets are deleted (Lambda releases its interfaces with them)', () => {
    const policy = logicalId(template, 'AWS::IAM::Policy', 'SnapshotFunctionNetworkInterfacePolicy');
    for (const id of ids.privateSubnets) expect(resource(template, id).DependsOn).toEqual([policy]);
  });

  itHasTheFunctionNetworkPermissions(() => template);
});

describe('egress { "mode": "vpc" }: an existing VPC named by ids', () => {
  let app: App;
  let template: Template;
  let stack: AtlasSnapshotStack;

  beforeAll(() => {
    ({ app, template, stack } = synthStack({
      egress: { mode: 'vpc', vpcId: VPC_ID, subnetIds: [SUBNET_A, SUBNET_B], securityGroupIds: [GIVEN_SG] },
    }));
  });

  it("creates no VPC, subnet, gateway, address or flow log: only the function's security group, in the given VPC", () => {
    expect(ec2Counts(template)).toEqual({ 'AWS::EC2::SecurityGroup': 1 });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: VPC_ID });
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 0);
    expect(Object.keys(template.findOutputs('*'))).not.toContain('AtlasAccessListIp');
  });

  it('needs no context lookup (synth stays offline, without credentials)', () => {
    expect(app.synth().manifest.missing).toBeUndefined();
  });

  it('runs the function in the given subnets with its own security group and the given ones', () => {
    const sg = logicalId(template, 'AWS::EC2::SecurityGroup', 'EgressFunctionSecurityGroup');

    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: [SUBNET_A, SUBNET_B], SecurityGroupIds: [getAtt(sg, 'GroupId'), GIVEN_SG] },
    });
  });

  it('adds no rule to a security group it does not own, and warns about nothing with two subnets', () => {
    expect(JSON.stringify(template.toJSON())).not.toMatch(new RegExp(`"GroupId":"${GIVEN_SG}"`));
    expect(warningsOf(stack).filter((w) => w.includes(SINGLE_SUBNET_WARNING))).toEqual([]);
    expect(warningsOf(stack)).toEqual([]);
  });

  it('accepts a single subnet, with a synth warning about its zone', () => {
    const { stack: single, template: singleTemplate } = synthStack({
      egress: { mode: 'vpc', vpcId: VPC_ID, subnetIds: [SUBNET_A] },
    });

    singleTemplate.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: [SUBNET_A], SecurityGroupIds: [Match.anyValue()] },
    });
    expect(warningsOf(single)).toEqual([
      expect.stringMatching(/egress\.subnetIds names one subnet \(subnet-0123456789abcdef0\).*second zone/),
    ]);
  });

  itHasTheFunctionNetworkPermissions(() => template);
});

describe('parseConfig: egress', () => {
  function problems(egress: unknown): readonly string[] {
    try {
      parseConfig({ [CONTEXT_KEY]: rawConfig({ egress }) });
    } catch (e: unknown) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    throw new Error('expected the configuration to be refused');
  }

  it('is absent unless configured', () => {
    expect(parseConfig({ [CONTEXT_KEY]: rawConfig() }).egress).toBeUndefined();
  });

  it('accepts nat, and vpc with 8- or 17-character ids, securityGroupIds defaulting to none', () => {
    expect(parseConfig({ [CONTEXT_KEY]: rawConfig({ egress: { mode: 'nat' } }) }).egress).toEqual({ mode: 'nat' });
    expect(
      parseConfig({
        [CONTEXT_KEY]: rawConfig({ egress: { mode: 'vpc', vpcId: 'vpc-1a2b3c4d', subnetIds: [SUBNET_A, SUBNET_B] } }),
      }).egress,
    ).toEqual({
      mode: 'vpc',
      vpcId: 'vpc-1a2b3c4d',
      subnetIds: [SUBNET_A, SUBNET_B],
      securityGroupIds: [],
    });
  });

  it('is read as JSON from -c atlasSnapshot.egress=...', () => {
    const config = parseConfig({ [CONTEXT_KEY]: rawConfig(), [`${CONTEXT_KEY}.egress`]: '{"mode":"nat"}' });

    expect(config.egress).toEqual({ mode: 'nat' });
  });

  const sgs = (n: number): string[] => Array.from({ length: n }, (_, i) => `sg-${String(i).padStart(8, '0')}`);
  const subnets = (n: number): string[] => Array.from({ length: n }, (_, i) => `subnet-${String(i).padStart(8, '0')}`);
  const vpc = (fields: Record<string, unknown>): Record<string, unknown> => ({
    mode: 'vpc',
    vpcId: VPC_ID,
    subnetIds: [SUBNET_A],
    ...fields,
  });

  it.each([
    // [case, egress, the exact problems]
    [
      'not an object',
      'nat',
      [
        'atlasSnapshot.egress must be { "mode": "nat" } or { "mode": "vpc", "vpcId", "subnetIds", "securityGroupIds"? }, got "nat"',
      ],
    ],
    [
      'unknown mode',
      { mode: 'public' },
      [
        'atlasSnapshot.egress.mode must be "nat" (the stack creates a VPC whose NAT gateway has an Elastic IP) or "vpc" (an existing VPC named by vpcId and subnetIds), got "public"',
      ],
    ],
    [
      'missing mode',
      { vpcId: VPC_ID },
      [
        'atlasSnapshot.egress.mode must be "nat" (the stack creates a VPC whose NAT gateway has an Elastic IP) or "vpc" (an existing VPC named by vpcId and subnetIds), got undefined',
      ],
    ],
    [
      'nat with a VPC field',
      { mode: 'nat', vpcId: VPC_ID },
      ['atlasSnapshot.egress.vpcId is not a known field for mode "nat" (allowed: mode)'],
    ],
    [
      'unknown vpc field',
      vpc({ subnets: [SUBNET_A] }),
      [
        'atlasSnapshot.egress.subnets is not a known field for mode "vpc"; did you mean "subnetIds"? (allowed: mode, vpcId, subnetIds, securityGroupIds)',
      ],
    ],
    [
      'missing vpcId',
      vpc({ vpcId: undefined }),
      [
        'atlasSnapshot.egress.vpcId must be a VPC id (vpc- and 8 or 17 lowercase hexadecimal characters), got undefined',
      ],
    ],
    [
      'short vpcId',
      vpc({ vpcId: 'vpc-123' }),
      [
        'atlasSnapshot.egress.vpcId must be a VPC id (vpc- and 8 or 17 lowercase hexadecimal characters), got "vpc-123"',
      ],
    ],
    [
      'upper-case vpcId',
      vpc({ vpcId: 'vpc-0123456789ABCDEF0' }),
      [
        'atlasSnapshot.egress.vpcId must be a VPC id (vpc- and 8 or 17 lowercase hexadecimal characters), got "vpc-0123456789ABCDEF0"',
      ],
    ],
    [
      'missing subnetIds',
      vpc({ subnetIds: undefined }),
      ['atlasSnapshot.egress.subnetIds must be an array of 1 to 16 subnet- ids, got undefined'],
    ],
    [
      'no subnets',
      vpc({ subnetIds: [] }),
      ['atlasSnapshot.egress.subnetIds must be an array of 1 to 16 subnet- ids, got []'],
    ],
    [
      'subnetIds as a string',
      vpc({ subnetIds: SUBNET_A }),
      [`atlasSnapshot.egress.subnetIds must be an array of 1 to 16 subnet- ids, got "${SUBNET_A}"`],
    ],
    [
      '17 subnets',
      vpc({ subnetIds: subnets(17) }),
      [
        expect.stringMatching(
          /^atlasSnapshot\.egress\.subnetIds must be an array of 1 to 16 subnet- ids, got \["subnet-00000000",/,
        ),
      ],
    ],
    [
      'bad subnet id',
      vpc({ subnetIds: [SUBNET_A, 'subnet-xyz'] }),
      [
        'atlasSnapshot.egress.subnetIds[1] must be a subnet- id (subnet- and 8 or 17 lowercase hexadecimal characters), got "subnet-xyz"',
      ],
    ],
    [
      'a VPC id as a subnet',
      vpc({ subnetIds: [VPC_ID] }),
      [
        `atlasSnapshot.egress.subnetIds[0] must be a subnet- id (subnet- and 8 or 17 lowercase hexadecimal characters), got "${VPC_ID}"`,
      ],
    ],
    [
      'duplicate subnet',
      vpc({ subnetIds: [SUBNET_A, SUBNET_A] }),
      [`atlasSnapshot.egress.subnetIds[1] repeats "${SUBNET_A}": each id can be given once`],
    ],
    [
      'bad security group id',
      vpc({ securityGroupIds: ['sg-12'] }),
      [
        'atlasSnapshot.egress.securityGroupIds[0] must be a sg- id (sg- and 8 or 17 lowercase hexadecimal characters), got "sg-12"',
      ],
    ],
    [
      'security groups as a string',
      vpc({ securityGroupIds: GIVEN_SG }),
      [
        `atlasSnapshot.egress.securityGroupIds must be an array of 0 to 4 sg- ids (Lambda allows 5 security groups per function and the stack adds the function's own), got "${GIVEN_SG}"`,
      ],
    ],
    [
      '5 security groups',
      vpc({ securityGroupIds: sgs(5) }),
      [
        expect.stringMatching(
          /^atlasSnapshot\.egress\.securityGroupIds must be an array of 0 to 4 sg- ids \(Lambda allows 5 security groups per function and the stack adds the function's own\), got \[/,
        ),
      ],
    ],
    [
      'duplicate security group',
      vpc({ securityGroupIds: [GIVEN_SG, GIVEN_SG] }),
      [`atlasSnapshot.egress.securityGroupIds[1] repeats "${GIVEN_SG}": each id can be given once`],
    ],
    [
      'every vpc problem at once',
      { mode: 'vpc', vpcId: 'vpc', subnetIds: ['x'], securityGroupIds: ['y'] },
      [
        'atlasSnapshot.egress.vpcId must be a VPC id (vpc- and 8 or 17 lowercase hexadecimal characters), got "vpc"',
        'atlasSnapshot.egress.subnetIds[0] must be a subnet- id (subnet- and 8 or 17 lowercase hexadecimal characters), got "x"',
        'atlasSnapshot.egress.securityGroupIds[0] must be a sg- id (sg- and 8 or 17 lowercase hexadecimal characters), got "y"',
      ],
    ],
  ])('refuses %s', (_case, egress, expected) => {
    expect(problems(egress)).toEqual(expected);
  });

  it('lists egress among the known fields when a key is misspelt', () => {
    expect(() => parseConfig({ [CONTEXT_KEY]: rawConfig({ egres: { mode: 'nat' } }) })).toThrow(
      /atlasSnapshot\.egres is not a known field; did you mean "egress"\? \(allowed: [^)]*, egress[,)]/,
    );
  });
});
