import gzip
import hashlib
import time

import numpy as np
import pytest
from scipy import io

from relax_keras import data
from relax_keras.data import cifar_pickle
from relax_keras.data import idx
from relax_keras.data import sources

MNIST_TRAIN_LABEL_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """No download is attempted, and tfds looks in an empty data directory."""
    monkeypatch.setattr(sources, "host_answers", lambda host, timeout=1.5: False)
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))
    monkeypatch.delenv(sources.ENVIRONMENT_VARIABLE, raising=False)


# Tiny Shakespeare -------------------------------------------------------------------


def test_bundled_text_is_the_real_file(shared_data):
    real = (shared_data / "tinyshakespeare" / "input.txt").read_bytes()
    bundled = gzip.open(sources.__file__.replace("sources.py", "bundled/tiny_shakespeare.txt.gz")).read()
    assert hashlib.sha256(bundled).hexdigest() == hashlib.sha256(real).hexdigest()


def test_split_lengths_and_tfds_split_logic(shared_data, tmp_path):
    import tensorflow_datasets as tfds

    lengths = {split: len(data.load_text(split)) for split in ("train", "validation", "test")}
    assert lengths == {"train": 1_003_854, "validation": 55_770, "test": 55_770}

    class LocalDownloads:
        def download(self, url):
            return str(shared_data / "tinyshakespeare" / "input.txt")

    builder = tfds.builder("tiny_shakespeare", data_dir=str(tmp_path))
    generators = builder._split_generators(LocalDownloads())
    tfds_splits = {g.name: g.gen_kwargs["split_text"] for g in generators}
    local = tmp_path / "local"
    local.mkdir()
    (local / "input.txt").write_bytes((shared_data / "tinyshakespeare" / "input.txt").read_bytes())
    for split, text in tfds_splits.items():
        assert data.load_text(split) == text
        assert data.load_text(split, source="local", local_dir=local) == text


def test_vocabulary_round_trip_and_symbols(shared_data):
    text = (shared_data / "tinyshakespeare" / "input.txt").read_text()
    vocabulary = data.Vocabulary()
    assert vocabulary.size == 65
    assert vocabulary.symbols == "".join(sorted(set(text)))
    sample = text[:5000]
    assert vocabulary.decode(vocabulary.encode(sample)) == sample
    assert data.Vocabulary.from_config(vocabulary.get_config()) == vocabulary


def test_windows_are_next_character_targets():
    dataset = data.tiny_shakespeare("validation", seq_len=20, batch_size=8)
    inputs, targets = next(iter(dataset))
    assert inputs.shape == targets.shape == (8, 20)
    np.testing.assert_array_equal(inputs[:, 1:], targets[:, :-1])
    text = data.load_text("validation")
    assert data.Vocabulary().decode(inputs[0]) == text[:20]
    assert data.Vocabulary().decode(inputs[1]) == text[20:40]


def first_batches(dataset, count=3):
    return [batch[0].numpy() for _, batch in zip(range(count), dataset)]


def test_same_seed_same_batches_different_seed_different_order():
    same = [first_batches(data.tiny_shakespeare("test", seq_len=10, batch_size=4, shuffle=True, seed=3)) for _ in range(2)]
    other = first_batches(data.tiny_shakespeare("test", seq_len=10, batch_size=4, shuffle=True, seed=4))
    np.testing.assert_array_equal(same[0], same[1])
    assert not np.array_equal(same[0], other)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"split": "dev"}, ValueError, "`split`, expected one of ['train', 'validation', 'test'], got 'dev'"),
        ({"seq_len": 0}, ValueError, "`seq_len`, expected a positive integer, got 0"),
        ({"split": "test", "seq_len": 55_770}, ValueError, "needs 55771 characters, the 'test' split has 55770"),
        ({"vocabulary": data.Vocabulary("abc")}, ValueError, "characters outside the vocabulary"),
        ({"source": "web"}, ValueError, "`source`, expected None or one of ['tfds', 'local', 'bundled'], got 'web'"),
        ({"source": "local", "local_dir": "/nonexistent/dir"}, FileNotFoundError, "/nonexistent/dir (for input.txt)"),
    ],
)
def test_shakespeare_errors(kwargs, error, message):
    with pytest.raises(error) as raised:
        data.tiny_shakespeare(**kwargs)
    assert message in str(raised.value)


