/**
 * Reads an llms.txt-style index: Markdown whose links (`- [Title](url): notes`) point at `.md` pages, absolute or
 * relative to the index. Only `.md` links are pages; the rest (anchors, images, other formats) are not.
 * @see https://llmstxt.org/ — "a markdown file … with links to … .md versions of pages"
 */
export function indexLinks(markdown: string, indexUrl: string): URL[] {
  const seen = new Map<string, URL>();
  // [text](target) or [text](target "title"); the text may itself hold brackets, the target holds no spaces.
  for (const match of markdown.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    let url: URL;
    try {
      url = new URL(match[1]!, indexUrl);
    } catch {
      continue;
    }
    if (!/^https?:$/.test(url.protocol) || !url.pathname.endsWith('.md')) continue;
    url.hash = '';
    seen.set(url.href, url);
  }
  return [...seen.values()];
}

/**
 * A page's identity: its path on the docs host, always with `.md` (snapshot pages vendored by hand name the HTML
 * URL, `…/get-kyc-status`; the index names `…/get-kyc-status.md`: the same page).
 */
export function pageKey(url: URL): string {
  const path = url.pathname.replace(/\/+$/, '');
  return path.endsWith('.md') ? path : `${path}.md`;
}
