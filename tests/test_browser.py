"""The rendered book, as a reader meets it: served on localhost, in headless Chromium.

Every page of ``_toc.yml`` is opened (title, images, sidebar, no local 404),
and the explorer page (``book/explorer.md``) is driven with the mouse and the
keyboard: every test vector that Keras wrote into the exported models must
come out of the page's JavaScript to 1e-5.

The browser and its driver come from ``ALPHALSTM_CHROME`` and
``ALPHALSTM_CHROMEDRIVER`` (``.ci/run`` sets them), else ``chromium`` and
``chromedriver`` on PATH. Without them these tests are skipped, or fail when
``CI`` is set. Screenshots go to ``_build/screenshots/``, with the largest
JavaScript-vs-Keras difference in ``explorer-max-diff.txt``.
"""

import functools
import http.server
import json
import os
import shutil
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlparse

import numpy as np
import pytest

from conftest import ROOT, toc_pages

pytestmark = pytest.mark.browser

SHOTS = ROOT / "_build" / "screenshots"
MODELS = ROOT / "book" / "_static" / "models"
MODEL_NAMES = sorted(p.stem for p in MODELS.glob("*.json"))
EXPLORER_PAGE = "book/explorer"
CHAPTER_5 = ROOT / "notebooks" / "05_stateful.ipynb"
TOLERANCE = 1e-5
MAX_DIFFS: dict[str, float] = {}  # model -> largest |page - Keras|, for the report file


# ------------------------------------------------------------------ fixtures

def _missing(message: str):
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chrome() -> tuple[str, str]:
    """(browser, driver) paths; skips the browser tests without them (fails on CI)."""
    browser = shutil.which(os.environ.get("ALPHALSTM_CHROME") or "chromium")
    driver = shutil.which(os.environ.get("ALPHALSTM_CHROMEDRIVER") or "chromedriver")
    if not (browser and driver):
        _missing("no Chromium and chromedriver: set ALPHALSTM_CHROME and ALPHALSTM_CHROMEDRIVER "
                 "or install Debian's chromium and chromium-driver (.ci/run does)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        _missing("selenium is not installed (pip install -r requirements.txt)")
    return browser, driver


@pytest.fixture(scope="module")
def server(chrome, built_book):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built_book))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler.log_message = lambda *a, **k: None
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser(chrome, tmp_path_factory):
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium download anything
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chrome[0]
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--window-size=1280,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(chrome[1]), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture
def page(server, browser):
    """The explorer page, freshly loaded, with every explorer started."""
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(urljoin(server, f"{EXPLORER_PAGE}.html"))
    WebDriverWait(browser, 20).until(lambda b: b.execute_script(
        "const roots = document.querySelectorAll('.alphalstm-explorer');"
        "return roots.length > 0 && Array.from(roots).every(r => r.dataset.h);"))
    errors = browser.execute_script(
        "return Array.from(document.querySelectorAll('.alphalstm-explorer .ax-error'))"
        ".map(e => e.textContent);")
    assert not errors, errors
    return browser


# ------------------------------------------------------------------- helpers

def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=20) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def load_model(name: str) -> dict:
    return json.loads((MODELS / f"{name}.json").read_text())


def reference(model: dict, sequence: str, stateless: bool = False):
    """An independent NumPy forward pass: (probabilities, h, c) after each symbol."""
    lstm, dense, vocab = model["lstm"], model["dense"], model["vocabulary"]
    units = lstm["units"]
    kernel, recurrent = np.array(lstm["kernel"]), np.array(lstm["recurrent_kernel"])
    bias = np.array(lstm["bias"])
    h, c = np.zeros(units), np.zeros(units)
    out = []
    for symbol in sequence:
        if stateless or not model["stateful"]:
            h, c = np.zeros(units), np.zeros(units)
        index = vocab.index(symbol)
        if model["encoding"]["kind"] == "onehot":
            x = np.eye(len(vocab))[index]
        else:
            x = np.array([(index + model["encoding"]["shift"]) * model["encoding"]["scale"]])
        z = x @ kernel + h @ recurrent + bias
        i, f, g, o = np.split(z, 4)
        c = 1 / (1 + np.exp(-f)) * c + 1 / (1 + np.exp(-i)) * np.tanh(g)
        h = 1 / (1 + np.exp(-o)) * np.tanh(c)
        logits = h @ np.array(dense["kernel"]) + np.array(dense["bias"])
        p = np.exp(logits - logits.max())
        out.append((p / p.sum(), h, c))
    return out


