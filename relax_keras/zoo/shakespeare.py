"""Character-level ReLaX language model for Tiny Shakespeare."""

from relax_keras.zoo.architecture import finish
from relax_keras.zoo.architecture import resolve_architecture
from relax_keras.zoo.causal_lm import DEFAULT_UNITS
from relax_keras.zoo.causal_lm import ReLaXCausalLM


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
    """Builds a compiled `ReLaXCausalLM`, with optional weights.

    The architecture arguments are `ReLaXCausalLM`'s (same defaults); the model comes
    compiled with Adam (`learning_rate`, gradient clipping at norm 1), sparse
    categorical cross-entropy (`from_logits` when `classifier_activation` is `None`,
    the default) and accuracy. Its loss is in nats per character.

    Args:
        weight_sets, repeats, schedule, units, param_budget, embedding_dim,
            activation, input_injection, steps_per_input, dropout, vocabulary,
            weight_programming, include_top, classifier_activation: as in
            `ReLaXCausalLM`.
        weights: `None`, `"relax_2x2_tiny_shakespeare"` (pretrained, shipped with the
            package) or a `.weights.h5` path; a pretrained name fixes the
            architecture (the arguments left at their defaults take its values).
        learning_rate: float, the default optimizer's learning rate. Default: `2e-3`.
        name: str, the model's name.

    Returns:
        A compiled `ReLaXCausalLM` from ids `(batch, T)` to logits `(batch, T, vocab)`.

    Example:

    >>> model = shakespeare_relax(weights="relax_2x2_tiny_shakespeare")
    >>> model.generate("ROMEO:", max_length=46, seed=0)  # doctest: +SKIP
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
    model = ReLaXCausalLM(
        vocabulary, weight_programming=weight_programming, include_top=include_top,
        classifier_activation=classifier_activation, name=name, **config,
    )
    return finish(model, weights, include_top, learning_rate)