def test_encoding_unknown_characters_names_them():
    with pytest.raises(ValueError, match=r"outside the vocabulary: \['é'\]"):
        data.Vocabulary().encode("café", argument="prompt")


# SVHN, in the official .mat layout ---------------------------------------------------


def write_svhn_mat(path, count, seed=0, **overrides):
    rng = np.random.default_rng(seed)
    contents = {
        "X": rng.integers(0, 256, (32, 32, 3, count), dtype=np.uint8),
        "y": rng.integers(1, 11, (count, 1)).astype(np.uint8),
        **overrides,
    }
    io.savemat(path, contents)
    return contents


@pytest.fixture
def svhn_dir(tmp_path):
    directory = tmp_path / "svhn"
    directory.mkdir()
    contents = {
        name: write_svhn_mat(directory / f"{name}_32x32.mat", count, seed)
        for seed, (name, count) in enumerate([("train", 7_336), ("test", 12)])
    }
    return directory, contents


@pytest.mark.parametrize("encoding, shape", [("rows", (32, 96)), ("flat", (3072,)), ("image", (32, 32, 3))])
def test_svhn_mat_files_load_in_every_encoding(svhn_dir, encoding, shape):
    directory, contents = svhn_dir
    images, labels = next(iter(data.svhn("test", encoding=encoding, batch_size=12, local_dir=directory)))
    expected_images = np.transpose(contents["test"]["X"], (3, 0, 1, 2)).astype("float32") / 255
    assert images.shape == (12, *shape)
    np.testing.assert_allclose(np.reshape(images, (12, 32, 32, 3)), expected_images, atol=1e-6)
    np.testing.assert_array_equal(labels, contents["test"]["y"][:, 0] % 10)
    assert set(labels.numpy()) <= set(range(10))


def test_svhn_validation_is_carved_from_the_end_of_train(svhn_dir):
    directory, contents = svhn_dir
    _, train_labels = data.load_image_arrays("svhn", "train", local_dir=directory)
    images, labels = data.load_image_arrays("svhn", "validation", local_dir=directory)
    assert (len(train_labels), len(labels)) == (10, 7_326)
    np.testing.assert_array_equal(labels, contents["train"]["y"][10:, 0] % 10)
    np.testing.assert_array_equal(images[0], contents["train"]["X"][..., 10])


def test_svhn_standardized_images_have_zero_mean(svhn_dir):
    directory, _ = svhn_dir
    images, _ = next(iter(data.svhn("test", encoding="flat", scaling="standardize", local_dir=directory)))
    np.testing.assert_allclose(np.mean(images, axis=1), 0, atol=1e-4)
    np.testing.assert_allclose(np.std(images, axis=1), 1, atol=1e-3)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"y": None}, "lacks the keys ['y']"),
        ({"X": np.zeros((32, 32, 3, 5), np.float32)}, "must be a 32x32x3xN uint8 array, got shape (32, 32, 3, 5) and dtype float32"),
        ({"X": np.zeros((28, 28, 3, 5), np.uint8)}, "got shape (28, 28, 3, 5)"),
        ({"y": np.ones((4, 1), np.uint8)}, "'y' must have shape (5, 1)"),
        ({"y": np.array([[1.5], [2.7], [1], [2], [3]])}, "labels must be integers in 1..10, got [1.  1.5 2.  2.7 3. ]"),
        ({"y": np.array([[0], [1], [2], [3], [4]])}, "labels must be integers in 1..10"),
        ({"y": np.array([[11], [1], [2], [3], [4]])}, "labels must be integers in 1..10"),
    ],
)
def test_bad_svhn_mat_files_fail_clearly(tmp_path, overrides, message):
    contents = {"X": np.zeros((32, 32, 3, 5), np.uint8), "y": np.ones((5, 1), np.uint8), **overrides}
    io.savemat(tmp_path / "test_32x32.mat", {k: v for k, v in contents.items() if v is not None})
    with pytest.raises(ValueError) as raised:
        data.svhn("test", local_dir=tmp_path)
    assert message in str(raised.value)


