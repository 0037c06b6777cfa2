"""Search for the union bulletin site: Whoosh index for editors, static export for browsers.

Pelican plugin entry point: register().  The command line is
`python -m union_search.cli "<query>" [--json] [--index PATH]`.
"""


from .settings import DEFAULTS  # noqa: F401 - the settings table, read by union_core


def register():
    from pelican import signals

    import union_core

    from .plugin import analyse_early, finish_build, set_defaults, start_build

    union_core.register()
    signals.initialized.connect(set_defaults)
    signals.content_object_init.connect(analyse_early)
    signals.all_generators_finalized.connect(start_build)
    signals.finalized.connect(finish_build)
