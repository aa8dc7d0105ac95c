"""Image classification (MNIST, SVHN, CIFAR-10): images in, class out."""

from relax_keras.tasks.task import Task

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
    higher_is_better = True
    encodings = ("rows", "flat")
    baselines = {"rows": RECURRENT_BASELINES, "flat": ("dense",)}

    def __init__(self, name, batch_size=128, **kwargs):
        super().__init__(name, **kwargs)
        self.batch_size = batch_size

    @property
    def image_shape(self):
        from relax_keras.data.specs import IMAGE_DATASETS

        return IMAGE_DATASETS[self.name].image_shape

    def build(self, model, encoding="rows", weight_sets=None, repeats=None, param_budget=None,
              learning_rate=1e-3):
        from relax_keras import zoo

        if model == "relax":
            return zoo.image_relax(self.image_shape, encoding=encoding, weight_sets=weight_sets,
                                   repeats=repeats, param_budget=param_budget,
                                   learning_rate=learning_rate)
        if model == "dense":
            return zoo.image_dense_baseline(self.image_shape, param_budget=param_budget,
                                            learning_rate=learning_rate)
        return zoo.image_rnn_baseline(model, self.image_shape, param_budget=param_budget,
                                      learning_rate=learning_rate)

    def dataset(self, split, seed=0, training=False, sources=None):
        from relax_keras import data

        dataset = data.image_dataset(self.name, split, encoding="image", batch_size=self.batch_size,
                                     shuffle=training, seed=seed, **(sources or {}))
        return dataset.repeat() if training else dataset

    def score(self, model, dataset):
        return float(model.evaluate(dataset, verbose=0, return_dict=True)["accuracy"])
