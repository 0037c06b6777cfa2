"""Pelican settings for local preview (`make html`, `make devserver`).

publishconf.py imports everything here and adds what production needs.
"""

import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent
PLUGINS_DIR = PROJECT_DIR / "plugins"
# Our plugins import each other (the tagger and the search index share one analyzer).
if str(PLUGINS_DIR) not in sys.path:
    sys.path.insert(0, str(PLUGINS_DIR))

SITENAME = "工会通讯"
SITESUBTITLE = "浙江、江苏基层工会新闻与案例"
SITEDESCRIPTION = "基层工会通讯稿与典型案例：按地区、专题和日期浏览，全文检索。"
AUTHOR = "工会通讯编辑部"
SITEURL = ""
RELATIVE_URLS = True

PATH = str(PROJECT_DIR / "content")
OUTPUT_PATH = str(PROJECT_DIR / "output")
THEME = str(PROJECT_DIR / "theme")
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "extra"]
IGNORE_FILES = [".#*", "*~", "README*"]

TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
LOCALE = ("C.UTF-8", "C")
DEFAULT_DATE_FORMAT = "%Y年%-m月%-d日"
DEFAULT_CATEGORY = "工会动态"
USE_FOLDER_AS_CATEGORY = False
DEFAULT_PAGINATION = 12
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Summaries: Pelican counts each CJK character as one word since 4.7.
SUMMARY_MAX_LENGTH = 110
SUMMARY_END_SUFFIX = "…"

# Stable, ASCII URLs.  Slugs are pinyin (union_site plugin); an explicit Slug: wins.
SLUGIFY_SOURCE = "title"
ARTICLE_URL = "articles/{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = "articles/{date:%Y}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
CATEGORIES_URL = "category/"
CATEGORIES_SAVE_AS = "category/index.html"
TAGS_URL = "tag/"
TAGS_SAVE_AS = "tag/index.html"
AUTHORS_URL = "author/"
AUTHORS_SAVE_AS = "author/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
YEAR_ARCHIVE_URL = "archives/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "archives/{date:%Y}/index.html"
MONTH_ARCHIVE_URL = "archives/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = "archives/{date:%Y}/{date:%m}/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
# One version per story: union_guard makes a second Lang: of a slug an error (Pelican would hide
# it as a "translation").  A story written in another language is an ordinary story at the
# ordinary address, not Pelican's default {slug}-{lang}.html at the site's root.
ARTICLE_LANG_URL = ARTICLE_URL
ARTICLE_LANG_SAVE_AS = ARTICLE_SAVE_AS
PAGE_LANG_URL = PAGE_URL
PAGE_LANG_SAVE_AS = PAGE_SAVE_AS
DRAFT_LANG_URL = DRAFT_URL
DRAFT_LANG_SAVE_AS = DRAFT_SAVE_AS
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "archives", "404", "search"]
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None}

# Feeds are for the published site (publishconf.py); a preview has no SITEURL.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}

# The reader cache makes a one-article edit rebuild quickly.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CHECK_MODIFIED_METHOD = "md5"
CACHE_PATH = str(PROJECT_DIR / "cache")

# Text never becomes markup: every {{ field }} of the theme is escaped for HTML by Jinja; only the
# article body, sanitized by union_guard, is printed with |safe (plugins/union_guard/README.md).
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "extensions": [], "autoescape": True}

PLUGIN_PATHS = [str(PLUGINS_DIR)]
# union_guard first: every other plugin sees decoded, checked, sanitized content.
PLUGINS = ["union_guard", "union_site", "union_media", "union_tags", "union_search"]

# Reading speed used for the "约 N 分钟读完" line on articles.
UNION_READING_CHARS_PER_MINUTE = 400
