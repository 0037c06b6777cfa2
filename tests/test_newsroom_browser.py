"""The newsroom in a real browser (Chromium via Playwright) against the built content/ site:
the home page's lead story on a phone, previous/next on every article, photos (figure, caption,
srcset, the size the browser actually loads), card thumbnails, tap targets, print, and axe-core."""

import io
import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image

from sitebuild import PROJECT_DIR

CONTENT = PROJECT_DIR / "content"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}
IMAGE_LINE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\(\{static\}(?P<src>[^)\s]+)\)\s*$", re.M)


def catalog(site_dir):
    return json.loads((site_dir / "catalog.json").read_text(encoding="utf-8"))["articles"]


def article_sources():
    """[(metadata dict, body)] of every published article in content/."""
    found = []
    for path in sorted((CONTENT / "articles").rglob("*.md")):
        header, body = path.read_text(encoding="utf-8").split("\n\n", 1)
        meta = {k.strip().lower(): v.strip() for k, v in
                (line.split(":", 1) for line in header.splitlines() if ":" in line)}
        if meta.get("status", "published") == "published":
            found.append((meta, body))
    return found


def url_of(site_dir, slug):
    return next(e["url"] for e in catalog(site_dir) if e["slug"] == slug)


def photo_article(min_width=2400):
    """(slug, [(alt, image path)]) of an article whose first image is at least `min_width` wide."""
    for meta, body in article_sources():
        images = [(m["alt"], CONTENT / m["src"].lstrip("/")) for m in IMAGE_LINE.finditer(body)]
        if images and Image.open(images[0][1]).width >= min_width:
            return meta["slug"], images
    pytest.fail(f"content/ needs an article whose first photo is at least {min_width} px wide")


# -- home ----------------------------------------------------------------------------------------

def test_lead_story_and_first_headlines_fit_the_first_phone_screen(page, site_server, site_dir):
    page.set_viewport_size(PHONE)
    page.goto(site_server.url + "/")
    featured = sorted((m["date"], m["slug"]) for m, _ in article_sources()
                      if m.get("featured", "").lower() == "yes")
    assert featured, "content/ should mark a lead story with Featured: yes"
    lead = page.locator(".lead-story__title a")
    assert lead.get_attribute("href").rstrip("/").endswith(featured[-1][1])
    box = lead.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], f"lead headline ends at {box['y'] + box['height']}px"
    photo = page.locator(".lead-story__photo img")
    assert photo.get_attribute("loading") is None, "the lead photo is above the fold: never lazy"
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
    first_headline = page.locator(".headlines .story-card__title a").first
    assert first_headline.bounding_box()["y"] < PHONE["height"], "要闻 must start on the first screen"
    # The 要闻 list holds the newest stories, newest first, without the lead.
    shown = page.eval_on_selector_all(".headlines .story-card__title a", "as => as.map(a => a.href)")
    expected = [e["url"] for e in catalog(site_dir) if not e["url"].rstrip("/").endswith(featured[-1][1])]
    assert [u.replace(site_server.url, "") for u in shown] == expected[:len(shown)] and len(shown) >= 8
    assert page.console_errors == []


def test_cards_show_the_first_photo_as_a_thumbnail(page, site_server, site_dir):
    with_photos = {m["slug"] for m, body in article_sources() if IMAGE_LINE.search(body)}
    for path in ("/", "/category/gong-hui-dong-tai/"):
        page.goto(site_server.url + path)
        cards = page.locator(".story-card")
        assert cards.count() >= 8
        seen_thumbs = 0
        for index in range(cards.count()):
            card = cards.nth(index)
            slug = card.locator(".story-card__title a").get_attribute("href").rstrip("/").rsplit("/", 1)[-1]
            thumb = card.locator("picture.story-card__thumb img")
            assert thumb.count() == (1 if slug in with_photos else 0), f"{path}: {slug}"
            if slug in with_photos:
                thumb.scroll_into_view_if_needed()
                thumb.evaluate("img => img.decode()")
                assert thumb.get_attribute("alt") == "", "a thumbnail beside its title is decorative"
                assert thumb.evaluate("img => img.currentSrc").endswith(".webp")
                assert thumb.evaluate("img => img.naturalWidth") <= 960
                seen_thumbs += 1
        assert seen_thumbs >= 1, f"{path}: no card with a photo"
    assert page.console_errors == []


# -- articles ------------------------------------------------------------------------------------

def test_previous_and_next_on_every_article(page, site_server, site_dir):
    ordered = sorted(catalog(site_dir), key=lambda e: (e["date"], e["slug"]))
    assert len(ordered) >= 20
    for index, entry in enumerate(ordered):
        page.goto(site_server.url + entry["url"])
        links = {rel: page.locator(f"nav.prev-next a[rel={rel}]") for rel in ("prev", "next")}
        for rel, neighbour in (("prev", ordered[index - 1] if index else None),
                               ("next", ordered[index + 1] if index + 1 < len(ordered) else None)):
            if neighbour is None:
                assert links[rel].count() == 0, f"{entry['url']}: no {rel} expected"
                continue
            assert links[rel].count() == 1, f"{entry['url']}: {rel} link missing"
            assert links[rel].evaluate("a => a.href") == site_server.url + neighbour["url"], entry["url"]
            assert neighbour["title"] in links[rel].inner_text()
            box = links[rel].bounding_box()
            assert box["height"] >= 44 and box["width"] >= 44
    # And they lead where they say.
    page.goto(site_server.url + ordered[1]["url"])
    page.click("nav.prev-next a[rel=next]")
    page.wait_for_url(site_server.url + ordered[2]["url"])
    page.click("nav.prev-next a[rel=prev]")
    page.wait_for_url(site_server.url + ordered[1]["url"])
    assert page.console_errors == []


