/**
 * What to do next, beyond the advice the function's own e-mails give: the caller IP Atlas refused,
 * and in a real run the things about this machine (region, credentials, network) a deployed
 * function would not have to ask about.
 */
import { AtlasCodes, Codes } from '../../lambda/snapshot/codes';
import type { Outcome } from '../../lambda/snapshot/types';
import { PLAIN, continuation, row, type Style } from './style';

/** The caller's IP in Atlas's IP_ADDRESS_NOT_ON_ACCESS_LIST detail ("IP address 203.0.113.10 is not allowed ..."). */
export function extractCallerIp(detail: string | undefined): string | undefined {
  if (!detail) return undefined;
  const named = /IP address\s+\[?([0-9A-Fa-f:.]+?)\]?\s+is not allowed/i.exec(detail);
  if (named) return named[1];
  const ipv4 = /\b((?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3})\b/.exec(detail);
  return ipv4?.[1];
}

/** What to do when Atlas refused the caller's IP, naming the IP it saw. */
export function accessListAdvice(outcomes: Outcome[], style: Style = PLAIN, options: { note?: string } = {}): string[] {
  const refused = outcomes.filter((o) => o.code === AtlasCodes.IP_ADDRESS_NOT_ON_ACCESS_LIST);
  if (refused.length === 0) return [];
  const ips = [
    ...new Set(refused.map((o) => extractCallerIp(o.detail)).filter((ip): ip is string => ip !== undefined)),
  ];
  const from = ips.length > 0 ? ips.join(', ') : 'an IP Atlas did not name';
  const lines = [
    row(
      'access',
      style.yellow(
        `Atlas saw these calls coming from ${style.bold(from)}, which is not on the credentials' API access list.`,
      ),
      style,
      style.yellow,
    ),
    continuation(`Fix: add ${ips[0] ?? 'that IP'} to the API access list of the service account or API key`),
    continuation('(Atlas: Organization > Access Manager > Applications > the key > API Access List), then run again.'),
    continuation("The deployed Lambda calls Atlas from a different IP: give it a fixed one with the stack's"),
    continuation('`egress` NAT option and add that Elastic IP instead (docs/egress.md).'),
  ];
  if (options.note) lines.push(continuation(style.dim(options.note)));
  return lines;
}

/** Real mode: what the deployed function's advice in the e-mail does not cover about this machine. */
export function realModeHints(outcomes: Outcome[], style: Style = PLAIN): string[] {
  const codes = new Set(outcomes.map((o) => o.code));
  const lines: string[] = [];
  if (codes.has(Codes.SECRET_UNAVAILABLE)) {
    lines.push(
      row(
        'hint',
        'the secret could not be read with your credentials: check --secret-id, the region (--region or AWS_REGION',
        style,
        style.yellow,
      ),
      continuation("must be the secret's), that your identity may call secretsmanager:GetSecretValue on it, and that"),
      continuation('this machine can reach AWS.'),
    );
  }
  if (codes.has(Codes.ATLAS_UNREACHABLE)) {
    lines.push(
      row(
        'hint',
        'Atlas did not answer: check that this machine can reach the Atlas base URL (proxy, firewall).',
        style,
        style.yellow,
      ),
    );
  }
  return lines;
}
