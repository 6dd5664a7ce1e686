/**
 * The documentation cannot rot silently: every relative link in README.md, CHANGELOG.md,
 * local/README.md and docs/ resolves to a file of this repository, and every `#anchor` to a heading
 * of its target as GitHub slugs it; every docs page is listed in README and links back to it; and
 * every docs page a code comment cites exists, and so does the section it names
 * (`docs/page.md, "Section"`: a heading that begins with that text).
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const DOCS = path.join(ROOT, 'docs');
/** Where code comments cite docs pages. */
const SOURCE_DIRS = ['bin', 'lib', 'lambda', 'local', 'bench', 'test'];
const SOURCE_FILES = [/\.ts$/, /\.[cm]?js$/];
const CITATION = /\bdocs\/([a-z0-9-]+\.md)/g;
/** A cited section: `docs/page.md, "Section"` (comment line breaks and leaders already joined). */
const SECTION_CITATION = /\bdocs\/([a-z0-9-]+\.md),?\s*"([^"]+)"/g;

interface Link {
  /** 1-based line in its file. */
  line: number;
  target: string;
}

/** Markdown files under `dir`, recursively (no dot directories). */
function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') ? [] : markdownFiles(full);
    return entry.name.endsWith('.md') ? [full] : [];
  });
}

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name.startsWith('.') || entry.name === 'node_modules' ? [] : sourceFiles(full);
    return SOURCE_FILES.some((pattern) => pattern.test(entry.name)) ? [full] : [];
  });
}

/**
 * The lines of a Markdown document as prose: fenced code blocks and HTML comments blanked (so
 * line numbers stay), inline code spans removed.
 */
