"""union_media's plain modules: derivative sizes, Pillow encoding, the cache by content hash,
problems with broken and huge files, and the article markup."""

import json
import os
import warnings

import pytest
from PIL import Image

from tests.fixtures.images import badge_with_transparency, png_header_only, quick_picture
from union_media.derivatives import (Quality, encode_variants, plan_variants, plan_widths,
                                     scaled_height)
from union_media.markup import attributes, rewrite_photos, without_photo_figures
from union_media.store import PhotoStore


# -- sizes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("width, expected", [
    (2400, [480, 960, 1600]),
    (1600, [480, 960, 1600]),
    (1700, [480, 960, 1600]),
    (1200, [480, 960, 1200]),
    (1000, [480, 1000]),      # 960 is within 10% of the original: not worth its own file
    (500, [500]),
    (300, [300]),             # never upscaled
])
def test_derivative_widths_never_exceed_the_original(width, expected):
    assert plan_widths(width) == expected


def test_heights_keep_the_aspect_ratio():
    assert scaled_height(2400, 1350, 480) == 270
    assert scaled_height(1000, 3, 480) == 1
    variants = plan_variants("x", "k", 1200, 800, "jpeg")
    assert [(v.format, v.width, v.height) for v in variants] == [
        ("webp", 480, 320), ("webp", 960, 640), ("webp", 1200, 800),
        ("jpeg", 480, 320), ("jpeg", 960, 640), ("jpeg", 1200, 800)]
    assert variants[3].name == "x-k-480.jpg" and variants[0].name == "x-k-480.webp"


# -- encoding ----------------------------------------------------------------------------------

def test_encoded_files_have_the_planned_sizes_and_formats(tmp_path):
    source = tmp_path / "stage.jpg"
    quick_picture((2400, 1350)).save(source, "JPEG", quality=85)
    variants = plan_variants("stage", "k", 2400, 1350, "jpeg")
    encode_variants(source, variants, tmp_path / "out", Quality())
    for variant in variants:
        with Image.open(tmp_path / "out" / variant.name) as made:
            assert made.size == (variant.width, variant.height)
            assert made.format == variant.format.upper()
    assert not list((tmp_path / "out").glob(".tmp-*")), "no temporary file left behind"
    assert oct(os.stat(tmp_path / "out" / variants[0].name).st_mode & 0o777) == "0o644"


def test_exif_orientation_is_applied_and_metadata_dropped(tmp_path):
    source = tmp_path / "portrait.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6          # stored landscape, shown rotated 90°
    exif[0x010F] = "Camera"   # Make: must not be published
    quick_picture((1200, 800)).save(source, "JPEG", exif=exif)
    store = PhotoStore(tmp_path, tmp_path / "cache")
    photo = store.photo("portrait.jpg")
    assert (photo.width, photo.height) == (800, 1200)
    with Image.open(store.files_dir / photo.fallback[-1].name) as made:
        assert made.size == (800, 1200)
        assert not made.getexif(), "EXIF (GPS, camera) must not reach readers"


def test_png_drawings_stay_png_and_photos_jpeg(tmp_path):
    quick_picture((600, 400)).save(tmp_path / "chart.png")
    quick_picture((600, 400)).save(tmp_path / "photo.jpg")
    store = PhotoStore(tmp_path, tmp_path / "cache")
    assert {v.format for v in store.photo("chart.png").fallback} == {"png"}
    assert {v.format for v in store.photo("photo.jpg").fallback} == {"jpeg"}
    with Image.open(tmp_path / "chart.png") as original, \
            Image.open(store.files_dir / store.photo("chart.png").fallback[-1].name) as copy:
        assert copy.size == original.size and copy.tobytes() == original.tobytes(), "lossless"


def test_transparent_png_falls_back_to_png_not_jpeg(tmp_path):
    badge_with_transparency((600, 600)).save(tmp_path / "badge.png")
    photo = PhotoStore(tmp_path, tmp_path / "cache").photo("badge.png")
    assert {v.format for v in photo.fallback} == {"png"}
    with Image.open(tmp_path / "cache" / "files" / photo.webp[-1].name) as made:
        assert made.mode == "RGBA"


