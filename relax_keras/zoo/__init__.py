"""Prebuilt ReLaX-Net models: SVHN, MNIST (any image) and Tiny Shakespeare.

Example:

>>> from relax_keras.zoo import shakespeare_relax, generate
>>> model = shakespeare_relax(weights="tiny_shakespeare")
>>> print(generate(model, "ROMEO:", length=100, seed=0))  # doctest: +SKIP
"""

from relax_keras.layers.character_embedding import CharacterEmbedding
from relax_keras.zoo.baselines import char_rnn_baseline
from relax_keras.zoo.baselines import image_dense_baseline
from relax_keras.zoo.baselines import image_rnn_baseline
from relax_keras.zoo.generation import generate
from relax_keras.zoo.generation import model_vocabulary
from relax_keras.zoo.image import image_relax
from relax_keras.zoo.image import svhn_relax
from relax_keras.zoo.presets import PRESET_PARAMS
from relax_keras.zoo.presets import PRESETS
from relax_keras.zoo.presets import from_preset
from relax_keras.zoo.pretrained import PRETRAINED
from relax_keras.zoo.shakespeare import shakespeare_relax