def reference_rollout(model: dict, length: int) -> str:
    text = model["vocabulary"][0]
    while len(text) < length:
        p = reference(model, text)[-1][0]
        text += model["vocabulary"][int(np.argmax(p))]
    return text


def explorer(browser, name: str):
    return browser.find_element("css selector", f'.alphalstm-explorer[data-model="model-{name}"]')


def read(browser, root) -> dict:
    """What the explorer exposes in its data- attributes (full-precision JSON)."""
    d = browser.execute_script("return Object.assign({}, arguments[0].dataset);", root)
    return {"sequence": d["sequence"], "prediction": d["prediction"],
            "stateless": d["stateless"] == "true",
            **{k: np.array(json.loads(d[k])) for k in ("probabilities", "h", "c")}}


def click(browser, element):
    """A real mouse click, with the element scrolled clear of the sticky header."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def press(browser, root, symbol: str):
    click(browser, root.find_element("css selector", f'button[data-symbol="{symbol}"]'))


def reset(browser, root):
    click(browser, root.find_element("css selector", "button.ax-reset"))


def example(browser, root, which: str):
    click(browser, root.find_element("css selector", f'button[data-example="{which}"]'))


def record_diff(name: str, diff: float):
    MAX_DIFFS[name] = max(diff, MAX_DIFFS.get(name, 0.0))
    SHOTS.mkdir(parents=True, exist_ok=True)
    lines = [f"largest |explorer - Keras| over probabilities, h and c: "
             f"{max(MAX_DIFFS.values()):.3e} (tolerance {TOLERANCE:g})"]
    lines += [f"{model}: {value:.3e}" for model, value in sorted(MAX_DIFFS.items())]
    (SHOTS / "explorer-max-diff.txt").write_text("\n".join(lines) + "\n")


def compare(state: dict, expected: dict, step: int, where: str) -> float:
    """Largest difference of one step from a test vector; asserts it is within TOLERANCE."""
    diffs = {k: float(np.abs(state[k] - np.array(expected[k][step])).max())
             for k in ("probabilities", "h", "c")}
    for k, d in diffs.items():
        assert d <= TOLERANCE, f"{where}, step {step}: {k} differs from Keras by {d:.2e}"
    return max(diffs.values())


def notebook_line(prefix: str) -> str | None:
    """The first output line of chapter 5 that starts with ``prefix``, if any."""
    nb = json.loads(CHAPTER_5.read_text())
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            for line in "".join(text).splitlines():
                if line.startswith(prefix):
                    return line
    return None


# ------------------------------------------------------------- every page

@pytest.mark.parametrize("page_name", toc_pages())
def test_page_in_a_real_browser(page_name, server, browser):
    url = urljoin(server, f"{page_name}.html")
    browser.get(url)
    assert browser.title.strip(), f"{page_name}: no title"

    # Every image has loaded.
    broken = browser.execute_script(
        "return Array.from(document.images)"
        ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src);")
    assert not broken, f"{page_name}: images not loaded: {broken}"

    # The sidebar lists every chapter.
    sidebar = browser.find_element("css selector", "nav.bd-docs-nav, .bd-sidebar-primary")
    hrefs = {a.get_attribute("href").split("#")[0]
             for a in sidebar.find_elements("tag name", "a") if a.get_attribute("href")}
    for other in toc_pages()[1:]:
        assert urljoin(server, f"{other}.html") in hrefs, f"{page_name}: sidebar lacks {other}"

    # No local link or resource is missing.
    refs = browser.execute_script(
        "return Array.from(document.querySelectorAll('a[href], img[src], link[href], script[src]'))"
        ".map(e => e.href || e.src);")
    local = {r.split("#")[0] for r in refs if urlparse(r).netloc == urlparse(server).netloc}
    missing = [r for r in sorted(local) if r and _status(r) == 404]
    assert not missing, f"{page_name}: 404 for {missing}"

    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / f"{page_name.replace('/', '_')}.png"))


def test_stateful_chapter_shows_the_rollout_as_text(server, browser):
    browser.get(urljoin(server, "notebooks/05_stateful.html"))
    text = browser.find_element("tag name", "body").text
    assert "ABCDEFGHIJKLMNOPQRSTUVWXYZ" in text


# ------------------------------------------------------------ the explorer

def test_one_explorer_per_exported_model(page):
    assert MODEL_NAMES, f"no exported model in {MODELS}"
    ids = page.execute_script(
        "return Array.from(document.querySelectorAll('.alphalstm-explorer'))"
        ".map(r => r.dataset.model);")
    assert sorted(ids) == sorted(f"model-{name}" for name in MODEL_NAMES)
    for name in MODEL_NAMES:
        # The page embeds the model file itself (no fetch: works from file:// too).
        embedded = page.execute_script(
            "return document.getElementById(arguments[0]).textContent;", f"model-{name}")
        assert json.loads(embedded) == load_model(name)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_explorer_matches_keras_by_mouse(name, page):
    model = load_model(name)
    root = explorer(page, name)
    largest = 0.0
    for vector in model["tests"]:
        reset(page, root)
        for step, symbol in enumerate(vector["sequence"]):
            press(page, root, symbol)
            state = read(page, root)
            assert state["sequence"] == vector["sequence"][: step + 1]
            largest = max(largest, compare(state, vector, step, f"{name} {vector['sequence']!r}"))
            expected = model["vocabulary"][int(np.argmax(vector["probabilities"][step]))]
            assert state["prediction"] == expected
            shown = root.find_element("css selector", ".ax-next-symbol").text
            assert shown == expected
    record_diff(name, largest)

    # The read-only hook returns what the data- attributes hold.
    snap = page.execute_script("return arguments[0].alphalstmExplorer.snapshot();", root)
    state = read(page, root)
    assert snap["sequence"] == state["sequence"]
    for k in ("probabilities", "h", "c"):
        assert np.array_equal(np.array(snap[k]), state[k])


def test_explorer_matches_keras_by_keyboard(page):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    name = "stateful"
    model = load_model(name)
    vector = model["tests"][0]
    root = explorer(page, name)
    # Click the explorer's title: the explorer itself takes the focus.
    click(page, root.find_element("css selector", ".ax-title"))
    assert page.execute_script("return document.activeElement === arguments[0];", root)
    ActionChains(page).send_keys(Keys.ESCAPE).perform()
    largest = 0.0
    for step, symbol in enumerate(vector["sequence"]):
        ActionChains(page).send_keys(symbol.lower()).perform()  # lower case works too
        state = read(page, root)
        assert state["sequence"] == vector["sequence"][: step + 1]
        largest = max(largest, compare(state, vector, step, f"{name} by keyboard"))
    record_diff(name, largest)

    ActionChains(page).send_keys(Keys.ESCAPE).perform()
    state = read(page, root)
    assert state["sequence"] == "" and not state["h"].any() and not state["c"].any()


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_every_control_is_reachable_by_tab(name, page):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    root = explorer(page, name)
    page.execute_script("arguments[0].focus();", root)
    controls = page.execute_script(
        "return Array.from(arguments[0].querySelectorAll('button, input'))"
        ".filter(e => !e.disabled);", root)
    names = page.execute_script(
        "return Array.from(arguments[0].querySelectorAll('button, input'))"
        ".map(e => e.getAttribute('aria-label') || (e.labels && e.labels[0] &&"
        " e.labels[0].textContent) || '');", root)
    assert all(n.strip() for n in names), "every control has an accessible name"
    reached = []
    for _ in range(len(controls) + 2):
        ActionChains(page).send_keys(Keys.TAB).perform()
        active = page.switch_to.active_element
        if not page.execute_script("return arguments[0].contains(arguments[1]);", root, active):
            break
        reached.append(active)
    assert len(reached) == len(controls) and set(reached) == set(controls)
    live = root.find_element("css selector", "[aria-live]")
    assert live.text.startswith("Next letter")


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_reset_returns_the_state_to_zero(name, page):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    root = explorer(page, name)
    for symbol in "ABCD":
        press(page, root, symbol)
    before = read(page, root)
    assert before["h"].any() and before["c"].any()
    reset(page, root)
    after = read(page, root)
    assert not after["h"].any() and not after["c"].any(), "h and c are zero after a reset"
    assert after["sequence"] == "" and after["prediction"] == ""
    assert after["probabilities"].size == 0
    cells = page.execute_script(
        "return Array.from(arguments[0].querySelectorAll('.ax-cell')).map(e => e.className);",
        root)
    units = load_model(name)["lstm"]["units"]
    assert len(cells) == 2 * units and all("ax-zero" in c for c in cells), "the strips are blank"
    for strip in root.find_elements("css selector", ".ax-strip"):
        assert strip.get_attribute("aria-label").endswith("all zero")

    # Escape resets too.
    press(page, root, "Q")
    ActionChains(page).send_keys(Keys.ESCAPE).perform()
    assert not read(page, root)["h"].any()


def test_stateless_toggle_zeroes_the_state_before_each_symbol(page):
    name = "stateful"
    model = load_model(name)
    root = explorer(page, name)
    sequence = model["vocabulary"][:11]  # A ... K
    box = root.find_element("css selector", "input.ax-stateless")
    assert box.is_enabled() and not box.is_selected()

    click(page, box)
    assert box.is_selected()
    reset(page, root)
    together = []
    for symbol in sequence:
        press(page, root, symbol)
        together.append(read(page, root))
    assert together[-1]["stateless"]
    assert len(root.find_elements("css selector", ".ax-history li.ax-cold")) == len(sequence)

    click(page, box)
    assert not box.is_selected()
    stateful = []
    for symbol in sequence:
        reset(page, root)
        press(page, root, symbol)
        alone = read(page, root)
        stateful.append(alone)
        for k in ("probabilities", "h", "c"):
            assert np.allclose(alone[k], together[len(stateful) - 1][k], rtol=0, atol=1e-12), (
                f"{symbol}: with 'stateless' on, {k} differs from {symbol} fed alone")
    # ... and they match NumPy's stateless pass, which differs from the stateful one.
    ref = reference(model, sequence, stateless=True)
    assert all(np.abs(s["probabilities"] - r[0]).max() <= TOLERANCE for s, r in zip(together, ref))
    carried = reference(model, sequence)
    assert max(np.abs(r[0] - c[0]).max() for r, c in zip(ref, carried)) > 1e-3


def test_stateless_model_has_the_toggle_on_and_disabled(page):
    for name in MODEL_NAMES:
        box = explorer(page, name).find_element("css selector", "input.ax-stateless")
        if load_model(name)["stateful"]:
            assert box.is_enabled() and not box.is_selected(), name
        else:
            assert box.is_selected() and not box.is_enabled(), name


def test_cold_start_from_k_gives_chapter_5s_answer(page):
    name = "stateful"
    line = notebook_line("cold start from K:")
    if line is not None:
        expected = line.split("K->", 1)[1][0]
    else:
        # TODO: chapter 5 is being rewritten; once notebooks/05_stateful.ipynb prints
        # its "cold start from K: K->B B->C ..." line again, this branch is dead code.
        expected = load_model(name)["vocabulary"][
            int(np.argmax(reference(load_model(name), "K")[0][0]))]
    root = explorer(page, name)
    for symbol in "ABCDEFGHIJ":  # a warm state first, which the reset must clear
        press(page, root, symbol)
    reset(page, root)
    press(page, root, "K")
    state = read(page, root)
    assert state["sequence"] == "K"
    assert state["prediction"] == expected, f"chapter 5 prints {line!r}"
    assert root.find_element("css selector", ".ax-next-symbol").text == expected


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_guided_examples(name, page):
    model = load_model(name)
    vocab = model["vocabulary"]
    root = explorer(page, name)
    length = int(root.get_attribute("data-rollout-length") or len(vocab))

    press(page, root, "Z")  # the examples start from a reset
    example(page, root, "rollout")
    state = read(page, root)
    assert state["sequence"] + state["prediction"] == reference_rollout(model, length)
    assert len(state["sequence"]) == length - 1

    for which, fed in (("cold", "K"), ("warmup", vocab[:11])):
        press(page, root, "Z")
        example(page, root, which)
        state = read(page, root)
        assert state["sequence"] == fed, which
        p, h, c = reference(model, fed)[-1]
        assert np.abs(state["probabilities"] - p).max() <= TOLERANCE, which
        assert np.abs(state["h"] - h).max() <= TOLERANCE, which
        assert state["prediction"] == vocab[int(np.argmax(p))], which

    labels = [b.text for b in root.find_elements("css selector", "button.ax-example")]
    assert labels[1:] == ["cold start from K", "warm up A\u2026J, then K"]
    assert labels[0].startswith("roll out") and labels[0].endswith("from A")


# -------------------------------------------------------------- screenshots

def test_explorer_light_dark_and_phone(page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    root = explorer(page, "stateful")
    example(page, root, "warmup")
    page.execute_script("document.documentElement.dataset.theme = 'light';")
    style = ("const s = getComputedStyle(document.documentElement);"
             "const e = getComputedStyle(arguments[0]);"
             "return [s.getPropertyValue('--pst-color-background').trim(),"
             "        s.getPropertyValue('--pst-color-text-base').trim(),"
             "        e.backgroundColor, e.color];")
    light = page.execute_script(style, root)
    root.screenshot(str(SHOTS / "explorer-light.png"))

    page.execute_script("document.documentElement.dataset.theme = 'dark';")
    dark = page.execute_script(style, root)
    assert all(a and b and a != b for a, b in zip(light, dark)), (light, dark)
    root.screenshot(str(SHOTS / "explorer-dark.png"))
    page.execute_script("document.documentElement.dataset.theme = 'light';")

    page.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                         {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
    try:
        page.refresh()
        example(page, explorer(page, "stateful"), "cold")
        bounce = explorer(page, "bounce-stateful")
        example(page, bounce, "rollout")
        width = page.execute_script("return [document.documentElement.scrollWidth,"
                                    " window.innerWidth];")
        # (A phone widens its layout viewport when a page overflows: innerWidth > 390.)
        assert width[1] == 390 and width[0] <= width[1], (
            f"horizontal overflow: scrollWidth, innerWidth = {width}")
        over = page.execute_script(
            "return Array.from(document.querySelectorAll('.alphalstm-explorer *'))"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)"
            ".map(e => e.className);")
        assert not over, f"explorer parts wider than the phone: {over}"
        # Viewport screenshots (the sticky header would cover part of an element shot).
        page.execute_script("window.scrollTo(0, arguments[0].getBoundingClientRect().top"
                            " + window.scrollY - 70);", explorer(page, "stateful"))
        page.save_screenshot(str(SHOTS / "explorer-phone.png"))
        page.execute_script("window.scrollTo(0, arguments[0].getBoundingClientRect().top"
                            " + window.scrollY - 70);",
                            bounce.find_element("css selector", ".ax-output"))
        page.save_screenshot(str(SHOTS / "explorer-phone-bounce.png"))
    finally:
        page.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
