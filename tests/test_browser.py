"""The rendered book, as a reader meets it: served on localhost, in headless Chromium.

Every page of ``_toc.yml`` is opened (title, images, sidebar, no local 404),
with the network blocked: no page may load anything from another host or log
an error in the console, and the equations are typeset by the vendored
MathJax. At 1280 px no code cell, output, table or image of a page is wider
than its box; at 390 px (a phone) every diagram is whole and the page does not
scroll sideways. Every page with an explorer (``book/explorer.md``, and the
chapters that include ``book/_snippets/explorer-*.md``) is driven with the
mouse and the keyboard: every test vector that Keras wrote into the exported
models must come out of the page's JavaScript to 1e-5, and every guided
example must say what an independent NumPy forward pass computes. Test pages
written into the built book check that the explorer refuses bad attributes
and bad models.

Speed (the whole suite has 5 minutes on 2 cores): one browser per session;
each page of the book is loaded once, and everything the page tests check is
read in that one visit (``visit``), in a few JavaScript calls; the explorer
tests share one load of each explorer page, which ``explorers_ready`` puts
back in its freshly loaded state between tests (and loads again if it cannot);
a click is a hit test and WebDriver pointer actions (what WebElement.click
sends, without the wait it adds after every click).

The browser and its driver come from ``ALPHALSTM_CHROME`` and
``ALPHALSTM_CHROMEDRIVER`` (``.ci/run`` sets them), else ``chromium`` and
``chromedriver`` on PATH. Without them these tests are skipped, or fail when
``CI`` is set. Screenshots go to ``_build/screenshots/``, with the largest
JavaScript-vs-Keras difference in ``explorer-max-diff.txt``.
"""

import base64
import copy
import functools
import html
import http.server
import json
import os
import re
import shutil
import sys
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
ROLLOUT_PAGE = "notebooks/05_stateful"  # shows the rollout as text
TOLERANCE = 1e-5
MAX_DIFFS: dict[str, float] = {}  # model -> largest |page - Keras|, for the report file
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SPHINX_PAGES = ["index", "search", "genindex"]  # pages Sphinx writes besides the toc
DESKTOP_WIDTH = 1280  # the browser window (--window-size)
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
# A window as wide as PHONE's screen, without scrollbars (a phone's overlay): it
# lays a page out as PHONE does (the same boxes), and the browser switches to it
# and back three times faster than to the mobile emulation. Where PHONE widens
# its layout viewport to show a page that overflows, it scrolls sideways.
NARROW = {
    "width": PHONE["width"],
    "height": 844,
    "deviceScaleFactor": 1,
    "mobile": False,
}
# What must not scroll sideways at DESKTOP_WIDTH, in Jupyter Book 1's (MyST-NB's)
# markup: a code cell is div.cell > div.cell_input > div.highlight-ipython3 >
# div.highlight > pre; its outputs are div.cell_output > div.output (stream,
# text_plain, ...) > div.highlight > pre, or an img; a code block in a markdown
# page is div.highlight-<lexer> > div.highlight > pre.
CODE_BOXES = ("div.cell_input pre", "div.cell_output pre", ".output", ".highlight pre")
ASPECT_TOLERANCE = 0.02  # rendered vs natural width/height of an image


def _page_source_text(page: str) -> str:
    """The markdown of a toc page: a .md file, or a notebook's markdown cells.

    Empty if the toc names a missing file (the book build reports that), so
    that the other pages are still collected and tested.
    """
    md = ROOT / f"{page}.md"
    if md.exists():
        return md.read_text()
    nb = ROOT / f"{page}.ipynb"
    if not nb.exists():
        return ""
    cells = json.loads(nb.read_text())["cells"]
    return "\n".join(
        "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
    )


def explorer_pages() -> list[str]:
    """The toc pages whose source has an explorer, itself or from a snippet.

    Read from the sources, so that the tests below cover a chapter as soon as
    an explorer snippet is included in it; test_page_in_a_real_browser checks
    that no built page has an explorer this list misses.
    """
    return [
        page
        for page in toc_pages()
        if any(
            mark in _page_source_text(page)
            for mark in ("alphalstm-explorer", "_snippets/explorer-")
        )
    ]


EXPLORER_PAGES = explorer_pages()
# The tests of each explorer page run one after the other (pytest groups
# module-scoped parameters), so that they share one load of the page.
# The explorer page first: the tests before them use it too.
each_explorer_page = pytest.mark.parametrize(
    "page_name",
    sorted(EXPLORER_PAGES, key=lambda p: p != EXPLORER_PAGE),
    scope="module",
)


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
        _missing(
            "no Chromium and chromedriver: set ALPHALSTM_CHROME and "
            "ALPHALSTM_CHROMEDRIVER or install Debian's chromium and chromium-driver "
            "(.ci/run does)"
        )
    try:
        import selenium  # noqa: F401
    except ImportError:
        _missing("selenium is not installed (pip install -r requirements.txt)")
    return browser, driver


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # not a line on stderr per request
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A page left before all its files arrived closes the connection (a
        ConnectionError: broken pipe, reset, aborted): the browser's choice, not a
        failure, so no traceback. Any other error prints."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def server(chrome, built_book):
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    httpd = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser(chrome, tmp_path_factory):
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium download anything
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chrome[0]
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--window-size={DESKTOP_WIDTH},1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
        # No network: every host name but the test server's fails to resolve.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(flag)
    # The console (SEVERE = errors) and every request the page makes.
    options.set_capability(
        "goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"}
    )
    options.add_experimental_option(
        "perfLoggingPrefs", {"enableNetwork": True, "enablePage": False}
    )
    driver = webdriver.Chrome(service=Service(chrome[1]), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


# The page the browser shows (set by open_page), and the state of its
# explorers just after it loaded (set by explorers_ready).
SHOWN: dict = {"url": None, "fresh": None}


def wait_for(browser, condition, timeout: float = 20):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout, poll_frequency=0.02).until(condition)


def open_page(browser, server: str, page_name: str):
    """Load a page and wait until its explorers have started (or refused to)."""
    url = urljoin(server, f"{page_name}.html")
    SHOWN.update(url=None, fresh=None)
    browser.get(url)
    wait_for(
        browser,
        lambda b: b.execute_script(
            "return document.readyState === 'complete' && Array.from("
            "document.querySelectorAll('.alphalstm-explorer'))"
            ".every(r => ['ready', 'error'].includes(r.dataset.status));"
        ),
    )
    SHOWN["url"] = url
    return browser


def open_explorers(browser, server: str, page_name: str) -> list:
    """A page with explorers, loaded; asserts that every one started without error."""
    open_page(browser, server, page_name)
    found = browser.execute_script(
        "const roots = Array.from(document.querySelectorAll('.alphalstm-explorer'));"
        "return {roots, status: roots.map(r => r.dataset.status),"
        "  errors: Array.from(document.querySelectorAll("
        "    '.alphalstm-explorer .ax-error'), e => e.textContent)};"
    )
    assert found["roots"], f"{page_name}: no explorer"
    assert not found["errors"], f"{page_name}: {found['errors']}"
    assert all(s == "ready" for s in found["status"]), found["status"]
    return found["roots"]


