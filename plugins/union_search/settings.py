"""union_search's settings table (see the README's settings table)."""

DEFAULTS = {
    # The editors' Whoosh index and the analysis cache (None: <project>/var/search-index and
    # <project>/var/search-cache, outside output/).
    "SEARCH_INDEX_PATH": None,
    "SEARCH_CACHE_PATH": None,
    # Where the static export for browsers goes, inside OUTPUT_PATH (updated in place).
    "SEARCH_EXPORT_DIR": "search",
    # Write the export in a forked process while Pelican writes the site, and update the editors'
    # index in the background after the build (a query waits for it); False: both in the build.
    "SEARCH_BACKGROUND": True,
    # Analyse articles on the second core while Pelican is still reading them.
    "SEARCH_EARLY_ANALYSIS": True,
}


def resolve_paths(settings: dict) -> dict:
    """Fill the index and cache paths left at None from the project directory (PATH's parent)."""
    import os

    project = os.path.dirname(os.path.abspath(settings.get("PATH", ".")))
    if not settings.get("SEARCH_INDEX_PATH"):
        settings["SEARCH_INDEX_PATH"] = os.path.join(project, "var", "search-index")
    if not settings.get("SEARCH_CACHE_PATH"):
        settings["SEARCH_CACHE_PATH"] = os.path.join(project, "var", "search-cache")
    return settings