def test_svhn_without_data_says_where_it_looked(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError) as raised:
        data.svhn("train", local_dir=tmp_path, data_dir=str(tmp_path / "tfds"))
    message = str(raised.value)
    assert f"No svhn files in the given local_dir {tmp_path}" in message  # no other source tried
    assert f"{tmp_path} (for train_32x32.mat)" in message
    assert "train_32x32.mat, test_32x32.mat" in message  # how to obtain them
    monkeypatch.setenv(sources.ENVIRONMENT_VARIABLE, str(tmp_path))
    with pytest.raises(FileNotFoundError) as raised:
        data.svhn("train", data_dir=str(tmp_path / "tfds"))
    message = str(raised.value)
    assert f"{tmp_path} (for train_32x32.mat)" in message
    assert "tfds `svhn_cropped` prepared in" in message
    assert "svhn_cropped` prepared" in message and "did not answer" in message


def test_a_mistyped_local_dir_never_falls_back_to_the_bundled_text(tmp_path):
    with pytest.raises(FileNotFoundError, match="No tiny_shakespeare files in the given local_dir"):
        data.tiny_shakespeare("train", local_dir=tmp_path / "typo")


def test_tfds_asked_for_offline_fails_at_once(tmp_path):
    start = time.perf_counter()
    with pytest.raises(FileNotFoundError, match="did not answer"):
        data.mnist("train", source="tfds", data_dir=str(tmp_path / "tfds"))
    assert time.perf_counter() - start < 5


def write_cifar_batches(directory, per_batch, rng):
    """Writes batches laid out as the official ones (protocol 2, Python int labels)."""
    import pickle

    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        rows = rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8)
        batch = {b"batch_label": name.encode(), b"labels": rng.integers(0, 10, per_batch).tolist(),
                 b"data": rows, b"filenames": [b"x.png"] * per_batch}
        with open(directory / name, "wb") as file:
            pickle.dump(batch, file, protocol=2)


