import keras

from relax_keras.vocabulary import Vocabulary


@keras.saving.register_keras_serializable(package="relax_keras")
class CharacterEmbedding(keras.layers.Embedding):
    """An `Embedding` of character ids that carries its `Vocabulary`.

    The vocabulary is part of the layer's config, so it travels with a saved model
    and text generation works after reload.

    Args:
        vocabulary: a `Vocabulary`, or its symbols as a string.
        output_dim: Positive integer, the embedding size.
        **kwargs: passed to `keras.layers.Embedding`.

    Example:

    >>> layer = CharacterEmbedding(Vocabulary("abc"), 4)
    >>> tuple(layer(layer.vocabulary.encode("cab")[None]).shape)
    (1, 3, 4)
    """

    def __init__(self, vocabulary, output_dim, **kwargs):
        if not isinstance(vocabulary, Vocabulary):
            vocabulary = Vocabulary(vocabulary)
        kwargs.pop("input_dim", None)
        super().__init__(vocabulary.size, output_dim, **kwargs)
        self.vocabulary = vocabulary

    def get_config(self):
        config = super().get_config()
        config.pop("input_dim")
        return {**config, "vocabulary": self.vocabulary.symbols}
