import {
  consoleEncode,
  logsConsoleUrl,
  parseFunctionArn,
  whereToLook,
  whereToLookLines,
} from '../../lambda/snapshot/notify/context';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:atlas-snapshots';

describe('where to look', () => {
  it('reads partition, region, account and name from the invoked ARN, with or without a qualifier', () => {
    expect(parseFunctionArn(`${ARN}:live`)).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      account: '123456789012',
      functionName: 'atlas-snapshots',
      unqualified: ARN,
    });
    expect(parseFunctionArn(`${ARN}:$LATEST`)?.unqualified).toBe(ARN);
    expect(parseFunctionArn('arn:aws-cn:lambda:cn-north-1:123456789012:function:f')?.partition).toBe('aws-cn');
    expect(parseFunctionArn('not an arn')).toBeUndefined();
    expect(parseFunctionArn(undefined)).toBeUndefined();
  });

  it('encodes like the CloudWatch console: URI-encoded twice, % written as $', () => {
    expect(consoleEncode('/aws/lambda/atlas-snapshots')).toBe('$252Faws$252Flambda$252Fatlas-snapshots');
    expect(consoleEncode('"req-42"')).toBe('$2522req-42$2522');
  });

  it('links the log group filtered by the quoted invocation id, on the console of the partition', () => {
    expect(logsConsoleUrl('aws', 'eu-west-1', '/aws/lambda/atlas-snapshots', 'c0ffee-1')).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fatlas-snapshots/log-events$3FfilterPattern$3D$2522c0ffee-1$2522',
    );
    expect(logsConsoleUrl('aws-cn', 'cn-north-1', '/g', 'id')).toMatch(
      /^https:\/\/console\.amazonaws\.cn\/cloudwatch\/home\?region=cn-north-1#logsV2:/,
    );
    expect(logsConsoleUrl('aws-us-gov', 'us-gov-west-1', '/g', 'id')).toMatch(
      /^https:\/\/console\.amazonaws-us-gov\.com\/cloudwatch\/home\?region=us-gov-west-1#logsV2:/,
    );
    expect(logsConsoleUrl('aws-iso', 'us-iso-east-1', '/g', 'id')).toBeUndefined();
  });

  it('prefers AWS_REGION and AWS_LAMBDA_LOG_GROUP_NAME, else derives them', () => {
    const own = whereToLook({
      invocationId: 'req-1',
      invokedFunctionArn: ARN,
      region: 'eu-west-1',
      logGroupName: '/custom/group',
    });
    expect(own).toMatchObject({
      account: '123456789012',
      region: 'eu-west-1',
      functionName: 'atlas-snapshots',
      functionArn: ARN,
      logGroupName: '/custom/group',
    });
    expect(own.logUrl).toContain('log-group/$252Fcustom$252Fgroup/');

    const derived = whereToLook({ invocationId: 'req-1', invokedFunctionArn: ARN });
    expect(derived).toMatchObject({ region: 'eu-west-1', logGroupName: '/aws/lambda/atlas-snapshots' });

    const local = whereToLook({ invocationId: 'req-1', functionName: 'f', region: 'us-gov-east-1' });
    expect(local.account).toBeUndefined();
    expect(local.logUrl).toMatch(/^https:\/\/console\.amazonaws-us-gov\.com\//);
  });

  it('the e-mail block names account, region, function and the link, or says what is unknown', () => {
    const lines = whereToLookLines(whereToLook({ invocationId: 'req-1', invokedFunctionArn: ARN }));
    expect(lines.slice(0, 4)).toEqual([
      'Where to look:',
      '  account: 123456789012',
      '  region: eu-west-1',
      '  function: atlas-snapshots',
    ]);
    expect(lines[4]).toMatch(/^ {2}log of this invocation: https:\/\/eu-west-1\.console\.aws\.amazon\.com\//);

    const bare = whereToLookLines(whereToLook({ invocationId: 'req-1' }));
    expect(bare).toContain('  account: unknown (not in the invocation context)');
    expect(bare[4]).toBe(
      '  log of this invocation: log group unknown (not in the invocation context), filter by "req-1"',
    );
  });
});
