"""Drive every page of the built book in headless Chromium (the book is built and served by
the ``site_url`` fixture of ``conftest.py``; chapters' own widget tests use it too).

Checks what a reader with no internet, with a keyboard or a screen reader, would meet on
every page the build produced (found in the built tree, so new chapters are covered
without editing this file): no console errors and no failed request, nothing requested
off 127.0.0.1, no serious or critical axe-core violation, alt text on every image, math
typeset by the site's own MathJax. On the chapter pages: the animations step by click, play
and keyboard; readers change kernel, stride and padding; the exercises check typed and
ticked answers; every control shows its focus; the widgets stay readable in dark mode.
Chromium is Debian's ``chromium`` package (``dev.py test`` installs it); Playwright only
drives it and never downloads a browser.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from book_paths import HTML, NOTEBOOKS
from cnnlab import glossary

CHAPTER = "notebooks/03_convolution.html"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice", "experimental"]


def built_pages() -> list[str]:
    """Every HTML page of the built site, relative to its root: assets, sources and the
    front page, which only redirects to the introduction (tested on its own), left out."""
    skip = {"_static", "_sources", "_images"}
    return sorted(
        str(p.relative_to(HTML)) for p in HTML.rglob("*.html")
        if not skip & set(p.relative_to(HTML).parts) and 'http-equiv="Refresh"' not in p.read_text()
    )


class Visit:
    """One page load: its console errors, failed requests and requests that left 127.0.0.1,
    as they stood once the page had loaded and MathJax had typeset."""

    def __init__(self, context, url: str):
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page = context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("response", lambda r: r.status >= 400 and self.errors.append(f"{r.status} {r.url}"))
        self.page.route("**/*", self._route)
        self.page.goto(url, wait_until="load")
        if self.page.evaluate("typeof MathJax !== 'undefined'"):
            self.page.wait_for_function("MathJax.startup && MathJax.startup.promise")
            self.page.evaluate("MathJax.startup.promise")
        self.errors, self.outside = list(self.errors), list(self.outside)  # axe fetches more later

    def _route(self, route):
        url = route.request.url
        if url.startswith("data:") or urlparse(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


@pytest.fixture(scope="module")
def visits(site_url, browser):
    result = {page: Visit(browser, site_url + page) for page in built_pages()}
    yield result
    for visit in result.values():
        visit.page.close()


def test_the_build_has_every_page_of_the_toc(site_url):
    pages = built_pages()
    for page in ["book/intro.html", CHAPTER, "book/glossary.html", "book/notation.html", "book/bibliography.html"]:
        assert page in pages


def test_every_page_loads_offline_without_errors(visits):
    for page, visit in visits.items():
        assert visit.errors == [], f"console errors or failed requests on {page}"
        assert visit.outside == [], f"{page} requested something outside 127.0.0.1"
        assert visit.page.title(), page


def test_no_serious_or_critical_accessibility_violations(visits):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = {}
    for page, visit in visits.items():
        result = axe.run(visit.page, options={"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": AXE_TAGS}})
        bad = [(v["id"], v["impact"], [n["html"][:120] for n in v["nodes"][:3]])
               for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
        if bad:
            found[page] = bad
    assert found == {}


def test_every_image_says_what_it_shows(visits):
    for page, visit in visits.items():
        alts = visit.page.evaluate("[...document.querySelectorAll('main img')].map(i => i.getAttribute('alt') || '')")
        for alt in alts:
            looks_like_a_file = re.fullmatch(r"\S*([/\\]\S*|\.(png|jpe?g|svg|gif))", alt)
            assert len(alt) >= 12 and not looks_like_a_file, f"{page}: alt text {alt!r}"


def test_math_is_typeset_wherever_there_is_math(visits):
    with_math = 0
    for page, visit in visits.items():
        counts = visit.page.evaluate(
            """() => ({
                math: document.querySelectorAll('.math').length,
                raw: [...document.querySelectorAll('.math')].filter(m => !m.querySelector('mjx-container')).length,
                errors: document.querySelectorAll('mjx-merror').length,
            })"""
        )
        with_math += counts["math"] > 0
        assert counts["raw"] == 0 and counts["errors"] == 0, (page, counts)
    assert with_math >= 3  # the intro, the notation page and the chapter


def test_front_page_leads_to_the_introduction(browser, site_url):
    page = browser.new_page()
    page.goto(site_url)
    page.wait_for_url("**/book/intro.html")
    page.close()


def chapter_pages() -> list[str]:
    """Every chapter's page in the built site, from the chapter notebooks (known before the build)."""
    return [f"notebooks/{p.stem}.html" for p in NOTEBOOKS]


@pytest.mark.parametrize("page", chapter_pages())
def test_every_chapter_page_is_light(visits, page):
    """A chapter page, with every resource it loads, stays under the book's 2.5 MB budget."""
    size = visits[page].page.evaluate(
        """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                 .reduce((total, e) => total + e.decodedBodySize, 0)"""
    )
    print(f"{page}: {size:,} bytes with every resource it loaded")
    assert size < 2_500_000


