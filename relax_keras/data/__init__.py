"""Data pipelines: ready `tf.data.Dataset`s of (inputs, targets), online through tfds
and offline from local official files or the copy bundled in the package."""

from relax_keras.image_encodings import encoded_shape
from relax_keras.data.images import image_dataset
from relax_keras.data.images import load_image_arrays
from relax_keras.data.images import mnist
from relax_keras.data.images import svhn
from relax_keras.data.shakespeare import load_text
from relax_keras.data.shakespeare import tiny_shakespeare
from relax_keras.data.sources import ENVIRONMENT_VARIABLE
from relax_keras.data.specs import IMAGE_DATASETS
from relax_keras.vocabulary import Vocabulary
