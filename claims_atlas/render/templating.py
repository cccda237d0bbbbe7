"""The one Jinja2 environment for HTML fragments: autoescape on, undefined names an error.

Every HTML fragment the app shows is a macro of templates/fragments.html, called through
`fragment(name, **values)`: catalog text is escaped by Jinja2 on output (markupsafe), never
pasted into markup by hand. A fragment comes back as markupsafe.Markup, so one fragment can
be handed to another without being escaped twice.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup


@cache
def environment() -> Environment:
    from claims_atlas.core import vocab
    from claims_atlas.core.models import PART_LABELS, STATUS_LABELS
    from claims_atlas.render import html

    env = Environment(loader=PackageLoader("claims_atlas.render", "templates"),
                      autoescape=True, undefined=StrictUndefined)
    env.globals.update(
        passage_href=html.passage_href, safe_url=html.safe_url, fmt_date=html.fmt_date,
        swatch_style=html.swatch_style, disposition=vocab.get,
        known=lambda d: d in vocab.BY_ID, part_label=PART_LABELS.__getitem__,
        status_label=lambda s: STATUS_LABELS.get(s, s))
    return env


@cache
def _module():
    return environment().get_template("fragments.html").module


def fragment(name: str, /, *args, **values) -> Markup:
    """The macro `name` of templates/fragments.html, rendered with these values."""
    return Markup(getattr(_module(), name)(*args, **values))
