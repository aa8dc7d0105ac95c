"""Image classification (MNIST, SVHN, CIFAR-10): images in, class out."""

from relax_keras.tasks.task import Task
from relax_keras._validation import one_of

RECURRENT_BASELINES = ("simple_rnn", "gru", "lstm")


class ImageTask(Task):
    """Classification of the images of a dataset in `relax_keras.data.IMAGE_DATASETS`;
    the metric is accuracy. Models encode the image themselves (`"rows"`: a sequence
    of rows; `"flat"`: a static input), so every dataset yields images.

    Args:
        name: str, the dataset's name.
        batch_size: int. Default: `128`.
    """

    metric = "accuracy"
    score_key = "accuracy"
    higher_is_better = True
    encodings = ("rows", "flat")
    baselines = {"rows": RECURRENT_BASELINES, "flat": ("dense",)}
    model_options = ("encoding", "augmentation")

    def __init__(self, name, batch_size=128, **kwargs):
        super().__init__(name, **kwargs)
        self.batch_size = batch_size

    @property
    def image_shape(self):
        from relax_keras.data.specs import IMAGE_DATASETS

        return IMAGE_DATASETS[self.name].image_shape

    @property
    def relax_builder(self):
        from relax_keras.zoo import image_relax

        return image_relax

    def relax_inputs(self, encoding=None):
        from relax_keras.data.specs import IMAGE_DATASETS

        if encoding is not None:
            one_of("encoding", encoding, self.encodings)
        return {"input_shape": self.image_shape, "classes": IMAGE_DATASETS[self.name].classes,
                "encoding": encoding}

    def build_baseline(self, kind, param_budget, encoding="rows", **arguments):
        from relax_keras import zoo

        if kind == "dense":
            return zoo.image_dense_baseline(self.image_shape, param_budget=param_budget, **arguments)
        return zoo.image_rnn_baseline(kind, self.image_shape, param_budget=param_budget, **arguments)

    def dataset(self, split, batch_size=None, seed=0, shuffle=False, repeat=False,
                scoring=False, sources=None):
        from relax_keras import data

        dataset = data.image_dataset(self.name, split, encoding="image",
                                     batch_size=batch_size or self.batch_size, shuffle=shuffle,
                                     seed=seed, **(sources or {}))
        return dataset.repeat() if repeat else dataset

    def evaluate(self, model, dataset):
        return {name: float(value) for name, value in
                model.evaluate(dataset, verbose=0, return_dict=True).items()}
