"""The course Markdown dialect: rendering to sanitised HTML, and finding what is not allowed.

Pure: no Flask, no database. One allow-list serves both the sanitiser (what survives) and
the checker (what authors are told about), so a course that validates renders unchanged.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import bleach
from bleach.html5lib_shim import Filter
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = frozenset(
    {
        "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code",
        "pre", "table", "thead", "tbody", "tr", "th", "td", "img", "abbr", "dl", "dt", "dd",
        "br", "hr",
    }
)  # fmt: skip
# `ol start` keeps "3. Call your doctor" numbered as written.
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "img": ["src", "alt", "title"],
    "abbr": ["title"],
    "ol": ["start"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
IMAGE_PROTOCOLS = frozenset({"http", "https"})
UNSAFE_TAGS = frozenset(
    {"script", "style", "iframe", "frame", "frameset", "object", "embed", "link", "meta",
     "base", "form", "input", "button", "textarea", "select", "svg", "math", "template"}
)  # fmt: skip
CHECK_FENCE = "check"
EXTERNAL_REL = "noopener noreferrer"
_HEADING_SHIFT = 1  # the page has the <h1>; a lesson's "#" is an <h2>
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_NEWLINES = re.compile(r"\r\n?")


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable("table")


_md = _markdown()
# The checker must see links the renderer would quietly drop (javascript: and friends).
_scan_md = _markdown()
_scan_md.validateLink = lambda url: True


class _ExternalLinks(Filter):
    """Adds rel="noopener noreferrer" to links that leave the site."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and token["name"] == "a":
                href = token["data"].get((None, "href"), "")
                if is_external(href):
                    token["data"][(None, "rel")] = EXTERNAL_REL
            yield token


_cleaner = bleach.sanitizer.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[_ExternalLinks],
)


def is_external(href: str) -> bool:
    parts = urlsplit(href.strip())
    return parts.scheme in ("http", "https") or (not parts.scheme and bool(parts.netloc))


def sanitise(html: str) -> str:
    """HTML reduced to the allow-list; scripts, handlers, styles and bad URLs removed."""
    return _cleaner.clean(html)


def _shift_headings(tokens: list[Token]) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + _HEADING_SHIFT, 4)
            token.tag = f"h{level}"


def render_markdown(text: str) -> str:
    """Block Markdown as sanitised HTML, headings shifted down one level."""
    tokens = _md.parse(text)
    _shift_headings(tokens)
    return sanitise(_md.renderer.render(tokens, _md.options, {})).strip()


def render_inline(text: str) -> str:
    """One line of Markdown (a choice, an item, feedback) as sanitised inline HTML."""
    return sanitise(_md.renderInline(text.strip())).strip()


def check_marker(key: str) -> str:
    """Where an inline knowledge check goes in a lesson's body_html."""
    return f"<!-- check:{key} -->"


# Builds the trusted HTML of a picture in the course folder: (src, alt, caption, block, n) -> html,
# n counting the pictures of the lesson from 0 (the first loads at once, the rest lazily).
PictureHtml = Callable[[str, str, str, bool, int], str]


def is_local_picture(src: str) -> bool:
    """A picture address that names a file in the course folder (not a web address)."""
    parts = urlsplit(src.strip())
    return not parts.scheme and not parts.netloc and not src.strip().startswith("/")


def _lone_picture(tokens: list[Token], index: int) -> Token | None:
    """The image when tokens[index] opens a paragraph that holds one local picture only."""
    if tokens[index].type != "paragraph_open" or index + 2 >= len(tokens):
        return None
    inline = tokens[index + 1]
    children = [
        c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())
    ]
    children = [c for c in children if c.type not in ("softbreak", "hardbreak")]
    if len(children) == 1 and children[0].type == "image":
        image = children[0]
        if is_local_picture(str(image.attrs.get("src", ""))):
            return image
    return None