# The state of a page's explorers, and of what the tests change on the page.
# (The checked state of a box is a property, absent from outerHTML.)
_EXPLORER_STATE_JS = """
const root = document.documentElement;
return JSON.stringify({
  theme: root.getAttribute('data-theme'), mode: root.getAttribute('data-mode'),
  viewport: [window.innerWidth, window.innerHeight, window.devicePixelRatio],
  explorers: Array.from(document.querySelectorAll('.alphalstm-explorer'), r => [
    r.outerHTML, Array.from(r.querySelectorAll('input'), i => [i.checked, i.disabled])
  ])
});
"""
# Undo what a test did: the theme, the focus, each box as it was, each state.
_RESTORE_JS = (
    """
const fresh = JSON.parse(arguments[0]);
for (const [name, value] of [['data-theme', fresh.theme], ['data-mode', fresh.mode]]) {
  if (value === null) document.documentElement.removeAttribute(name);
  else document.documentElement.setAttribute(name, value);
}
if (document.activeElement) document.activeElement.blur();
document.querySelectorAll('.alphalstm-explorer').forEach((r, i) => {
  const boxes = (fresh.explorers[i] || [null, []])[1];
  r.querySelectorAll('input').forEach((box, j) => {
    if (boxes[j] && !box.disabled && box.checked !== boxes[j][0]) box.click();
  });
  const reset = r.querySelector('button.ax-reset');
  if (reset) reset.click();
});
window.scrollTo(0, 0);
"""
    + _EXPLORER_STATE_JS
)


def explorers_ready(browser, server: str, page_name: str) -> list:
    """The page's explorers as a fresh load shows them, every one started.

    If the browser still shows the page, the explorers are reset (and the
    stateless boxes, the theme and the focus put back) and used if they are
    then exactly as the page first loaded them: the same markup, attributes
    (every state the tests read is in data- attributes) and boxes. Otherwise,
    or if anything differs, the page is loaded again.
    """
    url = urljoin(server, f"{page_name}.html")
    if SHOWN["url"] == url and SHOWN["fresh"] and browser.current_url == url:
        now = browser.execute_script(_RESTORE_JS, SHOWN["fresh"])
        if now == SHOWN["fresh"]:
            return browser.find_elements("css selector", ".alphalstm-explorer")
    roots = open_explorers(browser, server, page_name)
    SHOWN["fresh"] = browser.execute_script(_EXPLORER_STATE_JS)
    return roots


@pytest.fixture
def page(server, browser):
    """The explorer page, as freshly loaded, with every explorer started."""
    explorers_ready(browser, server, EXPLORER_PAGE)
    return browser


# ------------------------------------------------------------------- helpers

_STATUS: dict[str, int] = {}  # url -> HTTP status (the built book does not change)


def _status(url: str) -> int:
    if url not in _STATUS:
        try:
            with urllib.request.urlopen(url, timeout=20) as resp:
                _STATUS[url] = resp.status
        except urllib.error.HTTPError as err:
            _STATUS[url] = err.code
    return _STATUS[url]


def load_model(name: str) -> dict:
    return json.loads((MODELS / f"{name}.json").read_text())


def reference(model: dict, sequence: str, stateless: bool = False, rollout: int = 0):
    """An independent NumPy forward pass: (probabilities, h, c) after each symbol.

    With ``rollout``, the sequence is extended to that length by feeding back
    each most probable next symbol; returns (the whole text, the steps).
    """
    lstm, dense, vocab = model["lstm"], model["dense"], model["vocabulary"]
    units = lstm["units"]
    kernel, recurrent = np.array(lstm["kernel"]), np.array(lstm["recurrent_kernel"])
    bias = np.array(lstm["bias"])
    dense_kernel, dense_bias = np.array(dense["kernel"]), np.array(dense["bias"])
    h, c = np.zeros(units), np.zeros(units)
    out, text = [], sequence
    while len(out) < len(text):
        if stateless or not model["stateful"]:
            h, c = np.zeros(units), np.zeros(units)
        index = vocab.index(text[len(out)])
        if model["encoding"]["kind"] == "onehot":
            x = np.eye(len(vocab))[index]
        else:
            x = np.array(
                [(index + model["encoding"]["shift"]) * model["encoding"]["scale"]]
            )
        z = x @ kernel + h @ recurrent + bias
        i, f, g, o = np.split(z, 4)
        c = 1 / (1 + np.exp(-f)) * c + 1 / (1 + np.exp(-i)) * np.tanh(g)
        h = 1 / (1 + np.exp(-o)) * np.tanh(c)
        logits = h @ dense_kernel + dense_bias
        p = np.exp(logits - logits.max())
        out.append((p / p.sum(), h, c))
        if len(text) < rollout and len(out) == len(text):
            text += vocab[int(np.argmax(out[-1][0]))]
    return (text, out) if rollout else out


def reference_rollout(model: dict, length: int) -> str:
    """Feed the first symbol, then each most probable next one, to ``length``."""
    return reference(model, model["vocabulary"][0], rollout=length)[0]


def explorer(browser, name: str):
    return browser.find_element(
        "css selector", f'.alphalstm-explorer[data-model="model-{name}"]'
    )


# What WebDriver's WebElement.text gives: the rendered text, or "" if hidden
# (null if there is no such element).
_SHOWN_TEXT_JS = (
    "const shown = e => !e ? null : e.checkVisibility() ? e.innerText.trim() : '';"
)


def read(browser, root, *selectors: str) -> dict:
    """What the explorer exposes in its data- attributes (full-precision JSON),
    the next symbol it shows (``shown``), and, under "texts", what each of
    ``selectors`` shows (None if absent) and "counts", how many match: in one call.
    """
    d = browser.execute_script(
        _SHOWN_TEXT_JS + "const r = arguments[0], all = arguments[1];"
        "return Object.assign({shown: shown(r.querySelector('.ax-next-symbol')),"
        "  texts: all.map(s => shown(r.querySelector(s))),"
        "  counts: all.map(s => r.querySelectorAll(s).length)}, r.dataset);",
        root,
        list(selectors),
    )
    return {
        "sequence": d["sequence"],
        "prediction": d["prediction"],
        "stateless": d["stateless"] == "true",
        "shown": d["shown"],
        "texts": d["texts"],
        "counts": d["counts"],
        **{k: np.array(json.loads(d[k])) for k in ("probabilities", "h", "c")},
    }


def shown_text(browser, root, selector: str) -> str:
    """The text an element inside ``root`` shows, as WebElement.text gives it."""
    return browser.execute_script(
        _SHOWN_TEXT_JS + "return shown(arguments[0].querySelector(arguments[1]));",
        root,
        selector,
    )


# Scroll an element to the middle of the window, clear of the sticky header,
# and say where a click lands: on it (or inside it), as WebDriver requires.
_AIM_JS = """
const e = arguments[1] ? arguments[0].querySelector(arguments[1]) : arguments[0];
if (!e) return {missing: arguments[1]};
e.scrollIntoView({block: 'center', inline: 'nearest'});
const r = e.getBoundingClientRect();
const x = Math.floor(r.left + r.width / 2), y = Math.floor(r.top + r.height / 2);
const hit = document.elementFromPoint(x, y);
const name = n => n
  ? n.tagName.toLowerCase() + '.' + String(n.className).trim().replace(/ +/g, '.')
  : 'nothing';
return {x, y, ok: r.width > 0 && r.height > 0 && !!hit && e.contains(hit),
        target: name(e), hit: name(hit)};
"""


def click(browser, element, selector: str | None = None):
    """A real mouse click on ``element`` (or on its descendant ``selector``).

    Scrolled to the middle of the window, clear of the sticky header; refused,
    as WebDriver refuses, if another element would receive it. The pointer
    moves there, presses and releases (WebDriver actions: the input events
    WebElement.click sends, without its wait after every click).
    """
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    aim = browser.execute_script(_AIM_JS, element, selector)
    assert "missing" not in aim, f"nothing matches {aim.get('missing')!r}"
    assert aim["ok"], f"a click on {aim['target']} would land on {aim['hit']}"
    actions = ActionBuilder(browser, duration=0)
    actions.pointer_action.move_to_location(aim["x"], aim["y"]).click()
    actions.perform()


def key(browser, keys: str):
    """Press and release keys of the keyboard, one after the other."""
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).send_keys(keys).perform()


def press(browser, root, symbol: str):
    click(browser, root, f'button[data-symbol="{symbol}"]')


def reset(browser, root):
    click(browser, root, "button.ax-reset")


def example(browser, root, which: str):
    click(browser, root, f'button[data-example="{which}"]')