@pytest.mark.parametrize("viewport, scale, loaded_width", [(DESKTOP, 1, 960), (PHONE, 3, 1600)])
def test_a_2400px_photo_becomes_a_figure_and_loads_a_derivative(browser, site_server, site_dir,
                                                                 viewport, scale, loaded_width):
    slug, images = photo_article(2400)
    context = browser.new_context(viewport=viewport, device_scale_factor=scale)
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(site_server.url + url_of(site_dir, slug))
        figures = page.locator(".article__body figure.photo")
        assert figures.count() == len(images)
        first = figures.first
        assert first.locator("figcaption").inner_text() == images[0][0]
        img = first.locator("picture img")
        assert img.get_attribute("alt") == images[0][0]
        assert (img.get_attribute("width"), img.get_attribute("height")) == ("1600", "900")
        assert img.get_attribute("loading") is None
        assert figures.nth(1).locator("img").get_attribute("loading") == "lazy"
        webp = first.locator("picture source[type='image/webp']").get_attribute("srcset")
        assert [c.split()[1] for c in webp.split(", ")] == ["480w", "960w", "1600w"]
        assert [c.split()[1] for c in img.get_attribute("srcset").split(", ")] == ["480w", "960w", "1600w"]
        img.evaluate("img => img.decode()")
        current = img.evaluate("img => img.currentSrc")
        assert current.endswith(".webp") and "/photos/" in current
        # naturalWidth is in CSS pixels once srcset has a w descriptor: read the file's own size.
        with Image.open(io.BytesIO(page.request.get(current).body())) as loaded:
            assert loaded.size == (loaded_width, round(1350 * loaded_width / 2400))
        assert loaded_width <= 1600
        original = images[0][1].relative_to(CONTENT).as_posix()
        assert not [u for u in requested if u.endswith(original)], "the 2,400 px original must not load"
        shown = img.bounding_box()
        assert abs(shown["height"] / shown["width"] - 900 / 1600) < 0.01, "no stretching"
        assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
    finally:
        context.close()


def test_og_image_is_the_first_photo(page, site_server, site_dir):
    slug, images = photo_article(2400)
    page.goto(site_server.url + url_of(site_dir, slug))
    og = page.locator("meta[property='og:image']").get_attribute("content")
    response = page.request.get(page.evaluate("u => new URL(u, location.href).href", og))
    assert response.ok and response.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(response.body())).size == (1600, 900)
    assert page.locator("meta[property='og:image:alt']").get_attribute("content") == images[0][0]
    page.goto(site_server.url + catalog(site_dir)[-1]["url"])   # an old story without photos
    assert page.locator("meta[property='og:image']").count() == 0


# -- details -------------------------------------------------------------------------------------

def pages_to_check(site_dir):
    slug, _ = photo_article(2400)
    return ["/", url_of(site_dir, slug), "/regions/", "/regions/zhe-jiang-sheng/", "/topics/chan-gai/",
            "/archives/", "/search.html", "/search.html?q=工资集体协商"]


def open_page(page, url):
    assert page.goto(url).ok, url
    if "search.html?q=" in url:
        page.wait_for_selector('[data-search-results][data-search-state="done"]')


def test_tap_targets(page, site_server, site_dir):
    """WCAG 2.5.8: every control at least 24×24 px (links inside running text excepted);
    the primary navigation at least 44×44 px on a phone."""
    page.set_viewport_size(PHONE)
    for path in pages_to_check(site_dir):
        open_page(page, site_server.url + path)
        small = page.evaluate("""() => {
          const inText = el => el.tagName === 'A' && getComputedStyle(el).display === 'inline'
            && el.closest('p, li, dd') && el.closest('p, li, dd').textContent.trim() !== el.textContent.trim();
          return [...document.querySelectorAll('a[href], button, input, select, textarea, summary')]
            .filter(el => el.offsetParent !== null && !el.closest('.visually-hidden') && !inText(el)
                          && !el.classList.contains('skip-link'))
            .map(el => [el.outerHTML.slice(0, 90), el.getBoundingClientRect()])
            .filter(([, r]) => r.width < 24 || r.height < 24)
            .map(([html, r]) => `${html} ${Math.round(r.width)}×${Math.round(r.height)}`);
        }""")
        assert small == [], f"{path}: targets under 24 px: {small}"
        nav = page.eval_on_selector_all(".site-nav a", "as => as.map(a => a.getBoundingClientRect())"
                                                        ".map(r => [r.width, r.height])")
        assert nav and all(w >= 44 and h >= 44 for w, h in nav), f"{path}: nav targets {nav}"


def test_print_shows_the_site_name_and_the_article_address(page, site_server, site_dir):
    entry = catalog(site_dir)[0]
    page.goto(site_server.url + entry["url"])
    assert not page.locator(".print-site").is_visible()
    page.emulate_media(media="print")
    assert page.locator(".print-site").is_visible()
    assert "工会通讯" in page.locator(".print-site").inner_text()
    address = page.locator(".article__address")
    assert address.is_visible() and entry["url"] in address.inner_text()
    assert not page.locator(".site-header").is_visible() and not page.locator(".prev-next").is_visible()


@pytest.mark.parametrize("index", range(8))
def test_axe_finds_no_violations(page, site_server, site_dir, index):
    path = pages_to_check(site_dir)[index]
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        open_page(page, site_server.url + path)
        results = Axe().run(page)
        assert results.violations_count == 0, f"{path} at {viewport['width']}px:\n" + results.generate_report()
    if "q=" in path:
        assert page.locator("[data-search-list] li").count() > 0, "the results state has results"
    assert page.console_errors == []
