"""The rendered book, as a reader meets it: served on localhost, in headless Chromium.

Uses Debian's chromium and chromium-driver (``.ci/run`` installs them when
missing). Screenshots of every page go to ``_build/screenshots/``.
"""

import functools
import http.server
import os
import shutil
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from conftest import ROOT, toc_pages

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SHOTS = ROOT / "_build" / "screenshots"

if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Debian's chromium and chromium-driver; see .ci/run")
    pytest.skip("chromium / chromedriver not installed (apt-get install chromium "
                "chromium-driver); CI installs them", allow_module_level=True)

os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium download anything
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402


@pytest.fixture(scope="module")
def server(built_book):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built_book))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler.log_message = lambda *a, **k: None
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--window-size=1280,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=20) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


@pytest.mark.parametrize("page", toc_pages())
def test_page_in_a_real_browser(page, server, browser):
    url = urljoin(server, f"{page}.html")
    browser.get(url)
    assert browser.title.strip(), f"{page}: no title"

    # Every image has loaded.
    broken = browser.execute_script(
        "return Array.from(document.images)"
        ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src);")
    assert not broken, f"{page}: images not loaded: {broken}"

    # The sidebar lists every chapter.
    sidebar = browser.find_element(By.CSS_SELECTOR, "nav.bd-docs-nav, .bd-sidebar-primary")
    hrefs = {a.get_attribute("href").split("#")[0]
             for a in sidebar.find_elements(By.TAG_NAME, "a") if a.get_attribute("href")}
    for other in toc_pages()[1:]:
        assert urljoin(server, f"{other}.html") in hrefs, f"{page}: sidebar lacks {other}"

    # No local link or resource is missing.
    refs = browser.execute_script(
        "return Array.from(document.querySelectorAll('a[href], img[src], link[href], script[src]'))"
        ".map(e => e.href || e.src);")
    local = {r.split("#")[0] for r in refs if urlparse(r).netloc == urlparse(server).netloc}
    missing = [r for r in sorted(local) if r and _status(r) == 404]
    assert not missing, f"{page}: 404 for {missing}"

    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / f"{page.replace('/', '_')}.png"))


def test_stateful_chapter_shows_the_rollout_as_text(server, browser):
    browser.get(urljoin(server, "notebooks/05_stateful.html"))
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "ABCDEFGHIJKLMNOPQRSTUVWXYZ" in text
