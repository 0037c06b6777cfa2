"""Bulletin page importer: text pulled out of print layout -> one draft Markdown article per story.

Pipeline (one module per step): decode -> blocks -> classify -> dedupe -> repair -> assemble
-> render -> accounting -> store, driven by ``cli``.  Every step works on plain data and can be
tested without Pelican.
"""
