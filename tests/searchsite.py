"""The site the search tests share: content/ plus two articles, built once per session, served on 127.0.0.1.

The page tests (test_search_browser.py) and the engine parity tests
(test_search_engine_parity.py) both read it; conftest.py's `search_site`
fixture builds it.
"""

import json
from pathlib import Path

from sitebuild import StaticServer, build_site, copy_content

PLUGINS = ["union_site", "union_tags", "union_search"]

# One article in traditional characters beside the seed articles: queries in either
# script must find it and the marks must fall on its own (traditional) characters.
TRADITIONAL_ARTICLE = """Title: 路橋區工會愛心驛站迎來快遞小哥
Date: 2021-04-01
Slug: lu-qiao-qu-gong-hui-ai-xin-yi-zhan-fan-ti
Status: published

路橋區總工會在街道設立愛心驛站，為快遞小哥、外賣騎手等戶外勞動者提供飲水、休息和充電服務。

工會幹部表示，驛站的服務承諾已經「白紙黑字」寫進協議。
"""
TRADITIONAL_URL = "articles/2021/lu-qiao-qu-gong-hui-ai-xin-yi-zhan-fan-ti/"

# One article where letters that spell words (yizhan → 驿站, 一站) are themselves a word:
# the pinyin query must credit it as a whole-word hit, not only find the letters.
PINYIN_ARTICLE = """Title: 职工服务小程序上线
Date: 2021-03-01
Slug: zhi-gong-fu-wu-xiao-cheng-xu-shang-xian-pin-yin
Status: published

职工可在微信里搜索小程序 yizhan，查找附近的休息点和饮水点。
"""
PINYIN_URL = "articles/2021/zhi-gong-fu-wu-xiao-cheng-xu-shang-xian-pin-yin/"


def serve_search_site(root: Path):
    """Build content/ (plus the two articles above) into `root` and serve it.

    A context manager: the server carries `output`, `index` (the Whoosh index,
    for the CLI) and `catalog` (catalog.json's articles).
    """
    content = copy_content(root / "content")
    (content / "articles" / "2021").mkdir(exist_ok=True)
    (content / "articles" / "2021" / "traditional-test-article.md").write_text(TRADITIONAL_ARTICLE, encoding="utf-8")
    (content / "articles" / "2021" / "pinyin-test-article.md").write_text(PINYIN_ARTICLE, encoding="utf-8")
    output = root / "output"
    build_site(output, content_dir=content, settings={
        "PLUGINS": PLUGINS,
        "SEARCH_INDEX_PATH": str(root / "index"),
        "SEARCH_CACHE_PATH": str(root / "search-cache"),
    })
    server = StaticServer(output)
    server.output = output
    server.index = root / "index"
    server.catalog = json.loads((output / "catalog.json").read_text(encoding="utf-8"))["articles"]
    return server
