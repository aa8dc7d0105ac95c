"""How an image is shown to a ReLaX block: as a sequence of rows or as one static input."""

from relax_keras._validation import one_of

__all__ = ["ENCODINGS", "encoded_shape"]

ENCODINGS = ("rows", "flat", "image")


def encoded_shape(image_shape, encoding):
    """Returns the shape of one example in an encoding.

    `"rows"`: `(height, width * channels)`, the rows as a sequence; `"flat"`:
    `(height * width * channels,)`, a static input; `"image"`: the image itself.

    Example:

    >>> encoded_shape((28, 28, 1), "rows")
    (28, 28)
    """
    height, width, channels = image_shape
    return {
        "rows": (height, width * channels),
        "flat": (height * width * channels,),
        "image": (height, width, channels),
    }[one_of("encoding", encoding, ENCODINGS)]
