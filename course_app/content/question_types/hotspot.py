"""`hotspot`: "find it on the screen". A picture (a patient portal, a pill bottle label, a scam
message) with numbered areas marked on it; the learner picks the right one by clicking it in
the picture, or (keyboard, screen reader, no JavaScript) from the list of the marked areas.
Graded like `single`: exactly one area is right, each may have its own feedback."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from course_app.content.pictures import Picture
from course_app.content.question_types.base import QuestionSpec, read_entries
from course_app.content.question_types.single import Single

if TYPE_CHECKING:
    from course_app.content.checker import Checker
    from course_app.content.loader import YamlMap

AREA_FIELDS = (("text", "area"), ("id", "correct", "feedback"))


class Hotspot(Single):
    name = "hotspot"
    required_fields = ("picture", "alt", "areas")
    field_template = "question_types/hotspot_field.html"
    nothing_picked = _l("Please choose one of the marked areas.")
    one_right_needed = "a 'hotspot' question needs exactly one area"

    def check(self, check: Checker, data: YamlMap, question: QuestionSpec) -> None:
        question.values["picture_src"] = check.text(data, "picture", max_length=300)
        question.values["picture_line"] = data.line_of("picture")
        question.values["alt"] = check.text(data, "alt", max_length=300)
        areas = check.listing(data, "areas", minimum=2)
        question.choices = read_entries(check, areas, "a marked area", AREA_FIELDS)
        boxes = []
        for index, raw in enumerate(areas):
            box = raw.get("area") if hasattr(raw, "get") else None
            if not (
                isinstance(box, list)
                and len(box) == 4
                and all(isinstance(n, int | float) and not isinstance(n, bool) for n in box)
                and box[0] >= 0
                and box[1] >= 0
                and box[2] > 0
                and box[3] > 0
            ):
                check.add(
                    areas.line_of(index),
                    "'area' is the marked box on the picture: [x, y, width, height], in the "
                    "picture's own units (the SVG viewBox, or pixels)",
                )
                box = [0, 0, 1, 1]
            boxes.append([float(n) for n in box])
        question.values["areas"] = boxes
        correct = sum(c.correct for c in question.choices)
        if question.choices and correct != 1:
            check.add(
                data.line_of("areas"),
                f"{self.one_right_needed} with 'correct: true' (found {correct})",
            )

    def check_picture(self, check: Checker, question: QuestionSpec, picture: Picture) -> None:
        """Every marked area lies on the picture."""
        for box in question.values.get("areas", []):
            x, y, w, h = box
            if x + w > picture.width or y + h > picture.height:
                check.add(
                    question.values.get("picture_line", question.line),
                    f"a marked area [{', '.join(f'{n:g}' for n in box)}] goes past the edge of "
                    f"the picture ({picture.width} by {picture.height})",
                )

    def answer_shape(self, question: QuestionSpec) -> tuple:
        return (*super().answer_shape(question), len(question.values.get("areas", [])))

    def stored_data(self, question: QuestionSpec) -> dict[str, Any]:
        data = super().stored_data(question)
        for choice, box in zip(data["choices"], question.values.get("areas", []), strict=False):
            choice["area"] = box
        picture: Picture | None = question.values.get("picture")
        if picture is not None:
            shown = next(
                (v for v in reversed(picture.variants) if v.width <= 1080), picture.variants[0]
            )
            data["picture"] = {
                "url": shown.url,
                "width": picture.width,
                "height": picture.height,
                "alt": question.values.get("alt", ""),
            }
        return data
