"""`relax-keras evaluate shakespeare --split nanogpt`: nanoGPT's scoring of
`shakespeare_char` (blocks of 256 characters over the text's last 10%, every position
scored, no context from before a block), checked against a hand computation."""

import numpy as np
import pytest

import keras
from relax_keras import tasks
from relax_keras.data.shakespeare import split_text
from relax_keras.tasks.text_task import NANOGPT_BLOCK
from relax_keras.vocabulary import Vocabulary

pytestmark = pytest.mark.tensorflow  # the text pipelines are tf.data


@pytest.fixture
def tiny_text(tmp_path):
    rng = np.random.default_rng(0)
    symbols = list("abcdefgh \n")
    text = "".join(rng.choice(symbols, 7_000))  # last 10%: 700 characters, two whole blocks
    (tmp_path / "input.txt").write_text(text)
    return text, {"local_dir": str(tmp_path)}


def unigram_model(vocabulary_size):
    """Logits that depend on the current character only, so the loss is a sum over
    (character, next character) pairs a hand computation can make."""
    ids = keras.Input((None,), dtype="int32")
    logits = keras.layers.Embedding(vocabulary_size, vocabulary_size,
                                    embeddings_initializer=keras.initializers.RandomNormal(seed=1))(ids)
    return keras.Model(ids, logits)


def hand_loss(text, model, vocabulary, first=0, last=None):
    """Mean cross-entropy over the targets of non-overlapping 256-character blocks of
    the last 10% that lie in [first, last) of it."""
    tail = split_text(text)["validation"] + split_text(text)["test"]
    ids = np.array(vocabulary.encode(tail))
    table = keras.ops.convert_to_numpy(model.layers[1].embeddings).astype("float64")
    log_probabilities = table - np.log(np.exp(table).sum(axis=1, keepdims=True))
    losses = []
    for start in range(0, len(ids) - NANOGPT_BLOCK, NANOGPT_BLOCK):
        for place in range(NANOGPT_BLOCK):
            target = start + place + 1
            if first <= target < (len(ids) if last is None else last):
                losses.append(-log_probabilities[ids[start + place], ids[target]])
    return float(np.mean(losses)), len(losses)


def test_nanogpt_scoring_is_the_hand_computation(tiny_text):
    text, sources = tiny_text
    vocabulary = Vocabulary()
    model = unigram_model(vocabulary.size)
    task = tasks.get("shakespeare")
    boundary = len(split_text(text)["validation"])
    for split, first, last in [("nanogpt", 0, None), ("nanogpt_validation", 0, boundary),
                               ("nanogpt_test", boundary, None)]:
        results = task.evaluate(model, task.dataset(split, batch_size=3, sources=sources))
        expected, count = hand_loss(text, model, vocabulary, first, last)
        assert results["characters"] == count
        assert results["loss"] == pytest.approx(expected, rel=1e-6)
    whole = task.evaluate(model, task.dataset("nanogpt", sources=sources))
    assert whole["characters"] == 2 * NANOGPT_BLOCK


def test_nanogpt_blocks_are_consecutive_and_read_nothing_before_them(tiny_text):
    text, sources = tiny_text
    tail = Vocabulary().encode(split_text(text)["validation"] + split_text(text)["test"])
    batches = list(tasks.get("shakespeare").dataset("nanogpt", batch_size=1, sources=sources))
    for index, (ids, targets, weights) in enumerate(batches):
        start = index * NANOGPT_BLOCK
        np.testing.assert_array_equal(ids.numpy()[0], tail[start:start + NANOGPT_BLOCK])
        np.testing.assert_array_equal(targets.numpy()[0], tail[start + 1:start + NANOGPT_BLOCK + 1])
        assert weights.numpy().min() == 1.0  # every position scored
