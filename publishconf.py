"""Production settings: `make publish` builds with these and fails on any warning."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pelicanconf import *  # noqa: E402,F401,F403

# Placeholder: set SITEURL in the environment to the real address when publishing.
SITEURL = os.environ.get("SITEURL", "https://gonghui.example.org")
RELATIVE_URLS = False

FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/category/{slug}.atom.xml"

DELETE_OUTPUT_DIRECTORY = True
# A fresh reader cache: publishing must not depend on what a preview left behind.
LOAD_CONTENT_CACHE = False
CANONICAL_SITEURL = SITEURL
