/** Reading synthesized CloudFormation templates and what they point at in the assembly. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { ENV } from '../../../lambda/snapshot/contract';

export type CfnResource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, unknown> };
export type CfnTemplate = { Resources: Record<string, CfnResource> } & Record<string, unknown>;

export function readTemplate(assembly: string, stack: string): CfnTemplate {
  return JSON.parse(readFileSync(join(assembly, `${stack}.template.json`), 'utf8')) as CfnTemplate;
}

export function resourcesOf(t: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

/** The snapshot function (the Lambda whose environment names the secret): its logical id and resource. */
export function snapshotFunction(t: CfnTemplate): [string, CfnResource] {
  const found = resourcesOf(t, 'AWS::Lambda::Function').filter(
    ([, r]) => ENV.secretId in (r.Properties.Environment?.Variables ?? {}),
  );
  if (found.length !== 1) throw new Error(`expected one snapshot function, found ${found.length}`);
  return found[0]!;
}

/** A function's code asset in the assembly (named by the hash its S3 key carries). */
export function assetDirectory(assembly: string, resource: CfnResource): string {
  const key = (resource.Properties.Code as { S3Key: string }).S3Key;
  return join(assembly, `asset.${key.replace(/\.zip$/, '')}`);
}

/** The template without what may differ between the two code modes: the functions' code and all metadata. */
export function withoutCode(t: CfnTemplate): CfnTemplate {
  const resources = Object.entries(t.Resources).map(([id, resource]) => {
    const { Metadata: _metadata, ...rest } = resource;
    if (rest.Type !== 'AWS::Lambda::Function') return [id, rest];
    const { Code: _code, ...properties } = rest.Properties;
    return [id, { ...rest, Properties: properties }];
  });
  return { ...t, Resources: Object.fromEntries(resources) as Record<string, CfnResource> };
}

/** Every file under `dir`, relative, with `/` separators, sorted. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => f.split('\\').join('/'))
    .sort();
}

/** The modules a compiled CommonJS file requires by name (relative paths left out). */
export function requiredModules(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const names = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!).filter((m) => !m.startsWith('.'));
  return [...new Set(names)];
}

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
export const packageName = (module: string): string =>
  module.startsWith('@') ? module.split('/').slice(0, 2).join('/') : module.split('/')[0]!;

export const isBuiltin = (module: string): boolean =>
  module.startsWith('node:') || builtinModules.includes(module.split('/')[0]!);