def screenshot(browser, path: Path):
    """The viewport as a PNG file (the fast PNG encoder: a larger file, sooner)."""
    shot = browser.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True}
    )
    path.write_bytes(base64.b64decode(shot["data"]))


def record_diff(name: str, diff: float):
    MAX_DIFFS[name] = max(diff, MAX_DIFFS.get(name, 0.0))
    SHOTS.mkdir(parents=True, exist_ok=True)
    lines = [
        f"largest |explorer - Keras| over probabilities, h and c: "
        f"{max(MAX_DIFFS.values()):.3e} (tolerance {TOLERANCE:g})"
    ]
    lines += [f"{model}: {value:.3e}" for model, value in sorted(MAX_DIFFS.items())]
    (SHOTS / "explorer-max-diff.txt").write_text("\n".join(lines) + "\n")


def compare(state: dict, expected: dict, step: int, where: str) -> float:
    """Largest difference of one step from a test vector; asserts it is <= TOLERANCE."""
    diffs = {
        k: float(np.abs(state[k] - np.array(expected[k][step])).max())
        for k in ("probabilities", "h", "c")
    }
    for k, d in diffs.items():
        assert d <= TOLERANCE, (
            f"{where}, step {step}: {k} differs from Keras by {d:.2e}"
        )
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


def embedded_model(browser, root) -> dict:
    """The model JSON an explorer runs, as the page embeds it."""
    return json.loads(
        browser.execute_script(
            "return document.getElementById(arguments[0].dataset.model).textContent;",
            root,
        )
    )


def model_name(root) -> str:
    return root.get_attribute("data-model").removeprefix("model-")


def top_two(model: dict, p) -> tuple[str, str]:
    order = np.argsort(-np.asarray(p))
    return model["vocabulary"][int(order[0])], model["vocabulary"][int(order[1])]


def wait_until_settled(browser):
    """Wait for MathJax (if the page loads it) and for the fonts it asked for."""
    browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const mj = window.MathJax && window.MathJax.startup"
        "  && window.MathJax.startup.promise;"
        "Promise.resolve(mj).then(() => document.fonts.ready)"
        "  .then(() => done(true), () => done(false));"
    )


def next_frame(browser):
    """Wait until the page has drawn twice (resize handlers have run)."""
    browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "requestAnimationFrame(() => requestAnimationFrame(() => done(true)));"
    )


def requests_made(browser) -> list[str]:
    """The URL of every request in Chromium's performance log since the last call."""
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def is_local(url: str, server: str) -> bool:
    parts = urlparse(url)
    return (
        parts.scheme in ("data", "blob", "about")
        or parts.netloc == urlparse(server).netloc
    )


def heat_rows(browser, root, name: str) -> list[dict]:
    """The rows of the h or c heatmap: symbol fed, each square's value and colour."""
    return browser.execute_script(
        "return Array.from(arguments[0].querySelectorAll("
        "  '.ax-heat-' + arguments[1] + ' .ax-heat-rows > .ax-heat-row'))"
        ".map(r => ({symbol: r.querySelector('.ax-heat-symbol').textContent,"
        "  values: Array.from(r.querySelectorAll('.ax-heat-cell'), e => +e.dataset.v),"
        "  signs: Array.from(r.querySelectorAll('.ax-heat-cell'), e =>"
        "    e.classList.contains('ax-pos') ? 1"
        "    : e.classList.contains('ax-neg') ? -1 : 0)}));",
        root,
        name,
    )


def write_test_page(
    built_book: Path, name: str, explorers: list[tuple[dict, str]]
) -> str:
    """A page in the built book with the given explorers (attributes, model JSON text).

    It loads explorer.js twice, deferred in the head and again at the end of
    the body, as a page that includes two explorer snippets does.
    """
    parts = []
    for i, (attrs, model_text) in enumerate(explorers):
        attrs = {"class": "alphalstm-explorer", "data-model": f"model-{i}", **attrs}
        attrs = {k: v for k, v in attrs.items() if v is not None}
        attr_text = " ".join(f'{k}="{html.escape(str(v))}"' for k, v in attrs.items())
        safe_json = model_text.replace("</", "<\\/")  # cannot close the script early
        parts.append(
            f"<div {attr_text}></div>\n"
            f'<script type="application/json" id="model-{i}">{safe_json}</script>'
        )
    folder = built_book / "_explorer_tests"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.html").write_text(
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{name}</title>"
        '<link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="../_static/explorer.css">'
        '<script src="../_static/explorer.js" defer></script></head><body>\n'
        + "\n".join(parts)
        + '\n<script src="../_static/explorer.js"></script>\n</body></html>\n'
    )
    return f"_explorer_tests/{name}"


# ------------------------------------------------------- one visit per page

# Everything the page tests read, in one call after the page has settled.
_PAGE_FACTS_JS = """
const math = document.querySelectorAll('.math');
let text = '';
if (math.length) {  // the text outside code, where raw TeX would show
  const body = document.body.cloneNode(true);
  body.querySelectorAll('pre, code, script, style, mjx-assistive-mml')
    .forEach(e => e.remove());
  text = body.textContent;
}
const sidebar = document.querySelector('nav.bd-docs-nav, .bd-sidebar-primary');
return {
  title: document.title,
  unloaded: Array.from(document.images)
    .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src),
  sidebar: sidebar && Array.from(sidebar.querySelectorAll('a'), a => a.href),
  refs: Array.from(document.querySelectorAll(
    'a[href], img[src], link[href], script[src]'), e => e.href || e.src),
  explorers: document.querySelectorAll('.alphalstm-explorer').length,
  resources: performance.getEntriesByType('resource').map(e => e.name),
  icons: Array.from(document.querySelectorAll('link[rel~="icon"]'), l => l.href),
  math: math.length,
  typeset: Array.from(math).filter(e => e.querySelector('mjx-container')).length,
  mathjax: Array.from(document.scripts, s => s.src).filter(s => s.includes('mathjax')),
  text,
  shown: arguments[0] ? document.body.innerText : null,
};
"""

# The main content; its folded parts (hidden code cells) opened, for a reader
# may open them. Where an element is, for the messages.
_MAIN_JS = """
const main = document.querySelector('article.bd-article')
  || document.querySelector('main') || document.body;
const folded = Array.from(main.querySelectorAll('details:not([open])'));
folded.forEach(d => { d.open = true; d.dataset.axFolded = ''; });
const cells = Array.from(main.querySelectorAll('div.cell'));
const where = e => {
  const cell = e.closest('div.cell'), section = e.closest('section[id]');
  return [cell ? 'cell ' + (cells.indexOf(cell) + 1) + ' of ' + cells.length : '',
          section ? 'in #' + section.id : '',
          e.closest('[data-ax-folded]') ? '(folded until the reader opens it)' : '']
    .filter(Boolean).join(' ');
};
const longestLine = e => e.textContent.split('\\n')
  .reduce((a, l) => (l.trimEnd().length > a.length ? l.trimEnd() : a), '');
"""

# At the desktop width: every code box, output, table and image that is wider
# than the box it is in.
_WIDE_JS = (
    _MAIN_JS
    + """
const found = [], seen = new Set();
for (const selector of arguments[0]) {
  for (const e of main.querySelectorAll(selector)) {
    if (seen.has(e)) continue;  // a pre matches several selectors: reported once
    seen.add(e);
    if (e.scrollWidth > e.clientWidth + 1) {
      const line = longestLine(e);
      found.push({selector, where: where(e), width: e.scrollWidth, box: e.clientWidth,
                  what: line.length + ' characters: ' + line.trim().slice(0, 50)});
    }
  }
}
const inner = c => {
  const s = getComputedStyle(c);
  return c.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
};
for (const selector of ['table', 'img']) {
  for (const e of main.querySelectorAll(selector)) {
    const width = e.getBoundingClientRect().width, box = inner(e.parentElement);
    if (width > box + 1) {
      found.push({selector, where: where(e),
                  width: Math.round(width), box: Math.round(box),
                  what: selector === 'img' ? e.src.split('/').pop()
                        : e.innerText.trim().split('\\n')[0].slice(0, 50)});
    }
  }
}
return {innerWidth: window.innerWidth, found};
"""
)

