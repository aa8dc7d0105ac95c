"""Character-level language modelling (Tiny Shakespeare)."""

from relax_keras.tasks.task import Task
from relax_keras._validation import one_of

# Characters of unscored context before each scored window when text is scored.
EVALUATION_CONTEXT = 100
# nanoGPT's scoring (`shakespeare_char`): blocks of 256 characters, every position scored,
# no state or context from before the block; its validation split is the text's last
# 10%, this package's validation and test halves joined. The halves score the targets of
# those same blocks that fall in each (a block may straddle the boundary), so that the
# whole is their weighted mean.
NANOGPT_SPLITS = ("nanogpt", "nanogpt_validation", "nanogpt_test")
NANOGPT_BLOCK = 256


class TextTask(Task):
    """Next-character prediction; the metric is nats per scored character.

    Besides `"train"`, `"validation"` and `"test"` (windows of `seq_len` scored after
    `context` characters of context), `dataset` takes the splits of `NANOGPT_SPLITS`,
    scored as nanoGPT scores `shakespeare_char`: `"nanogpt"` (its validation split,
    the last 10% of the text) and its halves `"nanogpt_validation"` and `"nanogpt_test"`.

    Args:
        name: str, the task's name.
        seq_len: int, characters per window. Default: `100`.
        batch_size: int. Default: `64`.
    """

    metric = "nats_per_char"
    score_key = "loss"
    higher_is_better = False
    encodings = ("chars",)
    baselines = {"chars": ("simple_rnn", "gru", "lstm")}
    model_options = ("embedding_dim", "dropout")
    data_options = ("seq_len",)
    pretrained = "relax_2x2_tiny_shakespeare"
    context = EVALUATION_CONTEXT
    loss_label = "loss (nats per character)"

    def __init__(self, name, seq_len=100, batch_size=64, **kwargs):
        super().__init__(name, **kwargs)
        self.seq_len = seq_len
        self.batch_size = batch_size

    @property
    def relax_builder(self):
        from relax_keras.zoo import shakespeare_relax

        return shakespeare_relax

    def relax_inputs(self, encoding=None):
        if encoding is not None:
            one_of("encoding", encoding, self.encodings)
        return {}

    def build_baseline(self, kind, param_budget, encoding="chars", **arguments):
        from relax_keras import zoo

        one_of("encoding", encoding, self.encodings)
        return zoo.char_rnn_baseline(kind, param_budget=param_budget, **arguments)

    def dataset(self, split, batch_size=None, seed=0, shuffle=False, repeat=False,
                scoring=False, sources=None, seq_len=None):
        from relax_keras import data
        from relax_keras.data.specs import TINY_SHAKESPEARE

        if split in NANOGPT_SPLITS:  # scored as nanoGPT scores, whatever `seq_len` and `scoring`
            return nanogpt_blocks(split, batch_size or self.batch_size, sources or {})
        if not isinstance(split, str) or not set(split.split("+")) <= set(TINY_SHAKESPEARE.splits):
            raise ValueError(
                f"Received an invalid value for argument `split`, expected one of "
                f"{list(TINY_SHAKESPEARE.splits)} (or several joined by '+') or of "
                f"{list(NANOGPT_SPLITS)}, got {split!r}."
            )
        dataset = data.tiny_shakespeare(
            split, seq_len=seq_len or self.seq_len, batch_size=batch_size or self.batch_size,
            shuffle=shuffle, seed=seed, context=self.context if scoring else 0, **(sources or {}))
        return dataset.repeat() if repeat else dataset

    def evaluate(self, model, dataset):
        from relax_keras.zoo.text_metrics import character_loss

        return character_loss(model, dataset)


def nanogpt_blocks(split, batch_size, sources):
    """The `(ids, next_ids, weights)` batches of a split of `NANOGPT_SPLITS`: every
    block of the last 10% of the text, weighted 1 where its target lies in the split."""
    import tensorflow as tf

    from relax_keras import data

    blocks = data.tiny_shakespeare("validation+test", seq_len=NANOGPT_BLOCK, batch_size=1, shuffle=False,
                                   context=0, **sources).unbatch()
    first, last = 0, None  # the targets scored, by their place in the last 10%
    if split != "nanogpt":
        boundary = len(data.load_text("validation", **sources))
        first, last = (0, boundary) if split == "nanogpt_validation" else (boundary, None)
    places = tf.range(1, NANOGPT_BLOCK + 1, dtype=tf.int64)

    def weighted(index, block):
        target = index * NANOGPT_BLOCK + places
        inside = target >= first if last is None else (target >= first) & (target < last)
        return block[0], block[1], tf.cast(inside, tf.float32)

    return blocks.enumerate().map(weighted).batch(batch_size).prefetch(tf.data.AUTOTUNE)
