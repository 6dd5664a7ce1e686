/**
 * Targets as selectors: `projectId: "*"` (with `clusterName: "*"`), and `tags` (only with
 * `clusterName: "*"`, exact pairs of 1-255 characters). The rules are the function's own
 * (lambda/snapshot/validation.ts), so the stack and the function agree on what a target is.
 */
import { config, PROJECT_ID, problemsWith } from './helpers';

describe('targets: selectors accepted', () => {
  it.each([
    ['every cluster of every project', [{ projectId: '*', clusterName: '*' }]],
    ['the tagged clusters of a project', [{ projectId: PROJECT_ID, clusterName: '*', tags: { env: 'prod' } }]],
    [
      'the tagged clusters of every project, several pairs',
      [{ projectId: '*', clusterName: '*', tags: { env: 'prod', team: 'Payments' } }],
    ],
    [
      'tags of the longest key and value',
      [{ projectId: PROJECT_ID, clusterName: '*', tags: { ['k'.repeat(255)]: 'v'.repeat(255) } }],
    ],
    [
      'selectors differing only by their tags',
      [
        { projectId: PROJECT_ID, clusterName: '*', tags: { env: 'prod' } },
        { projectId: PROJECT_ID, clusterName: '*', tags: { env: 'Prod' } },
      ],
    ],
    [
      'a named cluster beside a selector of its project',
      [
        { projectId: PROJECT_ID, clusterName: 'Cluster0' },
        { projectId: PROJECT_ID, clusterName: '*' },
      ],
    ],
  ])('%s', (_case, targets) => {
    expect(config({ targets }).targets).toEqual(targets);
  });
});

describe('targets: selectors refused at synth, the field named', () => {
  it.each([
    // [case, targets, the exact problems]
    [
      'every project with a named cluster',
      [{ projectId: '*', clusterName: 'Cluster0' }],
      [
        'atlasSnapshot.targets[0].clusterName must be "*" when projectId is "*" (a selector over every project), got "Cluster0"',
      ],
    ],
    [
      'tags on a named cluster',
      [{ projectId: PROJECT_ID, clusterName: 'Cluster0', tags: { env: 'prod' } }],
      [
        'atlasSnapshot.targets[0].tags applies only with "clusterName": "*" (a cluster named explicitly is backed up whatever its tags), got clusterName "Cluster0"',
      ],
    ],
    [
      'no tags',
      [{ projectId: PROJECT_ID, clusterName: '*', tags: {} }],
      [
        'atlasSnapshot.targets[0].tags must be an object of 1 to 50 "<key>": "<value>" pairs (1-255 characters each), got {}',
      ],
    ],
    [
      'tags as a list',
      [{ projectId: PROJECT_ID, clusterName: '*', tags: [{ key: 'env', value: 'prod' }] }],
      [
        'atlasSnapshot.targets[0].tags must be an object of 1 to 50 "<key>": "<value>" pairs (1-255 characters each), got [{"key":"env","value":"prod"}]',
      ],
    ],
    [
      'an empty tag value',
      [{ projectId: PROJECT_ID, clusterName: '*', tags: { env: '' } }],
      ['atlasSnapshot.targets[0].tags.env must be a string of 1-255 characters, got ""'],
    ],
    [
      'a tag value of 256 characters',
      [{ projectId: PROJECT_ID, clusterName: '*', tags: { env: 'v'.repeat(256) } }],
      [
        expect.stringMatching(
          /^atlasSnapshot\.targets\[0\]\.tags\.env must be a string of 1-255 characters, got "v+\.\.\.$/,
        ),
      ],
    ],
    [
      'a tag value that is not a string',
      [{ projectId: PROJECT_ID, clusterName: '*', tags: { tier: 1 } }],
      ['atlasSnapshot.targets[0].tags.tier must be a string of 1-255 characters, got 1'],
    ],
    [
      'a tag key of 256 characters',
      [{ projectId: PROJECT_ID, clusterName: '*', tags: { ['k'.repeat(256)]: 'v' } }],
      [expect.stringMatching(/^atlasSnapshot\.targets\[0\]\.tags has a key of 256 characters \(allowed: 1-255\): "k+/)],
    ],
    [
      'the same selector twice, tags in another order',
      [
        { projectId: PROJECT_ID, clusterName: '*', tags: { env: 'prod', team: 'a' } },
        { projectId: PROJECT_ID, clusterName: '*', tags: { team: 'a', env: 'prod' } },
      ],
      [`atlasSnapshot.targets[1] repeats ${PROJECT_ID}/*[env=prod,team=a]`],
    ],
  ])('%s', (_case, targets, expected) => {
    expect(problemsWith({ targets })).toEqual(expected);
  });
});
