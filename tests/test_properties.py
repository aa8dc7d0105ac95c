"""Property-based tests (Hypothesis): the argument checks of `ReLaXBlock`, the zoo
builders and the hardware format, and the layer's invariants, over generated inputs.
Derandomized, so that CI runs the same examples every time."""

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import keras
from relax_keras import ReLaXBlock
from relax_keras import zoo
from relax_keras.hardware import export
from relax_keras.hardware import load
from relax_keras.schedules import resolve_schedule

CHECKS = settings(max_examples=60, deadline=None, derandomize=True)  # no model built: fast
MODELS = settings(max_examples=25, deadline=None, derandomize=True)  # each example builds a layer

non_finite = st.sampled_from([float("nan"), float("inf"), float("-inf")])  # too rare in st.floats
not_a_positive_int = st.one_of(
    non_finite, st.integers(max_value=0), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.text(max_size=3), st.lists(st.integers(1, 3), max_size=2),
)
not_a_fraction = st.one_of(
    non_finite, st.floats(allow_nan=True, allow_infinity=True).filter(lambda x: not 0 <= x < 1),
    st.booleans(), st.text(max_size=3),
)
schedules = st.integers(1, 5).flatmap(lambda sets: st.integers(1, 4).flatmap(lambda repeats: st.tuples(
    st.just(sets), st.just(repeats),
    st.one_of(st.sampled_from(["blocked", "cyclic"]),
              st.lists(st.integers(0, sets - 1), min_size=sets * repeats, max_size=sets * repeats)))))


@CHECKS
@given(argument=st.sampled_from(["units", "weight_sets", "repeats", "steps_per_input"]), value=not_a_positive_int)
def test_every_count_of_the_block_is_checked(argument, value):
    arguments = {"units": 4, "weight_sets": 2, "repeats": 2, "steps_per_input": 1, argument: value}
    with pytest.raises(ValueError) as error:
        ReLaXBlock(**arguments)
    assert f"`{argument}`" in str(error.value) and f"got {value!r}" in str(error.value)


@CHECKS
@given(argument=st.sampled_from(["dropout", "recurrent_dropout"]), value=not_a_fraction)
def test_every_fraction_of_the_block_is_checked(argument, value):
    with pytest.raises(ValueError, match=f"`{argument}`, expected a number in \\[0, 1\\)"):
        ReLaXBlock(4, **{argument: value})


@CHECKS
@given(schedule=schedules)
def test_every_schedule_is_one_period_of_valid_weight_sets(schedule):
    sets, repeats, given_schedule = schedule
    positions = resolve_schedule(given_schedule, sets, repeats)
    assert len(positions) == sets * repeats and all(0 <= p < sets for p in positions)
    if isinstance(given_schedule, list):
        assert list(positions) == given_schedule
    else:  # blocked and cyclic use every weight set, each `repeats` times
        assert sorted(positions) == sorted(list(range(sets)) * repeats)


@CHECKS
@given(sets=st.integers(1, 4), repeats=st.integers(1, 3), data=st.data())
def test_a_schedule_with_an_index_out_of_range_or_the_wrong_length_is_refused(sets, repeats, data):
    bad = data.draw(st.one_of(
        st.lists(st.integers(0, sets - 1), max_size=8).filter(lambda s: len(s) != sets * repeats),
        st.lists(st.integers(-3, sets + 3), min_size=sets * repeats, max_size=sets * repeats)
        .filter(lambda s: any(not 0 <= p < sets for p in s)),
    ))
    with pytest.raises(ValueError, match="schedule"):
        ReLaXBlock(4, weight_sets=sets, repeats=repeats, schedule=bad)


@MODELS
@given(units=st.integers(1, 6), schedule=schedules, length=st.integers(1, 4), features=st.integers(1, 3),
       static=st.booleans(), return_sequences=st.booleans())
def test_the_block_gives_the_output_shape_keras_rnn_layers_give(units, schedule, length, features, static,
                                                                 return_sequences):
    sets, repeats, given_schedule = schedule
    block = ReLaXBlock(units, weight_sets=sets, repeats=repeats, schedule=given_schedule,
                       return_sequences=return_sequences)
    shape = (2, features) if static else (2, length, features)
    output = keras.ops.convert_to_numpy(block(np.ones(shape, "float32")))
    steps = sets * repeats if static else length
    assert output.shape == ((2, steps, units) if return_sequences else (2, units))
    assert np.isfinite(output).all()