def test_every_control_shows_its_focus(visits):
    """Tab through the chapter page from the top: each focused element draws a ring."""
    page = visits[CHAPTER].page
    page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    page.locator("body").focus()
    missing = []
    for _ in range(40):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => { const e = document.activeElement, s = getComputedStyle(e);
                       const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
                       return {ring, what: e.outerHTML.slice(0, 90), visible: e.getClientRects().length > 0}; }"""
        )
        if state["visible"] and not state["ring"]:
            missing.append(state["what"])
    assert missing == []


def test_terms_link_to_the_glossary_and_citations_to_the_bibliography(visits):
    page = visits[CHAPTER].page
    assert page.locator("a[href$='glossary.html#term-convolution']").count() >= 1
    targets = page.evaluate("[...document.querySelectorAll('a[href*=\"bibliography.html#\"]')].map(a => a.hash.slice(1))")
    assert len(targets) >= 5
    bib = visits["book/bibliography.html"].page
    for target in set(targets):
        assert bib.locator(f"[id='{target}']").count() == 1, target
    entries = visits["book/glossary.html"].page.evaluate("[...document.querySelectorAll('dt')].map(d => d.id)")
    assert len(entries) == len(glossary.terms())


# -- the sliding-kernel animation -------------------------------------------------------------


def _animation_state(anim) -> dict:
    return anim.evaluate(
        """a => ({
            expr: a.querySelector('.cnnlab-expr').textContent,
            status: a.querySelector('.cnnlab-status').textContent,
            window: [...a.querySelectorAll('.cnnlab-in td')].map(td => td.classList.contains('win') ? 1 : 0).join(''),
            filled: a.querySelectorAll('.cnnlab-out td.filled').length,
            slider: a.querySelector('input[type=range]').value,
            label: a.getAttribute('aria-label'),
        })"""
    )


def test_animation_steps_when_clicked(visits):
    anim = visits[CHAPTER].page.locator(".cnnlab-anim").first
    before = _animation_state(anim)
    assert before["expr"].startswith("out[0, 0] = 8×0 + 8×0 + 8×1") and before["expr"].endswith("= 1")
    assert before["status"] == "Step 1 of 16: out[0, 0] = 1, window at rows 0–2, columns 0–2."
    anim.locator("button[data-action=next]").click()
    after = _animation_state(anim)
    assert after["window"] != before["window"]
    assert after["expr"] != before["expr"] and after["expr"].startswith("out[0, 1] =")
    assert after["filled"] == before["filled"] + 1 == 2
    assert after["status"].startswith("Step 2 of 16: out[0, 1] = 2")
    anim.locator("button[data-action=back]").click()
    assert _animation_state(anim) == before


def test_animation_plays_quietly_and_answers_the_keyboard(visits):
    page = visits[CHAPTER].page
    anim = page.locator(".cnnlab-anim").first
    anim.locator("button[data-action=first]").click()
    anim.locator("button[data-action=play]").click()
    page.wait_for_function(
        "a => a.querySelectorAll('.cnnlab-out td.filled').length >= 3", arg=anim.element_handle()
    )
    assert _animation_state(anim)["status"] == "Playing."  # the live region is silent while playing
    anim.locator("button[data-action=play]").click()  # pause
    paused = _animation_state(anim)
    assert paused["status"].startswith(f"Step {paused['filled']} of 16")
    anim.focus()
    page.keyboard.press("End")
    last = _animation_state(anim)
    assert last["filled"] > paused["filled"] and last["expr"].startswith("out[3, 3] =")
    page.keyboard.press("ArrowLeft")
    assert _animation_state(anim)["expr"].startswith("out[3, 2] =")


def test_explorer_has_a_static_preview(visits):
    page = visits[CHAPTER].page
    assert page.locator(".cnnlab-explorer-static table").count() >= 2


def test_readers_choose_kernel_size_stride_and_padding_without_a_kernel(visits):
    anim = visits[CHAPTER].page.locator(".cnnlab-anim").nth(1)
    anim.locator("select[data-choice=stride]").select_option(label="2")
    anim.locator("select[data-choice=padding]").select_option(label="1")
    shape = anim.evaluate(
        """a => ({
            input: a.querySelectorAll('.cnnlab-in tbody tr').length,
            pads: a.querySelectorAll('.cnnlab-in td.pad').length,
            out: [a.querySelectorAll('.cnnlab-out tbody tr').length, a.querySelectorAll('.cnnlab-out tbody tr:first-child td').length],
        })"""
    )
    assert shape == {"input": 8, "pads": 8 * 8 - 6 * 6, "out": [3, 3]}  # floor((6 + 2 - 3) / 2) + 1 = 3
    state = _animation_state(anim)
    assert state["expr"].startswith("out[0, 0] = 0×0 + 0×0 + 0×1 + 0×(−1) + 8×1")
    assert "stride 2, padding 1, giving a 3×3 output" in state["label"]
    anim.locator("select[data-choice=kernel]").select_option(index=2)  # the 1x1 kernel
    anim.locator("button[data-action=last]").click()
    state = _animation_state(anim)
    assert state["expr"] == "out[3, 3] = 3×2 = 6"  # floor((8 - 1) / 2) + 1 = 4
    assert "the 1×1 kernel [[2]] (doubles), stride 2, padding 1, giving a 4×4 output" in state["label"]


def test_widget_controls_are_large_enough_to_hit(visits):
    heights = visits[CHAPTER].page.evaluate(
        """() => [...document.querySelectorAll('.cnnlab-w button, .cnnlab-w select, .cnnlab-w input')]
                 .filter(e => e.getClientRects().length).map(e => [e.outerHTML.slice(0, 60), e.getBoundingClientRect().height])"""
    )
    assert heights and all(h >= 24 for _, h in heights), [x for x in heights if x[1] < 24]


def test_widgets_turn_dark_with_the_theme(visits):
    page = visits[CHAPTER].page
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    colours = page.evaluate(
        """() => { const w = document.querySelector('.cnnlab-anim');
                   const lum = c => { const [r, g, b] = c.match(/\\d+/g).map(Number); return (r + g + b) / 765; };
                   const around = w.closest('.text_html') || w.parentElement;
                   return {bg: lum(getComputedStyle(w).backgroundColor), fg: lum(getComputedStyle(w).color),
                           around: getComputedStyle(around).backgroundColor}; }"""
    )
    page.evaluate("document.documentElement.dataset.theme = 'light'")
    assert colours["bg"] < 0.2 and colours["fg"] > 0.8
    assert colours["around"] in ("rgba(0, 0, 0, 0)", "transparent")


# -- exercises --------------------------------------------------------------------------------


def test_exercises_are_checked_on_the_page(visits):
    page = visits[CHAPTER].page
    first = page.locator(".cnnlab-ex").first
    field, verdict = first.locator("input[type=text]"), first.locator(".cnnlab-ex-verdict")
    field.fill("0")  # y[2, 1], computed with k instead of k.T: a known mistake with its own hint
    field.press("Enter")
    assert verdict.inner_text() == "Not yet. That is y[2, 1], computed with k; use k.T, whose rows are the columns of k."
    field.fill("−1.0")  # a typographic minus and a decimal point are the same number
    first.locator("button[data-action=check]").click()
    assert verdict.inner_text() == "Correct."

    kernel = page.locator(".cnnlab-ex").nth(2)
    kernel.locator("textarea").fill("1 0 0\n0 1 0\n0 0 1")
    kernel.locator("button[data-action=check]").click()
    assert kernel.locator(".cnnlab-ex-verdict").inner_text().startswith("Not yet (best scores: lying 1, upright 1, white 3).")
    kernel.locator("textarea").fill("-1 -1 -1\n2 2 2\n-1 -1 -1")
    kernel.locator("button[data-action=check]").click()
    assert kernel.locator(".cnnlab-ex-verdict").inner_text().startswith("Correct")

    names = page.locator(".cnnlab-ex").nth(3)
    for name in ["identity", "edge", "box blur"]:
        names.get_by_label(name, exact=True).check()
    names.locator("button[data-action=check]").click()
    assert names.locator(".cnnlab-ex-verdict").inner_text() == (
        "Not yet. 3 right, 0 wrong, 1 missing. Sharpen is the identity plus the edge kernel: if both survive the turn, so does it.")
    names.get_by_label("sharpen", exact=True).focus()
    page.keyboard.press("Space")
    names.locator("button[data-action=check]").focus()
    page.keyboard.press("Enter")
    assert names.locator(".cnnlab-ex-verdict").inner_text() == "Correct."


def test_solutions_stay_folded_until_asked_for(visits):
    page = visits[CHAPTER].page
    solutions = page.locator("details.dropdown, div.dropdown").filter(has_text="Solution")
    assert solutions.count() >= 5
    assert not solutions.first.locator("p").nth(1).is_visible()


def test_every_exercise_on_the_site_accepts_its_solutions_forms(visits):
    """The page's script, in the built site, judges right every form in which each
    exercise's solution writes its answer (``accepts=``; Python checked the same forms when
    the notebook built the exercise)."""
    checked = 0
    for page in chapter_pages():
        found = visits[page].page.evaluate("""() => [...document.querySelectorAll('.cnnlab-ex')].flatMap(ex => {
            const data = JSON.parse(ex.querySelector('script.cnnlab-data').textContent);
            return data.parts.flatMap(p => p.accepts.map(text =>
                [data.label, p.name, text, ex.cnnlabVerdict(p, text)]));
        })""")
        for label, name, text, (ok, message) in found:
            assert ok, f"{page}: exercise {label}({name}) refuses {text!r}: {message}"
        checked += len(found)
    assert checked >= 61
