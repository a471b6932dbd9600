"""The call center's page in a real browser: an agent finds no caller for a number, registers
them, books a pickup in a window with room, and sees it in the caller's history."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.backend.web.conftest import sign_in

PASSWORD = "agent-password-1"


def test_agent_books_for_a_caller_by_phone_number(live, browser, tmp_path):
    """Unknown number -> register -> book: the booking is listed as requested, the number in full."""
    app, base = live
    from backend.accounts import services as accounts
    from backend.core.extensions import db

    with app.app_context():
        accounts.create_user(db.session(), {"username": "agent1", "password": PASSWORD, "role": "agent"}, None)
        db.session.remove()
    page = browser.new_page()
    sign_in(page, base, "agent1", PASSWORD)
    page.wait_for_url(f"{base}/console/agent")
    page.wait_for_selector("#category option", state="attached")
    page.fill("#phone", "139 1234 5678")
    page.click("#find-button")
    expect(page.locator("#register-card")).to_be_visible()
    page.fill("#register-form input[name=display_name]", "Grandma Wang")
    page.fill("#register-form input[name=address]", "3 Lane, Gongshu")
    page.click("#register-button")
    expect(page.locator("#caller-card")).to_be_visible()
    expect(page.locator("#caller-phone")).to_have_text("+8613912345678")
    page.wait_for_selector("#slot option", state="attached")
    page.fill("#book-form input[name=quantity]", "8")
    page.click("#book-button")
    expect(page.locator("#history tr.booking")).to_have_count(1, timeout=30_000)
    assert page.locator("#history tr.booking td.status").first.get_attribute("data-status") == "requested"
    assert page.locator("#book-error").text_content() == ""
    # Found again by the number, masked in the list.
    page.fill("#phone", "+86 13912345678")
    page.click("#find-button")
    expect(page.locator("#found tr.caller")).to_have_count(1)
    expect(page.locator("#found tr.caller")).to_contain_text("139****5678")
    page.screenshot(path=str(tmp_path / "agent.png"), full_page=True)
    page.close()
