"""Hostile articles in a real browser: no payload runs, the CSP holds on every page.

Every payload in the corpus both calls alert() and sets window.__pwned, so a
dialog listener and a global check both watch for it; a securitypolicyviolation
listener and the console catch anything the Content-Security-Policy had to
block; a navigation listener catches a meta refresh; the live DOM is checked for
attributes the theme never writes (text that broke out of an attribute).  The
first test proves these detectors fire when script does run.

The site is the shared corpus build (hostile_site.py): real content/ plus every
case, feeds on.
"""

import pytest

from hostile_site import hostile_build
from sitebuild import StaticServer
from test_hostile_build import theme_attributes
from tests.fixtures.hostile.corpus import PAYLOAD_MARK, cases

CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""
SITE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'self'")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """The corpus site, served."""
    build = hostile_build(tmp_path_factory)
    with StaticServer(build.output) as server:
        server.catalog = build.catalog
        server.output = build.output
        yield server


@pytest.fixture
def watched(page):
    """The conftest page plus a dialog log, a CSP-violation log and a navigation log."""
    page.dialogs = []
    page.navigations = []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("framenavigated", lambda frame: frame == page.main_frame and page.navigations.append(frame.url))
    page.add_init_script(CSP_WATCH)
    return page


# Everything in the live DOM that text from content could have made: attributes the theme never
# writes (a broken-out quote), on* handlers, inline script, a meta refresh, a foreign <base>.
DOM_CHECK = """(allowed) => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || (!allowed.includes(name) && !name.startsWith('aria-'))) bad.push(`<${el.localName} ${name}>`);
    }
    if (el.localName === 'script' && !el.src) bad.push('inline <script>');
    if (el.localName === 'meta' && (el.httpEquiv || '').toLowerCase() === 'refresh') bad.push('meta refresh');
    if (['iframe', 'object', 'embed', 'base', 'frame'].includes(el.localName)) bad.push(`<${el.localName}>`);
  }
  return bad;
}"""


def evidence(page, dom=True):
    """What would show that script ran, was blocked, or that text became markup on the current page."""
    return {
        "dialogs": list(page.dialogs),
        "pwned": page.evaluate(f"typeof window.{PAYLOAD_MARK} !== 'undefined'"),
        "csp": page.evaluate("window.__csp || []"),
        # The payloads' <img src=x> is a 404 by design; any other console error counts.
        "console": [m for m in page.console_errors if not m.startswith("Failed to load resource")],
        "dom": page.evaluate(DOM_CHECK, sorted(ALLOWED)) if dom else [],
        "navigations": len(set(page.navigations)),
    }


ALLOWED = theme_attributes()
CLEAN = {"dialogs": [], "pwned": False, "csp": [], "console": [], "dom": [], "navigations": 1}


def visit(page, url):
    """Open `url` with fresh logs; wait for load and a moment for a refresh or a timer to fire."""
    page.dialogs.clear()
    page.navigations.clear()
    page.console_errors.clear()
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(50)


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


def test_the_markup_detectors_fire_on_a_broken_out_attribute_and_a_refresh(watched, tmp_path):
    """Control: a description whose quote broke out of its attribute, and a meta refresh, are seen
    (without CSP violations or script: the DOM check and the navigation log catch them)."""
    (tmp_path / "broken.html").write_text(
        '<!doctype html><meta name="description" content="摘要" onmouseover="x" data-x="">'
        '<meta http-equiv="refresh" content="0;url=/landed.html"><p>正文</p>', encoding="utf-8")
    (tmp_path / "landed.html").write_text("<!doctype html><p>landed</p>", encoding="utf-8")
    with StaticServer(tmp_path) as server:
        visit(watched, server.url + "/broken.html")
        watched.wait_for_url("**/landed.html")
        assert evidence(watched)["navigations"] == 2  # noqa: PLR2004
        watched.set_content('<p title="t" onmouseover="x" autofocus x="y">p</p>')
        assert set(evidence(watched)["dom"]) == {"<p onmouseover>", "<p autofocus>", "<p x>"}


def hostile_urls(server):
    titles = {c.title for c in cases(hostile=True)}
    return [e["url"] for e in server.catalog["articles"] if e["title"] in titles]


def test_hostile_articles_open_without_running_anything(watched, hostile_site):
    urls = hostile_urls(hostile_site)
    assert len(urls) == len(cases(hostile=True))
    for url in urls:
        visit(watched, hostile_site.url + url)
        watched.hover("h1")  # would fire an injected onmouseover
        for link in watched.locator(".article__body a").all():
            if link.is_visible():
                link.hover()
        assert evidence(watched) == CLEAN, url


def one_page_of_every_kind(output):
    """index.html, 404.html, search.html … and the first and last page under every folder."""
    pages = {p.relative_to(output).as_posix() for p in output.glob("*.html")}
    for folder in sorted(d for d in output.iterdir() if d.is_dir() and d.name not in ("search", "theme", "feeds")):
        found = sorted(folder.rglob("*.html"))
        if found:
            pages |= {found[0].relative_to(output).as_posix(), found[-1].relative_to(output).as_posix()}
    return sorted(pages)


def test_every_kind_of_page_respects_the_csp_and_shows_text_as_text(watched, hostile_site):
    """Hostile titles, summaries and names reappear in listings (home and its later pages, archives,
    categories, tags, authors, regions, topics, related stories): one page of every kind, and every
    tag, category and author page, runs nothing, breaks no CSP rule, refreshes to nowhere and has
    no attribute the theme does not write."""
    output = hostile_site.output
    listings = one_page_of_every_kind(output)
    for folder in ("tag", "category", "author"):
        listings += [p.relative_to(output).as_posix() for p in sorted((output / folder).glob("*/index.html"))]
    kinds = {path.split("/")[0] for path in listings}
    assert {"index.html", "404.html", "search.html", "page", "archives", "category", "tag", "author",
            "regions", "topics", "articles", "about"} <= kinds
    for path in sorted(set(listings)):
        visit(watched, hostile_site.url + "/" + path)
        assert evidence(watched) == CLEAN, path
    visit(watched, hostile_site.url + "/archives/")
    assert "职工之家建设" in watched.locator("main").inner_text()


def test_feeds_catalog_and_sitemap_run_nothing_in_the_browser(watched, hostile_site):
    """Opened directly (as a reader clicking the Atom link would), feeds, catalog.json and
    sitemap.xml run no script and navigate nowhere (an XHTML <script> in a feed would run)."""
    output = hostile_site.output
    files = ["catalog.json", "sitemap.xml", "feeds/all.atom.xml"]
    for folder in ("category", "tag", "author", "region", "topic"):
        files += [p.relative_to(output).as_posix() for p in sorted((output / "feeds" / folder).glob("*.xml"))[:3]]
    assert len(files) >= 12  # noqa: PLR2004
    for path in files:
        visit(watched, hostile_site.url + "/" + path)
        seen = evidence(watched, dom=False)
        assert seen == {**CLEAN, "dom": []}, path
        xhtml = watched.evaluate("document.getElementsByTagNameNS('http://www.w3.org/1999/xhtml', 'script').length"
                                 " + document.getElementsByTagNameNS('http://www.w3.org/1999/xhtml', 'meta').length")
        assert xhtml == 0 or path == "catalog.json", path


def test_hostile_descriptions_show_as_text_in_listings(watched, hostile_site):
    """What the reader sees under a listing is the article's text, quotes and escaped tags included."""
    visit(watched, hostile_site.url + "/archives/2021/09/")
    cards = watched.locator(".story-card").all()
    shown = {card.locator(".story-card__title").inner_text(): card.locator(".story-card__summary").inner_text()
             for card in cards}
    refresh = next(c for c in cases(name="escaped-refresh.md"))
    assert shown[refresh.title].startswith(refresh.extra["description_has"])
    quotes = next(c for c in cases(name="quote-body.md"))
    assert quotes.extra["description_has"] in shown[quotes.title]
    assert evidence(watched) == CLEAN


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

    visit(watched, f"{hostile_site.url}/search.html?q={quote(query, safe='')}")
    wait_done(watched)
    assert watched.input_value("#search-q") == query, "the query is shown back as typed, as text"
    assert watched.locator(INJECTED).count() == 0
    watched.fill("#search-q", query + " 工会")  # the interactive path: type and submit
    watched.press("#search-q", "Enter")
    watched.wait_for_url("**/search.html?q=*")
    wait_done(watched)
    assert watched.locator(INJECTED).count() == 0
    assert {**evidence(watched), "navigations": 1} == CLEAN, query


