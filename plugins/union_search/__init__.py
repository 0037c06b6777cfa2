"""Search for the union bulletin site: Whoosh index for editors, static export for browsers.

Pelican plugin entry point: register().  The command line is
`python -m union_search.cli "<query>" [--json] [--index PATH]`.
"""


def register():
    from pelican import signals

    from .plugin import finish_build, set_defaults, start_build

    signals.initialized.connect(set_defaults)
    signals.all_generators_finalized.connect(start_build)
    signals.finalized.connect(finish_build)
