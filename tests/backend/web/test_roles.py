"""Role-shaped console in a real browser: each account lands on its own page and its header
shows only the links it may use; a page it may not use sends it home; an admin switches
between its several pages; the open-data and sign-in pages need no sign-in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.backend.web.conftest import sign_in

AGENT_PASSWORD = "agent-password-1"
# What each header may show, as data-page names of the role links (open data and the language
# link are everyone's and carry no role).
EXPECTED = {
    "resident2": ("resident", {"resident"}),
    "driver": ("driver", {"driver"}),
    "dispatcher": ("dispatcher", {"dispatcher", "organisation", "twin"}),
    "operator1": ("operator", {"operator"}),
    "roles-agent": ("agent", {"agent"}),
    "buyer2": ("buyer", {"buyer"}),
    "market1": ("market", {"market"}),
}


@pytest.fixture(scope="module")
def accounts_seeded(live):
    """The markets' staff and buyers (demo traders) and a call-center agent."""
    from backend.accounts import services as accounts
    from backend.core.extensions import db
    from backend.markets.services.demo import seed_traders

    app, _ = live
    with app.app_context():
        session = db.session()
        seed_traders(session)
        accounts.create_user(session, {"username": "roles-agent", "password": AGENT_PASSWORD, "role": "agent"}, None)
    db.session.remove()
    return live


def shown_links(page) -> set[str]:
    """The role links the header shows (visible, not merely present in the markup)."""
    links = page.locator("header nav a.role-link")
    return {links.nth(i).get_attribute("data-page") for i in range(links.count()) if links.nth(i).is_visible()}


@pytest.mark.parametrize("username", list(EXPECTED))
def test_each_role_lands_on_its_own_page_and_sees_only_its_links(accounts_seeded, browser, username):
    """Signing in lands the account on its own page, whose header shows exactly that role's links."""
    _, base = accounts_seeded
    home, links = EXPECTED[username]
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, base, username, AGENT_PASSWORD if username == "roles-agent" else "recyclenet-demo")
    page.wait_for_url(f"{base}/console/{home}")
    expect(page.locator("header nav a.role-link.allowed").first).to_be_attached()
    assert shown_links(page) == links
    assert page.locator(f"header nav a[data-page='{home}']").get_attribute("aria-current") == "page"
    assert page.locator("header nav a[data-page='public']").is_visible()
    assert page.locator("#signout").is_visible() and not page.locator("#switcher").is_visible()
    page.close()


def test_the_driver_lands_on_the_driver_page_never_the_dispatcher_map(accounts_seeded, browser):
    """The `driver` account's sign-in goes to the driver page, and the dispatcher page sends it back there."""
    _, base = accounts_seeded
    page = browser.new_page()
    sign_in(page, base, "driver")
    page.wait_for_url(f"{base}/console/driver")
    page.goto(f"{base}/console/dispatcher")
    page.wait_for_url(f"{base}/console/driver")
    assert page.locator("#map").count() == 0
    page.close()


@pytest.mark.parametrize("forbidden", ["dispatcher", "operator", "market", "agent", "buyer", "driver"])
def test_a_resident_opening_another_roles_page_is_sent_to_their_own(accounts_seeded, browser, forbidden):
    """A resident who opens a staff page by its address lands on the resident page instead, its panels never shown."""
    _, base = accounts_seeded
    page = browser.new_page()
    sign_in(page, base, "resident3")
    page.wait_for_url(f"{base}/console/resident")
    page.goto(f"{base}/console/{forbidden}")
    page.wait_for_url(f"{base}/console/resident")
    expect(page.locator("#mine-title")).to_be_visible()
    assert shown_links(page) == {"resident"}
    page.close()


def test_an_admin_switches_between_its_pages(accounts_seeded, browser):
    """An admin lands on the dispatcher page with a switcher (no links) reaching each sorting center's page."""
    app, base = accounts_seeded
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, base, "admin")
    page.wait_for_url(f"{base}/console/dispatcher")
    switcher = page.locator("#switcher")
    expect(switcher).to_be_visible()
    assert shown_links(page) == set()
    values = [o.get_attribute("value") for o in switcher.locator("option").all()]
    centers = [v for v in values if v.startswith("/console/operator?center=")]
    assert len(centers) == 3  # the demo city's three sorting centers
    assert {"/console/dispatcher", "/console/market", "/console/agent", "/console/organisation", "/twin/"} <= set(
        values
    )
    assert "/console/resident" not in values and "/console/buyer" not in values
    switcher.select_option(centers[1])
    page.wait_for_url(f"{base}{centers[1]}")
    expect(page.locator("#center-name")).not_to_be_empty()
    assert switcher.input_value() == centers[1]
    # The sorting-center page without a center is the first center's, not an empty one.
    page.goto(f"{base}/console/operator")
    page.wait_for_url(f"{base}{centers[0]}")
    page.close()


def test_the_open_data_and_sign_in_pages_need_no_sign_in(accounts_seeded, browser):
    """Signed out, the public and sign-in pages stay put and show no role's links; a staff page sends to sign-in."""
    _, base = accounts_seeded
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/console/public?lang=en")
    page.wait_for_selector("#map path.leaflet-interactive", state="attached")
    assert page.url.startswith(f"{base}/console/public")
    assert shown_links(page) == set()
    assert page.locator("#signin-link").is_visible() and not page.locator("#signout").is_visible()
    page.goto(f"{base}/console/login?lang=en")
    assert page.url.startswith(f"{base}/console/login") and shown_links(page) == set()
    page.goto(f"{base}/console/resident")
    page.wait_for_url(f"{base}/console/login")
    context.close()


def test_the_organisation_holder_lands_on_the_organisation_page(accounts_seeded, browser):
    """An organisation signs in as its holder (a resident) and lands on its page, linking the resident page too."""
    from backend.accounts import services as accounts
    from backend.channels.services import organisations
    from backend.core.extensions import db

    app, base = accounts_seeded
    with app.app_context():
        session = db.session()
        holder = accounts.create_user(
            session, {"username": "roles-shop", "password": AGENT_PASSWORD, "role": "resident"}, None
        )
        organisations.create(
            session, holder, {"name": "Corner shop", "kind": "company", "credit_code": "911101080000000007",
                              "account_id": holder.id, "address": "3 Shop Lane", "lat": 30.27, "lon": 120.16},
        )  # fmt: skip
    db.session.remove()
    page = browser.new_page()
    sign_in(page, base, "roles-shop", AGENT_PASSWORD)
    page.wait_for_url(f"{base}/console/organisation")
    expect(page.locator("header nav a.role-link.allowed").first).to_be_attached()
    assert shown_links(page) == {"organisation", "resident"}
    page.close()
