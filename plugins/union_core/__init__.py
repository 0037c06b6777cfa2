"""What every union plugin shares: the build report, code digests for caches, the settings table.

Plain modules, no Pelican at import time:

- report: problems as structured records (file, field, line, level, message), collected
  into var/build-report.json and printed as a table at the end of the build;
- digest: a digest of all the code and data of a package, the key of every cache;
- settings: each plugin's DEFAULTS table applied once, unknown UNION_*/SEARCH_* keys reported.

Each plugin's register() calls `union_core.register()`; connecting twice is harmless
(blinker keeps one connection per receiver).
"""


def register():
    from pelican import signals

    from . import glue

    signals.initialized.connect(glue.start_report)
    signals.initialized.connect(glue.check_settings)
    signals.finalized.connect(glue.finish_report)
