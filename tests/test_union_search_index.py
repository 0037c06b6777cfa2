"""The Whoosh index and the static export: incremental updates, atomic swaps, bounded pieces."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import replace

import pytest

import union_text
from union_search import export as export_module
from union_search.analysis import AnalysisCache
from union_search.build import build_search, export_path
from union_search.encoding import (
    decode_doc_list, decode_doc_set, decode_positions, decode_postings, encode_doc_list, encode_doc_set,
    encode_positions, encode_postings,
)
from union_search.engine import search
from union_search.export import publish, referenced_names
from union_search.export_reader import ExportSource
from union_search.index import IndexMissing, current_path, update_index
from union_search.query import parse_query
from union_search.whoosh_source import WhooshSource

from test_union_search_support import seed_records


def chunk_list(root, manifest):
    """All [first key, chunk file] entries, through the index pages."""
    return [c for _, page in manifest["pages"] for c in json.load(open(os.path.join(root, page)))["chunks"]]


def all_entries(root):
    manifest = json.load(open(os.path.join(root, "manifest.json")))
    return {e[0]: e for _, name in chunk_list(root, manifest)
            for e in json.load(open(os.path.join(root, name)))["terms"]}


def urls_for(index_dir, text):
    with WhooshSource(index_dir) as source:
        return [source.urls[h.doc] for h in search(source, parse_query(text))]


@pytest.fixture()
def small(tmp_path):
    records = seed_records()[:8]
    index_dir = str(tmp_path / "index")
    report = build_search(records, index_dir, str(tmp_path / "cache"))
    return records, index_dir, str(tmp_path / "cache"), report


def test_first_build_adds_everything_and_a_rebuild_changes_nothing(small):
    records, index_dir, cache_dir, report = small
    assert (report.index.added, report.index.updated, report.index.removed) == (len(records), 0, 0)
    generation = os.path.realpath(current_path(index_dir))
    again = build_search(records, index_dir, cache_dir)
    assert (again.index.added, again.index.updated, again.index.removed) == (0, 0, 0)
    assert again.export is None  # nothing changed, nothing rewritten
    assert os.path.realpath(current_path(index_dir)) == generation


def test_new_export_code_rewrites_the_export_even_when_no_article_changed(small, monkeypatch):
    """An upgrade that changes the export format must reach output/search on the next build,
    although every article is unchanged (it did not: the old format stayed published)."""
    from union_search import export_state

    records, index_dir, cache_dir, _ = small
    old_manifest = json.load(open(os.path.join(export_path(index_dir), "manifest.json")))
    assert old_manifest["code"] == export_state.code_digest()[:16]
    monkeypatch.setattr(export_state, "code_digest", lambda: "f" * 40)  # as after an upgrade
    again = build_search(records, index_dir, cache_dir)
    assert (again.index.added, again.index.updated, again.index.removed) == (0, 0, 0)
    assert again.export is not None
    manifest = json.load(open(os.path.join(export_path(index_dir), "manifest.json")))
    assert manifest["code"] == "f" * 16
    assert ExportSource(export_path(index_dir)).doc_count == len(records)
    assert build_search(records, index_dir, cache_dir).export is None  # current again: nothing to do


def test_one_edit_reanalyses_one_article_and_is_searchable(small):
    records, index_dir, cache_dir, _ = small
    fragments_before = {n for n in referenced_names(export_path(index_dir)) if n.startswith("d/")}
    entries_before = all_entries(export_path(index_dir))
    edited = list(records)
    edited[3] = replace(records[3], body=records[3].body + "\n本段新增：职工暖心驿站开张。")
    report = build_search(edited, index_dir, cache_dir)
    assert (report.index.added, report.index.updated, report.index.removed) == (0, 1, 0)
    assert report.analysed == 1
    assert urls_for(index_dir, "暖心驿站") == [records[3].url]
    # pieces whose content did not change keep their names (the other articles' fragments)
    fragments_after = {n for n in referenced_names(export_path(index_dir)) if n.startswith("d/")}
    assert len(fragments_before & fragments_after) == len(records) - 1
    # averages moved less than 2%, so they are kept: every term the edited
    # article does not contain keeps byte-identical postings
    entries_after = all_entries(export_path(index_dir))
    touched = {k for k, e in entries_after.items() if e != entries_before.get(k)}
    cache = AnalysisCache(cache_dir)
    terms = set()
    for version in (records[3], edited[3]):
        a = cache.get(version)
        for field in (a.title, a.body):
            terms |= {"w:" + t for t in field.words} | {"u:" + t for t in field.unigrams}
            terms |= {"b:" + t for t in field.bigrams}
    assert touched and touched <= terms | {k for k in touched if k.startswith("p:")}


def test_removed_article_disappears_everywhere(small):
    records, index_dir, cache_dir, _ = small
    gone = records[0]
    title_words = union_text.fold(gone.title)[:4]
    build_search(records[1:], index_dir, cache_dir)
    assert gone.url not in urls_for(index_dir, title_words)
    export = ExportSource(export_path(index_dir))
    assert export.doc_count == len(records) - 1


def test_metadata_change_updates_without_reanalysis(small):
    records, index_dir, cache_dir, _ = small
    moved = list(records)
    moved[2] = replace(records[2], regions=("江苏省›南京市›玄武区",))
    report = build_search(moved, index_dir, cache_dir)
    assert report.index.updated == 1 and report.analysed == 0
    assert urls_for(index_dir, "region:玄武区") == [records[2].url]


def test_a_killed_build_leaves_the_previous_index_readable(small):
    records, index_dir, cache_dir, _ = small
    before = urls_for(index_dir, "工会")
    generation = os.path.realpath(current_path(index_dir))
    cache = AnalysisCache(cache_dir)

    def dies(record):
        if record.url == records[5].url:
            raise KeyboardInterrupt("simulated kill")
        return cache.get(record)

    changed = [replace(r, body=r.body + "\n补充。") for r in records]
    with pytest.raises(KeyboardInterrupt):
        update_index(index_dir, changed, dies)
    assert os.path.realpath(current_path(index_dir)) == generation
    assert urls_for(index_dir, "工会") == before
    assert not [n for n in os.listdir(index_dir) if n.startswith(".building-")]


def test_duplicate_urls_are_refused_with_the_url(tmp_path):
    records = seed_records()[:2]
    twins = [records[0], replace(records[1], url=records[0].url)]
    with pytest.raises(ValueError, match=records[0].url):
        build_search(twins, str(tmp_path / "i"), str(tmp_path / "c"))


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexMissing, match="build the site first"):
        WhooshSource(str(tmp_path / "nothing"))


def test_analyzer_change_forces_a_full_rebuild(small, monkeypatch):
    records, index_dir, cache_dir, _ = small
    monkeypatch.setattr(union_text, "analyzer_fingerprint", lambda: "0000000000000000")
    report = build_search(records, index_dir, cache_dir)
    assert report.index.added == len(records)


# export ------------------------------------------------------------------------------------


def test_pieces_are_content_hashed_and_complete(small):
    _, index_dir, _, _ = small
    root = export_path(index_dir)
    names = referenced_names(root)
    assert names
    for name in names:
        data = open(os.path.join(root, name), "rb").read()
        stem = os.path.basename(name).split(".")[0]
        assert stem == hashlib.sha256(data).hexdigest()[:16], name
    on_disk = {
        f"{d}/{n}" for d in os.listdir(root) if os.path.isdir(os.path.join(root, d))
        for n in os.listdir(os.path.join(root, d))
    }
    assert on_disk == names


def test_frequent_terms_are_split_into_bounded_segments(tmp_path, monkeypatch):
    monkeypatch.setattr(export_module, "SEGMENT_MAX", 64)
    records = seed_records()
    index_dir = str(tmp_path / "index")
    build_search(records, index_dir, str(tmp_path / "cache"))
    root = export_path(index_dir)
    manifest = json.load(open(os.path.join(root, "manifest.json")))
    entries = {}
    for _, name in chunk_list(root, manifest):
        for entry in json.load(open(os.path.join(root, name)))["terms"]:
            entries[entry[0]] = entry
    frequent = entries["u:工"]
    assert frequent[1] == len(records)
    segments = frequent[2]["segments"]
    assert len(segments) > 1
    covered = []
    for first, last, name in segments:
        data = open(os.path.join(root, name), "rb").read()
        docs = sorted(decode_postings(data))
        assert docs[0] == first and docs[-1] == last
        assert len(data) <= 64 or len(docs) == 1
        covered += docs
    assert covered == sorted(covered) and len(covered) == len(records)
    # and the reader still ranks exactly like the command line
    with WhooshSource(index_dir) as whoosh:
        export = ExportSource(root)
        for text in ("工", "工会", "爱心驿站", '"白纸黑字"'):
            query = parse_query(text)
            assert [(h.doc, round(h.score, 6)) for h in search(whoosh, query)] == [
                (h.doc, round(h.score, 6)) for h in search(export, query)
            ]


def test_term_chunks_are_sorted_and_bounded(small):
    _, index_dir, _, _ = small
    root = export_path(index_dir)
    manifest = json.load(open(os.path.join(root, "manifest.json")))
    chunks = chunk_list(root, manifest)
    firsts = [first for first, _ in chunks]
    assert firsts == sorted(firsts)
    assert [first for first, _ in manifest["pages"]] == [first for first, _ in chunks][:: export_module.PAGE_SIZE]
    previous = ""
    for _, name in chunks:
        keys = [entry[0] for entry in json.load(open(os.path.join(root, name)))["terms"]]
        assert keys == sorted(keys) and keys[0] > previous
        previous = keys[-1]
        assert os.path.getsize(os.path.join(root, name)) < 3 * export_module.CHUNK_TARGET


def test_charmap_covers_traditional_forms_of_vocabulary_characters(small):
    _, index_dir, _, _ = small
    root = export_path(index_dir)
    manifest = json.load(open(os.path.join(root, "manifest.json")))
    charmap = json.load(open(os.path.join(root, manifest["charmap"])))["map"]
    for traditional in "會愛驛職協":
        assert charmap[traditional] == union_text.fold(traditional)


def test_publish_copies_pieces_then_manifest_and_prunes(small, tmp_path):
    records, index_dir, cache_dir, _ = small
    site = tmp_path / "output" / "search"
    site.mkdir(parents=True)
    (site / "t").mkdir()
    (site / "t" / "stale.json").write_text("{}")
    copied = publish(export_path(index_dir), str(site))
    assert copied == len(referenced_names(export_path(index_dir)))
    assert not (site / "t" / "stale.json").exists()
    assert publish(export_path(index_dir), str(site)) == 0
    reader = ExportSource(str(site))
    assert reader.doc_count == len(records)


@pytest.mark.parametrize("values", [[0], [1, 5, 127, 128, 300, 16383, 16384, 10**7]])
def test_stream_encodings_round_trip(values):
    assert decode_doc_list(encode_doc_list(values)) == values
    qs = [v * 7 + 1 for v in values]
    assert decode_postings(encode_postings(values, qs)) == dict(zip(values, qs))
    lists = [[0, 3, 200 + v] for v in values]
    assert decode_positions(encode_positions(values, lists)) == dict(zip(values, lists))


@pytest.mark.parametrize("docs, kind", [
    ([], 0), ([5], 0), ([0, 999], 0), (list(range(0, 1000, 97)), 0),  # sparse: a gap-coded list
    (list(range(1000)), 1), (list(range(0, 1000, 3)), 1), ([d for d in range(1000) if d % 10], 1),  # dense
])
def test_facet_document_sets_round_trip_in_the_shorter_form(docs, kind):
    data = encode_doc_set(docs, 1000)
    assert data[0] == kind
    assert decode_doc_set(data) == docs
    assert len(data) <= min(len(encode_doc_list(docs)), 1000 // 8 + 1) + 1


def test_inline_and_segmented_streams_decode_to_df_documents(tmp_path, monkeypatch):
    monkeypatch.setattr(export_module, "INLINE_MAX", 8)
    index_dir = str(tmp_path / "index")
    build_search(seed_records()[:8], index_dir, str(tmp_path / "cache"))
    root = export_path(index_dir)
    kinds = set()
    for key, entry in all_entries(root).items():
        if key.startswith("p:"):
            continue
        stream = entry[2]
        if isinstance(stream, str):
            docs = decode_postings(base64.b64decode(stream))
            kinds.add("inline")
        else:
            docs = {}
            for _, _, name in stream["segments"]:
                docs.update(decode_postings(open(os.path.join(root, name), "rb").read()))
            kinds.add("segments")
        assert len(docs) == entry[1], key
    assert kinds == {"inline", "segments"}


def _export_files(root):
    names = sorted(referenced_names(root)) + ["manifest.json"]
    return {name: open(os.path.join(root, name), "rb").read() for name in names}


def test_incremental_export_is_identical_to_a_full_export(tmp_path):
    """Reused postings and entries (export_state.py) give byte-identical pieces and manifest."""
    from union_search.export import export_index

    records = seed_records()[:16]
    index_dir, cache_dir = str(tmp_path / "index"), str(tmp_path / "cache")
    first = build_search(records, index_dir, cache_dir)
    assert not first.export.incremental
    edited = list(records)
    edited[5] = replace(records[5], body=records[5].body + "\n本段新增：职工暖心驿站开张。")
    newest = replace(records[1], url="articles/new.html", date="2099-01-01", title="新到的一篇稿件")
    versions = {
        "one edit": edited,  # ids unchanged: untouched terms reuse their entries
        "added, removed, edited": [newest] + edited[:9] + edited[10:],  # every id renumbered
        "date moved": [replace(r, date="1999-01-01") if i == 2 else r for i, r in enumerate(edited)],
    }
    for what, version in versions.items():
        report = build_search(version, index_dir, cache_dir)
        assert report.export.incremental, what
        generation = os.path.realpath(current_path(index_dir))
        full_root = str(tmp_path / f"full-{len(os.listdir(tmp_path))}")
        full = export_index(generation, full_root, version, AnalysisCache(cache_dir).get)
        assert not full.incremental
        assert _export_files(export_path(index_dir)) == _export_files(full_root), what
        assert report.export.terms == full.terms


def test_incremental_export_falls_back_when_an_old_analysis_is_missing(tmp_path):
    import shutil

    records = seed_records()[:16]
    index_dir, cache_dir = str(tmp_path / "index"), str(tmp_path / "cache")
    build_search(records, index_dir, cache_dir)
    shutil.rmtree(cache_dir)  # the removed version's terms are unknown now
    edited = list(records)
    edited[5] = replace(records[5], body=records[5].body + "\n本段新增：职工暖心驿站开张。")
    report = build_search(edited, index_dir, cache_dir)
    assert not report.export.incremental
    assert urls_for(index_dir, "暖心驿站") == [records[5].url]


def test_prefill_on_two_processes_gives_the_same_analyses(tmp_path, monkeypatch):
    from union_search import analysis as analysis_module

    monkeypatch.setattr(analysis_module, "PARALLEL_MIN", 2)
    records = seed_records()[:10]
    cache = AnalysisCache(str(tmp_path / "cache"))
    assert analysis_module.prefill(cache, records, workers=2) == 5  # the child did every other one
    assert analysis_module.prefill(cache, records, workers=2) == 0  # all cached now
    for record in records:
        assert cache.get(record) == analysis_module.analyze_record(record)
    # 5 analysed here + 5 by the child count as analysed; the 5 done here are cache hits now
    assert (cache.misses, cache.hits) == (10, 5)


def test_fresh_build_exports_on_a_second_process_identically(tmp_path, monkeypatch):
    """A fresh index writes its export in a forked child while Whoosh writes; same files, same report."""
    from union_search import index as index_module

    records = seed_records()[:12]
    monkeypatch.setattr(index_module, "PARALLEL_EXPORT_MIN", 1)
    forks = []
    real_fork = index_module._fork
    monkeypatch.setattr(index_module, "_fork", lambda f, a: forks.append(a) or real_fork(f, a))
    parallel = build_search(records, str(tmp_path / "a"), str(tmp_path / "cache"))
    monkeypatch.setattr(index_module, "PARALLEL_EXPORT_MIN", 10 ** 9)
    serial = build_search(records, str(tmp_path / "b"), str(tmp_path / "cache"))
    assert len(forks) == 1
    assert _export_files(export_path(str(tmp_path / "a"))) == _export_files(export_path(str(tmp_path / "b")))
    assert parallel.export is not None and parallel.export.terms == serial.export.terms > 0
    assert parallel.export.documents == len(records)


def test_a_failed_export_child_is_redone_in_the_parent(tmp_path, monkeypatch):
    from union_search import index as index_module

    monkeypatch.setattr(index_module, "PARALLEL_EXPORT_MIN", 1)
    records = seed_records()[:6]
    cache = AnalysisCache(str(tmp_path / "cache"))
    parent = os.getpid()
    calls = []

    def finish(path):
        if os.getpid() != parent:
            raise RuntimeError("child dies")
        calls.append(path)

    report = update_index(str(tmp_path / "index"), records, cache.get, finish=finish, parallel_finish=True)
    assert len(calls) == 1 and report.exported
    assert calls[0].split(os.sep)[-1].startswith(".building-")  # redone before the swap
    assert os.path.isdir(current_path(str(tmp_path / "index")))


@pytest.mark.parametrize("doc_count, size", [(1, 64), (10_000, 64), (16_384, 64), (16_385, 128), (100_000, 512)])
def test_doc_maps_stay_small_and_the_manifest_lists_at_most_256(doc_count, size):
    assert export_module.docmap_size(doc_count) == size
    assert -(-doc_count // size) <= export_module.MAX_DOCMAPS
