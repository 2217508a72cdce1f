"""Markdown from credentials rendered to a small, sanitised subset of HTML."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset({"p", "em", "strong", "ul", "ol", "li", "a", "code", "br"})
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
MAX_MARKDOWN_CHARS = 20_000

# Raw HTML stays off: a "<script>" in a credential is shown as text, never parsed as markup.
_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).disable(
    ["image", "table", "heading", "lheading", "fence", "code", "hr", "blockquote", "html_block"],
    ignoreInvalid=True,
)


def render_markdown(text: str | None) -> Markup:
    """``text`` as sanitised HTML: p, em, strong, lists, code, br and http(s)/mailto links."""
    if not text:
        return Markup("")
    html = _PARSER.render(text[:MAX_MARKDOWN_CHARS])
    return Markup(sanitise_html(html))  # noqa: S704 - sanitised just above


def sanitise_html(html: str) -> str:
    """``html`` reduced to the allowed tags, ``href`` only on links, and safe link schemes."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={"a": {"href"}},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel="nofollow noopener",
        strip_comments=True,
    )
