"""Build and search benchmarks: a synthetic corpus from the seed bulletins, timed builds, browser search.

python -m benchmarks.corpus --n N --out DIR   writes N articles (deterministic)
python -m benchmarks.run --n N                runs every measurement, prints a table, writes JSON
"""
