import numpy as np

from classifier.blocks import Block
from classifier.features import LAYOUT_FEATURES, block_tokens, context_features, groups, layout_features
from classifier.segment import segment_html, segment_text


def column(name):
    return LAYOUT_FEATURES.index(name)


def test_layout_features_text():
    blocks = segment_text("Title\n\nCaption line\nCaption line\nPhoto: A. B.\n\nBody sentence one. Two.")
    layout = layout_features(blocks)
    assert layout.shape == (5, len(LAYOUT_FEATURES))
    assert layout[:, column("blank_before")].tolist() == [1, 1, 0, 0, 1]
    assert layout[:, column("blank_after")].tolist() == [1, 0, 0, 1, 1]
    assert layout[:, column("same_as_next")].tolist() == [0, 1, 0, 0, 0]
    assert layout[:, column("same_as_previous")].tolist() == [0, 0, 1, 0, 0]
    assert layout[:, column("duplicate_in_page")].tolist() == [0, 1, 1, 0, 0]
    assert layout[-1, column("ends_terminal")] == 1 and layout[0, column("ends_terminal")] == 0
    assert layout[:, column("is_html")].sum() == 0


def test_layout_features_html_flags():
    blocks = segment_html("<nav><a href=/>Home</a></nav><figure><figcaption>Cap</figcaption></figure><h2>Sub</h2>")
    layout = layout_features(blocks)
    assert layout[0, column("in_nav")] == 1 and layout[0, column("link_share")] == 1
    assert layout[1, column("in_figcaption")] == 1 and layout[1, column("in_nav")] == 0
    assert layout[2, column("is_heading")] == 1


def test_tokens_carry_words_bigrams_punctuation_and_dom():
    (block,) = segment_html('<div class="promoBox"><p>Buy 2 now!</p></div>')
    tokens = set(block_tokens(block))
    assert {"buy", "0", "buy 0", "p:!", "t:p", "a:div", "c:promo", "c:box", "=buy 0 now"} <= tokens


def test_groups_runs_and_siblings():
    text_blocks = segment_text("a\nb\n\nc\n\n\nd\ne")
    assert groups(text_blocks).tolist() == [0, 0, 1, 2, 2]
    html_blocks = segment_html("<ul><li>a</li><li>b</li></ul><p>c</p>")
    ids = groups(html_blocks).tolist()
    assert ids[0] == ids[1] != ids[2]


def test_context_features_see_neighbours():
    probs = np.eye(4)[[0, 1, 2, 3, 0]]
    features = context_features(probs, np.ones(5), np.zeros(5, dtype=int), np.arange(5))
    assert features.shape[0] == 5
    # Columns 4..8: the previous block's probabilities and an edge flag.
    assert features[0, 4:9].tolist() == [0, 0, 0, 0, 1]
    assert features[1, 4:9].tolist() == [1, 0, 0, 0, 0]
    # Columns 9..13: the next block's.
    assert features[0, 9:14].tolist() == [0, 1, 0, 0, 0]
    assert features[4, 9:14].tolist() == [0, 0, 0, 0, 1]


def test_context_features_of_pages_shorter_than_the_window():
    for n in (1, 2, 3):
        probs = np.eye(4)[:n]
        features = context_features(probs, np.ones(n), np.zeros(n, dtype=int), np.arange(n))
        assert features.shape[0] == n and np.isfinite(features).all()
        # The previous block's columns (4..8): an edge flag on the first row, row 0's probabilities on the second.
        assert features[0, 4:9].tolist() == [0, 0, 0, 0, 1]
        if n > 1:
            assert features[1, 4:9].tolist() == [1, 0, 0, 0, 0]


def test_a_closing_call_to_action_is_flagged():
    texts = [
        "Together these programs reflect our commitment to people. Learn more here.",
        "He said investigators would learn more about the cause of the fire next week.",
        "More than half of our suppliers are small firms. Learn more about our pledge. *See website for details.",
        "Die Stadt will mehr erfahren, bevor sie entscheidet, sagte die Bürgermeisterin.",
        "Unsere neuen Tarife sind da. Jetzt entdecken!",
        "A long editorial paragraph " * 10 + "that ends normally.",
    ]
    layout = layout_features([Block(text=t) for t in texts])
    assert list(layout[:, column("ends_call_to_action")]) == [1, 0, 1, 0, 1, 0]
