"""Places where packages above learning add to learning's pages, as Indico's template hooks:
learning sends a signal while it builds the page, and each receiver returns what it adds."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

my_learning_shown = _signals.signal(
    "my-learning-shown",
    doc="Sent with `learner=` and `courses=` (their CourseProgress) while My learning is built; "
    "a receiver returns a dict of template values to add (e.g. `certificates`, `assigned`).",
)
