"""Hostile articles in a real browser: no payload runs, the CSP holds on every page.

Every payload in the corpus both calls alert() and sets window.__pwned, so a
dialog listener and a global check both watch for it; a securitypolicyviolation
listener and the console catch anything the Content-Security-Policy had to
block.  The first test proves these detectors fire when script does run.
"""

import json
import shutil

import pytest

from sitebuild import PROJECT_DIR, StaticServer
from test_hostile_build import guard_plugins, run_build
from tests.fixtures.hostile.corpus import HOSTILE_DIR, PAYLOAD_MARK, cases

CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""
SITE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'self'")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """Real content/ plus the corpus cases that carry script, built and served."""
    root = tmp_path_factory.mktemp("hostile-browser")
    content = root / "content"
    shutil.copytree(PROJECT_DIR / "content", content)
    (content / HOSTILE_DIR).mkdir(parents=True)
    for case in cases(hostile=True):
        (content / HOSTILE_DIR / case.name).write_bytes(case.data)
    output = root / "output"
    run_build(output, content, settings={"PLUGINS": guard_plugins()})
    catalog = json.loads((output / "catalog.json").read_text(encoding="utf-8"))
    with StaticServer(output) as server:
        server.catalog = catalog
        server.output = output
        yield server


@pytest.fixture
def watched(page):
    """The conftest page plus a dialog log and a CSP-violation log."""
    page.dialogs = []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.add_init_script(CSP_WATCH)
    return page


def evidence(page):
    """What would show that script ran or was blocked on the current page."""
    return {
        "dialogs": list(page.dialogs),
        "pwned": page.evaluate(f"typeof window.{PAYLOAD_MARK} !== 'undefined'"),
        "csp": page.evaluate("window.__csp"),
        # The payloads' <img src=x> is a 404 by design; any other console error counts.
        "console": [m for m in page.console_errors if not m.startswith("Failed to load resource")],
    }


CLEAN = {"dialogs": [], "pwned": False, "csp": [], "console": []}


def test_the_detectors_fire_when_script_runs(watched, tmp_path):
    """Control: an unsanitized page without CSP runs its payload; with the site's CSP it is blocked."""
    payload = f"<img src=x onerror=\"window.{PAYLOAD_MARK}=1;alert('xss')\">"
    (tmp_path / "open.html").write_text(f"<!doctype html><p>{payload}</p>", encoding="utf-8")
    (tmp_path / "csp.html").write_text(
        f"<!doctype html><meta http-equiv=\"Content-Security-Policy\" content=\"{SITE_CSP}\">"
        f"<p>{payload}</p><script>window.{PAYLOAD_MARK}=2</script>", encoding="utf-8")
    with StaticServer(tmp_path) as server:
        watched.goto(server.url + "/open.html")
        watched.wait_for_function(f"window.{PAYLOAD_MARK} === 1")
        assert watched.dialogs == ["xss"]
        watched.dialogs.clear()
        watched.console_errors.clear()
        watched.goto(server.url + "/csp.html")
        watched.wait_for_function("window.__csp.length >= 2")
        seen = evidence(watched)
    assert seen["dialogs"] == [] and seen["pwned"] is False
    assert all(v.startswith("script-src") for v in seen["csp"]), seen["csp"]
    assert any("Content Security Policy" in m for m in seen["console"]), seen["console"]


def hostile_urls(server):
    titles = {c.title for c in cases(hostile=True)}
    return [e["url"] for e in server.catalog["articles"] if e["title"] in titles]


def test_hostile_articles_open_without_running_anything(watched, hostile_site):
    urls = hostile_urls(hostile_site)
    assert len(urls) == len(cases(hostile=True))
    for url in urls:
        watched.goto(hostile_site.url + url)
        watched.wait_for_load_state("load")
        watched.hover("h1")  # would fire an injected onmouseover
        for link in watched.locator(".article__body a").all():
            if link.is_visible():
                link.hover()
        assert evidence(watched) == CLEAN, url


def one_page_of_every_kind(output):
    """index.html, 404.html, search.html … and the first and last page under every folder."""
    pages = {p.relative_to(output).as_posix() for p in output.glob("*.html")}
    for folder in sorted(d for d in output.iterdir() if d.is_dir()):
        found = sorted(folder.rglob("*.html"))
        if found:
            pages |= {found[0].relative_to(output).as_posix(), found[-1].relative_to(output).as_posix()}
    return sorted(pages)


