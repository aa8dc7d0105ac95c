"""KerasTuner searches of ReLaX-Nets under a fixed parameter budget."""

from relax_keras.tuning.hypermodel import ReLaXHyperModel
