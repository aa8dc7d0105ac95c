"""KerasTuner searches of ReLaX-Nets under a fixed parameter budget."""

from relax_keras._extras import require

require("keras_tuner", "relax_keras.tuning")

from relax_keras.tuning.hypermodel import ReLaXHyperModel
from relax_keras.tuning.engine import ReLaXTuner
