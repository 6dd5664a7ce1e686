/**
 * The stack's pages say what the templates hold: every IAM action, condition key, service principal
 * and managed policy in the synthesized templates is named in docs/permissions.md, and the
 * resources new in 0.2.0 (logical ids absent from the round-1 fixtures) are exactly the ones
 * docs/upgrading.md lists.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nat from './fixtures/nat.json';
import out from './fixtures/out.json';
import vpc from './fixtures/vpc.json';
import { PROJECT_ROOT, synthStack } from './helpers';

type Statement = {
  Action?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: string | { Service?: string | string[] };
};
type Resource = { Type: string; Properties?: Record<string, unknown> };
type TemplateJson = { Resources: Record<string, Resource> };

const EMAILS = ['ops@example.com', { address: 'oncall@example.com', statuses: ['ERROR'] }];
const VPC_EGRESS = {
  mode: 'vpc',
  vpcId: 'vpc-0123456789abcdef0',
  subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
  securityGroupIds: ['sg-0123456789abcdef0'],
};

/** The configurations of the round-1 fixtures (as test/infra/app.test.ts), and `chat` with a secret key. */
const CONFIGS: ReadonlyArray<{ name: string; overrides: Record<string, unknown>; fixture?: Record<string, string> }> = [
  { name: 'default', overrides: {}, fixture: out },
  { name: 'nat', overrides: { egress: { mode: 'nat' }, notificationEmails: EMAILS }, fixture: nat },
  { name: 'vpc', overrides: { egress: VPC_EGRESS, notificationEmails: EMAILS }, fixture: vpc },
  {
    name: 'chat',
    overrides: {
      chat: true,
      secretKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    },
  },
];

function page(name: string): string {
  return readFileSync(join(PROJECT_ROOT, 'docs', name), 'utf8');
}

/** The text of one `### ` section of a page, up to the next heading. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`### ${heading}\n`);
  if (start < 0) throw new Error(`no section "${heading}"`);
  const rest = markdown.slice(start + heading.length + 5);
  const end = rest.search(/^#{2,3} /m);
  return end < 0 ? rest : rest.slice(0, end);
}

function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Every policy statement of the template: identity, trust, inline, key, topic and queue policies. */
function statements(template: TemplateJson): Statement[] {
  const documents = Object.values(template.Resources).flatMap((r) => {
    const p = r.Properties ?? {};
    const inline = (p.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? [];
    return [p.PolicyDocument, p.AssumeRolePolicyDocument, p.KeyPolicy, ...inline.map((i) => i.PolicyDocument)];
  });
  return documents.flatMap((d) => (d as { Statement?: Statement[] } | undefined)?.Statement ?? []);
}

/** The names a security review looks for: actions, condition keys, service principals, managed policies. */
function namesIn(template: TemplateJson): Set<string> {
  const names = new Set<string>();
  for (const s of statements(template)) {
    for (const action of asList(s.Action)) names.add(action);
    for (const operator of Object.values(s.Condition ?? {})) for (const key of Object.keys(operator)) names.add(key);
    if (typeof s.Principal === 'object') for (const service of asList(s.Principal.Service)) names.add(service);
  }
  for (const r of Object.values(template.Resources)) {
    for (const arn of asList(r.Properties?.ManagedPolicyArns as unknown[] | undefined)) {
      const text = JSON.stringify(arn);
      const name = /policy\/(?:service-role\/)?([A-Za-z0-9]+)/.exec(text)?.[1];
      if (name !== undefined) names.add(name);
    }
  }
  return names;
}

const templates = CONFIGS.map(({ name, overrides, fixture }) => ({
  name,
  fixture,
  template: synthStack(overrides).template.toJSON() as TemplateJson,
}));

describe('docs/permissions.md', () => {
  const text = page('permissions.md');

  it.each(templates.map((t) => [t.name, t.template] as const))(
    'names every action, condition key, service principal and managed policy of the %s template',
    (_name, template) => {
      const names = [...namesIn(template)];

      expect(names.length).toBeGreaterThan(10);
      expect(names.filter((n) => !text.includes(`\`${n}\``))).toEqual([]);
    },
  );
});

describe('docs/upgrading.md "Resources, by logical id"', () => {
  const listed = section(page('upgrading.md'), 'Resources, by logical id');
  /** Logical ids written in the section: letters and digits ending in CDK's 8-hex-digit hash. */
  const namedIds = [...listed.matchAll(/`([A-Za-z][A-Za-z0-9]*[0-9A-F]{8})`/g)].map((m) => m[1]!);

  it('lists every resource new since 0.1.0, with its type, in the fixtures configurations', () => {
    const added = templates.flatMap(({ fixture, template }) =>
      fixture === undefined
        ? []
        : Object.entries(template.Resources)
            .filter(([id]) => !(id in fixture))
            .map(([id, r]) => ({ id, type: r.Type })),
    );

    expect(added.length).toBeGreaterThan(0);
    expect(added.filter(({ id, type }) => !new RegExp(`\`${id}\` \\| \`${type}\``).test(listed))).toEqual([]);
  });

  it('names only logical ids that a 0.2.0 template has and 0.1.0 did not', () => {
    const all = new Set(templates.flatMap(({ template }) => Object.keys(template.Resources)));
    const round1 = new Set([out, nat, vpc].flatMap((f) => Object.keys(f)));

    expect(namedIds.length).toBeGreaterThan(5);
    expect(namedIds.filter((id) => !all.has(id) || round1.has(id))).toEqual([]);
  });
});