# At phone width: every image of the main content, the page's width, and, if
# it scrolls sideways, what sticks out: an element or a run of text that
# reaches past the viewport and past its parent's box, and is not inside a box
# that scrolls (or clips) on its own: code blocks, equations and tables scroll
# inside their own boxes at 390 px on purpose, and do not widen the page.
_PHONE_JS = (
    _MAIN_JS
    + """
const vw = arguments[0];
const images = Array.from(main.querySelectorAll('img'))
  .filter(i => i.getClientRects().length)  // not rendered (display: none): not seen
  .map(i => {
    const r = i.getBoundingClientRect();
    return {src: i.src.split('/').pop(), where: where(i), left: r.left, right: r.right,
            width: r.width, height: r.height,
            naturalWidth: i.naturalWidth, naturalHeight: i.naturalHeight};
  });
const page = {scrollWidth: document.documentElement.scrollWidth,
              innerWidth: window.innerWidth};
const inOwnBox = n => {
  for (let a = n.parentElement; a && a !== document.body; a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== 'visible') return true;
  }
  return false;
};
const past = r => r.width > 0 && r.right > vw + 1;
const name = e => e.tagName.toLowerCase()
  + (e.className && typeof e.className === 'string'
     ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
const stickingOut = scope => {
  const out = [];
  const walker = document.createTreeWalker(
    scope, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n && out.length < 10; n = walker.nextNode()) {
    const text = n.nodeType === Node.TEXT_NODE;
    if (text && !n.textContent.trim()) continue;
    let r;
    if (text) { const range = document.createRange(); range.selectNodeContents(n);
                r = range.getBoundingClientRect(); }
    else r = n.getBoundingClientRect();
    const parent = n.parentElement;
    const parentRight = parent.getBoundingClientRect().right;
    if (!past(r) || r.right <= parentRight + 1 || inOwnBox(n)) continue;
    const e = text ? parent : n;
    const words = (text ? n.textContent : e.innerText || '').trim().split(/\\s+/);
    out.push({element: name(e), where: where(e), right: Math.round(r.right),
              parentRight: Math.round(parentRight),
              what: words.join(' ').slice(0, 50), longestWord: words.reduce(
                (a, w) => (w.length > a.length ? w : a), '').slice(0, 80)});
  }
  return out;
};
let spill = [];
if (page.scrollWidth > page.innerWidth + 1 || page.innerWidth !== vw) {
  spill = stickingOut(main);
  if (!spill.length) spill = stickingOut(document.body);
}
return {images, page, spill};
"""
)


def _visit(browser, server: str, page_name: str) -> dict:
    """Open a page as a first-time reader, at the desktop width, and read it.

    A toc page is then also measured: at the desktop width, and at phone
    width (the window resized to NARROW, which lays the page out as a load at
    that width does: checked against fresh loads on every page of the book;
    the pages' JavaScript does not depend on the width).
    """
    # A first visit: nothing stored by earlier pages (the theme keeps its mode there).
    browser.execute_cdp_cmd(
        "Storage.clearDataForOrigin",
        {"origin": server.rstrip("/"), "storageTypes": "local_storage,session_storage"},
    )
    browser.get_log("browser")  # forget what earlier pages logged
    requests_made(browser)
    from selenium.common.exceptions import TimeoutException

    try:
        open_page(browser, server, page_name)
        unstarted = 0
    except TimeoutException:  # (then the other checks of the page still run)
        unstarted = browser.execute_script(
            "return Array.from(document.querySelectorAll('.alphalstm-explorer'))"
            ".filter(r => !['ready', 'error'].includes(r.dataset.status)).length;"
        )
    wait_until_settled(browser)
    facts = browser.execute_script(_PAGE_FACTS_JS, page_name == ROLLOUT_PAGE)
    facts["unstarted"] = unstarted
    facts["asked"] = requests_made(browser)
    facts["console"] = [
        e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"
    ]
    if page_name not in toc_pages():
        return facts

    SHOTS.mkdir(parents=True, exist_ok=True)
    screenshot(browser, SHOTS / f"{page_name.replace('/', '_')}.png")
    facts["desktop"] = browser.execute_script(_WIDE_JS, list(CODE_BOXES))
    browser.execute_cdp_cmd("Emulation.setScrollbarsHidden", {"hidden": True})
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", NARROW)
    try:
        next_frame(browser)
        facts["phone"] = browser.execute_script(_PHONE_JS, NARROW["width"])
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.execute_cdp_cmd("Emulation.setScrollbarsHidden", {"hidden": False})
    return facts


@pytest.fixture(scope="session")
def visit(server, browser):
    """visit(page_name): what one load of the page showed (each page loaded once)."""
    seen: dict[str, dict] = {}

    def get(page_name: str) -> dict:
        if page_name not in seen:
            seen[page_name] = _visit(browser, server, page_name)
        return seen[page_name]

    return get


# ------------------------------------------------------------- every page


@pytest.mark.parametrize("page_name", toc_pages())
def test_page_in_a_real_browser(page_name, server, visit):
    facts = visit(page_name)
    assert facts["title"].strip(), f"{page_name}: no title"

    # Every image has loaded.
    assert not facts["unloaded"], f"{page_name}: images not loaded: {facts['unloaded']}"

    # The sidebar lists every chapter.
    assert facts["sidebar"] is not None, f"{page_name}: no sidebar"
    hrefs = {h.split("#")[0] for h in facts["sidebar"] if h}
    for other in toc_pages()[1:]:
        assert urljoin(server, f"{other}.html") in hrefs, (
            f"{page_name}: sidebar lacks {other}"
        )

    # No local link or resource is missing.
    local = {
        r.split("#")[0]
        for r in facts["refs"]
        if urlparse(r).netloc == urlparse(server).netloc
    }
    missing = [r for r in sorted(local) if r and _status(r) == 404]
    assert not missing, f"{page_name}: 404 for {missing}"

    # The explorer tests cover this page if it has an explorer.
    if facts["explorers"]:
        assert page_name in EXPLORER_PAGES, f"{page_name}: explorer not found in source"


@pytest.mark.parametrize("page_name", toc_pages() + SPHINX_PAGES)
def test_page_loads_nothing_from_another_host_and_logs_no_error(
    page_name, server, visit
):
    facts = visit(page_name)  # a first visit, storage cleared

    # (1) Every resource the page loaded came from the test server ...
    loaded = facts["resources"]
    assert loaded, f"{page_name}: no resource timing entries"
    foreign = [u for u in loaded if not is_local(u, server)]
    assert not foreign, f"{page_name}: loaded from another host: {foreign}"
    # ... and it asked for nothing elsewhere either (a blocked request fails,
    # and may leave no resource timing entry, but it is in the network log).
    asked = facts["asked"]
    assert any(u.startswith(server) for u in asked), f"{page_name}: no request logged"
    foreign = [u for u in asked if not is_local(u, server)]
    assert not foreign, f"{page_name}: requested from another host: {foreign}"

    # (2) Every explorer on it has started, or refused to with a message.
    assert not facts["unstarted"], f"{page_name}: {facts['unstarted']} explorers hang"

    # (3) The console has no error.
    errors = facts["console"]
    assert not errors, f"{page_name}: console errors: {errors}"
    # ... including the one a browser logs once per site, when a page names no
    # icon and the host has no /favicon.ico: the page names a local icon.
    icons = facts["icons"]
    assert icons and all(is_local(u, server) and _status(u) == 200 for u in icons), (
        f"{page_name}: icons {icons}"
    )
    # (The icons above are those of the page shown: after a redirect, of the page
    # it leads to.) A page that names no icon itself makes the browser ask for
    # /favicon.ico when it has loaded, unless it has already followed its
    # redirect: a race, which a reader may lose. Checked, not raced:
    page_url = urljoin(server, f"{page_name}.html")
    with urllib.request.urlopen(page_url, timeout=20) as resp:
        source = resp.read().decode()
    names_icon = re.search(r"<link[^>]*\brel=\"[^\"]*\bicon\b", source)
    assert names_icon or _status(urljoin(server, "favicon.ico")) == 200, (
        f"{page_name}: {page_name}.html names no icon and the host has no "
        "/favicon.ico: a browser that asks for it before it follows the page's "
        "redirect logs a 404 error"
    )


