"""union_site's newsroom helpers without a build: previous/next links and the lead story."""

from datetime import datetime
from types import SimpleNamespace

from union_site.home import is_featured, pick_lead
from union_site.neighbours import link_neighbours, newest_first_key


def story(slug, day, featured=None):
    metadata = {"featured": featured} if featured is not None else {}
    return SimpleNamespace(slug=slug, date=datetime(2023, 5, day), metadata=metadata)


def test_neighbours_follow_dates_and_break_ties_by_slug():
    a, b, c, d = story("a", 1), story("b", 3), story("c", 3), story("d", 9)
    link_neighbours([d, b, a, c])   # any order in, date order out
    assert (a.prev_article, a.next_article) == (None, b)
    assert (b.prev_article, b.next_article) == (a, c)
    assert (c.prev_article, c.next_article) == (b, d)
    assert (d.prev_article, d.next_article) == (c, None)


def test_neighbours_are_reset_when_run_again():
    a, b, c = story("a", 1), story("b", 2), story("c", 3)
    link_neighbours([a, b, c])
    link_neighbours([a, c])          # b dropped (autoreload after a file was removed)
    assert a.next_article is c and c.prev_article is a


def test_single_and_empty_sites():
    only = story("x", 1)
    link_neighbours([only])
    assert only.prev_article is None and only.next_article is None
    link_neighbours([])
    assert pick_lead([]) is None


def test_lead_is_the_newest_featured_story_else_the_newest():
    old_featured, newer_featured, newest = story("f1", 1, "yes"), story("f2", 2, "是"), story("n", 9)
    assert pick_lead([old_featured, newest, newer_featured]) is newer_featured
    plain = [story("a", 1), story("b", 5), story("c", 5, "no")]
    assert pick_lead(plain).slug == "c"   # newest date, then slug: as catalog.json orders them


def test_featured_values():
    assert all(is_featured(story("x", 1, v)) for v in ("yes", "Yes", " true ", "1", "是"))
    assert not any(is_featured(story("x", 1, v)) for v in ("no", "", "false", "0"))
    assert not is_featured(SimpleNamespace())


def test_pelican_lists_are_the_exact_reverse_of_the_neighbour_order():
    stories = [story("b", 3), story("a", 3), story("z", 1), story("c", 3), story("y", 9)]
    newest_first = sorted(stories, key=newest_first_key)
    assert [s.slug for s in newest_first] == ["y", "c", "b", "a", "z"]
    link_neighbours(stories)
    assert newest_first[1].next_article is newest_first[0] and newest_first[1].prev_article is newest_first[2]


def test_order_key_matches_a_descending_sort_and_pickles():
    import pickle

    stories = [story(s, 3) for s in ("ab", "abc", "b", "a", "a-b", "a0")] + [story("zz", 1)]
    assert ([s.slug for s in sorted(stories, key=newest_first_key)]
            == [s.slug for s in sorted(stories, key=lambda s: (s.date, s.slug), reverse=True)])
    assert pickle.loads(pickle.dumps(newest_first_key)) is newest_first_key
