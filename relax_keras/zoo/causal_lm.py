"""`ReLaXCausalLM`, a character-level ReLaX-Net language model that generates text, and
its builder `shakespeare_relax`."""

import keras

from relax_keras.budget import dense_params
from relax_keras.budget import relax_block_params
from relax_keras.budget import resolve_units
from relax_keras.layers.character_embedding import CharacterEmbedding
from relax_keras.vocabulary import Vocabulary
from relax_keras.zoo.architecture import relax_block
from relax_keras.zoo.building import finish
from relax_keras.zoo.building import fixed_by_weights
from relax_keras.zoo.building import names_shipped_weights
from relax_keras.zoo.generation import sample_characters
from relax_keras.zoo.preset_model import PresetModel

DEFAULT_UNITS = 300


@keras.saving.register_keras_serializable(package="relax_keras")
class ReLaXCausalLM(PresetModel, keras.Model):
    """A character-level ReLaX-Net language model.

    Character ids go through a `CharacterEmbedding` (which carries the vocabulary, so
    a saved model generates without the package's default vocabulary), one
    `ReLaXBlock` over the sequence, and a Dense readout of next-character logits at
    every position. Each character drives `steps_per_input` switched steps (default:
    the whole schedule, `weight_sets * repeats`: a deep transition of depth
    L_W * L_T between characters).

    A `keras.Model` with its constructor arguments as config, so
    `relax_keras.load_model` gives this class back. `shakespeare_relax(...)` builds it
    compiled, with optional weights; `from_preset(name)` builds a preset
    (`ReLaXCausalLM.presets` lists them).

    Args:
        vocabulary: a `Vocabulary` or its symbols as a string. Default: the 65
            symbols of Tiny Shakespeare.
        weight_sets: int, L_W. Default: `2`.
        repeats: int, L_T. Default: `1`.
        schedule: `"blocked"`, `"cyclic"` or explicit. Default: `"blocked"`.
        units: int or `None`, the width N. Default: `None`: 300, or the width that
            `param_budget` gives.
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
        weight_programming: list of device non-idealities applied to the weight
            sets (`relax_keras.nonideal.ProgrammingNoise`, `Quantization`).
            Default: `None`.
        include_top: bool, whether to add the readout. Default: `True`.
        classifier_activation: activation of the readout. Default: `None` (logits).
        **kwargs: `keras.Model` arguments (`name`, ...).

    Example:

    >>> model = ReLaXCausalLM(units=16, embedding_dim=8)
    >>> text = model.generate("ROMEO:", max_length=20, seed=0)
    >>> len(text), text.startswith("ROMEO:")
    (20, True)
    """

    builder = "shakespeare_relax"
    default_learning_rate = 2e-3

    def __init__(
        self,
        vocabulary=None,
        weight_sets=2,
        repeats=1,
        schedule="blocked",
        units=None,
        param_budget=None,
        embedding_dim=48,
        activation="tanh",
        input_injection="every",
        steps_per_input=None,
        dropout=0.0,
        weight_programming=None,
        include_top=True,
        classifier_activation=None,
        **kwargs,
    ):
        if not isinstance(vocabulary, Vocabulary):
            vocabulary = Vocabulary() if vocabulary is None else Vocabulary(vocabulary)

        def params_for_units(width):
            readout = dense_params(width, vocabulary.size) if include_top else 0
            return vocabulary.size * embedding_dim + relax_block_params(embedding_dim, width, weight_sets) + readout

        width = resolve_units(units, param_budget, params_for_units, DEFAULT_UNITS)
        # ---- layers and functional model
        ids = keras.Input((None,), dtype="int32", name="ids")
        x = CharacterEmbedding(vocabulary, embedding_dim, name="embedding")(ids)  # (B, T, E)
        if dropout:
            x = keras.layers.Dropout(dropout, name="embedding_dropout")(x)
        x = relax_block(width, weight_sets, repeats, schedule, activation, input_injection,
                        steps_per_input or weight_sets * repeats, weight_programming,
                        return_sequences=True)(x)  # (B, T, N)
        if dropout:
            x = keras.layers.Dropout(dropout, name="block_dropout")(x)
        if include_top:
            x = keras.layers.Dense(vocabulary.size, activation=classifier_activation, dtype="float32",
                                   name="logits")(x)  # (B, T, vocab)
        kwargs.setdefault("name", "shakespeare_relax")
        super().__init__(ids, x, **kwargs)
        self.vocabulary = vocabulary
        self._architecture = dict(
            vocabulary=vocabulary.symbols, weight_sets=weight_sets, repeats=repeats, schedule=schedule,
            units=width, embedding_dim=embedding_dim, activation=activation,
            input_injection=input_injection, steps_per_input=steps_per_input, dropout=dropout,
            include_top=include_top, classifier_activation=classifier_activation,
        )
        self._weight_programming = keras.saving.serialize_keras_object(weight_programming)  # plain data

    def generate(self, prompt, max_length=200, temperature=1.0, seed=None, context=100):
        """Continues `prompt` up to `max_length` characters in all, as keras-hub's
        `CausalLM.generate` does.

        The model reads the last `context` characters (its training window) and the
        next character is drawn from its softmax at `temperature`; `temperature=0`
        takes the most likely character. The same `seed` gives the same text.

        Args:
            prompt: str, the text to continue; every character must be in the vocabulary.
            max_length: int, the length of the returned text, prompt included. Default: `200`.
            temperature: float >= 0. Default: `1.0`.
            seed: int or `None`, the sampling seed.
            context: int, the most characters the model reads. Default: `100`.

        Returns:
            str, the prompt followed by the generated characters.
        """
        if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length <= len(prompt):
            raise ValueError(
                f"Received an invalid value for argument `max_length`: expected an integer greater "
                f"than the prompt's length ({len(prompt)}), got {max_length!r}."
            )
        return sample_characters(self, prompt, max_length - len(prompt), temperature, seed, context,
                                 self.vocabulary)