def test_equations_are_typeset_offline(server, visit, built_book):
    """Every page with math shows it typeset by the vendored MathJax, no raw TeX."""
    with_math = [
        p
        for p in toc_pages()
        if 'class="math' in (built_book / f"{p}.html").read_text()
    ]
    assert with_math, "no page of the book has an equation"
    for page_name in with_math:
        found = visit(page_name)
        assert found["math"] > 0, page_name
        assert found["typeset"] == found["math"], (
            f"{page_name}: {found['typeset']} of {found['math']} equations typeset"
        )
        for raw in ("\\(", "\\[", "$$"):
            assert raw not in found["text"], f"{page_name}: raw TeX {raw!r} left"
        assert found["mathjax"] and all(
            s.startswith(urljoin(server, "_static/mathjax/")) for s in found["mathjax"]
        ), found["mathjax"]


def test_stateful_chapter_shows_the_rollout_as_text(visit):
    assert "ABCDEFGHIJKLMNOPQRSTUVWXYZ" in visit(ROLLOUT_PAGE)["shown"]


def _at(found: dict) -> str:
    """Where an element is, for a message: " (cell 3 of 20 in #section)"."""
    return f" ({found['where']})" if found["where"] else ""


@pytest.mark.parametrize("page_name", toc_pages())
def test_code_and_outputs_do_not_scroll_sideways_at_1280px(page_name, visit):
    """No code cell, output or code block scrolls sideways in a desktop window,
    and no table or image is wider than its box (folded cells opened)."""
    desktop = visit(page_name)["desktop"]
    assert desktop["innerWidth"] == DESKTOP_WIDTH, desktop["innerWidth"]
    lines = [
        f"  {f['selector']}{_at(f)}: {f['width']} px wide in a "
        f"{f['box']} px box; {f['what']!r}"
        for f in desktop["found"]
    ]
    if lines:  # the message says it all (and pytest's traceback costs seconds)
        pytest.fail(
            f"{page_name}: {len(lines)} elements wider than their box at "
            f"{DESKTOP_WIDTH} px:\n" + "\n".join(lines),
            pytrace=False,
        )


@pytest.mark.parametrize("page_name", toc_pages())
def test_diagrams_are_whole_and_page_does_not_scroll_on_a_phone(page_name, visit):
    """At 390 px every image is inside the viewport with its own aspect ratio,
    and nothing makes the page scroll sideways. (Code blocks, equations and
    wide tables may scroll sideways at 390 px: inside their own boxes, which
    do not widen the page.)"""
    phone = visit(page_name)["phone"]
    width = NARROW["width"]
    problems = []
    for img in phone["images"]:
        where = f"img {img['src'][:24]}{_at(img)}"
        # 0.5 px: the box of an image that fits exactly may round past it.
        if img["left"] < -0.5 or img["right"] > width + 0.5:
            problems.append(
                f"  {where}: from {img['left']:.0f} to {img['right']:.0f} px, "
                f"cut off by the {width} px screen"
            )
        if not (img["naturalWidth"] and img["naturalHeight"] and img["height"]):
            problems.append(f"  {where}: not loaded, or drawn 0 px high")
            continue
        natural = img["naturalWidth"] / img["naturalHeight"]
        drawn = img["width"] / img["height"]
        if abs(drawn / natural - 1) > ASPECT_TOLERANCE:
            problems.append(
                f"  {where}: drawn {img['width']:.0f}x{img['height']:.0f}, its "
                f"pixels are {img['naturalWidth']}x{img['naturalHeight']}: "
                f"aspect ratio off by {abs(drawn / natural - 1):.1%}"
            )
    page = phone["page"]
    if page["innerWidth"] != width or page["scrollWidth"] > page["innerWidth"] + 1:
        # (A phone widens its layout viewport when a page overflows.)
        problems.append(
            f"  the page is {page['scrollWidth']} px wide (viewport "
            f"{page['innerWidth']} px, screen {width} px); sticking out:"
        )
        problems += [
            f"    {s['element']}{_at(s)}: reaches {s['right']} px, its parent "
            f"{s['parentRight']} px"
            + (
                f"; {s['what']!r}, longest word {s['longestWord']!r}"
                if s["what"]
                else ""
            )
            for s in phone["spill"]
        ] or ["    nothing found in the main content"]
    if problems:  # the message says it all (and pytest's traceback costs seconds)
        pytest.fail(
            f"{page_name} at {width} px:\n" + "\n".join(problems), pytrace=False
        )


# ------------------------------------------------------------ the explorer


def test_one_explorer_per_exported_model(page):
    assert MODEL_NAMES, f"no exported model in {MODELS}"
    ids = page.execute_script(
        "return Array.from(document.querySelectorAll('.alphalstm-explorer'))"
        ".map(r => r.dataset.model);"
    )
    assert sorted(ids) == sorted(f"model-{name}" for name in MODEL_NAMES)
    for name in MODEL_NAMES:
        # The page embeds the model file itself (no fetch: works from file:// too).
        embedded = page.execute_script(
            "return document.getElementById(arguments[0]).textContent;", f"model-{name}"
        )
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
            largest = max(
                largest, compare(state, vector, step, f"{name} {vector['sequence']!r}")
            )
            expected = model["vocabulary"][
                int(np.argmax(vector["probabilities"][step]))
            ]
            assert state["prediction"] == expected
            assert state["shown"] == expected
    record_diff(name, largest)

    # The read-only hook returns what the data- attributes hold.
    snap = page.execute_script(
        "return arguments[0].alphalstmExplorer.snapshot();", root
    )
    state = read(page, root)
    assert snap["sequence"] == state["sequence"]
    for k in ("probabilities", "h", "c"):
        assert np.array_equal(np.array(snap[k]), state[k])


