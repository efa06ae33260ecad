"""nnviz.app.drawing: a drawing downsampled the way the UCI digits and MNIST were made,
checked on stroke images whose result is worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.app.drawing import area_resize, downsample_drawing, ink_box


def pad(size: int = 320) -> np.ndarray:
    return np.zeros((size, size))


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    rows, cols = np.indices(image.shape)
    return float((rows * image).sum() / image.sum()), float((cols * image).sum() / image.sum())


# ---- UCI digits: 32×32 bitmap, 4×4 block counts ---------------------------------------------


def test_a_vertical_bar_becomes_block_counts_8_and_4():
    """A 240×20 bar → its box scaled by 32/240 → 32×round(2.67) = 32×3 pixels, left at
    (32 − 3) // 2 = 14: columns 14, 15 in block 3 (2·4 = 8 on pixels), 16 in block 4 (4)."""
    ink = pad()
    ink[40:280, 150:170] = 1.0
    row, image = downsample_drawing(ink, (8, 8))
    expected = np.tile([0, 0, 0, 8, 4, 0, 0, 0], (8, 1)) / 16
    np.testing.assert_array_equal(image * 16, expected * 16)
    np.testing.assert_array_equal(row, expected.reshape(-1))
    assert row.shape == (64,)


def test_a_filled_upright_rectangle_fills_its_blocks():
    """200×100 → 32×16, columns 8..23: blocks 2..5 are all 16 (full), the others 0."""
    ink = pad()
    ink[60:260, 100:200] = 1.0
    _, image = downsample_drawing(ink, (8, 8))
    expected = np.zeros((8, 8))
    expected[:, 2:6] = 1.0
    np.testing.assert_array_equal(image, expected)


def test_a_wide_rectangle_keeps_its_aspect_and_cuts_blocks():
    """100×300 → round(10.67)×32 = 11×32 pixels, rows 10..20 ((32 − 11) // 2 = 10): block row 2
    holds rows 10, 11 (8 of 16), rows 3 and 4 are full, block row 5 holds row 20 (4)."""
    ink = pad()
    ink[150:250, 10:310] = 1.0
    _, image = downsample_drawing(ink, (8, 8))
    counts = np.rint(image * 16).astype(int)
    np.testing.assert_array_equal(counts, np.tile([[0], [0], [8], [16], [16], [4], [0], [0]], (1, 8)))


def test_ink_below_half_is_paper():
    """The NIST scans are bilevel: ink < 0.5 (an anti-aliased fringe) is not on."""
    ink = pad()
    ink[40:280, 150:170] = 1.0
    ink[0:10, 0:320] = 0.49  # a faint smear along the top does not widen the box
    _, image = downsample_drawing(ink, (8, 8))
    np.testing.assert_array_equal(image * 16, np.tile([0, 0, 0, 8, 4, 0, 0, 0], (8, 1)))


# ---- MNIST: 20×20 box, centre of mass at the centre of 28×28 ---------------------------------


def test_a_2_by_4_rectangle_keeps_its_aspect_in_the_20_box():
    """100×200 → 10×20 (full ink); its centre of mass (4.5, 9.5) goes to (13.5, 13.5): rows 9..18, columns 4..23."""
    ink = pad()
    ink[100:200, 50:250] = 1.0
    row, image = downsample_drawing(ink, (28, 28))
    expected = np.zeros((28, 28))
    expected[9:19, 4:24] = 1.0
    np.testing.assert_allclose(image, expected, atol=1e-12)
    assert row.shape == (784,)


def test_mnist_centres_by_the_centre_of_mass_not_the_box():
    """A T: a 4×20 bar over a 16×4 stem (in the 20×20 box). Its centre of mass is at row
    (80·1.5 + 64·11.5) / 144 = 5.94 and column 9.5, so it moves down to rows 8..27 (a box-centred
    T would start at row 4); its centre of mass ends at (13.94, 13.5), within ½ pixel of the centre."""
    ink = pad()
    ink[50:90, 60:260] = 1.0  # the bar: 40×200 pad pixels → 4×20
    ink[90:250, 140:180] = 1.0  # the stem: 160×40 → 16×4, columns 8..11 of the box
    _, image = downsample_drawing(ink, (28, 28))
    expected = np.zeros((28, 28))
    expected[8:12, 4:24] = 1.0
    expected[12:28, 12:16] = 1.0
    np.testing.assert_allclose(image, expected, atol=1e-12)
    cy, cx = centre_of_mass(image)
    assert abs(cy - 13.5) <= 0.5 and abs(cx - 13.5) <= 0.5


def test_a_dot_off_centre_ends_at_the_centre():
    ink = pad()
    rows, cols = np.indices(ink.shape)
    ink[(rows - 30) ** 2 + (cols - 280) ** 2 <= 12 ** 2] = 1.0  # a disc near the top right corner
    _, image = downsample_drawing(ink, (28, 28))
    cy, cx = centre_of_mass(image)
    assert abs(cy - 13.5) <= 0.5 and abs(cx - 13.5) <= 0.5
    assert 0.0 < image.max() <= 1.0 and np.any((image > 0) & (image < 1))  # anti-aliased: grey edges


# ---- any other shape, empty pads, ranges -------------------------------------------------------


def test_another_shape_fits_the_box_centred():
    """(16, 16): 200×100 → 16×8, columns 4..11."""
    ink = pad()
    ink[60:260, 100:200] = 1.0
    _, image = downsample_drawing(ink, (16, 16))
    expected = np.zeros((16, 16))
    expected[:, 4:12] = 1.0
    np.testing.assert_allclose(image, expected, atol=1e-12)


@pytest.mark.parametrize("shape", [(8, 8), (28, 28), (5, 7)])
def test_an_empty_pad_is_all_zeros(shape):
    row, image = downsample_drawing(pad(), shape)
    assert image.shape == shape and row.shape == (shape[0] * shape[1],)
    assert not row.any()


@pytest.mark.parametrize("shape", [(8, 8), (28, 28), (12, 9)])
def test_random_ink_gives_intensities_in_0_1(shape):
    rng = np.random.default_rng(7)
    for _ in range(5):
        ink = rng.random((64, 64)) ** 3  # sparse ink of every level
        row, image = downsample_drawing(ink, shape)
        assert row.min() >= 0.0 and row.max() <= 1.0
        np.testing.assert_array_equal(row, image.reshape(-1))  # row by row
        if shape == (8, 8):
            np.testing.assert_array_equal(row * 16, np.rint(row * 16))  # counts 0..16


def test_area_resize_keeps_the_mean_and_the_box():
    rng = np.random.default_rng(0)
    image = rng.random((37, 53))
    small = area_resize(image, 8, 11)
    assert small.shape == (8, 11)
    assert small.mean() == pytest.approx(image.mean(), rel=1e-12)  # area averaging moves no ink
    np.testing.assert_allclose(area_resize(np.ones((3, 2)), 6, 4), np.ones((6, 4)))
    on = np.zeros((5, 6), dtype=bool)
    on[1:3, 2:5] = True
    assert ink_box(on) == (slice(1, 3), slice(2, 5))
    assert ink_box(np.zeros((4, 4), dtype=bool)) is None