# -- the store: cache by content hash ----------------------------------------------------------

def wide_photo(root, name="images/wide.jpg"):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    quick_picture((2400, 1350)).save(path, "JPEG", quality=85)
    return path


def test_a_rebuild_neither_hashes_nor_encodes(tmp_path):
    content = tmp_path / "content"
    wide_photo(content)
    first = PhotoStore(content, tmp_path / "cache")
    photo = first.photo("images/wide.jpg")
    assert [v.width for v in photo.webp] == [480, 960, 1600]
    assert first.report.encoded == ["images/wide.jpg"]
    made = {v.name: (first.files_dir / v.name).stat().st_mtime_ns for v in photo.variants}
    first.save()

    second = PhotoStore(content, tmp_path / "cache")   # the next build
    again = second.photo("images/wide.jpg")
    assert again.variants == photo.variants
    assert second.report.encoded == [] and second.report.hashed == 0 and second.report.reused == 1
    assert {n: (second.files_dir / n).stat().st_mtime_ns for n in made} == made


def test_a_touched_file_is_hashed_and_recognised(tmp_path):
    content = tmp_path / "content"
    path = wide_photo(content)
    store = PhotoStore(content, tmp_path / "cache")
    names = [v.name for v in store.photo("images/wide.jpg").variants]
    store.save()
    os.utime(path, ns=(1, 1))  # same bytes, other time (a checkout, a copy)
    store = PhotoStore(content, tmp_path / "cache")
    assert [v.name for v in store.photo("images/wide.jpg").variants] == names
    assert store.report.hashed == 1 and store.report.encoded == []


def test_a_changed_photo_gets_new_names_and_the_old_files_go(tmp_path):
    content = tmp_path / "content"
    path = wide_photo(content)
    store = PhotoStore(content, tmp_path / "cache")
    old = {v.name for v in store.photo("images/wide.jpg").variants}
    store.save()
    quick_picture((1200, 800)).save(path, "JPEG")
    store = PhotoStore(content, tmp_path / "cache")
    photo = store.photo("images/wide.jpg")
    new = {v.name for v in photo.variants}
    assert not old & new, "a changed photo must not reuse names a CDN may have cached"
    assert store.report.encoded == ["images/wide.jpg"]
    store.save()
    assert {p.name for p in store.files_dir.iterdir()} == new


def test_publishing_hashes_again_but_never_re_encodes(tmp_path):
    content = tmp_path / "content"
    wide_photo(content)
    store = PhotoStore(content, tmp_path / "cache")
    names = [v.name for v in store.photo("images/wide.jpg").variants]
    store.save()
    publish = PhotoStore(content, tmp_path / "cache", trust_stat=False)   # LOAD_CONTENT_CACHE off
    assert [v.name for v in publish.photo("images/wide.jpg").variants] == names
    assert publish.report.hashed == 1 and publish.report.encoded == [] and publish.report.reused == 1


def test_other_quality_settings_make_other_files(tmp_path):
    content = tmp_path / "content"
    wide_photo(content)
    default = PhotoStore(content, tmp_path / "cache").photo("images/wide.jpg")
    other = PhotoStore(content, tmp_path / "cache", quality=Quality(webp=60, jpeg=70)).photo("images/wide.jpg")
    assert not {v.name for v in default.variants} & {v.name for v in other.variants}


def test_publish_links_derivatives_into_the_output_once(tmp_path):
    content = tmp_path / "content"
    wide_photo(content)
    store = PhotoStore(content, tmp_path / "cache")
    photo = store.photo("images/wide.jpg")
    assert store.publish(tmp_path / "out" / "photos") == len(photo.variants)
    assert store.publish(tmp_path / "out" / "photos") == 0
    assert sorted(p.name for p in (tmp_path / "out" / "photos").iterdir()) == sorted(
        v.name for v in photo.variants)


