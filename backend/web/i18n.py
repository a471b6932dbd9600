"""The console's languages: gettext catalogs through Flask-Babel.

English is the source language (the msgids in templates and scripts); every other language
is a catalog in backend/web/translations/<code>/LC_MESSAGES/messages.po, compiled to .mo
by `make install` (`make translations` extracts new strings and updates the catalogs).
Adding a language is a catalog, not code: the languages offered are English and every
catalog found. The language is chosen by ?lang=, then a cookie, then the browser's
Accept-Language; English when nothing matches.

The scripts get the page's catalog as data (``js_catalog``): ``_()``, ``pgettext()`` and
``ngettext()`` in app.js look strings up in it, and ``labelOf()`` turns the API's values
(booking statuses, stop kinds, missed reasons) into words through ``LABELS``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel import Locale
from flask import Flask, current_app, request
from flask_babel import Babel, get_translations, lazy_gettext, lazy_pgettext

SOURCE_LANGUAGE = "en"
TRANSLATIONS = Path(__file__).parent / "translations"

# The API's values the pages show in words, looked up by the scripts' labelOf(value).
LABELS = {
    "routes": lazy_gettext("Routes"),
    "stop": lazy_gettext("Stop"),
    "intake": lazy_gettext("Intake"),
    "corrects": lazy_pgettext("corrects", "corrects"),
    "reason": lazy_gettext("Reason"),
    "online": lazy_gettext("online"),
    "unload": lazy_gettext("Unload"),
    "booking": lazy_gettext("Pickup"),
    "planned": lazy_gettext("planned"),
    "done": lazy_gettext("collected"),
    "no_access": lazy_gettext("no access"),
    "blocked": lazy_gettext("blocked"),
    "not_out": lazy_gettext("not put out"),
    "contaminated": lazy_gettext("contaminated"),
    "resident_absent": lazy_gettext("resident absent"),
    "vehicle_full": lazy_gettext("vehicle full"),
    "other": lazy_gettext("other"),
    "open": lazy_gettext("open"),
    "awarded": lazy_gettext("awarded"),
    "unsold": lazy_gettext("unsold"),
    "requested": lazy_gettext("requested"),
    "scheduled": lazy_gettext("scheduled"),
    "en_route": lazy_gettext("en route"),
    "collected": lazy_gettext("collected"),
    "received": lazy_gettext("received"),
    "settled": lazy_gettext("settled"),
    "cancelled": lazy_gettext("cancelled"),
    "missed": lazy_gettext("missed"),
    "step_requested": lazy_gettext("Booked"),
    "step_scheduled": lazy_gettext("On a route, truck assigned"),
    "step_en_route": lazy_gettext("Truck on its way"),
    "step_collected": lazy_gettext("Collected"),
    "step_received": lazy_gettext("Weighed at the sorting center"),
    "step_settled": lazy_gettext("Credited"),
    "why_fixed_en_route": lazy_gettext("The truck is on its way: it can no longer be cancelled or moved"),
    "why_fixed_collected": lazy_gettext("Collected: nothing left to change"),
    "why_fixed_received": lazy_gettext("Weighed at the sorting center: nothing left to change"),
    "why_fixed_settled": lazy_gettext("Settled: the credit is in your wallet"),
    "why_fixed_cancelled": lazy_gettext("Cancelled: book again for a new pickup"),
    "why_fixed_missed": lazy_gettext("This pickup was missed: book again for a new one"),
    "step_done": lazy_gettext("done"),
    "step_todo": lazy_gettext("to come"),
    "op_progress_planned": lazy_gettext("not started"),
    "op_progress_on_route": lazy_gettext("on the route"),
    "op_progress_completed": lazy_gettext("all stops reported"),
    "op_progress_weighed": lazy_gettext("weighed"),
    "op_lot_shipped": lazy_gettext("shipped"),
    "op_lot_received": lazy_gettext("received by the market"),
    "plan_queued": lazy_gettext("queued"),
    "plan_done": lazy_gettext("done"),
    "plan_failed": lazy_gettext("failed"),
    "plan_dispatched": lazy_gettext("dispatched"),
    "plan_cancelled": lazy_gettext("cancelled"),
    "plan_superseded": lazy_gettext("superseded"),
    "phase_matrices": lazy_gettext("building distance matrices"),
    "phase_warm_start": lazy_gettext("warm start"),
    "phase_searching": lazy_gettext("searching"),
    "phase_baseline": lazy_gettext("computing the fixed round to compare"),
    "shift": lazy_gettext("Shift"),
}


def languages() -> tuple[str, ...]:
    """English and every language with a compiled catalog, in a stable order."""
    return _languages(current_app.config["BABEL_TRANSLATION_DIRECTORIES"])


@cache
def _languages(directories: str) -> tuple[str, ...]:
    found = {p.parent.parent.name for d in directories.split(";") for p in Path(d).glob("*/LC_MESSAGES/messages.mo")}
    return (SOURCE_LANGUAGE, *sorted(found - {SOURCE_LANGUAGE}))


def current_language() -> str:
    offered = languages()
    lang = request.args.get("lang") or request.cookies.get("lang")
    if lang in offered:
        return lang
    return request.accept_languages.best_match(offered, default=SOURCE_LANGUAGE)


def language_names() -> dict[str, str]:
    """Each language in its own words (for the switcher): 中文, English, ..."""
    return {code: Locale.parse(code).get_display_name(code) for code in languages()}


def js_catalog() -> dict:
    """What the page's scripts need of the catalog: every translated message (a context's
    key is "context\x04msgid", as gettext stores it; plural forms as lists) and the labels."""
    messages: dict[str, object] = {}
    for key, text in getattr(get_translations(), "_catalog", {}).items():
        if isinstance(key, tuple):  # (msgid, n): a plural form
            forms = messages.setdefault(key[0], [])
            if isinstance(forms, list):
                forms.extend([""] * (key[1] + 1 - len(forms)))
                forms[key[1]] = text
        elif key:  # "" is the catalog's header
            messages[key] = text
    return {"messages": messages, "labels": {k: str(v) for k, v in LABELS.items()}}


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=current_language)
