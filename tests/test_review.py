"""The review site, driven in headless Chromium (Debian's chromium + chromium-driver)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.batch import run_batch
from pipeline.cli import main
from pipeline.review import write_review

from .conftest import DEV

ARTIFACTS = Path(__file__).resolve().parent / "_artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("review")
    src = tmp / "src"
    src.mkdir()
    for n in ("davos2024-tic", "alriyadh_c1"):
        shutil.copy(DEV / f"{n}.txt", src / f"{n}.txt")
    out = tmp / "out"
    run_batch([str(src)], out, workers=1)
    pages = write_review(out, tmp / "site")
    recs = {json.loads(x)["article_id"]: json.loads(x) for x in (out / "articles.jsonl").read_text().splitlines()}
    return tmp, out, pages, recs


def test_static_pages_carry_every_span(site):
    from html.parser import HTMLParser

    tmp, out, pages, recs = site
    davos = (tmp / "site" / "articles" / "davos2024-tic.html").read_text(encoding="utf-8")
    assert "http://" not in davos and "https://" not in davos  # self-contained
    counts = {"fact": 0, "quantity": 0, "entity": 0}

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            k = dict(attrs).get("data-kind")
            if tag == "mark" and k in counts:
                counts[k] += 1

    P().feed(davos)
    rec = recs["davos2024-tic"]
    assert counts["fact"] == len(rec["facts"])
    assert counts["quantity"] == len(rec["quantities"])
    assert counts["entity"] == sum(len(e["mentions"]) for e in rec["entities"])


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("chromium and chromium-driver are not installed (.ci/run installs them)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", "--window-size=1400,1800"):
        opts.add_argument(a)
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    yield drv
    drv.quit()


def _open(browser, site, name="davos2024-tic"):
    tmp = site[0]
    browser.get((tmp / "site" / "articles" / f"{name}.html").as_uri())
    browser.execute_script("localStorage.clear()")
    browser.refresh()


def test_facts_are_highlighted_at_their_words(browser, site):
    _open(browser, site)
    rec = site[3]["davos2024-tic"]
    marks = browser.execute_script(
        "return [...document.querySelectorAll('mark[data-kind=fact]')].map(m=>[m.dataset.id, m.textContent])")
    assert len(marks) == len(rec["facts"]) == 15
    by_id = {f["id"]: f for f in rec["facts"]}
    for fid, text in marks:
        assert text == by_id[fid]["evidence"]["text"], fid
    qs = browser.execute_script(
        "return [...document.querySelectorAll('mark[data-kind=quantity]')].map(m=>m.textContent)")
    assert qs == [q["text"] for q in rec["quantities"]]
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "davos2024-tic-review.png"))
    assert (ARTIFACTS / "davos2024-tic-review.png").stat().st_size > 10_000


def test_clicking_a_fact_focuses_its_span(browser, site):
    _open(browser, site)
    browser.find_element("css selector", 'a[data-goto="f5"]').click()
    active = browser.execute_script("return [document.activeElement.dataset.kind, document.activeElement.dataset.id]")
    assert active == ["fact", "f5"]


def test_keyboard_reaches_facts(browser, site):
    _open(browser, site)
    from selenium.webdriver.common.keys import Keys

    body = browser.find_element("css selector", "body")
    for _ in range(60):
        body.send_keys(Keys.TAB)
        if browser.execute_script("return document.activeElement.dataset.kind") == "fact":
            break
    assert browser.execute_script("return document.activeElement.dataset.kind") == "fact"


def test_decisions_round_trip_through_export_and_verify(browser, site, tmp_path, capsys):
    _open(browser, site)
    browser.find_element("css selector", 'button[data-reject="f1"]').click()
    inp = browser.find_element("css selector", 'tr[data-fact="f2"] input.corr')
    inp.send_keys("462000000000")
    browser.find_element("css selector", 'button[data-accept="f2"]').click()
    browser.find_element("css selector", 'button[data-accept="f3"]').click()
    browser.refresh()  # decisions survive a reload
    exported = browser.execute_script("return window.khabarExport()")
    rows = [json.loads(x) for x in exported.splitlines() if x]
    got = {r["fact_id"]: (r["decision"], r["corrected_value"]) for r in rows}
    assert got == {"f1": ("reject", None), "f2": ("accept", 462000000000), "f3": ("accept", None)}
    dec = tmp_path / "decisions.jsonl"
    dec.write_text(exported, encoding="utf-8")
    out = site[1]
    assert main(["verify", str(out), "--corrections", str(dec), "--report", str(tmp_path / "r.json")]) == 1
    text = capsys.readouterr().out
    assert "f1 (emissions_reduction" in text and "rejected by a reviewer" in text
    assert "a reviewer corrected 362000000000 to 462000000000" in text
    assert "1 accepted, 1 rejected, 1 corrected" in text


def test_phone_width_has_no_horizontal_scroll(browser, site):
    browser.set_window_size(390, 844)
    try:
        _open(browser, site)
        over = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert over <= 1
    finally:
        browser.set_window_size(1400, 1800)
