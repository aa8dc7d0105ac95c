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


def next_logits_function(model, context):
    """Returns `next_logits(window)`: the causal `model`'s next-character logits
    (float64 NumPy) after a list of at most `context` ids.

    TensorFlow traces one graph for every window length. JAX compiles one program for
    windows right-padded to `context` ids (the model is causal, so the padding leaves
    the logits at the window's last id as they are) where eager JAX would dispatch
    every operation of every step on its own. Other backends call the model eagerly.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        logits_at_end = tf.function(lambda window: model(window, training=False)[0, -1],
                                    input_signature=[tf.TensorSpec((1, None), tf.int32)])
        compute = lambda window: logits_at_end(np.array([window], "int32"))
    elif backend == "jax":
        import jax

        @jax.jit
        def logits_at(trainable_values, non_trainable_values, padded, position):
            logits, _ = model.stateless_call(trainable_values, non_trainable_values, padded,
                                             training=False)
            return logits[0, position]

        trainable_values = [v.value for v in model.trainable_variables]
        non_trainable_values = [v.value for v in model.non_trainable_variables]

        def compute(window):
            padded = np.zeros((1, context), "int32")
            padded[0, :len(window)] = window
            return logits_at(trainable_values, non_trainable_values, padded, np.int32(len(window) - 1))
    else:
        compute = lambda window: model(np.array([window], "int32"), training=False)[0, -1]
    return lambda window: keras.ops.convert_to_numpy(compute(window)).astype("float64")


def sample_characters(model, prompt, length=200, temperature=1.0, seed=None, context=100, vocabulary=None):
    """Continues `prompt` by sampling `length` characters from a language model.

    The model reads the last `context` characters (its training window) and the next
    character is drawn from its softmax at `temperature`; `temperature=0` takes the
    most likely character. The same `seed` gives the same text.

    Args:
        model: a causal model from ids `(batch, T)` to logits `(batch, T, vocab)`,
            e.g. `shakespeare_relax(...)`.
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
    next_logits = next_logits_function(model, context)
    for _ in range(length):
        logits = next_logits(ids[-context:])
        if temperature == 0:
            ids.append(int(np.argmax(logits)))
            continue
        logits = logits / temperature
        probabilities = np.exp(logits - logits.max())
        ids.append(int(rng.choice(len(probabilities), p=probabilities / probabilities.sum())))
    return vocabulary.decode(ids)
