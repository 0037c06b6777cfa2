"""union_media: article photos as captioned, responsive, cached derivatives.

The logic lives in plain modules: derivatives (sizes to make, Pillow encoding), store (the
photos of a build, cached by content hash across builds), markup (article HTML →
<figure>/<picture>).  glue.py connects them to Pelican:

- content_object_init: rewrite each article's and page's photos; set ``content.photos`` and
  ``content.first_photo`` (card thumbnail, og:image); summaries leave the figures out.
- get_generators: MediaGenerator links the derivatives into the output.
- finalized: save the manifest and the counts of the build (``<cache>/manifest.json``).

List it after union_guard (it works on sanitized HTML and adds markup the sanitizer's
allowlist need not know) and after union_site (reading statistics count the story's text,
not its captions).
"""

from .settings import DEFAULTS  # noqa: F401 - the settings table, read by union_core


def register():
    from pelican import signals

    import union_core

    from . import glue

    union_core.register()
    signals.initialized.connect(glue.open_store)
    signals.content_object_init.connect(glue.add_photos)
    signals.get_generators.connect(glue.get_generators)
    signals.finalized.connect(glue.save_store)
