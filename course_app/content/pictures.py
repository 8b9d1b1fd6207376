"""Pictures in course folders: checked, made safe and sized once, at import.

Pure: no Flask, no database. A raster picture (PNG, JPEG, WebP) becomes a few widths in its
own format, for `srcset`; an SVG is parsed with defusedxml (no entity tricks) and rebuilt from
an allow-list (no script, no event handlers, no references outside the picture), keeping its
<title>. Every file is named by the hash of its bytes, so it can be cached for a year.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, tostring

import defusedxml.ElementTree as SafeXml
from defusedxml import DefusedXmlException
from markupsafe import escape
from PIL import Image, UnidentifiedImageError

PICTURE_TYPES = {
    ".png": ("image/png", "PNG"),
    ".jpg": ("image/jpeg", "JPEG"),
    ".jpeg": ("image/jpeg", "JPEG"),
    ".webp": ("image/webp", "WEBP"),
    ".svg": ("image/svg+xml", "SVG"),
}
# Phone, phone at 2x or tablet, large screen: the lesson column is about 46rem wide.
WIDTHS = (360, 720, 1080)
SIZES = "(max-width: 46rem) 100vw, 46rem"
MAX_BYTES = 5_000_000
MAX_PIXELS = 40_000_000
# Alt text that says the picture only decorates: it is then hidden from screen readers.
DECORATIVE = frozenset({"decorative", "decorativa", "decorativo"})
MEDIA_URL = "/media/"

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
SVG_TAGS = frozenset(
    {
        "svg", "g", "defs", "title", "desc", "path", "rect", "circle", "ellipse", "line",
        "polyline", "polygon", "text", "tspan", "use", "symbol", "linearGradient",
        "radialGradient", "stop", "clipPath", "mask", "pattern", "marker", "style",
    }
)  # fmt: skip
SVG_ATTRIBUTES = frozenset(
    {
        "id", "class", "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx",
        "cy", "r", "rx", "ry", "d", "points", "fill", "fill-opacity", "fill-rule", "stroke",
        "stroke-width", "stroke-opacity", "stroke-linecap", "stroke-linejoin",
        "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity", "transform",
        "font-family", "font-size", "font-weight", "font-style", "text-anchor",
        "dominant-baseline", "letter-spacing", "dx", "dy", "rotate", "textLength",
        "text-decoration",
        "preserveAspectRatio", "offset", "stop-color", "stop-opacity", "gradientUnits",
        "gradientTransform", "clip-path", "clip-rule", "mask", "patternUnits",
        "markerWidth", "markerHeight", "refX", "refY", "orient", "markerUnits", "marker-start",
        "marker-mid", "marker-end", "role", "aria-label", "aria-hidden", "lang", "xml:space",
        "visibility", "display", "paint-order", "vector-effect", "href", "style",
    }
)  # fmt: skip
# url(#id) only: any other url() would fetch something from outside the picture.
_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")


class PictureError(ValueError):
    """Why a picture file cannot be used, in an author's words."""


@dataclass(frozen=True)
class Variant:
    """One file served for a picture: a width of a raster picture, or the cleaned SVG."""

    name: str  # content hash and extension, the last part of its address
    content_type: str
    width: int
    height: int
    data: bytes = field(repr=False)

    @property
    def url(self) -> str:
        return MEDIA_URL + self.name


@dataclass(frozen=True)
class Picture:
    width: int  # of the largest variant: the page reserves its shape before it loads
    height: int
    variants: tuple[Variant, ...]  # narrowest first
    vector: bool = False


def variant_of(
    data: bytes, extension: str, content_type: str, width: int = 0, height: int = 0
) -> Variant:
    """A file to serve, named by the hash of its bytes."""
    digest = hashlib.sha256(data).hexdigest()[:40]
    return Variant(f"{digest}{extension}", content_type, width, height, data)


def _variant(data: bytes, extension: str, width: int, height: int) -> Variant:
    return variant_of(data, extension, PICTURE_TYPES[extension][0], width, height)


def prepare_picture(path: Path) -> Picture:
    """The picture at path, sized or cleaned for the web; PictureError when it cannot be used."""
    extension = path.suffix.lower()
    if extension == ".jpeg":
        extension = ".jpg"
    if extension not in PICTURE_TYPES:
        raise PictureError(
            f"'{path.name}' is not a picture this site can show: use a .png, .jpg, .webp or "
            ".svg file"
        )
    if path.stat().st_size > MAX_BYTES:
        raise PictureError(f"'{path.name}' is larger than {MAX_BYTES // 1_000_000} MB")
    data = path.read_bytes()
    if extension == ".svg":
        return _prepare_svg(data, path.name)
    return _prepare_raster(data, extension, path.name)


