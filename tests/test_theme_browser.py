"""The theme in a real browser (Debian's Chromium via Playwright) against the built site."""

import json

import pytest

PAGES = ["/", "/archives/", "/about/", "/category/", "/404.html"]


def first_article_url(site_dir):
    catalog = json.loads((site_dir / "catalog.json").read_text(encoding="utf-8"))
    return catalog["articles"][0]["url"]


@pytest.mark.parametrize("width", [360, 768, 1280])
def test_no_horizontal_scrolling_from_phone_to_desktop(page, site_server, site_dir, width):
    page.set_viewport_size({"width": width, "height": 800})
    for path in PAGES + [first_article_url(site_dir)]:
        page.goto(site_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
        font_size = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('main')).fontSize)")
        assert font_size >= 16, f"{path}: body text below 16px on {width}px"
    assert page.console_errors == [], "CSP violations or script errors"


def test_skip_link_appears_on_keyboard_focus_and_moves_to_main(page, site_server):
    page.goto(site_server.url + "/")
    skip = page.locator("a.skip-link")
    assert skip.bounding_box()["y"] < 0, "skip link should be off-screen until focused"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert skip.bounding_box()["y"] >= 0, "focused skip link must be visible"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "keyboard focus must be visible"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_header_search_box_goes_to_the_search_page_with_the_query(page, site_server):
    page.goto(site_server.url + "/about/")
    page.fill("#site-search-q", "工资集体协商")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search.html?q=*")
    assert page.evaluate("new URLSearchParams(location.search).get('q')") == "工资集体协商"


def test_article_text_is_readable_contrast(page, site_server, site_dir):
    page.goto(site_server.url + first_article_url(site_dir))
    # Body text colour against white: WCAG AA needs 4.5:1 for normal text.
    ratio = page.evaluate("""() => {
      const rgb = getComputedStyle(document.querySelector('.article__body p')).color.match(/\\d+/g).map(Number);
      const lum = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
      const L = 0.2126 * lum(rgb[0]) + 0.7152 * lum(rgb[1]) + 0.0722 * lum(rgb[2]);
      return 1.05 / (L + 0.05);
    }""")
    assert ratio >= 4.5
