"""What every task defines: its data, its models and its metric."""


class Task:
    """A learning task: how to read its splits, build its models and score them.

    The command line, `ReLaXHyperModel` and the study read everything
    task-specific from here.

    Attributes:
        name: str, the task's name (`"shakespeare"`, `"mnist"`, ...).
        metric: str, the name of what `score` returns (`"nats_per_char"`, `"accuracy"`).
        score_key: str, the entry of `evaluate`'s results that `score` returns.
        higher_is_better: bool, the metric's direction.
        encodings: tuple of str, the input modes of its ReLaX models; the first is the
            default and the one its recurrent baselines read.
        baselines: dict, encoding -> the Keras baseline kinds for that encoding.
        model_options: tuple of str, the constructor arguments that only this task's
            ReLaX models take (the command line passes them on when given).
        data_options: tuple of str, the `dataset` arguments that only this task takes.
        pretrained: str or `None`, the shipped weights that `relax-keras evaluate`
            loads when no model is given.
        context: int or `None`, characters of unscored context before each scored
            window (text tasks), recorded with every scored run.
        loss_label: str, the axis label of its training loss.
        selection_split: str, the split models are chosen on.
        test_split: str, the split scored once, for the chosen models.
    """

    metric = None
    score_key = None
    higher_is_better = None
    encodings = ()
    baselines = {}
    model_options = ()
    data_options = ()
    pretrained = None
    context = None
    loss_label = "loss"

    def __init__(self, name, selection_split="validation", test_split="test", pretrained=None):
        self.name = name
        self.pretrained = pretrained or self.pretrained
        self.selection_split = selection_split
        self.test_split = test_split

    @property
    def relax_builder(self):
        """The zoo builder of the task's ReLaX-Nets (`relax_keras.zoo.image_relax`, ...)."""
        raise NotImplementedError

    def relax_inputs(self, encoding=None):
        """Returns the builder arguments the task fixes (input shape, classes, encoding)."""
        raise NotImplementedError

    def build_relax(self, encoding=None, weights=None, **arguments):
        """Returns the task's compiled zoo ReLaX-Net: `relax_builder` with the task's
        inputs and `arguments` (typed builder arguments: `weight_sets`, `param_budget`, ...)."""
        return self.relax_builder(weights=weights, **self.relax_inputs(encoding), **arguments)

    def build_baseline(self, kind, param_budget, **arguments):
        """Returns the compiled Keras baseline `kind` sized to `param_budget`."""
        raise NotImplementedError

    def build(self, model, encoding, weight_sets=None, repeats=None, param_budget=None,
              learning_rate=None):
        """Returns a compiled model: `model="relax"` (with L_W, L_T) or a baseline kind.

        `learning_rate=None` keeps the builder's default.
        """
        arguments = {} if learning_rate is None else {"learning_rate": learning_rate}
        if model == "relax":
            return self.build_relax(encoding, weight_sets=weight_sets, repeats=repeats,
                                    param_budget=param_budget, **arguments)
        return self.build_baseline(model, param_budget, encoding=encoding, **arguments)

    def dataset(self, split, batch_size=None, seed=0, shuffle=False, repeat=False,
                scoring=False, sources=None, **options):
        """Returns the `tf.data.Dataset` of `split`.

        Args:
            split: str, a split or a tfds-style slice of one (`"validation[:5000]"`).
            batch_size: int or `None` for the task's default.
            seed: int, the shuffle seed: same seed, same batches.
            shuffle: bool, whether to shuffle.
            repeat: bool, whether to repeat without end.
            scoring: bool, whether the batches are for scoring (text windows then
                carry `context` characters of unscored context).
            sources: dict of data-source arguments (`source`, `local_dir`, `data_dir`).
            **options: the arguments of `data_options`.
        """
        raise NotImplementedError

    def evaluate(self, model, dataset):
        """Returns the metrics of `model` on `dataset` (a dict of floats)."""
        raise NotImplementedError

    def score(self, model, dataset):
        """Returns the task's metric of `model` on `dataset` (a float)."""
        return self.evaluate(model, dataset)[self.score_key]

    def better(self, a, b):
        """Whether metric value `a` is better than `b`."""
        return a > b if self.higher_is_better else a < b

    def __repr__(self):
        return f"{self.__class__.__name__}({self.name!r})"
