"""Prebuilt ReLaX-Net models: SVHN, MNIST (any image) and Tiny Shakespeare.

The model classes are `ReLaXImageClassifier` and `ReLaXCausalLM` (keras-hub's
shape: `Class.presets`, `Class.from_preset(name)`, `save_to_preset`,
`ReLaXCausalLM.generate`); `image_relax`, `svhn_relax` and `shakespeare_relax` build
them compiled, with optional weights.

Example:

>>> from relax_keras.zoo import ReLaXCausalLM
>>> model = ReLaXCausalLM.from_preset("relax_2x2_tiny_shakespeare")
>>> print(model.generate("ROMEO:", max_length=100, seed=0))  # doctest: +SKIP
"""

from relax_keras.layers.character_embedding import CharacterEmbedding
from relax_keras.zoo.baselines import char_rnn_baseline
from relax_keras.zoo.baselines import image_dense_baseline
from relax_keras.zoo.baselines import image_rnn_baseline
from relax_keras.zoo.causal_lm import ReLaXCausalLM
from relax_keras.zoo.generation import generate
from relax_keras.zoo.generation import model_vocabulary
from relax_keras.zoo.image_classifier import image_relax
from relax_keras.zoo.image_classifier import svhn_relax
from relax_keras.zoo.image_classifier import ReLaXImageClassifier
from relax_keras.zoo.presets import PRESET_PARAMS
from relax_keras.zoo.presets import PRESETS
from relax_keras.zoo.presets import from_preset
from relax_keras.zoo.pretrained import PRETRAINED
from relax_keras.zoo.causal_lm import shakespeare_relax
