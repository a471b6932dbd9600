"""The organisation's page edits its sites and contacts in a real browser: the holder renames
a site, adds, edits and removes a contact, and is told why a site a recurring pickup uses
cannot be removed."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.backend.web.conftest import sign_in

PASSWORD = "office-password-1"


def _seed(app):
    """An office signed in by a new resident, with two sites; a recurring pickup at the first."""
    from backend.accounts import services as accounts
    from backend.bookings.services import SlotPolicy
    from backend.channels.services import organisation_sites, organisations
    from backend.core.extensions import db

    with app.app_context():
        session = db.session()
        holder = accounts.create_user(session, {"username": "office1", "password": PASSWORD, "role": "resident"}, None)
        org = organisations.create(
            session, holder, {"name": "Lakeside Offices", "kind": "company", "credit_code": "91350100M000100Y43",
                              "account_id": holder.id, "address": "9 Lake Road", "lat": 30.27, "lon": 120.16},
        )  # fmt: skip
        used = organisation_sites.add_site(
            session, holder, org, {"name": "Tower A", "address": "1 Lake Road", "lat": 30.28, "lon": 120.17}
        )
        organisation_sites.add_site(
            session, holder, org, {"name": "Tower B", "address": "2 Lake Road", "lat": 30.29, "lon": 120.18}
        )
        policy = SlotPolicy.from_config(app.config)
        organisations.add_schedule(
            session, policy, app.config, holder, org,
            {"weekday": 1, "window_start": policy.windows[0][0], "category": "paper.cardboard",
             "estimated_kg": 300, "site_id": used.id},
        )  # fmt: skip
        db.session.remove()


def test_the_holder_edits_sites_and_contacts_on_the_page(live, browser):
    """Tower B renamed; a contact added at it, its phone changed, then removed (confirmed);
    removing Tower A, where a recurring pickup is collected, shows the refusal and keeps it."""
    app, base = live
    _seed(app)
    page = browser.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, base, "office1", PASSWORD)
    page.wait_for_url(f"{base}/console/resident")
    page.goto(f"{base}/console/organisation?lang=en")
    expect(page.locator("#sites tr.site")).to_have_count(2)

    page.locator("#sites tr.site", has_text="Tower B").locator("button.edit").click()
    expect(page.locator("#site-save")).to_have_text("Save")
    page.fill("#site-form [name=name]", "Tower C")
    page.click("#site-save")
    expect(page.locator("#sites tr.site", has_text="Tower C")).to_have_count(1)
    expect(page.locator("#sites tr.site", has_text="Tower B")).to_have_count(0)

    page.fill("#contact-form [name=name]", "Ms Zhou")
    page.fill("#contact-form [name=phone]", "139 1234 5678")
    page.select_option("#contact-form [name=site_id]", label="Tower C")
    page.click("#contact-save")
    row = page.locator("#contacts tr.contact", has_text="Ms Zhou")
    expect(row).to_contain_text("+8613912345678")
    expect(row).to_contain_text("Tower C")
    row.locator("button.edit").click()
    page.fill("#contact-form [name=phone]", "12345")
    page.click("#contact-save")
    expect(page.locator("#contact-error")).to_contain_text("phone")
    page.fill("#contact-form [name=phone]", "138 0013 8000")
    page.click("#contact-save")
    expect(page.locator("#contacts tr.contact", has_text="Ms Zhou")).to_contain_text("+8613800138000")
    page.locator("#contacts tr.contact", has_text="Ms Zhou").locator("button.remove").click()
    expect(page.locator("#contacts tr.contact")).to_have_count(0)

    page.locator("#sites tr.site", has_text="Tower A").locator("button.remove").click()
    expect(page.locator("#site-error")).to_contain_text("recurring pickups")
    expect(page.locator("#sites tr.site", has_text="Tower A")).to_have_count(1)
    page.goto(f"{base}/console/organisation?lang=zh")
    expect(page.locator("#site-save")).to_have_text("添加地点")
    expect(page.locator("#sites tr.site button.remove").first).to_have_text("删除")
    page.close()
