"""What the package knows about each dataset: tfds name, official files, splits."""

import dataclasses

from relax_keras.data import cifar_pickle
from relax_keras.data import idx
from relax_keras.data import svhn_mat


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    """A dataset's sources and layout.

    Attributes:
        name: the package's name for it (`"svhn"`, `"mnist"`, ...).
        tfds_name: its tfds name.
        download_host: the host tfds downloads it from, asked before a download.
        local_files: official split -> the official file names that hold it.
        how_to_obtain: one sentence on getting the official files.
        read_local: `(*paths) -> (images, labels)` for image datasets.
        image_shape: `(height, width, channels)` for image datasets.
        classes: number of classes for image datasets.
        validation_size: examples carved from the end of the official train split
            as the "validation" split (image datasets).
        bundled_file: file name in `relax_keras/data/bundled/`, if the package
            carries a copy.
    """

    name: str
    tfds_name: str
    download_host: str
    local_files: dict
    how_to_obtain: str
    read_local: object = None
    image_shape: tuple = None
    classes: int = None
    validation_size: int = 0
    bundled_file: str = None

    @property
    def splits(self):
        extra = ("validation",) if self.validation_size else ()
        return tuple(self.local_files) + extra


SVHN = DatasetSpec(
    name="svhn",
    tfds_name="svhn_cropped",
    download_host="ufldl.stanford.edu",
    local_files={
        "train": ("train_32x32.mat",),
        "test": ("test_32x32.mat",),
        "extra": ("extra_32x32.mat",),
    },
    how_to_obtain=(
        "Download the official cropped-digit files train_32x32.mat, test_32x32.mat "
        "(and extra_32x32.mat) from the SVHN page of Stanford's UFLDL site, put them in "
        "a directory and pass it as `local_dir` (or set RELAX_KERAS_DATA), or prepare "
        "tfds `svhn_cropped` on a machine with internet and pass its `data_dir`."
    ),
    read_local=svhn_mat.read_svhn_mat,
    image_shape=(32, 32, 3),
    classes=10,
    validation_size=7_326,  # the last 10% of the 73,257 training images
)

MNIST = DatasetSpec(
    name="mnist",
    tfds_name="mnist",
    download_host="storage.googleapis.com",
    local_files={
        "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
        "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
    },
    how_to_obtain=(
        "Put the official IDX files (train-images-idx3-ubyte.gz, "
        "train-labels-idx1-ubyte.gz, and t10k-*.gz for the test split) in a directory "
        "and pass it as `local_dir` (or set RELAX_KERAS_DATA), or prepare tfds `mnist`."
    ),
    read_local=idx.read_mnist,
    image_shape=(28, 28, 1),
    classes=10,
    validation_size=10_000,  # the last 10,000 of the 60,000 training images
)

CIFAR10 = DatasetSpec(
    name="cifar10",
    tfds_name="cifar10",
    download_host="www.cs.toronto.edu",
    local_files={"train": tuple(f"data_batch_{i}" for i in range(1, 6)), "test": ("test_batch",)},
    how_to_obtain=(
        "Put the official Python batches (data_batch_1 ... data_batch_5, test_batch, from "
        "cifar-10-python.tar.gz) in a directory and pass it as `local_dir`, or prepare tfds "
        "`cifar10` and pass its `data_dir`."
    ),
    read_local=cifar_pickle.read_cifar_batches,
    image_shape=(32, 32, 3),
    classes=10,
    validation_size=5_000,
)

TINY_SHAKESPEARE = DatasetSpec(
    name="tiny_shakespeare",
    tfds_name="tiny_shakespeare",
    download_host="raw.githubusercontent.com",
    local_files={"train": ("input.txt",), "validation": ("input.txt",), "test": ("input.txt",)},
    how_to_obtain="Put Karpathy's char-rnn input.txt in a directory and pass it as `local_dir`.",
    bundled_file="tiny_shakespeare.txt.gz",
)

IMAGE_DATASETS = {spec.name: spec for spec in (SVHN, MNIST, CIFAR10)}
