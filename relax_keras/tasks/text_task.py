"""Character-level language modelling (Tiny Shakespeare)."""

from relax_keras.tasks.task import Task

# Characters of unscored context before each scored window when text is scored.
EVALUATION_CONTEXT = 100


class TextTask(Task):
    """Next-character prediction; the metric is nats per scored character.

    Args:
        name: str, the task's name.
        seq_len: int, characters per training window. Default: `100`.
        batch_size: int. Default: `64`.
    """

    metric = "nats_per_char"
    higher_is_better = False
    encodings = ("chars",)
    baselines = {"chars": ("simple_rnn", "gru", "lstm")}

    def __init__(self, name, seq_len=100, batch_size=64, **kwargs):
        super().__init__(name, **kwargs)
        self.seq_len = seq_len
        self.batch_size = batch_size

    def build(self, model, encoding="chars", weight_sets=None, repeats=None, param_budget=None,
              learning_rate=2e-3):
        from relax_keras import zoo

        if model == "relax":
            return zoo.shakespeare_relax(weight_sets=weight_sets, repeats=repeats,
                                         param_budget=param_budget, learning_rate=learning_rate)
        return zoo.char_rnn_baseline(model, param_budget=param_budget, learning_rate=learning_rate)

    def dataset(self, split, seed=0, training=False, sources=None):
        from relax_keras import data

        dataset = data.tiny_shakespeare(
            split, seq_len=self.seq_len, batch_size=self.batch_size, shuffle=training, seed=seed,
            context=0 if training else EVALUATION_CONTEXT, **(sources or {}))
        return dataset.repeat() if training else dataset

    def score(self, model, dataset):
        from relax_keras.zoo.text_metrics import character_loss

        return character_loss(model, dataset)["loss"]
