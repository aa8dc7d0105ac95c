"""Character-level ReLaX language model for Tiny Shakespeare."""

import keras

from relax_keras.budget import dense_params
from relax_keras.budget import relax_block_params
from relax_keras.layers.character_embedding import CharacterEmbedding
from relax_keras.vocabulary import Vocabulary
from relax_keras.zoo.architecture import finish
from relax_keras.zoo.architecture import relax_block
from relax_keras.zoo.architecture import resolve_architecture
from relax_keras.zoo.sizing import resolve_units

DEFAULT_UNITS = 300


def shakespeare_relax(
    weight_sets=2,
    repeats=1,
    schedule="blocked",
    units=DEFAULT_UNITS,
    param_budget=None,
    embedding_dim=48,
    activation="tanh",
    input_injection="every",
    steps_per_input=None,
    dropout=0.0,
    vocabulary=None,
    weight_programming=None,
    weights=None,
    include_top=True,
    classifier_activation=None,
    learning_rate=2e-3,
    name="shakespeare_relax",
):
    """Builds a character-level ReLaX-Net language model.

    Character ids go through an embedding (which carries the vocabulary, so it
    travels with saved models), one `ReLaXBlock` over the sequence, and a Dense
    readout of next-character logits at every position. Each character drives
    `steps_per_input` switched steps (default: the whole schedule,
    `weight_sets * repeats`, so every character passes through every weight set in
    the same order: a deep transition of depth L_W * L_T between characters).

    The model comes compiled with Adam (`learning_rate`, gradient clipping at norm 1),
    sparse categorical cross-entropy (`from_logits` when `classifier_activation` is
    `None`, the default) and accuracy. Its loss is in nats per character.

    Args:
        weight_sets: int, L_W. Default: `2`.
        repeats: int, L_T. Default: `1`.
        schedule: `"blocked"`, `"cyclic"` or explicit. Default: `"blocked"`.
        units: int, the width N. Default: `300`; leave it so with `param_budget`.
        param_budget: int, the most parameters the whole model may have; `units`
            is then the largest width that fits. Default: `None`.
        embedding_dim: int, the character embedding size. Default: `48`.
        activation: the block's activation. Default: `"tanh"`.
        input_injection: `"every"` or `"first"`. Default: `"every"`.
        steps_per_input: int, switched steps per character. Default:
            `weight_sets * repeats`.
        dropout: float in [0, 1), the fraction of the embedding's and the block's
            outputs dropped in training (`keras.layers.Dropout`, parameter-free).
            Default: `0.0`.
        vocabulary: a `Vocabulary`. Default: the 65 symbols of Tiny Shakespeare.
        weight_programming: list of device non-idealities applied to the weight
            sets (`relax_keras.nonideal.ProgrammingNoise`, `Quantization`).
            Default: `None`.
        weights: `None`, `"tiny_shakespeare"` (pretrained, shipped with the
            package) or a `.weights.h5` path.
        include_top: bool, whether to add the readout. Default: `True`.
        classifier_activation: activation of the readout. Default: `None` (logits).
        learning_rate: float, the default optimizer's learning rate. Default: `2e-3`.
        name: str, the model's name.

    Returns:
        A compiled `keras.Model` from ids `(batch, T)` to logits `(batch, T, vocab)`.

    Example:

    >>> model = shakespeare_relax(weights="tiny_shakespeare")
    >>> generate(model, "ROMEO:", length=40, seed=0)  # doctest: +SKIP
    """
    config = resolve_architecture(
        shakespeare_relax,
        dict(
            weight_sets=weight_sets, repeats=repeats, schedule=schedule, units=units,
            param_budget=param_budget, embedding_dim=embedding_dim,
            activation=activation, input_injection=input_injection,
            steps_per_input=steps_per_input, dropout=dropout,
        ),
        weights,
    )
    vocabulary = vocabulary or Vocabulary()
    embedding_dim = config["embedding_dim"]

    def params_for_units(width):
        readout = dense_params(width, vocabulary.size) if include_top else 0
        block = relax_block_params(embedding_dim, width, config["weight_sets"])
        return vocabulary.size * embedding_dim + block + readout

    width = resolve_units(config["units"], config["param_budget"], params_for_units, DEFAULT_UNITS)
    # ---- layers and functional model
    ids = keras.Input((None,), dtype="int32", name="ids")
    x = CharacterEmbedding(vocabulary, embedding_dim, name="embedding")(ids)  # (B, T, E)
    if config["dropout"]:
        x = keras.layers.Dropout(config["dropout"], name="embedding_dropout")(x)
    steps = config["steps_per_input"] or config["weight_sets"] * config["repeats"]
    x = relax_block(config, width, steps, weight_programming, return_sequences=True)(x)  # (B, T, N)
    if config["dropout"]:
        x = keras.layers.Dropout(config["dropout"], name="block_dropout")(x)
    if include_top:
        x = keras.layers.Dense(
            vocabulary.size, activation=classifier_activation, dtype="float32", name="logits"
        )(x)  # (B, T, vocab)
    model = keras.Model(ids, x, name=name)
    return finish(model, weights, include_top, classifier_activation, learning_rate)