def _place_pictures(
    tokens: list[Token], nonce: str, picture_html: PictureHtml
) -> tuple[list[Token], list[str]]:
    """The tokens with local pictures swapped for placeholders, and each picture's HTML."""
    result: list[Token] = []
    found: list[str] = []
    index = 0
    while index < len(tokens):
        image = _lone_picture(tokens, index)
        if image is not None:
            block = Token("html_block", "", 0)
            block.content = f"\n{nonce}p{len(found)}x\n"
            found.append(_picture(image, picture_html, True, len(found)))
            result.append(block)
            index += 3
            continue
        token = tokens[index]
        for child_index, child in enumerate(token.children or []):
            if child.type == "image" and is_local_picture(str(child.attrs.get("src", ""))):
                inline = Token("text", "", 0)
                inline.content = f"{nonce}p{len(found)}x"
                found.append(_picture(child, picture_html, False, len(found)))
                token.children[child_index] = inline
        result.append(token)
        index += 1
    return result, found


def _picture(image: Token, picture_html: PictureHtml, block: bool, number: int) -> str:
    src = str(image.attrs.get("src", ""))
    caption = str(image.attrs.get("title") or "")
    return picture_html(src, image.content, caption, block, number)


def render_lesson(text: str, check_keys: list[str], picture_html: PictureHtml | None = None) -> str:
    """A lesson body as sanitised HTML with each ```check block replaced by its marker, and
    each picture from the course folder by the HTML picture_html makes for it.

    Markers and pictures go in after sanitising, so authors cannot forge one (bleach drops
    comments); a random placeholder carries each one's place through the sanitiser.
    """
    tokens = _md.parse(text)
    _shift_headings(tokens)
    nonce = "chk" + secrets.token_hex(12)
    index = 0
    for token in tokens:
        if token.type == "fence" and token.info.strip() == CHECK_FENCE:
            token.type = "html_block"
            token.content = f"\n{nonce}x{index}x\n"
            index += 1
    pictures: list[str] = []
    if picture_html is not None:
        tokens, pictures = _place_pictures(tokens, nonce, picture_html)
    html = sanitise(_md.renderer.render(tokens, _md.options, {}))
    for number, key in enumerate(check_keys):
        html = html.replace(f"{nonce}x{number}x", check_marker(key))
    for number in range(len(check_keys), index):
        html = html.replace(f"{nonce}x{number}x", "")
    for number, picture in enumerate(pictures):
        html = html.replace(f"{nonce}p{number}x", picture)
    return html.strip()


@dataclass(frozen=True)
class PictureRef:
    """A picture written in Markdown: its line (0-based, within the text), address, alt text
    and caption."""

    line: int
    src: str
    alt: str
    caption: str


def picture_refs(text: str) -> list[PictureRef]:
    """Every Markdown picture in a text, in order."""
    text = _NEWLINES.sub("\n", text)
    lines = text.split("\n")
    refs = []
    for token in _scan_md.parse(text):
        for child in token.children or []:
            if child.type == "image":
                start, end = token.map if token.map else (0, len(lines))
                src = str(child.attrs.get("src", ""))
                line = _line_of(lines, start, end, src or "![")
                caption = str(child.attrs.get("title") or "")
                refs.append(PictureRef(line, src, child.content, caption))
    return refs


@dataclass(frozen=True)
class CheckFence:
    """A ```check block: its first line (0-based, within the text), its YAML and nesting."""

    line: int
    content: str
    nested: bool


def check_fences(text: str) -> list[CheckFence]:
    """Every ```check block in a lesson body, in order."""
    return [
        CheckFence(token.map[0] if token.map else 0, token.content, token.level > 0)
        for token in _md.parse(text)
        if token.type == "fence" and token.info.strip() == CHECK_FENCE
    ]


def prose_text(text: str, stop_headings: frozenset[str] = frozenset()) -> str:
    """The paragraphs and list items a reader reads, one a sentence; headings, code and
    checks left out. Reading stops at a heading in stop_headings (such as "Sources")."""
    blocks = []
    in_heading = False
    for token in _md.parse(text):
        if token.type == "heading_open":
            in_heading = True
            continue
        if token.type == "heading_close":
            in_heading = False
            continue
        if token.type != "inline" or not token.children:
            continue
        words = "".join(
            child.content for child in token.children if child.type in ("text", "code_inline")
        ).strip()
        if in_heading:
            if words.casefold() in stop_headings:
                break
            continue
        if words:
            blocks.append(words if words[-1] in ".!?:;" else words + ".")
    return "\n".join(blocks)


