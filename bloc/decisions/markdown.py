"""Members' text made safe for the page: Markdown rendering and word-level differences.

Markdown is rendered with raw HTML switched off, then sanitised with a small
allow-list, so that neither a script nor a ``javascript:`` link can get through,
whatever the parser lets pass.
"""

from __future__ import annotations

import difflib
import re

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False})

_TAGS = {
    "p",
    "em",
    "strong",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "hr",
    "br",
}
_ATTRIBUTES = {"a": {"href"}}
_SCHEMES = {"http", "https", "mailto"}
# Headings in a member's text start below the page's own h1.
_HEADING = re.compile(r"<(/?)h1>")


def render(text: str) -> SafeString:
    """Markdown to sanitised HTML (a ``# heading`` becomes an h2)."""
    html = _HEADING.sub(r"<\1h2>", _parser.render(text or ""))
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="nofollow noopener",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised just above


_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def word_diff(before: str, after: str) -> SafeString:
    """``after`` with what changed since ``before`` marked: ``<del>`` struck, ``<ins>``
    inserted. Everything else is escaped; line breaks are kept by the caller's CSS
    (``white-space: pre-wrap``) or read as spaces."""
    old, new = _TOKEN.findall(before or ""), _TOKEN.findall(after or "")
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(old[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(old[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(new[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped
