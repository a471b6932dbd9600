"""The console shows the city's time whatever the browser's own zone and locale are."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.backend.web.conftest import sign_in


def _city(iso: str, zone: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))


def test_windows_are_shown_in_the_city_zone_from_a_browser_in_berlin(live, browser):
    """A browser set to Europe/Berlin and en-US lists the city's windows at the city's hours, 24-hour in Chinese."""
    app, base = live
    zone = app.config["TIMEZONE"]
    context = browser.new_context(timezone_id="Europe/Berlin", locale="en-US")
    page = context.new_page()
    sign_in(page, base, "resident2")
    page.wait_for_url(f"{base}/console/resident")
    page.goto(f"{base}/console/resident?lang=zh")
    page.wait_for_selector("#slot option", state="attached")
    options = page.locator("#slot option")
    starts = [options.nth(i).get_attribute("value") for i in range(options.count())]
    texts = [options.nth(i).text_content() for i in range(options.count())]
    assert starts, "no pickup windows listed"
    for start, text in zip(starts, texts, strict=True):
        local = _city(start, zone)
        assert text.startswith(f"{local:%H:%M}–"), (start, text)

    page.goto(f"{base}/console/resident?lang=en")
    page.wait_for_selector("#slot option", state="attached")
    first = page.locator("#slot option").first
    local = _city(first.get_attribute("value"), zone)
    hour12 = local.hour % 12 or 12
    text = first.text_content()
    assert text.startswith(f"{hour12:02d}:{local:%M}\u202f{'AM' if local.hour < 12 else 'PM'}") or text.startswith(
        f"{hour12:02d}:{local:%M} {'AM' if local.hour < 12 else 'PM'}"
    ), text
    # The check means something only where Berlin's clock differs from the city's.
    assert local.astimezone(ZoneInfo("Europe/Berlin")).utcoffset() != local.utcoffset()
    context.close()
