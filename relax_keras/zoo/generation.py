"""Text generation with a character-level model."""

import warnings

import keras
import numpy as np
import tensorflow as tf

from relax_keras.layers.character_embedding import CharacterEmbedding
from relax_keras._validation import non_negative
from relax_keras._validation import positive_int


def model_vocabulary(model):
    """Returns the `Vocabulary` carried by the model's `CharacterEmbedding`."""
    for layer in model._flatten_layers():
        if isinstance(layer, CharacterEmbedding):
            return layer.vocabulary
    raise ValueError(
        f"Model '{model.name}' has no CharacterEmbedding layer, so it carries no "
        "vocabulary; pass `vocabulary=`."
    )


MOST_CHARACTERS = 100_000  # one model call per character: about a minute per 10,000 here


def generate(model, prompt, length=200, temperature=1.0, seed=None, context=100, vocabulary=None):
    """Deprecated: use `ReLaXCausalLM.generate(prompt, max_length=...)`; removed in the
    next release. Continues `prompt` by sampling `length` characters (see
    `sample_characters`)."""
    warnings.warn(
        "relax_keras.zoo.generate is deprecated: use model.generate(prompt, max_length=...) of "
        "relax_keras.zoo.ReLaXCausalLM (max_length counts the prompt too).",
        DeprecationWarning, stacklevel=2,
    )
    return sample_characters(model, prompt, length, temperature, seed, context, vocabulary)


def sample_characters(model, prompt, length=200, temperature=1.0, seed=None, context=100, vocabulary=None):
    """Continues `prompt` by sampling `length` characters from a language model.

    The model reads the last `context` characters (its training window) and the next
    character is drawn from its softmax at `temperature`; `temperature=0` takes the
    most likely character. The same `seed` gives the same text.

    Args:
        model: a model from ids `(batch, T)` to logits `(batch, T, vocab)`, e.g.
            `shakespeare_relax(...)`.
        prompt: str, the text to continue; every character must be in the vocabulary.
        length: int, characters to generate. Default: `200`.
        temperature: float >= 0. Default: `1.0`.
        seed: int or `None`, the sampling seed.
        context: int, the most characters the model reads. Default: `100`.
        vocabulary: a `Vocabulary`; default: the one the model carries.

    Returns:
        str, the prompt followed by the generated characters.
    """
    vocabulary = vocabulary or model_vocabulary(model)
    if not prompt:
        raise ValueError("Received an invalid value for argument `prompt`: it is empty.")
    temperature = non_negative("temperature", temperature)
    context = positive_int("context", context)
    if isinstance(length, bool) or not isinstance(length, int) or not 1 <= length <= MOST_CHARACTERS:
        raise ValueError(f"Received an invalid value for argument `length`, expected an integer in "
                         f"[1, {MOST_CHARACTERS:,}], got {length!r}.")
    ids = list(vocabulary.encode(prompt, argument="prompt"))
    rng = np.random.default_rng(seed)
    next_logits = lambda window: model(window, training=False)[0, -1]
    if keras.backend.backend() == "tensorflow":  # one graph for every window length
        next_logits = tf.function(next_logits, input_signature=[tf.TensorSpec((1, None), tf.int32)])
    for _ in range(length):
        window = np.array([ids[-context:]], "int32")
        logits = keras.ops.convert_to_numpy(next_logits(window)).astype("float64")
        if temperature == 0:
            ids.append(int(np.argmax(logits)))
            continue
        logits = logits / temperature
        probabilities = np.exp(logits - logits.max())
        ids.append(int(rng.choice(len(probabilities), p=probabilities / probabilities.sum())))
    return vocabulary.decode(ids)
