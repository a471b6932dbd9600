"""axe-core (from npm) on every console page, in both languages: no serious or critical
accessibility violation (WCAG 2.1 A and AA rules). Each page's screenshot goes to
$RECYCLENET_SCREENSHOTS/pages (docs/screenshots/pages for the README) or a temporary folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.backend.web.conftest import sign_in

AXE = Path(__file__).resolve().parents[3] / "backend" / "web" / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "a11y-password-1"
# page -> the account that uses it (None: no sign-in)
PAGES = {
    "login": None,
    "public": None,
    "dispatcher": "dispatcher",
    "operator": "operator1",
    "resident": "resident1",
    "driver": "driver",
    "agent": "a11y-agent",
    "buyer": "buyer",
    "market": "market",
    "organisation": "resident1",
}
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def accounts_of(live):
    """The demo city's staff and residents, plus an agent, a buyer and a market's staff."""
    from backend.accounts import services as accounts
    from backend.accounts.models import User
    from backend.core.extensions import db
    from backend.markets.services.demo import seed_traders

    app, _ = live
    with app.app_context():
        session = db.session()
        seed_traders(session)
        accounts.create_user(session, {"username": "a11y-agent", "password": PASSWORD, "role": "agent"}, None)
        buyer = session.scalar(select(User.username).where(User.role == "buyer").order_by(User.id).limit(1))
        from backend.network.models import Site

        market = session.scalar(select(Site.id).where(Site.tier == "distribution_market").order_by(Site.id).limit(1))
        staff = session.scalar(select(User.username).where(User.sorting_center_id == market).limit(1))
    db.session.remove()
    names = {"buyer": buyer, "market": staff}
    return lambda page: names.get(PAGES[page], PAGES[page]), {"a11y-agent": PASSWORD}


def _violations(page) -> list[dict]:
    page.add_script_tag(content=AXE.read_text())
    found = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: "tag",
              values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})).violations
           .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}))"""
    )
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violation(live, browser, accounts_of, name, lang, tmp_path):
    """axe-core finds no serious or critical WCAG 2.1 A/AA violation on the page once its data has loaded."""
    _, base = live
    who, passwords = accounts_of
    # bypass_csp: axe is injected by the test; the pages themselves keep their policy.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    username = who(name)
    if username is not None:
        sign_in(page, base, username, passwords.get(username, "recyclenet-demo"))
        page.wait_for_url(lambda url: "/console/login" not in url)
    page.goto(f"{base}/console/{name}?lang={lang}")
    page.wait_for_load_state("networkidle")
    folder = Path(os.environ.get("RECYCLENET_SCREENSHOTS") or tmp_path) / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}-{lang}.png"), full_page=True)
    found = _violations(page)
    context.close()
    print(f"axe {name} {lang}: " + json.dumps(found, ensure_ascii=False))
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert blocking == [], json.dumps(blocking, ensure_ascii=False, indent=1)


def test_the_check_sees_a_planted_violation(live, browser):
    """The harness is live: an image without alternative text planted in the login page is reported as critical."""
    _, base = live
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}/console/login?lang=en")
    page.evaluate(
        "document.querySelector('main').append(Object.assign(document.createElement('img'), {src: '/x.png'}))"
    )
    found = _violations(page)
    context.close()
    assert any(v["id"] == "image-alt" and v["impact"] == "critical" for v in found), found


def test_the_login_form_is_reachable_by_keyboard_with_a_visible_focus(live, browser):
    """Tab from the top reaches the skip link, then username, password and the sign-in button, each with a ring."""
    _, base = live
    page = browser.new_page()
    page.goto(f"{base}/console/login?lang=en")
    seen = []
    for _ in range(30):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                """() => { const e = document.activeElement;
                   return [e === document.body ? "BODY" : e.className || e.name || e.type || e.tagName,
                           getComputedStyle(e).outlineStyle]; }"""
            )
        )
    page.close()
    names = [name for name, _ in seen]
    assert names[0] == "skip"
    login = [names.index(n) for n in ("username", "password")]
    assert login == sorted(login)
    assert "submit" in names[login[1] :]
    # Every control the keyboard lands on shows the ring (the page's body, after the last one, has none).
    assert all(outline != "none" for name, outline in seen if name != "BODY"), seen
