"""A two-language course whose lesson holds one of each practice activity (issue 12): a
"find it on the screen" picture and a "try it" form, as knowledge checks."""

from __future__ import annotations

from pathlib import Path

from tests.content import BILINGUAL_FILES, write_bilingual

SLUG = "tiny-bilingual"
LESSON = f"/courses/{SLUG}/lessons/first-lesson"

PICTURE = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 120">
<title>{title}</title><rect width="200" height="120" fill="#fff"/>
<text x="10" y="30">{name}</text><text x="10" y="90">{date}</text></svg>"""

HOTSPOT_EN = """
```check
key: check-find-the-date
type: hotspot
prompt: Where is the date the medicine expires?
picture: ../pictures/label.svg
alt: A medicine label with a name at the top and a date at the bottom.
areas:
  - text: The name at the top
    area: [5, 10, 150, 30]
    feedback: Not this one. That is the name of the medicine.
  - text: The date at the bottom
    area: [5, 70, 150, 30]
    correct: true
    feedback: Yes. That is the date it expires.
explanation: The expiry date tells you until when the medicine is good.
```

```check
key: check-try-sign-in
type: form_practice
prompt: "Try it: type the username **rosa.m** and the password **Kite-42**."
fields:
  - id: username
    label: Username
    accepted: [rosa.m]
    feedback_incorrect: The username is rosa.m.
  - id: password
    label: Password
    kind: password
    accepted: [Kite-42]
    feedback_incorrect: Type the password exactly, with the capital K.
explanation: Usernames rarely care about capital letters; passwords always do.
```
"""

HOTSPOT_ES = """
```check
key: check-find-the-date
type: hotspot
prompt: ¿Dónde está la fecha en que vence la medicina?
picture: ../../pictures/es/label.svg
alt: Una etiqueta de medicina con un nombre arriba y una fecha abajo.
areas:
  - text: El nombre de arriba
    area: [5, 10, 150, 30]
    feedback: Este no. Es el nombre de la medicina.
  - text: La fecha de abajo
    area: [5, 70, 150, 30]
    correct: true
    feedback: Sí. Es la fecha en que vence.
explanation: La fecha de vencimiento le dice hasta cuándo sirve la medicina.
```

```check
key: check-try-sign-in
type: form_practice
prompt: "Pruébelo: escriba el usuario **rosa.m** y la contraseña **Kite-42**."
fields:
  - id: username
    label: Nombre de usuario
    accepted: [rosa.m]
    feedback_incorrect: El usuario es rosa.m.
  - id: password
    label: Contraseña
    kind: password
    accepted: [Kite-42]
    feedback_incorrect: Escriba la contraseña exactamente, con la K mayúscula.
explanation: El usuario casi nunca distingue mayúsculas; la contraseña siempre.
```
"""


def write_practice_course(root: Path) -> Path:
    en = BILINGUAL_FILES["m1/01-first.md"].replace("# Key points", HOTSPOT_EN + "\n# Key points")
    es = BILINGUAL_FILES["es/m1/01-first.md"].replace(
        "# Puntos clave", HOTSPOT_ES + "\n# Puntos clave"
    )
    folder = write_bilingual(root, {"m1/01-first.md": en, "es/m1/01-first.md": es})
    (folder / "pictures" / "es").mkdir(parents=True, exist_ok=True)
    (folder / "pictures" / "label.svg").write_text(
        PICTURE.format(title="A medicine label", name="Pain reliever", date="EXP 03/2027")
    )
    (folder / "pictures" / "es" / "label.svg").write_text(
        PICTURE.format(title="Una etiqueta de medicina", name="Analgésico", date="VENCE 03/2027")
    )
    return folder
