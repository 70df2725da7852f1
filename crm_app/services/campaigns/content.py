"""The parts of a campaign mail: the plain-text part and an HTML part built from plain text.

Rules:
- a template is plain text (never HTML from the writer): the HTML part escapes it, turns blank
  lines into paragraphs and line breaks into <br>, and makes http(s) addresses links;
- each address in the text is replaced by its tracked link (if the caller has one for it),
  in both parts, so a click is counted whichever part the reader sees;
- the HTML part is dir="rtl" (and right-aligned) for a right-to-left language (he, fa, …);
- every campaign mail ends with the unsubscribe link, in both parts.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping

# An http(s) address up to white space or a quote/bracket; trailing punctuation is not part
# of it ("see https://x.ee/a." links to https://x.ee/a).
_URL = re.compile(r"https?://[^\s<>\"'()\[\]{}]+", re.IGNORECASE)
_TRAILING = ".,;:!?"
MAX_URL = 2000
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ps", "ur", "yi"})


def is_rtl(language: str | None) -> bool:
    """Whether a mail in ``language`` (a code such as "he" or "fa-IR") reads right to left."""
    return (language or "").split("-")[0].split("_")[0].lower() in RTL_LANGUAGES


def _split_trailing(url: str) -> tuple[str, str]:
    core = url.rstrip(_TRAILING)
    return core, url[len(core) :]


def find_links(text: str) -> list[str]:
    """The distinct http(s) addresses in ``text``, in order of first appearance."""
    out: list[str] = []
    for match in _URL.finditer(text or ""):
        url, _rest = _split_trailing(match.group(0))
        if url not in out and len(url) <= MAX_URL:
            out.append(url)
    return out


def _replace_links(text: str, convert: Callable[[str], str], plain: Callable[[str], str]) -> str:
    """Apply ``convert`` to each address and ``plain`` to the text between them."""
    out: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        url, rest = _split_trailing(match.group(0))
        out.append(plain(text[last : match.start()]))
        out.append(convert(url))
        out.append(plain(rest))
        last = match.end()
    out.append(plain(text[last:]))
    return "".join(out)


def text_part(
    body: str, tracked: Mapping[str, str], unsubscribe_url: str, unsubscribe_label: str
) -> str:
    """The plain-text part: addresses replaced by their tracked links, unsubscribe at the end."""
    text = _replace_links(body or "", lambda url: tracked.get(url, url), lambda t: t)
    return f"{text.rstrip()}\n\n-- \n{unsubscribe_label}: {unsubscribe_url}\n"


def _paragraphs(escaped: str) -> str:
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", escaped) if b.strip()]
    return "".join(f"<p>{b.replace(chr(10), '<br>')}</p>" for b in blocks)


def html_part(
    body: str,
    *,
    language: str,
    tracked: Mapping[str, str],
    unsubscribe_url: str,
    unsubscribe_label: str,
    pixel_url: str | None,
) -> str:
    """The HTML part of ``body`` (plain text, merge fields already filled)."""

    def link(url: str) -> str:
        target = html.escape(tracked.get(url, url), quote=True)
        return f'<a href="{target}">{html.escape(url)}</a>'

    inner = _paragraphs(_replace_links((body or "").replace("\r\n", "\n"), link, html.escape))
    rtl = is_rtl(language)
    direction = ' dir="rtl"' if rtl else ' dir="ltr"'
    align = "right" if rtl else "left"
    lang = html.escape(language or "en", quote=True)
    footer = (
        f'<p style="font-size:12px;color:#666"><a href="{html.escape(unsubscribe_url, quote=True)}">'
        f"{html.escape(unsubscribe_label)}</a></p>"
    )
    pixel = (
        f'<img src="{html.escape(pixel_url, quote=True)}" width="1" height="1" alt="">'
        if pixel_url
        else ""
    )
    return (
        f'<!DOCTYPE html><html lang="{lang}"{direction}><head><meta charset="utf-8"></head>'
        f'<body{direction} style="text-align:{align}">{inner}{footer}{pixel}</body></html>'
    )