# -- problems ----------------------------------------------------------------------------------

def test_a_broken_file_is_reported_with_its_path_and_not_fatal(tmp_path):
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    (content / "images" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    store = PhotoStore(content, tmp_path / "cache", display_root=tmp_path)
    photo = store.photo("images/broken.jpg")
    assert not photo.resized
    assert photo.problem.kind == "unreadable"
    assert photo.problem.message.startswith("content/images/broken.jpg: cannot be read as an image")
    assert " — " in photo.problem.message
    store.save()
    report = json.loads(store.manifest_path.read_text(encoding="utf-8"))["last_build"]
    assert report["problems"][0]["path"] == "content/images/broken.jpg"
    # Reported again on the next build (from the manifest, without decoding it again).
    store = PhotoStore(content, tmp_path / "cache", display_root=tmp_path)
    assert store.photo("images/broken.jpg").problem.kind == "unreadable"
    assert store.report.hashed == 0


def test_a_truncated_jpeg_is_reported_not_half_published(tmp_path):
    content = tmp_path / "content"
    path = wide_photo(content)
    path.write_bytes(path.read_bytes()[:20000])   # the header is intact; the pixels are not
    store = PhotoStore(content, tmp_path / "cache")
    photo = store.photo("images/wide.jpg")
    assert photo.problem and photo.problem.kind == "unreadable" and not photo.resized
    assert not store.files_dir.exists() or not list(store.files_dir.iterdir())


def test_a_photo_over_the_pixel_limit_is_reported_and_not_decoded(tmp_path):
    content = tmp_path / "content"
    wide_photo(content)
    store = PhotoStore(content, tmp_path / "cache", max_pixels=2_000_000, display_root=tmp_path)
    photo = store.photo("images/wide.jpg")
    assert photo.problem.kind == "too-large"
    assert photo.problem.message.startswith("content/images/wide.jpg: 2400×1350 pixels is over the ")
    assert (photo.width, photo.height) == (2400, 1350), "the page still reserves its space"
    assert not photo.resized and not store.files_dir.exists()


def test_a_decompression_bomb_is_reported_not_opened(tmp_path):
    """A file declaring 30,000 × 30,000 pixels (Pillow refuses to open it at all)."""
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    (content / "images" / "bomb.png").write_bytes(png_header_only(30000, 30000))
    (content / "images" / "big.png").write_bytes(png_header_only(10000, 9000))  # 90 MP: Pillow warns
    store = PhotoStore(content, tmp_path / "cache", display_root=tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # Pillow's DecompressionBombWarning must not escape
        bomb = store.photo("images/bomb.png")
        big = store.photo("images/big.png")
    assert bomb.problem.kind == "too-large" and bomb.problem.path == "content/images/bomb.png"
    assert big.problem.kind == "too-large" and "10000×9000 pixels" in big.problem.what


def test_a_new_limit_takes_effect_without_touching_the_photo(tmp_path):
    content = tmp_path / "content"
    wide_photo(content)
    strict = PhotoStore(content, tmp_path / "cache", max_pixels=2_000_000)
    assert strict.photo("images/wide.jpg").problem.kind == "too-large"
    strict.save()
    relaxed = PhotoStore(content, tmp_path / "cache")
    photo = relaxed.photo("images/wide.jpg")
    assert photo.problem is None and photo.resized and relaxed.report.hashed == 0


def test_a_file_over_the_byte_limit_is_reported(tmp_path):
    content = tmp_path / "content"
    wide_photo(content)
    store = PhotoStore(content, tmp_path / "cache", max_bytes=50_000, display_root=tmp_path)
    problem = store.photo("images/wide.jpg").problem
    assert problem.kind == "too-large" and "MB" in problem.what


def test_a_missing_file_is_none(tmp_path):
    assert PhotoStore(tmp_path, tmp_path / "cache").photo("images/nowhere.jpg") is None


# -- markup ------------------------------------------------------------------------------------

@pytest.fixture
def photo(tmp_path):
    content = tmp_path / "content"
    wide_photo(content)
    return PhotoStore(content, tmp_path / "cache").photo("images/wide.jpg")


def test_a_photo_alone_in_its_paragraph_becomes_a_captioned_figure(photo):
    body = ('<p>Intro</p>\n<p><img alt="职工在车间 &amp; &quot;班组&quot; <b>" src="{static}/images/wide.jpg"></p>\n'
            '<p>Middle</p>\n<p><img alt="第二张" src="{static}/images/wide.jpg"></p>')
    html, uses = rewrite_photos(body, lambda t: photo if t == "/images/wide.jpg" else None, "../photos/")
    assert html.count('<figure class="photo">') == 2 and "<p><figure" not in html
    first, second = html.split("<p>Middle</p>")
    assert '<figcaption>职工在车间 &amp; "班组" &lt;b&gt;</figcaption>' in first
    assert 'alt="职工在车间 &amp; &quot;班组&quot; &lt;b&gt;"' in first
    assert 'loading="lazy"' not in first and 'loading="lazy"' in second
    assert 'width="1600" height="900"' in first
    assert ('srcset="../photos/' + photo.webp[0].name + ' 480w, ../photos/' + photo.webp[1].name
            + ' 960w, ../photos/' + photo.webp[2].name + ' 1600w"') in first
    assert f'src="../photos/{photo.fallback[1].name}"' in first   # the 960 px JPEG
    assert [u.caption for u in uses] == ['职工在车间 & "班组" <b>', "第二张"]


def test_title_is_the_caption_and_inline_images_get_no_figure(photo):
    body = ('<p><img alt="图" src="{static}/images/wide.jpg" title="说明文字"></p>'
            '<p>文字<img alt="小图" src="{static}/images/wide.jpg">文字</p>'
            '<figure><img alt="x" src="{static}/images/wide.jpg"><figcaption>编辑自己的</figcaption></figure>')
    html, uses = rewrite_photos(body, lambda t: photo, "/photos/")
    assert '<figcaption>说明文字</figcaption>' in html and 'alt="图"' in html
    assert '<p>文字<picture>' in html and html.count('<figure class="photo">') == 1
    assert '<figure><picture>' in html and "<figcaption>编辑自己的</figcaption>" in html
    assert len(uses) == 3


def test_other_images_are_left_alone_and_missing_ones_reported(photo):
    body = ('<p><img alt="外站" src="https://example.org/a.jpg"></p>'
            '<p><img alt="缺" src="{static}/images/gone.jpg"></p>')
    missing = []
    html, uses = rewrite_photos(body, lambda t: None, "/photos/", on_missing=missing.append)
    assert html == body and uses == [] and missing == ["{static}/images/gone.jpg"]


def test_a_photo_published_as_is_keeps_its_static_link(tmp_path):
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    (content / "images" / "broken.jpg").write_bytes(b"nope")
    broken = PhotoStore(content, tmp_path / "cache").photo("images/broken.jpg")
    html, _ = rewrite_photos('<p><img alt="坏" src="{static}/images/broken.jpg"></p>',
                             lambda t: broken, "/photos/")
    assert '<img src="{static}/images/broken.jpg" alt="坏"' in html   # Pelican resolves it
    assert "<figcaption>坏</figcaption>" in html and "srcset" not in html


def test_attribute_parsing_handles_quotes_and_angle_brackets():
    assert attributes(' alt="a > b" src=\'x.jpg\' hidden data-x=1') == {
        "alt": "a > b", "src": "x.jpg", "hidden": "", "data-x": "1"}


def test_summaries_can_leave_the_figures_out(photo):
    html, _ = rewrite_photos('<p><img alt="图" src="{static}/images/wide.jpg"></p>\n<p>正文</p>'
                             '<figure><img alt="x" src="{static}/images/wide.jpg"></figure>',
                             lambda t: photo, "/photos/")
    assert without_photo_figures(html).startswith("<p>正文</p><figure><picture>")