def url_problem(url: str, *, image: bool = False) -> str | None:
    """Why a link or image address is not allowed, or None when it is."""
    cleaned = _INVISIBLE.sub("", url).lower()
    match = _SCHEME.match(cleaned)
    if match is None:
        return None
    allowed = IMAGE_PROTOCOLS if image else ALLOWED_PROTOCOLS
    if match.group(1) in allowed:
        return None
    if image:
        return f"image address '{_short(url)}' is not allowed: use an http:// or https:// address"
    return (
        f"link '{_short(url)}' is not allowed: links must start with https://, http:// "
        "or mailto:, or point to a page on this site"
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _TagScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0] - 1
        if tag in UNSAFE_TAGS:
            self.found.append((line, f"<{tag}> is not allowed in course files (unsafe HTML)"))
            return
        if tag in ("video", "audio"):
            self.found.append(
                (
                    line,
                    f"<{tag}> is not allowed in lesson text: name the file in the front matter "
                    f"('{tag}:'{' with captions:' if tag == 'video' else ''})",
                )
            )
            return
        if tag == "img":
            # Pictures come from the course folder, as Markdown, so the validator can check
            # them; an <img> tag could also fetch from another site as the patron reads.
            self.found.append(
                (line, "write a picture in Markdown: ![description](../pictures/name.svg)")
            )
        if tag not in ALLOWED_TAGS:
            self.found.append(
                (line, f"HTML tag <{tag}> is not allowed; use Markdown or an allowed tag")
            )
            return
        allowed = ALLOWED_ATTRIBUTES.get(tag, [])
        for name, value in attrs:
            if name.startswith("on"):
                message = f"event handler '{name}=' is not allowed (unsafe HTML)"
            elif name == "style":
                message = "style attributes are not allowed; the site's own design is used"
            elif name not in allowed:
                message = f"attribute '{name}' is not allowed on <{tag}>"
            elif name in ("href", "src"):
                message = url_problem(value or "", image=(name == "src"))
            else:
                message = None
            if message:
                self.found.append((line, message))

    handle_startendtag = handle_starttag


def _scan_html(html: str) -> list[tuple[int, str]]:
    scanner = _TagScanner()
    try:
        scanner.feed(html)
        scanner.close()
    except AssertionError:  # html.parser's way of refusing some "<![" markup
        line = scanner.getpos()[0] - 1
        scanner.found.append((line, "this HTML markup cannot be read; remove the '<!' part"))
    return scanner.found


def _line_of(lines: list[str], start: int, end: int, needle: str) -> int:
    """The first line in [start, end) containing needle; start if none does."""
    first = needle.strip().split("\n")[0] if needle.strip() else ""
    for number in range(start, min(end, len(lines))):
        if first and first in lines[number]:
            return number
    return start


def find_unsafe(text: str, *, inline: bool = False) -> list[tuple[int, str]]:
    """Everything in Markdown that the sanitiser would remove: (0-based line, message)."""
    text = _NEWLINES.sub("\n", text)  # as markdown-it counts lines
    lines = text.split("\n")
    tokens = _scan_md.parseInline(text) if inline else _scan_md.parse(text)
    found: list[tuple[int, str]] = []
    for token in tokens:
        start, end = token.map if token.map else (0, len(lines))
        if token.type == "html_block":
            found += [(start + line, message) for line, message in _scan_html(token.content)]
        for child in token.children or []:
            if child.type == "html_inline":
                line = _line_of(lines, start, end, child.content)
                found += [(line, message) for _, message in _scan_html(child.content)]
            elif child.type in ("link_open", "image"):
                attr = "src" if child.type == "image" else "href"
                url = str(child.attrs.get(attr, ""))
                message = url_problem(url, image=child.type == "image")
                if message:
                    found.append((_line_of(lines, start, end, url.split(":")[0] + ":"), message))
    return found