@pytest.mark.parametrize("query, title", [
    ("职工之家建设", "职工之家建设"),
    ("双重编码", "双重编码"),
    ("onmouseover", f"工会推出\"职工之家\"品牌\" onmouseover=\"{PAYLOAD_MARK}=1"),
    ("元数据里藏着脚本", "元数据里藏着脚本"),
    ("正文里夹带原始HTML", "正文里夹带原始HTML"),
    ("六重编码标题", "六重编码标题"),
    ("名字里的注入", "名字里的注入"),
    ("摘要里的转义刷新", "摘要里的转义刷新"),     # body: an escaped meta refresh, shown as text
    ("代码示例里的标签", "代码示例里的标签"),     # body: a code sample with <script>, shown as text
])
def test_hostile_articles_are_found_shown_as_text_and_open_safely(watched, hostile_site, query, title):
    from urllib.parse import quote

    visit(watched, f"{hostile_site.url}/search.html?q={quote(query, safe='')}")
    wait_done(watched)
    results = shown_results(watched)
    hit = next((r for r in results if r["title"] == title), None)
    assert hit, [r["title"] for r in results]
    assert "<script" not in hit["html"] and "onerror" not in hit["html"] and "<svg" not in hit["html"]
    assert "<meta" not in hit["html"]
    assert evidence(watched) == {**CLEAN, "navigations": evidence(watched)["navigations"]}
    link = watched.locator(".search-result h2 a", has_text=title[:6]).first
    link.hover()
    link.click()
    watched.wait_for_load_state("load")
    assert watched.locator("h1").inner_text().strip() == title
    watched.hover("h1")
    assert {**evidence(watched), "navigations": 1} == CLEAN, query
