"""Shared fixtures: one real build of content/ per session, a local server, a real browser."""

import os
from pathlib import Path

import pytest

from searchsite import serve_search_site
from sitebuild import PROJECT_DIR, StaticServer, build_site

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory):
    """The real site (content/ with pelicanconf.py), built once per test session."""
    output = tmp_path_factory.mktemp("site") / "output"
    build_site(output)
    return output


@pytest.fixture(scope="session")
def published_site_dir(tmp_path_factory):
    """The real site built with publishconf.py (absolute URLs, feeds) and warnings fatal."""
    output = tmp_path_factory.mktemp("published") / "output"
    build_site(output, conf="publishconf.py", fatal="warnings")
    return output


@pytest.fixture(scope="session")
def site_server(site_dir):
    with StaticServer(site_dir) as server:
        yield server


@pytest.fixture(scope="session")
def search_site(tmp_path_factory):
    """content/ plus a traditional-script and a pinyin article, built with the search plugin and
    served (searchsite.py); its Whoosh index stays in tmp for the CLI."""
    with serve_search_site(tmp_path_factory.mktemp("search-site")) as server:
        yield server


@pytest.fixture(scope="session")
def article_texts(browser, search_site):
    """url (site-relative, as the search returns it) → folded visible title, subtitle and body text
    of every article of the search site, as a reader sees it (Ctrl-F truth for the search tests)."""
    import union_text

    context = browser.new_context()
    page = context.new_page()
    texts = {}
    for article in search_site.catalog:
        page.goto(search_site.url + article["url"])
        text = page.evaluate("""() => [
            document.querySelector('#article-title').innerText,
            document.querySelector('.article__subtitle')?.innerText || '',
            document.querySelector('.article__body').innerText].join('\\n')""")
        texts[article["url"].lstrip("/")] = union_text.fold(text)
    context.close()
    assert len(texts) >= 20, "the seed site should have its ~24 articles"
    return texts


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright.  Skips locally without it; fails in CI."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + " — browser tests must run in CI")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context per test: no state (cache, history) leaks between tests."""
    context = browser.new_context()
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    context.close()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "browser" in item.fixturenames or "page" in item.fixturenames:
            item.add_marker(pytest.mark.browser)


__all__ = ["PROJECT_DIR"]