def test_explorer_matches_keras_by_keyboard(page):
    from selenium.webdriver.common.keys import Keys

    name = "stateful"
    model = load_model(name)
    vector = model["tests"][0]
    root = explorer(page, name)
    # Click the explorer's title: the explorer itself takes the focus.
    click(page, root, ".ax-title")
    assert page.execute_script("return document.activeElement === arguments[0];", root)
    key(page, Keys.ESCAPE)
    largest = 0.0
    for step, symbol in enumerate(vector["sequence"]):
        key(page, symbol.lower())  # lower case works too
        state = read(page, root)
        assert state["sequence"] == vector["sequence"][: step + 1]
        largest = max(largest, compare(state, vector, step, f"{name} by keyboard"))
        assert len(heat_rows(page, root, "h")) == step + 1, "a heatmap row per key"
    record_diff(name, largest)

    key(page, Keys.ESCAPE)
    state = read(page, root)
    assert state["sequence"] == "" and not state["h"].any() and not state["c"].any()
    assert heat_rows(page, root, "h") == [] and heat_rows(page, root, "c") == []


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_every_control_is_reachable_by_tab(name, page):
    from selenium.webdriver.common.keys import Keys

    root = explorer(page, name)
    page.execute_script("arguments[0].focus();", root)
    # Buttons, the switch, and the heatmap's scrolling boxes.
    focusable = "button, input, [tabindex='0']"
    found = page.execute_script(
        "const all = Array.from(arguments[0].querySelectorAll(arguments[1]));"
        "return {controls: all.filter(e => !e.disabled),"
        "  names: all.map(e => e.getAttribute('aria-label') || (e.labels &&"
        "    e.labels[0] && e.labels[0].textContent) || '')};",
        root,
        focusable,
    )
    controls = found["controls"]
    assert all(n.strip() for n in found["names"]), (
        "every control has an accessible name"
    )
    # The element that has the focus after each Tab (read as the key comes up).
    page.execute_script(
        "window.axTabs = [];"
        "window.axOnTab = e => {"
        "  if (e.key === 'Tab') axTabs.push(document.activeElement); };"
        "document.addEventListener('keyup', axOnTab, true);"
    )
    key(page, Keys.TAB * (len(controls) + 2))
    after_each_tab, inside = page.execute_script(
        "document.removeEventListener('keyup', axOnTab, true);"
        "return [axTabs, axTabs.map(a => arguments[0].contains(a))];",
        root,
    )
    reached = []
    for active, is_inside in zip(after_each_tab, inside):
        if not is_inside:
            break
        reached.append(active)
    assert len(reached) == len(controls) and set(reached) == set(controls)
    scrollers = root.find_elements("css selector", ".ax-heat-scroll")
    assert all(s in reached for s in scrollers), "the heatmap boxes scroll by keyboard"
    live = root.find_element("css selector", ".ax-prediction[aria-live]")
    assert live.text.startswith("Next letter")


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_reset_returns_the_state_to_zero(name, page):
    from selenium.webdriver.common.keys import Keys

    root = explorer(page, name)
    for symbol in "ABCD":
        press(page, root, symbol)
    before = read(page, root)
    assert before["h"].any() and before["c"].any()
    assert len(heat_rows(page, root, "c")) == 4
    reset(page, root)
    after = read(page, root)
    assert not after["h"].any() and not after["c"].any(), (
        "h and c are zero after a reset"
    )
    assert after["sequence"] == "" and after["prediction"] == ""
    assert after["probabilities"].size == 0
    found = page.execute_script(
        "return {cells: Array.from(arguments[0].querySelectorAll('.ax-cell'),"
        "  e => e.className),"
        "  strips: Array.from(arguments[0].querySelectorAll('.ax-strip'),"
        "  e => e.getAttribute('aria-label'))};",
        root,
    )
    cells = found["cells"]
    units = load_model(name)["lstm"]["units"]
    assert len(cells) == 2 * units and all("ax-zero" in c for c in cells), (
        "the strips are blank"
    )
    assert found["strips"] and all(s.endswith("all zero") for s in found["strips"])
    assert heat_rows(page, root, "h") == [] and heat_rows(page, root, "c") == [], (
        "the heatmap is cleared"
    )

    # Escape resets too.
    press(page, root, "Q")
    assert read(page, root)["h"].any()
    key(page, Keys.ESCAPE)
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
    assert len(root.find_elements("css selector", ".ax-history li.ax-cold")) == len(
        sequence
    )

    click(page, box)
    assert not box.is_selected()
    stateful = []
    for symbol in sequence:
        reset(page, root)
        press(page, root, symbol)
        alone = read(page, root)
        stateful.append(alone)
        for k in ("probabilities", "h", "c"):
            assert np.allclose(
                alone[k], together[len(stateful) - 1][k], rtol=0, atol=1e-12
            ), f"{symbol}: with 'stateless' on, {k} differs from {symbol} fed alone"
    # ... and they match NumPy's stateless pass, which differs from the stateful one.
    ref = reference(model, sequence, stateless=True)
    assert all(
        np.abs(s["probabilities"] - r[0]).max() <= TOLERANCE
        for s, r in zip(together, ref)
    )
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
    assert line is not None, "chapter 5 no longer prints its cold start from K"
    expected = line.split("K->", 1)[1][0]
    root = explorer(page, name)
    for symbol in "ABCDEFGHIJ":  # a warm state first, which the reset must clear
        press(page, root, symbol)
    reset(page, root)
    press(page, root, "K")
    state = read(page, root)
    assert state["sequence"] == "K"
    assert state["prediction"] == expected, f"chapter 5 prints {line!r}"
    assert state["shown"] == expected


