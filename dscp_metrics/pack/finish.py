"""The last touches to an exported pack: unique ids, the contents list, and the offline check.

- Every element id is unique (a repeated heading id would send its links to the wrong place);
- the contents list links to every section heading (`<h2>`);
- the page loads nothing from the network: no `src`/`href` to a server in any tag,
  no `url(...)`/`@import` of a server in any style. Text (the analyst's commentary
  may quote `url(https://…)`) is not a resource and is not checked.
"""

from __future__ import annotations

import html
import re

from ..errors import DscpError
from .assemble import PLOTLY_JS_MARKER, plain_text

_HEADING_RE = re.compile(r"<h2\b([^>]*)>(.*?)</h2\s*>", re.IGNORECASE | re.DOTALL)
_SCRIPT_RE = re.compile(r"(<script\b.*?</script\s*>)", re.IGNORECASE | re.DOTALL)
_STYLE_RE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[a-zA-Z][^>]*>")
_ID_RE = re.compile(r"""(\bid\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_RESOURCE_TAG_RE = re.compile(
    r"<(script|link|img|iframe|frame|source|video|audio|embed|object|track|image|use|input)\b[^>]*>", re.IGNORECASE)
_REMOTE_ATTR_RE = re.compile(
    r"""\b(src|href|srcset|data|poster|xlink:href|background)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]*)""", re.IGNORECASE)
_CSS_REMOTE_RE = re.compile(r"""(?:url\(\s*["']?|@import\s+["']?)\s*((?:https?:)?//[^"')\s;]*)""", re.IGNORECASE)
_STYLE_ATTR_RE = re.compile(r"""\bstyle\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)


def _unique_ids(part: str, used: set[str]) -> str:
    def rename(match: re.Match) -> str:
        ident = match.group(3)
        if ident not in used:
            used.add(ident)
            return match.group(0)
        n = 2
        while f"{ident}-{n}" in used:
            n += 1
        used.add(f"{ident}-{n}")
        return f"{match.group(1)}{match.group(2)}{ident}-{n}{match.group(2)}"

    return _TAG_RE.sub(lambda tag: _ID_RE.sub(rename, tag.group(0)), part)


def finish_html(page: str) -> str:
    """Unique ids and the contents list (scripts — plotly.js, figure data — are left alone)."""
    parts = _SCRIPT_RE.split(page)
    used: set[str] = set()
    contents: list[tuple[str, str, bool]] = []
    for i in range(0, len(parts), 2):
        parts[i] = _unique_ids(parts[i], used)
        for match in _HEADING_RE.finditer(parts[i]):
            found = _ID_RE.search(match.group(1))
            if found:
                contents.append((found.group(3), plain_text(match.group(2)), 'data-status="failed"' in match.group(1)))
    items = "\n".join(
        f'<li><a href="#{html.escape(anchor)}">{html.escape(title)}</a>'
        + (' <span class="dscp-status-failed">(could not be built)</span>' if failed else "") + "</li>"
        for anchor, title, failed in contents)
    nav = ('<nav class="dscp-contents" id="contents" aria-labelledby="dscp-contents-title">\n'
           '<h2 class="dscp-contents-title" id="dscp-contents-title">Contents</h2>\n'
           f"<ol>\n{items}\n</ol>\n</nav>")
    page = "".join(parts)
    if "<!--dscp:contents-->" not in page:  # no front page: the contents open the page
        page = page.replace('<main id="main">', '<main id="main">\n<!--dscp:contents-->', 1)
    return page.replace("<!--dscp:contents-->", nav, 1)


def remote_resources(page: str) -> list[str]:
    """Every URL the page would fetch from a server (tags' resource attributes, styles' url() and @import)."""
    found: list[str] = []
    for i, part in enumerate(_SCRIPT_RE.split(page)):
        if i % 2 == 1:  # a script element: only its own tag's attributes count
            part = part[: part.find(">") + 1]
        for tag in _RESOURCE_TAG_RE.finditer(part):
            found += [m.group(2) for m in _REMOTE_ATTR_RE.finditer(tag.group(0))]
        if i % 2 == 0:
            for style in _STYLE_RE.finditer(part):
                found += [m.group(1) for m in _CSS_REMOTE_RE.finditer(style.group(1))]
            for tag in _TAG_RE.finditer(part):
                for attr in _STYLE_ATTR_RE.finditer(tag.group(0)):
                    found += [m.group(1) for m in _CSS_REMOTE_RE.finditer(html.unescape(attr.group(2)))]
    return found


def check_offline(page: str) -> None:
    """Refuse a page that would fetch anything, or that holds plotly.js other than exactly once."""
    remote = remote_resources(page)
    if remote:
        shown = ", ".join(sorted(set(remote))[:5])
        raise DscpError(f"the pack would load {len(remote)} resource(s) from the network ({shown}); "
                        "nothing was written")
    copies = page.count(PLOTLY_JS_MARKER)
    headers = len(re.findall(r"\*\s*plotly\.js (?:\([a-z -]+\) )?v\d", page))
    if copies != 1 or headers != 1:
        raise DscpError(f"plotly.js appears {headers} times in the pack (it must be embedded exactly once, by the "
                        "template): a notebook embeds it; use fig.to_html(include_plotlyjs=False)")
