"""What every task defines: its data, its models and its metric."""


class Task:
    """A learning task: how to read its splits, build its models and score them.

    Attributes:
        name: str, the task's name (`"shakespeare"`, `"mnist"`, ...).
        metric: str, what `score` returns (`"nats_per_char"`, `"accuracy"`).
        higher_is_better: bool, the metric's direction.
        encodings: tuple of str, the input modes of its ReLaX models.
        baselines: dict, encoding -> the Keras baseline kinds for that encoding.
        selection_split: str, the split models are chosen on.
        test_split: str, the split scored once, for the chosen models.
    """

    metric = None
    higher_is_better = None
    encodings = ()
    baselines = {}

    def __init__(self, name, selection_split="validation", test_split="test"):
        self.name = name
        self.selection_split = selection_split
        self.test_split = test_split

    def build(self, model, encoding, weight_sets=None, repeats=None, param_budget=None,
              learning_rate=None):
        """Returns a compiled model: `model="relax"` (with L_W, L_T) or a baseline kind."""
        raise NotImplementedError

    def dataset(self, split, seed=0, training=False, sources=None):
        """Returns the `tf.data.Dataset` of `split`; `training=True` shuffles with
        `seed` (same seed, same batches) and repeats."""
        raise NotImplementedError

    def score(self, model, dataset):
        """Returns the task's metric of `model` on `dataset` (a float)."""
        raise NotImplementedError

    def better(self, a, b):
        """Whether metric value `a` is better than `b`."""
        return a > b if self.higher_is_better else a < b

    def __repr__(self):
        return f"{self.__class__.__name__}({self.name!r})"