class _RunsCode:
    """A pickle payload: unpickling it calls `marker.touch()`, as a crafted batch could run
    `os.system`."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        import pathlib

        return pathlib.Path.touch, (pathlib.Path(self.marker),)


def test_cifar10_reader_refuses_a_batch_that_would_run_code(tmp_path):
    import pickle

    write_cifar_batches(tmp_path, 10, np.random.default_rng(0))
    marker = tmp_path / "code_ran"
    with open(tmp_path / "data_batch_1", "wb") as file:
        pickle.dump({b"data": _RunsCode(marker), b"labels": [0]}, file)
    with pytest.raises(ValueError, match="data_batch_1 is not a CIFAR-10 batch file: .* refuses the global 'pathlib"):
        data.load_image_arrays("cifar10", "train", local_dir=tmp_path)
    assert not marker.exists()


@pytest.mark.parametrize("batch, problem", [
    ({b"data": np.full((2, 3072), 300, np.int32), b"labels": [0, 1]}, r"values in \[300, 300\], expected \[0, 255\]"),
    ({b"data": np.zeros((2, 3072), np.uint8), b"labels": [1.5, 2.7]}, "`labels` is float64"),
    ({b"data": np.zeros((2, 3072), np.uint8), b"labels": [0, 10]}, r"expected 0 ... 9"),
    ({b"data": np.zeros((2, 3071), np.uint8), b"labels": [0, 1]}, r"expected integer \(n, 3072\)"),
    ([1, 2], "holds a list, not a dict"),
])
def test_cifar10_reader_refuses_values_the_official_files_cannot_hold(tmp_path, batch, problem):
    import pickle

    with open(tmp_path / "test_batch", "wb") as file:
        pickle.dump(batch, file, protocol=2)
    with pytest.raises(ValueError, match=problem):
        cifar_pickle.read_cifar_batches(tmp_path / "test_batch")


def test_cifar10_reads_the_official_python_batches(tmp_path):
    rng = np.random.default_rng(0)
    write_cifar_batches(tmp_path, 1_010, rng)
    images, labels = data.load_image_arrays("cifar10", "train", local_dir=tmp_path)
    assert images.shape == (5 * 1_010 - 5_000, 32, 32, 3) and labels.dtype == np.int64
    import pickle

    first = pickle.load(open(tmp_path / "data_batch_1", "rb"), encoding="bytes")[b"data"][0]
    # channel-major rows: red plane, then green, then blue
    assert images[0, 0, 1, 0] == first[1] and images[0, 0, 1, 1] == first[1024 + 1]
    assert images[0, 1, 0, 2] == first[2048 + 32]
    assert len(data.load_image_arrays("cifar10", "validation", local_dir=tmp_path)[0]) == 5_000
    assert len(data.load_image_arrays("cifar10", "test", local_dir=tmp_path)[0]) == 1_010


def test_cifar10_without_its_files_says_where_it_looked(tmp_path):
    with pytest.raises(FileNotFoundError, match="No cifar10 files in the given local_dir .* data_batch_1"):
        data.image_dataset("cifar10", "train", local_dir=tmp_path)


def write_idx(path, array, magic):
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as file:
        file.write(header + array.astype(np.uint8).tobytes())


@pytest.mark.parametrize("images_shape, labels, message", [
    ((10_050, 28, 28), np.r_[np.arange(10_049) % 10, 10], r"hold 1 values outside \[0, 10\), e.g. 10"),
    ((10_050, 32, 32), np.arange(10_050) % 10, r"have shape \(32, 32, 1\), expected \(28, 28, 1\)"),
    ((500, 28, 28), np.arange(500) % 10, "holds 500 images; the validation split is its last 10000"),
])
def test_mnist_files_that_are_not_mnist_are_refused(tmp_path, images_shape, labels, message):
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", np.zeros(images_shape), 2051)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", labels, 2049)
    with pytest.raises(ValueError, match=message):
        data.mnist("train", local_dir=tmp_path)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"split": "extra2"}, "`split`, expected one of ['train', 'test', 'extra', 'validation'], optionally sliced as in tfds (e.g. 'validation[:5000]'), got 'extra2'"),
        ({"split": "validation[5:x]"}, "optionally sliced as in tfds (e.g. 'validation[:5000]'), got 'validation[5:x]'"),
        ({"encoding": "pixels"}, "`encoding`, expected one of ['rows', 'flat', 'image'], got 'pixels'"),
        ({"scaling": "minmax"}, "`scaling`, expected one of ['unit', 'standardize'], got 'minmax'"),
    ],
)
def test_bad_image_arguments_fail_before_loading(kwargs, message):
    with pytest.raises(ValueError) as raised:
        data.svhn(**kwargs)
    assert message in str(raised.value)


# MNIST, the real training split -------------------------------------------------------


def test_real_mnist_training_split(shared_data):
    directory = shared_data / "mnist"
    images, labels = idx.read_mnist(directory / "train-images-idx3-ubyte.gz", directory / "train-labels-idx1-ubyte.gz")
    assert images.shape == (60_000, 28, 28, 1) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == MNIST_TRAIN_LABEL_COUNTS
    assert labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    _, train = data.load_image_arrays("mnist", "train", local_dir=directory)
    _, validation = data.load_image_arrays("mnist", "validation", local_dir=directory)
    assert (len(train), len(validation)) == (50_000, 10_000)
    np.testing.assert_array_equal(np.concatenate([train, validation]), labels)


@pytest.mark.parametrize("encoding, shape", [("rows", (28, 28)), ("flat", (784,)), ("image", (28, 28, 1))])
def test_mnist_pipeline_gives_the_files_images_and_labels_in_order(shared_data, encoding, shape):
    """Against the raw IDX files: a transposed image or a shuffled label fails this."""
    folder = shared_data / "mnist"
    raw_images, raw_labels = idx.read_mnist(folder / "train-images-idx3-ubyte.gz", folder / "train-labels-idx1-ubyte.gz")
    dataset = data.mnist("validation", encoding=encoding, batch_size=500, local_dir=folder)
    images = np.concatenate([np.asarray(x) for x, _ in dataset])
    labels = np.concatenate([np.asarray(y) for _, y in dataset])
    assert images.shape == (10_000, *shape)
    np.testing.assert_allclose(images, raw_images[50_000:].reshape(10_000, *shape) / 255.0, atol=1e-6)
    np.testing.assert_array_equal(labels, raw_labels[50_000:])


def test_mnist_environment_variable_names_the_directory(shared_data, monkeypatch):
    monkeypatch.setenv(sources.ENVIRONMENT_VARIABLE, str(shared_data))  # holds mnist/
    images, labels = data.load_image_arrays("mnist", "validation")
    assert images.shape == (10_000, 28, 28, 1)


def test_mnist_test_split_needs_the_t10k_files(shared_data):
    with pytest.raises(FileNotFoundError, match="t10k-images-idx3-ubyte.gz"):
        data.mnist("test", source="local", local_dir=shared_data / "mnist")


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda raw: raw[:-100], "truncated or too long"),
        (lambda raw: (1234).to_bytes(4, "big") + raw[4:], "has magic number 1234, expected 2051"),
    ],
)
def test_bad_idx_files_fail_clearly(shared_data, tmp_path, mutate, message):
    raw = gzip.open(shared_data / "mnist" / "train-images-idx3-ubyte.gz").read()[: 16 + 784 * 10]
    raw = (2051).to_bytes(4, "big") + (10).to_bytes(4, "big") + raw[8:]
    path = tmp_path / "images.gz"
    path.write_bytes(gzip.compress(mutate(raw)))
    with pytest.raises(ValueError, match=message):
        idx.read_idx(path, idx.IMAGES_MAGIC)


def test_idx_header_is_checked_before_the_body_is_decompressed(tmp_path):
    """A wrong file is refused by its header: its damaged gzip body (which a full read
    would fail on) is never reached; a header declaring too much is refused unread."""
    damaged = gzip.compress((1234).to_bytes(4, "big") + bytes(10_000_000))[:-5000]
    (tmp_path / "wrong.gz").write_bytes(damaged)
    with pytest.raises(ValueError, match="has magic number 1234, expected 2051"):
        idx.read_idx(tmp_path / "wrong.gz", idx.IMAGES_MAGIC)
    huge = b"".join(n.to_bytes(4, "big") for n in (2051, 60_000_000, 28, 28))
    (tmp_path / "huge.gz").write_bytes(gzip.compress(huge + bytes(1000)))
    with pytest.raises(ValueError, match=r"declares shape \(60000000, 28, 28\) \(47,040,000,000 bytes\), more than"):
        idx.read_idx(tmp_path / "huge.gz", idx.IMAGES_MAGIC)


def test_context_windows_score_each_character_once():
    seq_len, context = 50, 30
    batches = list(data.tiny_shakespeare("test", seq_len=seq_len, context=context, batch_size=64))
    inputs, targets, weights = batches[0]
    assert inputs.shape == weights.shape == (64, context + seq_len)
    np.testing.assert_array_equal(weights[0], [0.0] * context + [1.0] * seq_len)
    text = data.load_text("test")
    vocabulary = data.Vocabulary()
    # the scored targets of consecutive windows are consecutive blocks of the text
    scored = "".join(vocabulary.decode(np.asarray(t)[context:]) for _, t, _ in batches for t in t)
    assert scored == text[context + 1 : context + 1 + len(scored)]
    assert len(text) - len(scored) - context - 1 < seq_len


def test_image_splits_slice_as_in_tfds(shared_data):
    from relax_keras.data.images import load_image_arrays

    local = shared_data / "mnist"
    images, labels = load_image_arrays("mnist", "validation", local_dir=local)
    first, first_labels = load_image_arrays("mnist", "validation[:5000]", local_dir=local)
    rest, rest_labels = load_image_arrays("mnist", "validation[5000:]", local_dir=local)
    assert len(first) == len(rest) == 5000
    np.testing.assert_array_equal(np.concatenate([first, rest]), images)
    np.testing.assert_array_equal(np.concatenate([first_labels, rest_labels]), labels)
    with pytest.raises(ValueError, match=r"holds no examples"):
        load_image_arrays("mnist", "validation[10000:]", local_dir=local)
