"""The tasks the package trains on: one definition each (data, models, metric).

A task here is a learning problem: a dataset with its splits, the metric it is scored
by, and which zoo builder makes its models. It is not keras-hub's "task" (a model
class with its preprocessor, such as `GemmaCausalLM`): those are the zoo's classes,
`relax_keras.zoo.ReLaXCausalLM` and `ReLaXImageClassifier`.

The command line, the tuning search and the study read tasks from `TASKS`; adding a
task is adding one definition here.
"""

from relax_keras.tasks.image_task import ImageTask
from relax_keras.tasks.task import Task
from relax_keras.tasks.text_task import TextTask

TASKS = {
    task.name: task
    for task in (
        TextTask("shakespeare"),
        # The official MNIST test files are not at hand on these machines: the study
        # holds out the second half of the carved validation split as its test split.
        ImageTask("mnist", selection_split="validation[:5000]", test_split="validation[5000:]",
                  pretrained="relax_2x2_mnist_flat"),
        ImageTask("svhn"),
        ImageTask("cifar10"),
    )
}

__all__ = ["TASKS", "Task", "ImageTask", "TextTask", "get"]


def get(name):
    """Returns the task called `name`, or raises `ValueError` listing the tasks."""
    if name not in TASKS:
        raise ValueError(
            f"Received an invalid value for argument `task`, expected one of {list(TASKS)}, got {name!r}."
        )
    return TASKS[name]