def _prepare_raster(data: bytes, extension: str, name: str) -> Picture:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != PICTURE_TYPES[extension][1]:
                raise PictureError(
                    f"'{name}' is not really a {extension[1:].upper()} file "
                    f"(it holds {image.format or 'something else'})"
                )
            image.load()
            image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
            if extension == ".jpg":
                image = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise PictureError(f"'{name}' cannot be read as a picture ({error})") from None
    widths = [w for w in WIDTHS if w < image.width] + [min(image.width, WIDTHS[-1])]
    variants = []
    for width in sorted(set(widths)):
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize((width, height), Image.LANCZOS)
        out = io.BytesIO()
        if extension == ".jpg":
            resized.save(out, "JPEG", quality=80, optimize=True, progressive=True)
        elif extension == ".webp":
            resized.save(out, "WEBP", quality=80, method=6)
        else:
            resized.save(out, "PNG", optimize=True)
        variants.append(_variant(out.getvalue(), extension, width, height))
    largest = variants[-1]
    return Picture(largest.width, largest.height, tuple(variants))


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _safe_reference(value: str) -> bool:
    return value.strip().startswith("#")


def _safe_style_value(value: str) -> bool:
    lowered = value.lower()
    return (
        all(_safe_reference(url) for url in _URL.findall(value))
        and "@import" not in lowered
        and "expression(" not in lowered
    )


def _clean_svg_element(source: Element, parent: Element | None) -> Element | None:
    namespace, name = _local(source.tag)
    if namespace not in ("", SVG_NS) or name not in SVG_TAGS:
        return None  # script, foreignObject, image, a, style, animate...: dropped whole
    if name == "style" and not _safe_style_value(source.text or ""):
        return None
    target = Element(name) if parent is None else SubElement(parent, name)
    for key, value in source.attrib.items():
        attr_ns, attr = _local(key)
        if attr_ns == XLINK_NS and attr == "href":
            attr = "href"
        elif attr_ns == "http://www.w3.org/XML/1998/namespace":
            attr = f"xml:{attr}"
        elif attr_ns:
            continue
        if attr not in SVG_ATTRIBUTES or attr.lower().startswith("on"):
            continue
        if attr == "href" and not _safe_reference(value):
            continue
        if not _safe_style_value(value):
            continue
        target.set(attr, value)
    target.text = source.text
    for child in source:
        cleaned = _clean_svg_element(child, target)
        if cleaned is not None:
            cleaned.tail = child.tail
    return target


def sanitise_svg(data: bytes, name: str = "picture.svg") -> bytes:
    """The SVG rebuilt from the allow-list; PictureError when it is not a readable SVG."""
    try:
        root = SafeXml.fromstring(data, forbid_dtd=True)
    except (SafeXml.ParseError, DefusedXmlException, ValueError) as error:
        raise PictureError(f"'{name}' cannot be read as an SVG picture ({error})") from None
    if _local(root.tag) != (SVG_NS, "svg"):
        raise PictureError(
            f"'{name}' is not an SVG picture (it must start with <svg xmlns=\"{SVG_NS}\">)"
        )
    cleaned = _clean_svg_element(root, None)
    assert cleaned is not None
    cleaned.set("xmlns", SVG_NS)
    return tostring(cleaned, encoding="utf-8", xml_declaration=False)


def _svg_size(svg: bytes, name: str) -> tuple[int, int]:
    root = SafeXml.fromstring(svg)
    width, height = _LENGTH.match(root.get("width", "")), _LENGTH.match(root.get("height", ""))
    if width and height:
        return round(float(width.group(1))), round(float(height.group(1)))
    box = root.get("viewBox", "").replace(",", " ").split()
    try:
        w, h = float(box[2]), float(box[3])
    except (IndexError, ValueError):
        raise PictureError(
            f"'{name}' needs a viewBox (like viewBox=\"0 0 640 400\") so the page knows its shape"
        ) from None
    if w <= 0 or h <= 0:
        raise PictureError(f"'{name}' has a viewBox with no width or height")
    return round(w), round(h)


def _prepare_svg(data: bytes, name: str) -> Picture:
    svg = sanitise_svg(data, name)
    width, height = _svg_size(svg, name)
    return Picture(width, height, (_variant(svg, ".svg", width, height),), vector=True)


def is_decorative(alt: str) -> bool:
    return alt.strip().casefold() in DECORATIVE


def picture_html(picture: Picture, alt: str, caption: str, *, lazy: bool, block: bool) -> str:
    """The <img> (in a <figure> with its caption when it stands alone) for a prepared picture."""
    largest = picture.variants[-1]
    attrs = [f'src="{escape(_fallback(picture).url)}"']
    if len(picture.variants) > 1:
        srcset = ", ".join(f"{v.url} {v.width}w" for v in picture.variants)
        attrs += [f'srcset="{escape(srcset)}"', f'sizes="{SIZES}"']
    attrs += [
        f'width="{largest.width}"',
        f'height="{largest.height}"',
        f'alt="{"" if is_decorative(alt) else escape(alt.strip())}"',
        'decoding="async"',
    ]
    if lazy:
        attrs.append('loading="lazy"')
    img = f"<img {' '.join(attrs)}>"
    if not block:
        return img
    figcaption = f"<figcaption>{escape(caption.strip())}</figcaption>" if caption.strip() else ""
    return f'<figure class="picture">{img}{figcaption}</figure>'


def _fallback(picture: Picture) -> Variant:
    """What a browser without srcset loads: the phone-at-2x width, or the largest there is."""
    fitting = [v for v in picture.variants if v.width <= WIDTHS[1]]
    return fitting[-1] if fitting else picture.variants[0]
