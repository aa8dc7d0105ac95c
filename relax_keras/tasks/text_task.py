"""Character-level language modelling (Tiny Shakespeare)."""

from relax_keras.tasks.task import Task
from relax_keras._validation import one_of

# Characters of unscored context before each scored window when text is scored.
EVALUATION_CONTEXT = 100


class TextTask(Task):
    """Next-character prediction; the metric is nats per scored character.

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

        dataset = data.tiny_shakespeare(
            split, seq_len=seq_len or self.seq_len, batch_size=batch_size or self.batch_size,
            shuffle=shuffle, seed=seed, context=self.context if scoring else 0, **(sources or {}))
        return dataset.repeat() if repeat else dataset

    def evaluate(self, model, dataset):
        from relax_keras.zoo.text_metrics import character_loss

        return character_loss(model, dataset)
