"""union_guard's settings table (see the README's settings table)."""

DEFAULTS = {
    # Larger Markdown files are an error (skipped); over 300 KB a warning.
    "UNION_GUARD_MAX_BYTES": 2_000_000,
}
