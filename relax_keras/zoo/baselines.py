"""Keras SimpleRNN / GRU / LSTM and Dense-stack models sized to a parameter budget, for
comparisons."""

import math

import keras

from relax_keras import budget
from relax_keras.budget import resolve_units
from relax_keras.layers.character_embedding import CharacterEmbedding
from relax_keras._validation import one_of
from relax_keras.vocabulary import Vocabulary
from relax_keras.zoo.architecture import compile_classifier
from relax_keras.zoo.architecture import load_weights_file

RECURRENT_LAYERS = {
    "simple_rnn": (keras.layers.SimpleRNN, budget.simple_rnn_params),
    "gru": (keras.layers.GRU, budget.gru_params),
    "lstm": (keras.layers.LSTM, budget.lstm_params),
}


def image_rnn_baseline(kind, input_shape, classes=10, units=None, param_budget=None,
                       weights=None, learning_rate=1e-3, name=None):
    """Builds a Keras RNN image classifier that reads the image row by row.

    Args:
        kind: `"simple_rnn"`, `"gru"` or `"lstm"`.
        input_shape: tuple `(height, width, channels)`.
        classes: int. Default: `10`.
        units: int, or `None` with `param_budget`.
        param_budget: int, the most parameters of the whole model.
        weights: `None` or a `.weights.h5` path to load.
        learning_rate: float. Default: `1e-3`.
        name: str. Default: `"image_<kind>"`.

    Returns:
        A compiled `keras.Model` from images to softmax probabilities.
    """
    layer_class, layer_params = RECURRENT_LAYERS[one_of("kind", kind, RECURRENT_LAYERS)]
    height, width, channels = input_shape
    row_size = width * channels
    width_units = resolve_units(
        units, param_budget,
        lambda n: layer_params(row_size, n) + budget.dense_params(n, classes),
    )
    images = keras.Input(tuple(input_shape), name="images")
    x = keras.layers.Reshape((height, row_size), name="rows_encoding")(images)
    x = layer_class(width_units, name=kind)(x)
    x = keras.layers.Dense(classes, activation="softmax", dtype="float32", name="predictions")(x)
    model = keras.Model(images, x, name=name or f"image_{kind}")
    return _finish(model, "softmax", weights, learning_rate)


def image_dense_baseline(input_shape, classes=10, hidden_layers=2, units=None, param_budget=None,
                         activation="tanh", weights=None, learning_rate=1e-3, name="image_dense"):
    """Builds a Keras Dense-stack image classifier: the flattened image, then
    `hidden_layers` Dense layers of one width, then the softmax readout.

    Args:
        input_shape: tuple `(height, width, channels)`.
        classes: int. Default: `10`.
        hidden_layers: int, the number of hidden Dense layers. Default: `2`.
        units: int, or `None` with `param_budget`.
        param_budget: int, the most parameters of the whole model.
        activation: the hidden layers' activation. Default: `"tanh"`.
        weights: `None` or a `.weights.h5` path to load.
        learning_rate: float or a learning-rate schedule. Default: `1e-3`.
        name: str. Default: `"image_dense"`.

    Returns:
        A compiled `keras.Model` from images to softmax probabilities.
    """
    pixels = math.prod(input_shape)
    width = resolve_units(
        units, param_budget,
        lambda n: budget.dense_params(pixels, n) + (hidden_layers - 1) * budget.dense_params(n, n)
        + budget.dense_params(n, classes),
    )
    images = keras.Input(tuple(input_shape), name="images")
    x = keras.layers.Flatten(name="flat_encoding")(images)
    for index in range(hidden_layers):
        x = keras.layers.Dense(width, activation=activation, name=f"dense_{index}")(x)
    x = keras.layers.Dense(classes, activation="softmax", dtype="float32", name="predictions")(x)
    model = keras.Model(images, x, name=name)
    return _finish(model, "softmax", weights, learning_rate)


def char_rnn_baseline(kind, units=None, param_budget=None, embedding_dim=48,
                      vocabulary=None, weights=None, learning_rate=2e-3, name=None):
    """Builds a Keras RNN character language model (embedding, RNN, logits).

    Args:
        kind: `"simple_rnn"`, `"gru"` or `"lstm"`.
        units: int, or `None` with `param_budget`.
        param_budget: int, the most parameters of the whole model.
        embedding_dim: int. Default: `48`.
        vocabulary: a `Vocabulary`. Default: Tiny Shakespeare's 65 symbols.
        weights: `None` or a `.weights.h5` path to load.
        learning_rate: float. Default: `2e-3`.
        name: str. Default: `"char_<kind>"`.

    Returns:
        A compiled `keras.Model` from ids `(batch, T)` to logits `(batch, T, vocab)`.
    """
    layer_class, layer_params = RECURRENT_LAYERS[one_of("kind", kind, RECURRENT_LAYERS)]
    vocabulary = vocabulary or Vocabulary()
    width_units = resolve_units(
        units, param_budget,
        lambda n: vocabulary.size * embedding_dim + layer_params(embedding_dim, n)
        + budget.dense_params(n, vocabulary.size),
    )
    ids = keras.Input((None,), dtype="int32", name="ids")
    x = CharacterEmbedding(vocabulary, embedding_dim, name="embedding")(ids)
    x = layer_class(width_units, return_sequences=True, name=kind)(x)
    x = keras.layers.Dense(vocabulary.size, dtype="float32", name="logits")(x)
    model = keras.Model(ids, x, name=name or f"char_{kind}")
    return _finish(model, None, weights, learning_rate)


def _finish(model, classifier_activation, weights, learning_rate):
    compile_classifier(model, classifier_activation, learning_rate)
    if weights is not None:
        load_weights_file(model, weights)
    return model