def test_every_kind_of_page_respects_the_csp(watched, hostile_site):
    """Hostile titles reappear in listings (home, archives, tags, regions, topics, authors, feeds of
    prev/next links): one page of every kind, plus every tag page, runs nothing and breaks no CSP rule."""
    listings = one_page_of_every_kind(hostile_site.output)
    listings += [p.relative_to(hostile_site.output).as_posix()
                 for p in sorted((hostile_site.output / "tag").glob("*/index.html"))]
    assert len(listings) > 15
    for path in listings:
        watched.goto(hostile_site.url + "/" + path.lstrip("/"))
        watched.wait_for_load_state("load")
        assert evidence(watched) == CLEAN, path
    watched.goto(hostile_site.url + "/archives/")
    assert "职工之家建设" in watched.locator("main").inner_text()


# --- the search page -------------------------------------------------------------------------

PAYLOAD_QUERIES = [
    f"<img src=x onerror=window.{PAYLOAD_MARK}=1;alert(1)>",
    f"\"><svg onload=window.{PAYLOAD_MARK}=1;alert(1)>",
    f"<script>window.{PAYLOAD_MARK}=1;alert(1)</script>",
    f"</title><script>window.{PAYLOAD_MARK}=1</script>",
    f"javascript:window.{PAYLOAD_MARK}=1",
    f"'-alert(1)-'\" onfocus=\"window.{PAYLOAD_MARK}=1\" autofocus=\"",
    f"region:<img src=x onerror=window.{PAYLOAD_MARK}=1> topic:\"><b>x",
    "职工之家<img src=x onerror=alert(1)>建设",
    "{{7*7}} ${alert(1)} %3Cscript%3E &lt;script&gt;",
]
INJECTED = "[data-search-page] :is(img, svg, script, iframe, b, object, embed)"


def wait_done(page):
    page.wait_for_selector('[data-search-results][data-search-state="done"]', timeout=20_000)


def shown_results(page):
    return page.evaluate("""() => [...document.querySelectorAll('.search-result')].map(li => ({
        title: li.querySelector('h2').textContent.trim(),
        href: li.querySelector('h2 a').getAttribute('href'),
        html: li.innerHTML}))""")


@pytest.mark.parametrize("query", PAYLOAD_QUERIES)
def test_payload_queries_run_nothing_on_the_search_page(watched, hostile_site, query):
    from urllib.parse import quote

    watched.goto(f"{hostile_site.url}/search.html?q={quote(query, safe='')}")
    wait_done(watched)
    assert watched.input_value("#search-q") == query, "the query is shown back as typed, as text"
    assert watched.locator(INJECTED).count() == 0
    watched.fill("#search-q", query + " 工会")  # the interactive path: type and submit
    watched.press("#search-q", "Enter")
    watched.wait_for_url("**/search.html?q=*")
    wait_done(watched)
    assert watched.locator(INJECTED).count() == 0
    assert evidence(watched) == CLEAN, query


@pytest.mark.parametrize("query, title", [
    ("职工之家建设", "职工之家建设"),
    ("双重编码", "双重编码"),
    ("onmouseover", f"工会推出\"职工之家\"品牌\" onmouseover=\"{PAYLOAD_MARK}=1"),
    ("元数据里藏着脚本", "元数据里藏着脚本"),
    ("正文里夹带原始HTML", "正文里夹带原始HTML"),
])
def test_hostile_articles_are_found_shown_as_text_and_open_safely(watched, hostile_site, query, title):
    from urllib.parse import quote

    watched.goto(f"{hostile_site.url}/search.html?q={quote(query, safe='')}")
    wait_done(watched)
    results = shown_results(watched)
    hit = next((r for r in results if r["title"] == title), None)
    assert hit, [r["title"] for r in results]
    assert "<script" not in hit["html"] and "onerror" not in hit["html"] and "<svg" not in hit["html"]
    link = watched.locator(".search-result h2 a", has_text=title[:6]).first
    link.hover()
    link.click()
    watched.wait_for_load_state("load")
    assert watched.locator("h1").inner_text().strip() == title
    watched.hover("h1")
    assert evidence(watched) == CLEAN, query
