"""The analyst's commentary: one Markdown file per period, shown safely in the pack.

`<commentary_dir>/<period code>.md` (e.g. `data/commentary/2024-25-Q4.md`). Text
before the first level-2 heading is the headline commentary (the front page);
each `## <theme>` heading starts a theme's commentary. Headings are matched to
themes forgivingly: case, punctuation, `&` for "and", and a trailing word
"commentary" do not matter (`## Domestic abuse commentary` is the domestic
abuse theme; so are `## domestic_abuse` and `## DOMESTIC ABUSE:`). A heading
that still matches no theme is reported by `dscp build` as a warning naming the
file and line, and its text is not shown.

Raw HTML in the file is shown as text, images become their description, only
http(s) and mailto links become links, and `<!-- ... -->` comments are notes to
self, left out. Whatever the text says, it never fails the build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..indicators import THEMES
from ..periods import parse_period

HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
HEADING = re.compile(r"^ {0,3}##\s+(.*?)\s*#*\s*$")
TRAILING_WORDS = ("commentary", "comments", "narrative")


@dataclass
class Commentary:
    """A period's commentary split by theme (`None`: the headline), and the headings that matched nothing."""

    parts: dict[str | None, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def commentary_file(commentary_dir: str | Path, period) -> Path:
    return Path(commentary_dir) / f"{parse_period(period).code}.md"


def _normalise(text: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and ").replace("_", " ")).split()
    while words and words[-1] in TRAILING_WORDS:
        words.pop()
    return " ".join(words)


def theme_of_heading(text: str) -> str | None:
    """The theme a `## ...` heading names (its title or its id, forgivingly), or None."""
    wanted = _normalise(text)
    for theme in THEMES:
        if wanted in (_normalise(theme.id), _normalise(theme.title)):
            return theme.id
    return None


def read_commentary(commentary_dir: str | Path, period) -> Commentary:
    """The commentary for `period` (empty when there is no file); never raises for what the text says."""
    path = commentary_file(commentary_dir, period)
    found = Commentary()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return found
    except (OSError, UnicodeDecodeError) as exc:
        found.warnings.append(f"{path}: cannot be read ({exc}); no commentary is shown")
        return found
    text = HTML_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)  # keep line numbers
    current: str | None = None
    lines: dict[str | None, list[str]] = {None: []}
    in_fence = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        match = None if in_fence else HEADING.match(line)
        if match:
            current = theme_of_heading(match.group(1))
            if current is None:
                current = f"unknown:{number}"
                titles = ", ".join(t.title for t in THEMES)
                found.warnings.append(f"{path}, line {number}: the heading '## {match.group(1)}' matches no theme "
                                      f"({titles}); its text is not shown")
            lines.setdefault(current, [])
            continue
        lines.setdefault(current, []).append(line)
    found.parts = {k: "\n".join(v).strip() for k, v in lines.items() if k is None or not str(k).startswith("unknown:")}
    return found


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.validateLink = lambda url: url.strip().lower().startswith(("http://", "https://", "mailto:"))
    return md


def render_markdown(text: str, heading_offset: int = 2) -> str:
    """Markdown to safe HTML: raw HTML as text, images as their description, only http(s)/mailto links,
    headings pushed down by `heading_offset` levels (a `#` in a theme's commentary is below its section)."""
    md = _markdown()
    tokens = md.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + heading_offset)}"
        if token.type == "inline" and token.children:
            children = []
            for child in token.children:
                if child.type == "image":
                    alt = "".join(c.content for c in (child.children or [])) or child.content
                    replacement = Token("text", "", 0)
                    replacement.content = f"[image: {alt}]" if alt else "[image]"
                    children.append(replacement)
                else:
                    children.append(child)
            token.children = children
    return md.renderer.render(tokens, md.options, {})
