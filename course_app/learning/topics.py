"""Readable names for course topics, in the reader's language."""

from flask_babel import lazy_gettext as _l

TOPIC_NAMES = {
    "health-literacy": _l("Health literacy"),
    "digital-literacy": _l("Digital literacy"),
    "precision-medicine": _l("Precision medicine"),
    "research-participation": _l("Taking part in research"),
    "community-science": _l("Community science"),
    "diversity-in-research": _l("Diversity in research"),
}

LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def topic_name(slug: str) -> str:
    return str(TOPIC_NAMES.get(slug, slug.replace("-", " ").capitalize()))
