"""Readable names for course topics, in the reader's language."""

from flask_babel import lazy_gettext as _l

TOPIC_NAMES = {
    "health-literacy": _l("Health literacy"),
    "digital-literacy": _l("Digital literacy"),
    "precision-medicine": _l("Precision medicine"),
    "research-participation": _l("Taking part in research"),
    "community-science": _l("Community science"),
    "diversity-in-research": _l("Diversity in research"),
    "health-insurance": _l("Health insurance"),
    "genetic-privacy": _l("Genetic privacy"),
}

LANGUAGE_NAMES = {"en": "English", "es": "Español"}


# Fernandez-Huerta ease bands (Fernandez Huerta, 1959), easiest first.
READING_EASE_NAMES = (
    (90, _l("very easy")),
    (80, _l("easy")),
    (70, _l("fairly easy")),
    (60, _l("standard")),
    (0, _l("fairly hard")),
)


def reading_ease_name(score: float) -> str:
    return str(next(name for floor, name in READING_EASE_NAMES if score >= floor))


def topic_name(slug: str) -> str:
    return str(TOPIC_NAMES.get(slug, slug.replace("-", " ").capitalize()))