def shakespeare_relax(
    weight_sets=None,
    repeats=None,
    schedule=None,
    units=None,
    param_budget=None,
    embedding_dim=None,
    activation=None,
    input_injection=None,
    steps_per_input=None,
    dropout=None,
    vocabulary=None,
    weight_programming=None,
    weights=None,
    include_top=True,
    classifier_activation=None,
    learning_rate=2e-3,
    name="shakespeare_relax",
):
    """Builds a compiled `ReLaXCausalLM`, with optional weights.

    The architecture arguments are `ReLaXCausalLM`'s; one left at `None` takes the
    class's default (`weight_sets=2`, `repeats=1`, `schedule="blocked"`, 300 units,
    `embedding_dim=48`, `activation="tanh"`, `input_injection="every"`, no dropout),
    or, with shipped weights, the preset's value. The model comes compiled with Adam
    (`learning_rate`, gradient clipping at norm 1), sparse categorical cross-entropy
    (`from_logits` when `classifier_activation` is `None`, the default) and accuracy.
    Its loss is in nats per character.

    Args:
        weight_sets, repeats, schedule, units, param_budget, embedding_dim,
            activation, input_injection, steps_per_input, dropout, vocabulary,
            weight_programming, include_top, classifier_activation: as in
            `ReLaXCausalLM`.
        weights: `None`, `"relax_2x2_tiny_shakespeare"` (pretrained, shipped with the
            package) or a `.weights.h5` path; a pretrained name fixes the
            architecture (an argument given must equal the preset's).
        learning_rate: float, the default optimizer's learning rate. Default: `2e-3`.
        name: str, the model's name.

    Returns:
        A compiled `ReLaXCausalLM` from ids `(batch, T)` to logits `(batch, T, vocab)`.

    Example:

    >>> model = shakespeare_relax(weights="relax_2x2_tiny_shakespeare")
    >>> model.generate("ROMEO:", max_length=46, seed=0)  # doctest: +SKIP
    """
    given = dict(
        weight_sets=weight_sets, repeats=repeats, schedule=schedule, units=units,
        param_budget=param_budget, embedding_dim=embedding_dim, activation=activation,
        input_injection=input_injection, steps_per_input=steps_per_input, dropout=dropout,
    )
    architecture = {key: value for key, value in given.items() if value is not None}
    if names_shipped_weights(weights):
        architecture = fixed_by_weights(weights, "shakespeare_relax", architecture)
    model = ReLaXCausalLM(
        vocabulary, weight_programming=weight_programming, include_top=include_top,
        classifier_activation=classifier_activation, name=name, **architecture,
    )
    return finish(model, weights, learning_rate)