def test_explorer_light_dark_and_phone(page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    root = explorer(page, "stateful")
    example(page, root, "warmup")
    page.execute_script("document.documentElement.dataset.theme = 'light';")
    style = (
        "const s = getComputedStyle(document.documentElement);"
        "const e = getComputedStyle(arguments[0]);"
        "const cell = arguments[0].querySelector('.ax-heat-cell.ax-pos');"
        "return [s.getPropertyValue('--pst-color-background').trim(),"
        "        s.getPropertyValue('--pst-color-text-base').trim(),"
        "        e.backgroundColor, e.color,"
        "        getComputedStyle(cell).backgroundImage];"
    )
    light = page.execute_script(style, root)
    root.screenshot(str(SHOTS / "explorer-light.png"))

    page.execute_script("document.documentElement.dataset.theme = 'dark';")
    dark = page.execute_script(style, root)
    assert all(a and b and a != b for a, b in zip(light, dark)), (light, dark)
    root.screenshot(str(SHOTS / "explorer-dark.png"))
    page.execute_script("document.documentElement.dataset.theme = 'light';")


# ---------------------------------------------- every page with an explorer


@each_explorer_page
def test_explorers_start_once_with_unique_ids(page_name, server, browser):
    roots = explorers_ready(browser, server, page_name)
    found = browser.execute_script(
        "const ids = Array.from(document.querySelectorAll('[id]'), e => e.id);"
        "return {duplicates: ids.filter((id, i) => ids.indexOf(id) !== i),"
        "  scripts: document.querySelectorAll('script[src*=\"explorer.js\"]').length,"
        "  keyboards: Array.from(document.querySelectorAll('.alphalstm-explorer'),"
        "    r => r.querySelectorAll('.ax-keys').length)};"
    )
    assert found["scripts"] >= 1
    assert not found["duplicates"], (
        f"{page_name}: ids used twice: {found['duplicates']}"
    )
    assert found["keyboards"] == [1] * len(roots), "each explorer is built once"
    for root in roots:
        # Each runs the exported file it names.
        assert embedded_model(browser, root) == load_model(model_name(root))


@each_explorer_page
def test_stateless_note_shows_while_stateless_is_on(page_name, server, browser):
    roots = explorers_ready(browser, server, page_name)
    noted = [r for r in roots if r.get_attribute("data-stateless-note")]
    if page_name == EXPLORER_PAGE or "explorer-stateful" in _page_source_text(
        page_name
    ):
        assert "stateful" in [model_name(r) for r in noted], (
            "chapter 5's network has one"
        )
    for root in roots:
        notes = root.find_elements("css selector", ".ax-stateless-note")
        if root not in noted:
            assert not notes, model_name(root)
            continue
        model = embedded_model(browser, root)
        # What the note says: one answer for every letter, from a zero state.
        every_letter = "".join(model["vocabulary"])
        answers = {
            top_two(model, p)[0] for p, _, _ in reference(model, every_letter, True)
        }
        assert len(answers) == 1, f"{model_name(root)} answers {answers} from zero"
        note, box = notes[0], root.find_element("css selector", "input.ax-stateless")
        assert not note.is_displayed()
        click(browser, box)
        assert note.is_displayed()
        assert note.text == root.get_attribute("data-stateless-note")
        assert "one answer for every letter" in note.text.lower()
        for symbol in "AKQZ":
            press(browser, root, symbol)
            assert read(browser, root)["prediction"] in answers, symbol
        click(browser, box)
        assert not note.is_displayed()


# What each network's guided buttons must feed (label -> symbols, or the
# rollout's length), wherever the network has an explorer.
REQUIRED_EXAMPLES = {
    "stateful": {
        "roll out from A": 26,
        "cold start from K": "K",
        "warm up A\u2026J, then K": ALPHABET[:11],
    },
    "bounce-stateful": {
        "roll out the bounce from A": 51,
        "up to M": ALPHABET[:13],
        "down to M": ALPHABET + ALPHABET[-2:11:-1],
        "M alone": "M",
        "N then M": "NM",
    },
}


def expected_line(model: dict, spec: dict) -> tuple[str, str]:
    """(the example's answer, its line) from the NumPy reference alone."""
    if "rollout" in spec:
        text = reference_rollout(model, spec["rollout"])
        p = reference(model, text[:-1])[-1][0]
        answer = text
    else:
        p = reference(model, spec["feed"])[-1][0]
        answer = top_two(model, p)[0]
    line = spec.get("note", "").replace("{answer}", answer)
    return answer, line.replace("{second}", top_two(model, p)[1])


def _example_buttons(browser, root) -> list[dict]:
    """Each guided button of an explorer: its element, text and data- attributes."""
    return browser.execute_script(
        _SHOWN_TEXT_JS + "return Array.from(arguments[0].querySelectorAll("
        "'button.ax-example'), b => ({button: b, text: shown(b),"
        "  feed: b.getAttribute('data-feed'), rollout: b.getAttribute('data-rollout'),"
        "  id: b.dataset.example}));",
        root,
    )


@each_explorer_page
def test_each_network_has_its_own_guided_examples(page_name, server, browser):
    for root in explorers_ready(browser, server, page_name):
        required = REQUIRED_EXAMPLES.get(model_name(root))
        if not required:
            continue
        fed = {
            b["text"]: b["feed"] or int(b["rollout"])
            for b in _example_buttons(browser, root)
        }
        assert fed == required, model_name(root)


@each_explorer_page
def test_guided_examples_say_what_the_network_computes(page_name, server, browser):
    """Each button feeds what it says, and its line states NumPy's answer."""
    for root in explorers_ready(browser, server, page_name):
        model = embedded_model(browser, root)
        specs = json.loads(root.get_attribute("data-examples") or "null")
        buttons = _example_buttons(browser, root)
        if specs is not None:
            assert [b["text"] for b in buttons] == [s["label"] for s in specs]
        box = root.find_element("css selector", "input.ax-stateless")
        for i, button in enumerate(buttons):
            if specs is not None:
                spec = specs[i]
            elif button["rollout"]:
                spec = {"rollout": int(button["rollout"])}
            else:
                spec = {"feed": button["feed"]}
            where = f"{page_name} {model_name(root)} {button['text']!r}"
            press(browser, root, "Z")  # an example starts from a zero state ...
            if box.is_enabled():
                click(browser, box)  # ... and with the state carried
            click(browser, button["button"])

            answer, line = expected_line(model, spec)
            state = read(browser, root, ".ax-example-text", ".ax-unexpected")
            fed = answer[:-1] if "rollout" in spec else spec["feed"]
            assert state["sequence"] == fed, where
            assert not state["stateless"] or not model["stateful"], where
            p, h, c = reference(model, fed)[-1]
            assert np.abs(state["probabilities"] - p).max() <= TOLERANCE, where
            assert np.abs(state["h"] - h).max() <= TOLERANCE, where
            assert np.abs(state["c"] - c).max() <= TOLERANCE, where

            shown = state["texts"][0]
            if specs is not None:
                assert shown == line, where
                if "expect" in spec:  # what the page's prose claims
                    assert answer == spec["expect"], where
            assert answer in shown, where
            assert not state["counts"][1], where
            press(browser, root, "A")
            assert shown_text(browser, root, ".ax-example-line") == "", (
                f"{where}: the line stays after another letter"
            )


@each_explorer_page
def test_heatmap_shows_h_and_c_after_every_step(page_name, server, browser):
    for root in explorers_ready(browser, server, page_name):
        model = embedded_model(browser, root)
        units, where = model["lstm"]["units"], f"{page_name} {model_name(root)}"
        heat = browser.execute_script(
            _SHOWN_TEXT_JS + "const heat = arguments[0].querySelector('.ax-heat');"
            "return [shown(heat), Array.from(heat.querySelectorAll('.ax-colour-key'),"
            "  shown)];",
            root,
        )
        assert "step (symbol fed)" in heat[0] and "unit" in heat[0], where
        keys = [" ".join(k.split()) for k in heat[1]]
        assert keys == ["\u22121 +1", "\u22123 +3"], f"{where}: colour keys {keys}"

        reset(browser, root)
        sequence = "ABCK"
        for symbol in sequence:
            press(browser, root, symbol)
        expected = reference(model, sequence)
        for k, name in ((1, "h"), (2, "c")):
            rows = heat_rows(browser, root, name)
            assert [r["symbol"] for r in rows] == list(sequence), where
            for t, row in enumerate(rows):
                values = np.array(row["values"])
                assert values.shape == (units,), where
                assert np.abs(values - expected[t][k]).max() <= TOLERANCE, where
                assert row["signs"] == np.sign(values).astype(int).tolist(), where
        # The last row has the strip's colours, square for square.
        same = browser.execute_script(
            "const r = arguments[0];"
            "const last = Array.from(r.querySelectorAll('.ax-heat-h .ax-heat-row'))"
            "  .pop().querySelectorAll('.ax-heat-cell');"
            "const strip = r.querySelectorAll('.ax-strip-h .ax-cell');"
            "return Array.from(strip).every((s, j) =>"
            "  getComputedStyle(s).backgroundImage ==="
            "  getComputedStyle(last[j]).backgroundImage);",
            root,
        )
        assert same, where
        reset(browser, root)
        assert heat_rows(browser, root, "h") == [], where


@each_explorer_page
def test_explorers_fit_a_phone(page_name, server, browser):
    # Loaded at phone size (not resized), as a phone loads it.
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        roots = open_explorers(browser, server, page_name)
        for root in roots:
            # The longest guided example fills the history and the heatmap most.
            buttons = _example_buttons(browser, root)
            longest = max(
                buttons, key=lambda b: int(b["rollout"] or 0) or len(b["feed"])
            )
            click(browser, longest["button"])
        width = browser.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth];"
        )
        # (A phone widens its layout viewport when a page overflows: innerWidth > 390.)
        assert width[1] == PHONE["width"] and width[0] <= width[1], (
            f"horizontal overflow: scrollWidth, innerWidth = {width}"
        )
        over = browser.execute_script(
            "return Array.from(document.querySelectorAll('.alphalstm-explorer *'))"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)"
            ".map(e => e.className);"
        )
        assert not over, f"explorer parts wider than the phone: {over}"
        for root in roots:
            boxes = browser.execute_script(
                "return Array.from("
                "  arguments[0].querySelectorAll('.ax-heat-scroll'), b => ({"
                "  sideways: b.scrollWidth - b.clientWidth,"
                "  height: b.clientHeight, content: b.scrollHeight,"
                "  cell: b.querySelector('.ax-heat-cell').getBoundingClientRect()}));",
                root,
            )
            for box in boxes:
                assert box["sideways"] <= 0, (
                    f"{model_name(root)}: heatmap scrolls sideways"
                )
                assert box["height"] < box["content"], (
                    "a long history scrolls vertically"
                )
                assert box["height"] <= 0.6 * PHONE["height"], "... in a box of its own"
                # Readable: every unit keeps a square of a few pixels.
                assert box["cell"]["width"] >= 5 and box["cell"]["height"] >= 10, box
        # Viewport screenshots (the sticky header would cover part of an element shot).
        stem = page_name.replace("/", "_")
        for root in roots:
            for part, suffix in ((".ax-title", ""), (".ax-heat", "-heatmap")):
                browser.execute_script(
                    "window.scrollTo(0, arguments[0].getBoundingClientRect().top"
                    " + window.scrollY - 70);",
                    root.find_element("css selector", part),
                )
                screenshot(
                    browser, SHOTS / f"phone-{stem}-{model_name(root)}{suffix}.png"
                )
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        SHOWN["fresh"] = None  # loaded at another size: load again before reuse


