"""The partners' dashboard in a real headless Chromium: sign in with a partner token, see the charts drawn
from the protected cells, with no request leaving the hub (it works offline: no CDN, no script)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from sync.relay import drain
from tenants.models import Venue

from .live import live_hub
from .reporting_fixtures import make_stage, partner_for
from .test_reporting import busy_month

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
)


@pytest.fixture
def browser() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1800",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def test_the_dashboard_renders_in_a_real_browser(committed_db: None, browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    venue_a, venue_b = Venue.objects.get(schema_name="gresilles"), Venue.objects.get(schema_name="battants")
    with transaction.atomic():
        stage = make_stage(venue_a, venue_b)
        busy_month(stage)
    drain()
    partner = partner_for(venue_a, venue_b, name="Région Bourgogne-Franche-Comté")

    with live_hub() as port:
        base = "http://127.0.0.1:%d" % port
        browser.get(base + "/partners/")
        assert browser.current_url == base + "/partners/sign-in/"
        browser.find_element(By.NAME, "token").send_keys(partner.token)
        browser.find_element(By.CSS_SELECTOR, "form.sign-in button").click()
        # the click returns once the form is submitted, not once the dashboard has loaded: wait for it
        WebDriverWait(browser, 30).until(lambda driver: driver.current_url == base + "/partners/")
        WebDriverWait(browser, 30).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, "svg.chart"))
        assert browser.current_url == base + "/partners/", browser.page_source[:600]
        assert "Région Bourgogne-Franche-Comté" in browser.find_element(By.TAG_NAME, "header").text
        charts = browser.find_elements(By.CSS_SELECTOR, "section.card svg.chart")
        assert len(charts) == 4
        for chart in charts:
            box = chart.rect
            assert box["width"] > 300 and box["height"] > 100  # laid out, not collapsed
        assert browser.find_elements(By.CSS_SELECTOR, "svg.chart circle")  # published points are drawn
        legend = browser.find_element(By.CSS_SELECTOR, ".legend").text
        assert "Plateforme des Grésilles" in legend and "52 Battants" in legend
        # nothing but the hub was asked for, and nothing overflows the page sideways
        origins = browser.execute_script(
            "return performance.getEntriesByType('resource').map(e => new URL(e.name).origin)"
        )
        assert set(origins) <= {base}
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        logs = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        assert logs == []
        browser.save_screenshot(str(tmp_path / "dashboard.png"))
        assert (tmp_path / "dashboard.png").stat().st_size > 10_000
