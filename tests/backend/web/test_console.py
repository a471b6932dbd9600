"""The console in a real browser: a dispatcher plans and sees the routes, a resident books
from a phone, an operator logs an intake and the stock changes. Screenshots are saved."""

from __future__ import annotations

import json
import urllib.request

from playwright.sync_api import expect

from tests.backend.web.conftest import sign_in


def api(base, path, token):
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    return json.load(urllib.request.urlopen(req))


def test_dispatcher_creates_a_plan_and_sees_its_routes(live, browser, tmp_path):
    """The page draws as many route lines as the plan has routes, and the network's three tiers."""
    _, base = live
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    sign_in(page, base, "dispatcher")
    page.wait_for_url(f"{base}/console/dispatcher")
    page.wait_for_selector("#center option", state="attached")
    assert page.locator("path.site-sorting_center").count() == 3
    assert page.locator("path.site-distribution_market").count() == 2
    assert page.locator("path.bin").count() == 40
    page.click("#create")
    # expect() rather than wait_for_function: the pages' policy refuses to evaluate strings.
    expect(page.locator("#plan-status")).to_contain_text("done", timeout=120_000)
    plan_id = int(page.locator("#plan-status").text_content().split("#")[1].rstrip(")"))
    token = page.evaluate("localStorage.getItem('token')")
    plan = api(base, f"/api/v1/plans/{plan_id}", token)
    assert plan["routes"], plan["summary"]
    assert page.locator("path.route-line").count() == len(plan["routes"])
    assert page.locator("#route-table tr").count() >= len(plan["routes"]) + 2
    page.screenshot(path=str(tmp_path / "dispatcher.png"))
    page.click("#dispatch")
    expect(page.locator("#plan-status")).to_contain_text("dispatched", timeout=30_000)
    page.close()


def test_resident_books_from_a_phone(live, browser, tmp_path):
    """On a phone-sized screen a resident books a pickup and sees it listed as requested."""
    _, base = live
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, base, "resident2")
    page.wait_for_url(f"{base}/console/resident")
    page.wait_for_selector("#slot option", state="attached")
    before = page.locator("#mine li.booking").count()
    page.fill("#book-form input[name=quantity]", "12.5")
    page.click("#book-button")
    expect(page.locator("#mine li.booking")).to_have_count(before + 1, timeout=30_000)
    status = page.locator("#mine li.booking .status").first
    assert status.get_attribute("data-status") == "requested" and status.text_content() == "requested"
    page.screenshot(path=str(tmp_path / "resident.png"), full_page=True)
    context.close()


def test_operator_logs_an_intake_and_the_stock_changes(live, browser, tmp_path):
    """An operator weighs 500 kg of cardboard in; the stock figure of that category rises by 500."""
    _, base = live
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    sign_in(page, base, "operator1")
    page.wait_for_url(f"{base}/console/operator")
    page.wait_for_selector("#vehicle option", state="attached")
    expect(page.locator("#stock-panel")).not_to_have_attribute("data-state", "loading")
    row = page.locator("#stock tr[data-category='paper.cardboard'] td.kg")
    before = float(row.text_content().split()[0]) if row.count() else 0.0
    page.select_option("#lines .line select[name=category]", "paper.cardboard")
    page.fill("#lines .line input[name=gross]", "6900")
    page.fill("#lines .line input[name=tare]", "6400")
    page.click("#intake-form button[type=submit]")
    page.wait_for_selector("#stock tr[data-category='paper.cardboard']")
    expect(row).to_have_text(f"{before + 500:.1f} kg", timeout=30_000)
    page.screenshot(path=str(tmp_path / "operator.png"))
    page.close()


def test_pages_speak_chinese_and_english(live, browser):
    """The browser's language picks the page language; ?lang= switches; category names follow."""
    _, base = live
    zh = browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    page = zh.new_page()
    page.goto(f"{base}/console/login")
    assert "再生资源回收网络" in page.locator("header b").text_content()
    assert page.locator("html").get_attribute("lang") == "zh"
    sign_in(page, base, "resident3")
    page.wait_for_url(f"{base}/console/resident")
    page.goto(f"{base}/console/resident?lang=zh")
    page.wait_for_selector("#category option", state="attached")
    expect(page.locator("#category")).to_contain_text("纸板箱")
    page.fill("#book-form input[name=quantity]", "3")
    page.click("#book-button")
    page.wait_for_selector("#mine li.booking .status")
    assert page.locator("#mine li.booking .status").first.text_content() == "已预约"  # requested
    page.goto(f"{base}/console/resident?lang=en")
    page.wait_for_selector("#category option", state="attached")
    expect(page.locator("#category")).to_contain_text("Cardboard")
    zh.close()


def test_an_operator_sees_only_their_center(live, browser):
    """The operator page of another center's data is refused by the API it uses."""
    _, base = live
    page = browser.new_page()
    sign_in(page, base, "operator1")
    page.wait_for_url(f"{base}/console/operator")
    token = page.evaluate("localStorage.getItem('token')")
    me = api(base, "/api/v1/me", token)
    other = next(c for c in api(base, "/api/v1/sites?tier=sorting_center", token) if c["id"] != me["sorting_center_id"])
    try:
        api(base, f"/api/v1/sorting-centers/{other['id']}/stock", token)
        raise AssertionError("another center's stock was readable")
    except urllib.error.HTTPError as exc:
        assert exc.code == 403
    page.close()