# ----------------------------------------------------- refusing bad input


def _broken(model: dict, change) -> str:
    model = copy.deepcopy(model)
    change(model)
    return json.dumps(model)


def _drop_last_column(matrix: list) -> None:
    for row in matrix:
        row.pop()


# case -> (the broken explorer's attributes, its model's JSON text or a change
# to the good model, words the error must name)
BAD_INPUT = {
    "unknown symbol in data-cold": ({"data-cold": "7"}, None, "data-cold"),
    "two symbols in data-cold": ({"data-cold": "KL"}, None, "data-cold"),
    "zero data-rollout-length": (
        {"data-rollout-length": "0"},
        None,
        "data-rollout-length",
    ),
    "fractional data-rollout-length": (
        {"data-rollout-length": "12.5"},
        None,
        "data-rollout-length",
    ),
    "wordy data-rollout-length": (
        {"data-rollout-length": "ten"},
        None,
        "data-rollout-length",
    ),
    "unknown symbol in data-warmup": ({"data-warmup": "AB?K"}, None, "data-warmup"),
    "data-warmup not ending in data-cold": (
        {"data-warmup": "ABC"},
        None,
        "data-warmup",
    ),
    "misspelt attribute": ({"data-cold-start": "K"}, None, "data-cold-start"),
    "examples not JSON": ({"data-examples": "[{"}, None, "data-examples"),
    "example feeding an unknown symbol": (
        {"data-examples": '[{"label": "x", "feed": "AB1"}]'},
        None,
        "data-examples[0].feed",
    ),
    "example with a misspelt key": (
        {"data-examples": '[{"label": "x", "feed": "AB", "expected": "C"}]'},
        None,
        "expected",
    ),
    "example with an unknown placeholder": (
        {"data-examples": '[{"label": "x", "feed": "AB", "note": "{anser}"}]'},
        None,
        "{anser}",
    ),
    "no model with that id": ({"data-model": "no-such-model"}, None, "no-such-model"),
    "model not JSON": ({}, '{"format": ', "JSON"),
    "unknown format": (
        {},
        lambda m: m.update(format="alphalstm-lstm/2"),
        "alphalstm-lstm/2",
    ),
    "kernel with a column missing": (
        {},
        lambda m: _drop_last_column(m["lstm"]["kernel"]),
        "lstm.kernel",
    ),
    "kernel with a row too many": (
        {},
        lambda m: m["lstm"]["kernel"].append(m["lstm"]["kernel"][0]),
        "lstm.kernel",
    ),
    "recurrent kernel with a row missing": (
        {},
        lambda m: m["lstm"]["recurrent_kernel"].pop(),
        "lstm.recurrent_kernel",
    ),
    "bias too short": ({}, lambda m: m["lstm"]["bias"].pop(), "lstm.bias"),
    "weight not a number": (
        {},
        lambda m: m["lstm"]["kernel"][0].__setitem__(0, "0.5"),
        "lstm.kernel",
    ),
    "dense kernel of the wrong width": (
        {},
        lambda m: _drop_last_column(m["dense"]["kernel"]),
        "dense.kernel",
    ),
    "dense bias too long": ({}, lambda m: m["dense"]["bias"].append(0.0), "dense.bias"),
    "hard_sigmoid gates": (
        {},
        lambda m: m["lstm"].update(recurrent_activation="hard_sigmoid"),
        "hard_sigmoid",
    ),
    "relu cells": ({}, lambda m: m["lstm"].update(activation="relu"), "relu"),
    "gates in another order": (
        {},
        lambda m: m["lstm"]["gate_order"].reverse(),
        "gate_order",
    ),
    "test vector one step short": (
        {},
        lambda m: m["tests"][0]["h"].pop(),
        "tests[0].h",
    ),
    "stateless note on a stateless network": (
        {"data-stateless-note": "x"},
        lambda m: m.update(stateful=False),
        "data-stateless-note",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_explorer_refuses_bad_input(case, server, browser, built_book):
    attrs, broken, words = BAD_INPUT[case]
    good = (MODELS / "stateful.json").read_text()
    if callable(broken):
        broken = _broken(json.loads(good), broken)
    test_page = write_test_page(
        built_book,
        "bad-" + "".join(ch if ch.isalnum() else "-" for ch in case),
        [(attrs, broken or good), ({"data-title": "control"}, good)],
    )
    open_page(browser, server, test_page)
    found = browser.execute_script(
        "const [bad, control] = document.querySelectorAll('.alphalstm-explorer');"
        "const count = (r, s) => r.querySelectorAll(s).length;"
        "return {roots: document.querySelectorAll('.alphalstm-explorer').length,"
        "  control, status: bad.dataset.status,"
        "  alerts: Array.from(bad.querySelectorAll(\".ax-error[role='alert']\")),"
        "  controls: count(bad, 'button, input'),"
        "  controlStatus: control.dataset.status,"
        "  controlErrors: count(control, '.ax-error'),"
        "  controlKeys: count(control, '.ax-keys')};"
    )
    assert found["roots"] == 2
    control = found["control"]

    assert found["status"] == "error", case
    alerts = found["alerts"]
    assert len(alerts) == 1 and alerts[0].is_displayed(), case
    assert words in alerts[0].text, f"{case}: {alerts[0].text!r}"
    assert not found["controls"], "no buttons drawn"

    # The other explorer on the page is unaffected, and built once.
    assert found["controlStatus"] == "ready"
    assert not found["controlErrors"]
    assert found["controlKeys"] == 1
    press(browser, control, "A")
    state = read(browser, control)
    assert state["prediction"] and state["sequence"] == "A"


def test_two_explorers_of_one_model_on_one_page(server, browser, built_book):
    """Same model id twice, script included twice: unique ids, independent state."""
    good = (MODELS / "stateful.json").read_text()
    # Both explorers name the first JSON.
    test_page = write_test_page(
        built_book, "twice", [({}, good), ({"data-model": "model-0"}, good)]
    )
    open_page(browser, server, test_page)
    first, second = browser.find_elements("css selector", ".alphalstm-explorer")
    assert [
        first.get_attribute("data-status"),
        second.get_attribute("data-status"),
    ] == [
        "ready",
        "ready",
    ]
    ids = browser.execute_script(
        "return Array.from(document.querySelectorAll('[id]'), e => e.id);"
    )
    assert len(ids) == len(set(ids)), f"ids used twice: {ids}"
    # Each label switches its own explorer's box.
    click(browser, second, "label.ax-switch")
    assert second.find_element("css selector", "input.ax-stateless").is_selected()
    assert not first.find_element("css selector", "input.ax-stateless").is_selected()
    press(browser, first, "A")
    press(browser, first, "B")
    assert read(browser, first)["sequence"] == "AB"
    assert read(browser, second)["sequence"] == ""


def test_explorer_takes_good_attributes(server, browser, built_book):
    """The control for test_explorer_refuses_bad_input: valid attribute values."""
    good = (MODELS / "stateful.json").read_text()
    attrs = {
        "data-cold": "C",
        "data-warmup": "ABC",
        "data-rollout-length": "5",
        "data-rollout-label": "five",
    }
    examples = [
        {"label": "x", "feed": "AB", "note": "{answer} {second}", "expect": "C"}
    ]
    test_page = write_test_page(
        built_book,
        "good",
        [(attrs, good), ({"data-examples": json.dumps(examples)}, good)],
    )
    open_page(browser, server, test_page)
    roots = browser.find_elements("css selector", ".alphalstm-explorer")
    assert [r.get_attribute("data-status") for r in roots] == ["ready", "ready"]
    labels = [b["text"] for b in _example_buttons(browser, roots[0])]
    assert labels == ["five", "cold start from C", "warm up A\u2026B, then C"]
    example(browser, roots[0], "rollout")
    assert len(read(browser, roots[0])["sequence"]) == 4