@MODELS
@given(units=st.integers(1, 6), length=st.integers(1, 5), features=st.integers(1, 3),
       seed=st.integers(0, 2**16))
def test_one_weight_set_is_keras_simple_rnn(units, length, features, seed):
    inputs = np.random.default_rng(seed).standard_normal((3, length, features)).astype("float32")
    simple = keras.layers.SimpleRNN(units)
    expected = simple(inputs)
    block = ReLaXBlock(units)
    block(inputs)
    kernel, recurrent, bias = simple.get_weights()
    block.set_weights([kernel, recurrent[None], bias[None]])
    np.testing.assert_allclose(block(inputs), expected, rtol=1e-5, atol=1e-5)


@CHECKS
@given(input_shape=st.one_of(
    st.lists(st.integers(1, 8), min_size=0, max_size=5).filter(lambda s: len(s) != 3),
    st.tuples(st.integers(-3, 0), st.integers(1, 8), st.integers(1, 3)),
    st.tuples(st.floats(1, 8), st.integers(1, 8), st.integers(1, 3)),
    st.text(max_size=4)))
def test_the_image_builder_names_a_bad_input_shape(input_shape):
    with pytest.raises(ValueError, match="`input_shape`"):
        zoo.image_relax(input_shape, classes=3, units=4)


@CHECKS
@given(classes=not_a_positive_int)
def test_the_image_builder_names_bad_classes(classes):
    with pytest.raises(ValueError, match="`classes`"):
        zoo.image_relax((6, 5, 1), classes=classes, units=4)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    model = zoo.image_relax((6, 5, 1), classes=3, encoding="rows", weight_sets=2, repeats=2, units=4)
    return export(model, tmp_path_factory.mktemp("hardware") / "model"), model


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 70), st.floats(allow_nan=False), st.text(max_size=6)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8)


@CHECKS
@given(stage=st.integers(0, 3), field=st.sampled_from(
    ["type", "units", "weight_sets", "repeats", "steps_per_input", "switch_positions", "activation",
     "input_injection", "static_input", "return_sequences", "arrays", "target_shape"]), value=json_values)
def test_an_edited_hardware_description_is_refused_with_a_clear_error(exported, tmp_path_factory, stage, field, value):
    path, _ = exported
    description = json.loads(path.read_text())
    stages = description["stages"]
    if stage >= len(stages) or stages[stage].get(field, object()) == value:
        return  # no edit
    stages[stage][field] = value
    edited = tmp_path_factory.mktemp("edited") / path.name
    edited.write_text(json.dumps(description))
    arrays = description["arrays"]["file"]
    (edited.parent / arrays).write_bytes((path.parent / arrays).read_bytes())
    with pytest.raises(ValueError, match="hardware description|Hardware description|edited after export"):
        load(edited)


not_a_finite_non_negative = st.one_of(
    non_finite, st.floats(allow_nan=True, allow_infinity=True).filter(lambda x: not (x >= 0 and x != float("inf"))),
    st.booleans(), st.text(max_size=3))


@CHECKS
@given(value=not_a_finite_non_negative, argument=st.sampled_from(
    ["additive_stddev", "multiplicative_stddev", "relative_stddev", "absolute_stddev"]))
def test_every_noise_level_is_a_finite_number_at_least_zero(value, argument):
    from relax_keras import nonideal

    build = {"additive_stddev": lambda v: nonideal.NodeNoise("tanh", additive_stddev=v),
             "multiplicative_stddev": lambda v: nonideal.NodeNoise("tanh", multiplicative_stddev=v),
             "relative_stddev": lambda v: nonideal.ProgrammingNoise(relative_stddev=v),
             "absolute_stddev": lambda v: nonideal.ProgrammingNoise(absolute_stddev=v)}[argument]
    with pytest.raises(ValueError, match=f"`{argument}`"):
        build(value)
