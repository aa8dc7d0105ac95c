"""Data pipelines: ready `tf.data.Dataset`s of (inputs, targets), online through tfds
and offline from local official files or the copy bundled in the package."""

from relax_keras.data.images import (
    encoded_shape,
    image_dataset,
    load_image_arrays,
    mnist,
    svhn,
)
from relax_keras.data.shakespeare import load_text, tiny_shakespeare
from relax_keras.data.sources import ENVIRONMENT_VARIABLE
from relax_keras.data.specs import IMAGE_DATASETS
from relax_keras.vocabulary import Vocabulary
