"""The static export and the editors' Whoosh index: updates in place, atomic swaps, bounded pieces.

The export is written first (the site needs it) and updated in place: an
edit rewrites only the terms whose postings changed, and the result is byte
for byte what a full export writes.  The Whoosh index follows the export
(index.sync_index), off the build's critical path.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
from dataclasses import replace

import pytest

import union_text
from union_search import export as export_module
from union_search import concepts as concepts_module
from union_search import export_state, export_terms
from union_search.analysis import AnalysisCache
from union_search.build import build_search, export_path, export_search
from union_search.encoding import (
    decode_doc_list, decode_doc_set, decode_positions, decode_postings, decode_varint_array, encode_doc_list,
    encode_doc_set, encode_positions, encode_postings, encode_varint_array,
)
from union_search.engine import search
from union_search.export import referenced_names, write_export
from union_search.export_reader import ExportSource
from union_search.export_terms import split_key, term_key
from union_search.index import IndexMissing, current_path, ensure_current, is_current, sync_index
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


def export_urls(root, text):
    source = ExportSource(root)
    return [source.fragment(h.doc)["url"] for h in search(source, parse_query(text))]


def files_on_disk(root):
    return {f"{d}/{n}" for d in os.listdir(root) if os.path.isdir(os.path.join(root, d))
            for n in os.listdir(os.path.join(root, d))}


@pytest.fixture()
def small(tmp_path):
    records = seed_records()[:8]
    index_dir = str(tmp_path / "index")
    report = build_search(records, index_dir, str(tmp_path / "cache"))
    return records, index_dir, str(tmp_path / "cache"), report


def test_first_build_adds_everything_and_a_rebuild_changes_nothing(small):
    records, index_dir, cache_dir, report = small
    assert (report.index.added, report.index.updated, report.index.removed) == (len(records), 0, 0)
    assert not report.export.incremental
    generation = os.path.realpath(current_path(index_dir))
    again = build_search(records, index_dir, cache_dir)
    assert again.export is None and again.index is None  # nothing changed, nothing rewritten
    assert os.path.realpath(current_path(index_dir)) == generation


def test_new_export_code_rewrites_the_export_even_when_no_article_changed(small, monkeypatch):
    """An upgrade that changes the export format must reach output/search on the next build,
    although every article is unchanged."""
    records, index_dir, cache_dir, _ = small
    old_manifest = json.load(open(os.path.join(export_path(index_dir), "manifest.json")))
    assert old_manifest["code"] == export_state.code_digest()[:16]
    monkeypatch.setattr(export_state, "code_digest", lambda: "f" * 40)  # as after an upgrade
    again = build_search(records, index_dir, cache_dir)
    assert again.export is not None and not again.export.incremental
    manifest = json.load(open(os.path.join(export_path(index_dir), "manifest.json")))
    assert manifest["code"] == "f" * 16
    assert ExportSource(export_path(index_dir)).doc_count == len(records)
    assert build_search(records, index_dir, cache_dir).export is None  # current again: nothing to do


def _net_keys(record) -> set[str]:
    text = union_text.fold(record.title + "\n" + record.body)
    return ({term_key(g, "b") for g, _ in union_text.bigrams(text)}
            | {term_key(c, "u") for c, _ in union_text.unigrams(text)})


def test_one_edit_reanalyses_one_article_and_rewrites_only_what_changed(small):
    records, index_dir, cache_dir, _ = small
    root = export_path(index_dir)
    fragments_before = {n for n in referenced_names(root) if n.startswith("d/")}
    entries_before = all_entries(root)
    edited = list(records)
    addition = "\n本段新增：职工暖心驿站开张。"
    edited[3] = replace(records[3], body=records[3].body + addition)
    report = build_search(edited, index_dir, cache_dir)
    assert report.export.incremental
    assert (report.index.added, report.index.updated, report.index.removed) == (0, 1, 0)
    assert report.analysed == 1
    assert urls_for(index_dir, "暖心驿站") == [records[3].url] == export_urls(root, "暖心驿站")
    fragments_after = {n for n in referenced_names(root) if n.startswith("d/")}
    assert len(fragments_before & fragments_after) == len(records) - 1
    # the lengths stayed within tolerance of the reference lengths: only the terms of the
    # added sentence changed (or appeared), and the pinyin of new words
    entries_after = all_entries(root)
    touched = {k for k, e in entries_after.items() if e != entries_before.get(k)}
    cache = AnalysisCache(cache_dir)
    new_words = cache.get(edited[3]).body.words
    old_words = cache.get(records[3]).body.words
    changed_words = {term_key(w, "w") for w in new_words if new_words[w] != old_words.get(w)}
    added_net = _net_keys(replace(records[3], title="", body=addition))
    assert touched and {k for k in touched if not k.endswith(" p")} <= changed_words | added_net
    assert len(touched) < len(entries_after) // 20
    assert files_on_disk(root) == referenced_names(root)  # nothing left behind


def test_removed_article_disappears_everywhere(small):
    records, index_dir, cache_dir, _ = small
    gone = records[0]
    title_words = union_text.fold(gone.title)[:4]
    build_search(records[1:], index_dir, cache_dir)
    assert gone.url not in urls_for(index_dir, title_words)
    assert gone.url not in export_urls(export_path(index_dir), title_words)
    assert ExportSource(export_path(index_dir)).doc_count == len(records) - 1


def test_metadata_change_updates_without_reanalysis(small):
    records, index_dir, cache_dir, _ = small
    moved = list(records)
    moved[2] = replace(records[2], regions=("江苏省›南京市›玄武区",))
    report = build_search(moved, index_dir, cache_dir)
    assert report.index.updated == 1 and report.analysed == 0 and report.export.terms_rewritten == 0
    assert urls_for(index_dir, "region:玄武区") == [records[2].url]


def test_a_sync_killed_half_way_leaves_the_previous_index_readable(small, monkeypatch):
    records, index_dir, cache_dir, _ = small
    before = urls_for(index_dir, "工会")
    generation = os.path.realpath(current_path(index_dir))
    changed = [replace(r, body=r.body + "\n补充。") for r in records]
    export_search(changed, index_dir, cache_dir)
    real_get = AnalysisCache.get

    def dies(self, record):
        if record.url == records[5].url:
            raise KeyboardInterrupt("simulated kill")
        return real_get(self, record)

    monkeypatch.setattr(AnalysisCache, "get", dies)
    with pytest.raises(KeyboardInterrupt):
        sync_index(index_dir)
    assert os.path.realpath(current_path(index_dir)) == generation
    assert not [n for n in os.listdir(index_dir) if n.startswith(".building-")]
    assert not is_current(index_dir)  # behind the export: a query catches up first
    monkeypatch.setattr(AnalysisCache, "get", real_get)
    with pytest.raises(IndexMissing, match="behind"):
        WhooshSource(index_dir)  # never answers from an index that does not hold the export
    ensure_current(index_dir)
    assert is_current(index_dir)
    assert urls_for(index_dir, "补充") == export_urls(export_path(index_dir), "补充") != []
    assert sorted(urls_for(index_dir, "工会")) == sorted(before)


def test_an_export_killed_before_its_manifest_leaves_the_previous_export_and_no_garbage(small, monkeypatch):
    records, index_dir, cache_dir, _ = small
    root = export_path(index_dir)
    manifest = open(os.path.join(root, "manifest.json"), "rb").read()
    names = referenced_names(root)
    real = export_module._atomic_write

    def dies(path, data):
        if path.endswith("manifest.json"):
            raise KeyboardInterrupt("simulated kill")
        return real(path, data)

    monkeypatch.setattr(export_module, "_atomic_write", dies)
    edited = [replace(records[1], body=records[1].body + "\n新增一句。")] + records[2:]
    with pytest.raises(KeyboardInterrupt):
        export_search(edited, index_dir, cache_dir)
    assert open(os.path.join(root, "manifest.json"), "rb").read() == manifest
    assert export_urls(root, "工会")  # every piece the old manifest names is still there
    assert referenced_names(root) == names and files_on_disk(root) > names  # new pieces, not yet named
    monkeypatch.setattr(export_module, "_atomic_write", real)
    report = build_search(edited, index_dir, cache_dir)  # the next build collects the leftovers
    assert report.export.files_removed > 0
    assert files_on_disk(root) == referenced_names(root)
    assert urls_for(index_dir, "新增一句") == [records[1].url]


def test_duplicate_urls_are_refused_with_the_url(tmp_path):
    records = seed_records()[:2]
    twins = [records[0], replace(records[1], url=records[0].url)]
    with pytest.raises(ValueError, match=records[0].url):
        build_search(twins, str(tmp_path / "i"), str(tmp_path / "c"))


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexMissing, match="build the site first"):
        WhooshSource(str(tmp_path / "nothing"))
    with pytest.raises(IndexMissing, match="build the site first"):
        ensure_current(str(tmp_path / "nothing"))


def test_a_missing_export_is_a_clear_error_for_the_command_line(small):
    records, index_dir, cache_dir, _ = small
    export_search(records[1:], index_dir, cache_dir)  # the index is behind the export …
    shutil.rmtree(export_path(index_dir))  # … which is gone (make clean)
    with pytest.raises(IndexMissing, match="no search export"):
        ensure_current(index_dir)


def test_analyzer_change_forces_a_full_rebuild(small, monkeypatch):
    records, index_dir, cache_dir, _ = small
    monkeypatch.setattr(union_text, "analyzer_fingerprint", lambda: "0000000000000000")
    report = build_search(records, index_dir, cache_dir)
    assert report.index.added == len(records) and not report.export.incremental


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
    assert files_on_disk(root) == names
    assert not [n for n in os.listdir(root) if n not in ("manifest.json",) and not os.path.isdir(os.path.join(root, n))]


def test_frequent_terms_are_split_into_bounded_segments(tmp_path, monkeypatch):
    monkeypatch.setattr(export_terms, "POSTINGS_PER_SEGMENT", 4)
    monkeypatch.setattr(export_terms, "SEGMENT_MAX", 64)
    records = seed_records()
    index_dir = str(tmp_path / "index")
    build_search(records, index_dir, str(tmp_path / "cache"))
    root = export_path(index_dir)
    entries = all_entries(root)
    frequent = entries[term_key("工", "u")]
    assert frequent[1] == len(records)
    segments = frequent[2]["segments"]
    assert len(segments) == -(-len(records) // 4)
    covered = []
    for first, last, name in segments:
        docs = sorted(decode_postings(open(os.path.join(root, name), "rb").read()))
        assert docs[0] == first and docs[-1] == last and len(docs) <= 4
        covered += docs
    assert covered == sorted(covered) and len(covered) == len(records)
    positions = entries[term_key("工会", "b")]
    assert len(positions[3]["segments"]) > 1 and positions[4] == sum(
        len(p) for _, _, name in positions[3]["segments"]
        for p in decode_positions(open(os.path.join(root, name), "rb").read()).values())
    with WhooshSource(index_dir) as whoosh:  # the reader still ranks exactly like the command line
        export = ExportSource(root)
        for text in ("工", "工会", "爱心驿站", '"白纸黑字"'):
            query = parse_query(text)
            assert [(h.doc, round(h.score, 6)) for h in search(whoosh, query)] == [
                (h.doc, round(h.score, 6)) for h in search(export, query)
            ]


def test_keys_sort_term_first_so_a_query_needs_few_chunks(small):
    _, index_dir, _, _ = small
    root = export_path(index_dir)
    manifest = json.load(open(os.path.join(root, "manifest.json")))
    chunks = chunk_list(root, manifest)
    firsts = [first for first, _ in chunks]
    assert firsts == sorted(firsts)
    assert [first for first, _ in manifest["pages"]] == [
        json.load(open(os.path.join(root, page)))["chunks"][0][0] for _, page in manifest["pages"]]
    previous = ""
    for _, name in chunks:
        keys = [entry[0] for entry in json.load(open(os.path.join(root, name)))["terms"]]
        assert keys == sorted(keys) and keys[0] > previous
        previous = keys[-1]
        size = os.path.getsize(os.path.join(root, name))
        assert size < export_terms.CHUNK_MAX + 1024
    keys = sorted(all_entries(root))
    # the word, the bigram and the character of the same text sit side by side
    for term in ("驿站", "工会"):
        i = keys.index(term_key(term, "b"))
        assert keys[i + 1] == term_key(term, "w")
    assert {split_key(k)[1] for k in keys} == {"w", "b", "u", "p"}


def test_charmap_covers_traditional_forms_of_vocabulary_characters(small):
    _, index_dir, _, _ = small
    root = export_path(index_dir)
    manifest = json.load(open(os.path.join(root, "manifest.json")))
    charmap = json.load(open(os.path.join(root, manifest["charmap"])))["map"]
    for traditional in "會愛驛職協":
        assert charmap[traditional] == union_text.fold(traditional)


@pytest.mark.parametrize("values", [[0], [1, 5, 127, 128, 300, 16383, 16384, 10**7]])
def test_stream_encodings_round_trip(values):
    assert decode_doc_list(encode_doc_list(values)) == values
    qs = [v * 7 + 1 for v in values]
    assert decode_postings(encode_postings(values, qs)) == dict(zip(values, qs))
    lists = [[0, 3, 200 + v] for v in values]
    assert decode_positions(encode_positions(values, lists)) == dict(zip(values, lists))
    import numpy as np

    from union_search.encoding import encode_varints

    array = np.array(values + qs + [2**40 + 3], dtype=np.int64)
    assert encode_varint_array(array) == encode_varints(array.tolist())  # the bulk coder, the same bytes
    assert decode_varint_array(encode_varint_array(array)).tolist() == array.tolist()


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
    monkeypatch.setattr(export_terms, "INLINE_MAX", 8)
    index_dir = str(tmp_path / "index")
    build_search(seed_records()[:8], index_dir, str(tmp_path / "cache"))
    root = export_path(index_dir)
    kinds = set()
    for key, entry in all_entries(root).items():
        if key.endswith(" p"):
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


def test_a_fragment_holds_the_head_of_the_body_and_names_the_rest(small, monkeypatch):
    records, index_dir, _, _ = small
    source = ExportSource(export_path(index_dir))
    for doc in range(source.doc_count):
        raw = json.loads(open(os.path.join(source.root, source._fragment_name(doc)), encoding="utf-8").read())
        full = source.fragment(doc)
        assert full["body"].startswith(raw["head"]) and len(raw["head"]) <= export_module.HEAD_CHARS
        assert ("rest" in raw) == (len(full["body"]) > export_module.HEAD_CHARS)
        assert full["body"] == next(r.body for r in records if r.url == full["url"])
        assert len(raw["lens"]) == 4 and "summary" not in raw


def _export_files(root):
    names = sorted(referenced_names(root)) + ["manifest.json"]
    return {name: open(os.path.join(root, name), "rb").read() for name in names}


def _copy(index_dir, root, target):
    """A copy of an export and of its state (pointing at the copy)."""
    shutil.copytree(root, target / "export")
    os.makedirs(target / "index")
    shutil.copy(os.path.join(index_dir, export_state.STATE_FILE), target / "index")
    state_path = str(target / "index" / export_state.STATE_FILE)
    state = export_state.load(state_path)
    state.export_dir = str(target / "export")
    export_state.save(state_path, state)
    return str(target / "export"), str(target / "index")


COLUMNS = ("“娘家人”助力疫情防控", "他山之石", "")
SHORT_NAMES = {"集体协商": ("topic", "集体协商", "协商"), "浙江省›台州市›黄岩区": ("region", "黄岩区", "黄岩")}


def with_concepts(records):
    """Records with columns and short names, as record_from_article gives them (concept shards)."""
    return [replace(r, column=COLUMNS[i % len(COLUMNS)],
                    aliases=tuple(SHORT_NAMES[n] for n in r.regions + r.topics if n in SHORT_NAMES))
            for i, r in enumerate(records)]


def test_an_export_updated_in_place_is_the_export_a_full_build_writes(tmp_path, monkeypatch):
    """Every kind of change: the export updated in place is byte for byte a full export with the same
    reference lengths (force_full), and no piece is left behind."""
    monkeypatch.setattr(export_module, "AVG_TOLERANCE", 0.5)  # 16 articles: one more moves the averages
    monkeypatch.setattr(concepts_module, "SHARD_TARGET", 300)  # several concept shards
    monkeypatch.setattr(concepts_module, "INLINE_DOCS", 1)  # concept documents in pieces of their own
    records = with_concepts(seed_records()[:16])
    index_dir, cache_dir = str(tmp_path / "index"), str(tmp_path / "cache")
    first = build_search(records, index_dir, cache_dir, sync=False)
    assert not first.export.incremental
    root = export_path(index_dir)
    cache = AnalysisCache(cache_dir)
    edited = list(records)
    edited[5] = replace(records[5], body=records[5].body + "\n本段新增：职工暖心驿站开张。")
    newest = replace(records[1], url="articles/new.html", date="2099-01-01", title="新到的一篇稿件")
    versions = {
        "one edit": edited,
        "a new article": edited + [newest],
        "edited in the middle": edited + [replace(newest, body="开头" + newest.body)],
        "metadata only": [replace(r, topics=("帮扶",)) if i == 2 else r for i, r in enumerate(edited + [newest])],
        "date moved": [replace(r, date="1999-01-01") if i == 2 else r for i, r in enumerate(edited)],
        "added, removed, edited": [newest] + edited[:9] + edited[10:],
        "title rewritten": [replace(r, title="完全不同的标题") if i == 4 else r for i, r in enumerate(edited)],
        # the text, tags and fragments stay: only the concept shards change
        "column renamed": [replace(r, column="职工书屋") if i == 3 else r for i, r in enumerate(edited)],
        "short name added": [replace(r, aliases=r.aliases + (("topic", "帮扶", "帮困"),)) if "帮扶" in r.topics else r
                             for r in edited],
    }
    for n, (what, version) in enumerate(versions.items()):
        copy_root, copy_index = _copy(index_dir, root, tmp_path / f"copy-{n}")
        report = build_search(version, index_dir, cache_dir, sync=False)
        assert report.export and report.export.incremental, what  # None: "nothing changed"
        full = write_export(copy_root, version, cache.get, copy_index, cache.by_hash, force_full=True)
        assert not full.incremental
        assert _export_files(root) == _export_files(copy_root), what
        assert report.export.terms == full.terms
        assert files_on_disk(root) == referenced_names(root), what
        source = ExportSource(root)
        assert len(source.manifest["concepts"]["shards"]) > 1
        named = {name: {c.value for c in source.concepts_named(name)} for name in ("书屋", "帮困", "黄岩")}
        assert named == {"书屋": {"职工书屋"} if what == "column renamed" else set(),
                         "帮困": {"帮扶"} if what == "short name added" else set(), "黄岩": {"黄岩区"}}, what


def test_an_old_analysis_missing_is_redone_from_the_previous_export_text(tmp_path):
    records = seed_records()[:16]
    index_dir, cache_dir = str(tmp_path / "index"), str(tmp_path / "cache")
    build_search(records, index_dir, cache_dir)
    shutil.rmtree(cache_dir)  # the removed version's words are analysed again from the export
    edited = list(records)
    edited[5] = replace(records[5], body=records[5].body.replace("工会", "协会", 1) + "\n本段新增：职工暖心驿站开张。")
    report = build_search(edited, index_dir, cache_dir)
    assert report.export.incremental
    assert urls_for(index_dir, "暖心驿站") == [records[5].url] == export_urls(export_path(index_dir), "暖心驿站")


def test_many_changes_export_in_full_with_true_lengths(tmp_path, monkeypatch):
    monkeypatch.setattr(export_module, "MIN_TOUCHED", 4)
    records = seed_records()
    index_dir, cache_dir = str(tmp_path / "index"), str(tmp_path / "cache")
    build_search(records, index_dir, cache_dir, sync=False)
    changed = [replace(r, body=r.body + "\n补充。") for r in records]
    report = build_search(changed, index_dir, cache_dir, sync=False)
    assert not report.export.incremental
    state = export_state.load(os.path.join(index_dir, export_state.STATE_FILE))
    assert all(d.lens == d.actual for d in state.docs)


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


def test_the_index_follows_the_export_only_when_asked(small):
    """The export is what a build waits for; the index is synced afterwards (or by a query)."""
    records, index_dir, cache_dir, _ = small
    root = export_path(index_dir)
    report = build_search(records + [replace(records[0], url="articles/x.html", title="后来的文章")],
                          index_dir, cache_dir, sync=False)
    assert report.index is None and not is_current(index_dir)
    assert export_urls(root, "后来的文章") == ["articles/x.html"]
    update = ensure_current(index_dir)
    assert update.added == 1 and is_current(index_dir)
    assert ensure_current(index_dir) is None
    assert urls_for(index_dir, "后来的文章") == ["articles/x.html"]


@pytest.mark.parametrize("doc_count, size", [(1, 64), (10_000, 64), (16_384, 64), (16_385, 128), (100_000, 512)])
def test_doc_maps_stay_small_and_the_manifest_lists_at_most_256(doc_count, size):
    assert export_module.docmap_size(doc_count) == size
    assert -(-doc_count // size) <= export_module.MAX_DOCMAPS


def test_a_collection_inverted_in_partitions_gives_the_same_export(tmp_path, monkeypatch):
    """Big collections are inverted one slice of the keys at a time, their rows waiting in spill
    files: the export is byte for byte the one a single pass writes, and no spill file remains."""
    from union_search import invert

    records = seed_records()
    one = build_search(records, str(tmp_path / "one"), str(tmp_path / "cache"), sync=False)
    monkeypatch.setattr(export_module, "ROWS_PER_PARTITION", 3000)
    monkeypatch.setattr(invert._RowStore, "FLUSH_BYTES", 2048)
    monkeypatch.setattr(invert.Inverter, "PENDING_LIMIT", 4096)
    spilled = []
    real_flush = invert._RowStore.flush
    monkeypatch.setattr(invert._RowStore, "flush", lambda self: (spilled.append(bool(self.pending)),
                                                                  real_flush(self)))
    many = build_search(records, str(tmp_path / "many"), str(tmp_path / "cache"), sync=False)
    assert len(export_module.partition_bounds(records)) > 4 and any(spilled)
    assert _export_files(export_path(str(tmp_path / "one"))) == _export_files(export_path(str(tmp_path / "many")))
    assert one.export.terms == many.export.terms
    assert not [n for n in os.listdir(tmp_path / "many") if n.startswith(".spill-")]
