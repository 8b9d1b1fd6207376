"""The baseline for bench/http_bench.py: bare Flask rendering a small Jinja template string.

Served by gunicorn exactly like the real app (`gunicorn --pythonpath bench hello_app:app`), so
the difference in requests per second is what the course app itself costs per page.

The template string is registered with a DictLoader and rendered with `render_template`, so it is
compiled once and cached like the app's own templates. `render_template_string` would compile it
again on every request (about 0.6 ms here, four times the cost of the whole page) and make the
baseline look slower than a bare page is.
"""

from __future__ import annotations

from flask import Flask, render_template
from jinja2 import DictLoader

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<h1>{{ title }}</h1>
<p>{{ text }}</p>
</body>
</html>
"""

app = Flask(__name__)
app.jinja_loader = DictLoader({"hello.html": PAGE})


@app.get("/")
def hello():
    return render_template(
        "hello.html", title="Hello", text="A bare Flask page rendered from a small Jinja template."
    )
