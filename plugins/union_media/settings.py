"""union_media's settings table (see the README's settings table)."""

DEFAULTS = {
    # Widths of the resized copies of each photo (never wider than the original).
    "UNION_MEDIA_WIDTHS": [480, 960, 1600],
    # Where the copies go inside the output: output/photos/<name>-<hash>-<width>.webp
    "UNION_MEDIA_OUTPUT_DIR": "photos",
    # The copies and the manifest (None: CACHE_PATH/union_media).
    "UNION_MEDIA_CACHE_PATH": None,
    # Photos with more pixels or bytes are published unresized, with a warning.
    "UNION_MEDIA_MAX_PIXELS": 50_000_000,
    "UNION_MEDIA_MAX_BYTES": 30 * 1024 * 1024,
    "UNION_MEDIA_WEBP_QUALITY": 78,
    "UNION_MEDIA_JPEG_QUALITY": 82,
    # How wide an article photo is shown (the theme's 42rem text column; phones: 1rem margins).
    "UNION_MEDIA_SIZES": "(min-width: 44rem) 42rem, calc(100vw - 2rem)",
}