function proseLines(markdown: string): string[] {
  let fence: string | undefined;
  let inComment = false;
  return markdown.split('\n').map((raw) => {
    const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(raw)?.[1];
    if (fence !== undefined) {
      if (opening !== undefined && opening[0] === fence[0] && opening.length >= fence.length) fence = undefined;
      return '';
    }
    if (opening !== undefined) {
      fence = opening;
      return '';
    }
    let line = raw;
    if (inComment) {
      const end = line.indexOf('-->');
      if (end < 0) return '';
      line = line.slice(end + 3);
      inComment = false;
    }
    line = line.replace(/<!--.*?-->/g, '');
    const start = line.indexOf('<!--');
    if (start >= 0) {
      line = line.slice(0, start);
      inComment = true;
    }
    return line.replace(/(`+)(?:(?!\1).)+?\1/g, '');
  });
}

/** Inline links and images `[text](target "title")`, and reference definitions `[id]: target`. */
function markdownLinks(markdown: string): Link[] {
  const inline = /!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+"[^"]*")?\s*\)/g;
  const definition = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/;
  return proseLines(markdown).flatMap((line, i) => {
    const targets = [...line.matchAll(inline)].map((m) => m[1] ?? '');
    const defined = definition.exec(line)?.[1];
    return [...targets, ...(defined !== undefined ? [defined] : [])].map((target) => ({
      line: i + 1,
      target: target.replace(/^<|>$/g, ''),
    }));
  });
}

/** GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces as hyphens. */
function githubSlug(heading: string): string {
  const text = heading
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '') // images
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // links keep their text
    .replace(/`/g, '')
    .replace(/\*\*|__|~~|\*/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** The anchors of every ATX heading of a document, with GitHub's -1, -2 ... for repeats. */
function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (opening !== undefined && opening[0] === fence[0] && opening.length >= fence.length) fence = undefined;
      continue;
    }
    if (opening !== undefined) {
      fence = opening;
      continue;
    }
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = githubSlug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

/** What is wrong with one link of `file`, or undefined when it resolves. */
function linkProblem(file: string, link: Link): string | undefined {
  const where = `${path.relative(ROOT, file)}:${link.line}: ${link.target}`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(link.target) || link.target.startsWith('//')) return undefined; // https:, mailto:, ...
  const hash = link.target.indexOf('#');
  const pathPart = decodeURIComponent(hash < 0 ? link.target : link.target.slice(0, hash));
  const anchor = hash < 0 ? undefined : decodeURIComponent(link.target.slice(hash + 1));
  const resolved = pathPart === '' ? file : path.resolve(path.dirname(file), pathPart);
  if (resolved !== ROOT && !resolved.startsWith(`${ROOT}${path.sep}`)) return `${where} leaves the repository`;
  if (!fs.existsSync(resolved)) return `${where} names no file`;
  if (anchor === undefined || !resolved.endsWith('.md')) return undefined;
  const slugs = headingSlugs(fs.readFileSync(resolved, 'utf8'));
  return slugs.has(anchor) ? undefined : `${where} names no heading of ${path.relative(ROOT, resolved)}`;
}

function problemsOf(file: string): string[] {
  return markdownLinks(fs.readFileSync(file, 'utf8')).flatMap((link) => linkProblem(file, link) ?? []);
}

const DOC_PAGES = markdownFiles(DOCS);
const CHECKED = [
  path.join(ROOT, 'README.md'),
  path.join(ROOT, 'CHANGELOG.md'),
  path.join(ROOT, 'local', 'README.md'),
  ...DOC_PAGES,
];

describe('the link checker', () => {
  it('slugs headings as GitHub does', () => {
    // Arrange
    const headings = [
      ['Deploy in three steps', 'deploy-in-three-steps'],
      ['`IP_ADDRESS_NOT_ON_ACCESS_LIST` (HTTP 403)', 'ip_address_not_on_access_list-http-403'],
      ['Endpoints added in 0.2.0 (round 2)', 'endpoints-added-in-020-round-2'],
      ["How MongoDB's own tools behave", 'how-mongodbs-own-tools-behave'],
      ['Check your real setup before deploying (`--real`)', 'check-your-real-setup-before-deploying---real'],
      ['What `npm start` does', 'what-npm-start-does'],
    ];

    // Act
    const slugs = headings.map(([heading]) => githubSlug(heading ?? ''));

    // Assert
    expect(slugs).toEqual(headings.map(([, slug]) => slug));
  });

  it('numbers repeated headings and ignores headings inside code blocks', () => {
    // Arrange
    const markdown = ['# Notes', '## Usage', '```sh', '# not a heading', '```', '## Usage', '### Usage'].join('\n');

    // Act
    const slugs = headingSlugs(markdown);

    // Assert
    expect([...slugs]).toEqual(['notes', 'usage', 'usage-1', 'usage-2']);
  });

  it('finds inline, image and reference links, not those in code or comments', () => {
    // Arrange
    const markdown = [
      'See [the page](docs/a.md#part "title") and ![logo](img/logo.png).',
      'Not `[code](nowhere.md)`, not <!-- [hidden](gone.md) -->.',
      '```',
      '[fenced](gone.md)',
      '```',
      '[ref]: ./other.md',
    ].join('\n');

    // Act
    const links = markdownLinks(markdown);

    // Assert
    expect(links).toEqual([
      { line: 1, target: 'docs/a.md#part' },
      { line: 1, target: 'img/logo.png' },
      { line: 6, target: './other.md' },
    ]);
  });

  it('reports a missing file, a missing heading and a link out of the repository', () => {
    // Arrange
    const readme = path.join(ROOT, 'README.md');
    const links: Link[] = [
      { line: 1, target: 'docs/no-such-page.md' },
      { line: 2, target: 'docs/configuration.md#no-such-heading' },
      { line: 3, target: '../outside.md' },
      { line: 4, target: 'docs/configuration.md#targets-and-selectors' },
      { line: 5, target: 'https://example.com/x.md#y' },
    ];

    // Act
    const problems = links.map((link) => linkProblem(readme, link));

    // Assert
    expect(problems).toEqual([
      'README.md:1: docs/no-such-page.md names no file',
      'README.md:2: docs/configuration.md#no-such-heading names no heading of docs/configuration.md',
      'README.md:3: ../outside.md leaves the repository',
      undefined,
      undefined,
    ]);
  });
});

describe('the documentation', () => {
  it.each(CHECKED.map((file) => [path.relative(ROOT, file), file]))('%s: every relative link resolves', (_, file) => {
    // Act
    const problems = problemsOf(file);

    // Assert
    expect(problems).toEqual([]);
  });

  it('lists every docs page in README', () => {
    // Arrange
    const readme = path.join(ROOT, 'README.md');
    const linked = new Set(
      markdownLinks(fs.readFileSync(readme, 'utf8')).map((link) => path.resolve(ROOT, link.target.split('#')[0] ?? '')),
    );

    // Act
    const missing = DOC_PAGES.filter((page) => !linked.has(page)).map((page) => path.relative(ROOT, page));

    // Assert
    expect(DOC_PAGES.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it.each(DOC_PAGES.map((page) => [path.relative(ROOT, page), page]))(
    '%s says what it is for and links back to README before its first section',
    (_, page) => {
      // Arrange
      const text = fs.readFileSync(page, 'utf8');
      const intro = text.split(/^## /m)[0] ?? '';

      // Act
      const backToReadme = markdownLinks(intro).some(
        (link) => path.resolve(path.dirname(page), link.target) === path.join(ROOT, 'README.md'),
      );

      // Assert
      expect(intro).toMatch(/What this page is for:/);
      expect(backToReadme).toBe(true);
    },
  );

  it('has a page for every docs page a code comment cites', () => {
    // Arrange
    const cited = new Map<string, string>();
    const files = [
      ...SOURCE_DIRS.flatMap((dir) => sourceFiles(path.join(ROOT, dir))),
      path.join(ROOT, 'eslint.config.mjs'),
    ];
    // This file's own examples name pages that do not exist on purpose.
    for (const file of files.filter((f) => f !== __filename)) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(CITATION)) {
        cited.set(match[1] ?? '', path.relative(ROOT, file));
      }
    }

    // Act
    const missing = [...cited].filter(([page]) => !fs.existsSync(path.join(DOCS, page)));

    // Assert
    expect(cited.size).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });

  it('has the section every code comment names beside a docs page', () => {
    // Arrange
    const files = SOURCE_DIRS.flatMap((dir) => sourceFiles(path.join(ROOT, dir))).filter((f) => f !== __filename);
    const cited: Array<{ file: string; page: string; section: string }> = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8').replace(/\n\s*(?:\*|\/\/)\s*/g, ' ');
      for (const match of text.matchAll(SECTION_CITATION)) {
        cited.push({ file: path.relative(ROOT, file), page: match[1] ?? '', section: match[2] ?? '' });
      }
    }

    // Act
    const missing = cited
      .filter(({ page, section }) => {
        const file = path.join(DOCS, page);
        if (!fs.existsSync(file)) return true;
        const wanted = githubSlug(section);
        return ![...headingSlugs(fs.readFileSync(file, 'utf8'))].some((slug) => slug.startsWith(wanted));
      })
      .map(({ file, page, section }) => `${file}: docs/${page}, "${section}"`);

    // Assert
    expect(cited.length).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});
