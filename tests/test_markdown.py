"""Credential markdown: a small safe subset survives; the rest is shown as text or dropped."""

from __future__ import annotations

import re

import pytest

from wallet.markdown import render_markdown


def tags_in(html: str) -> set[str]:
    return set(re.findall(r"<([a-z0-9]+)", html))


def test_render_markdown_basic_formatting_keeps_allowed_tags() -> None:
    html = render_markdown("Pass *both* **tests**:\n\n- written\n- `practical`\n\n1. one")
    assert tags_in(html) == {"p", "em", "strong", "ul", "ol", "li", "code"}


def test_render_markdown_raw_script_is_escaped_text() -> None:
    html = render_markdown("Hi <script>alert(1)</script> <b onclick=x()>b</b>")
    assert "<script" not in html and "<b" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html,<script>alert(1)</script>)",
        "[x](vbscript:msgbox)",
        "<javascript:alert(1)>",
    ],
)
def test_render_markdown_unsafe_link_scheme_has_no_href(link: str) -> None:
    html = render_markdown(link)
    assert "href" not in html


def test_render_markdown_web_link_gets_nofollow_noopener() -> None:
    html = render_markdown("[criteria](https://issuer.example/c) and [mail](mailto:a@b.org)")
    assert html.count('rel="nofollow noopener"') == 2
    assert 'href="https://issuer.example/c"' in html and 'href="mailto:a@b.org"' in html


@pytest.mark.parametrize(
    "text",
    ["![badge](https://tracker.example/pixel.png)", "# Heading", "| a |\n|---|\n| b |", "> quote"],
)
def test_render_markdown_disallowed_block_renders_no_such_element(text: str) -> None:
    assert tags_in(render_markdown(text)) <= {"p", "a", "br"}
    assert "<img" not in render_markdown(text)


def test_render_markdown_line_break_becomes_br() -> None:
    assert "<br>" in render_markdown("one\ntwo")


def test_render_markdown_empty_text_is_empty_markup() -> None:
    assert render_markdown(None) == "" and render_markdown("") == ""
