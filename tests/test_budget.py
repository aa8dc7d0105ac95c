import pytest

import keras
from relax_keras import ReLaXBlock
from relax_keras import budget


@pytest.mark.parametrize("static", [True, False])
@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("weight_sets", [1, 3])
def test_block_count_matches_keras(static, use_bias, weight_sets):
    block = ReLaXBlock(7, weight_sets=weight_sets, repeats=2, use_bias=use_bias)
    block.build((None, 5) if static else (None, None, 5))
    assert block.count_params() == budget.relax_block_params(5, 7, weight_sets, static, use_bias)


@pytest.mark.parametrize(
    "layer, count",
    [
        (keras.layers.SimpleRNN(9), budget.simple_rnn_params(4, 9)),
        (keras.layers.GRU(9), budget.gru_params(4, 9)),
        (keras.layers.LSTM(9), budget.lstm_params(4, 9)),
    ],
)
def test_baseline_counts_match_keras(layer, count):
    layer.build((None, None, 4))
    assert layer.count_params() == count


def model_params(units, weight_sets=4):
    return budget.relax_block_params(96, units, weight_sets) + budget.dense_params(units, 10)


def test_largest_units_is_the_widest_that_fits():
    units = budget.largest_units(60_000, model_params)
    assert model_params(units) <= 60_000 < model_params(units + 1)


def test_budget_too_small_names_the_smallest_feasible_budget():
    smallest = model_params(1)
    with pytest.raises(ValueError, match=f"smallest feasible budget for this configuration is {smallest}"):
        budget.largest_units(smallest - 1, model_params)
    assert budget.largest_units(smallest, model_params) == 1


def test_feasible_pairs_cover_the_divisors_that_fit():
    pairs = budget.feasible_pairs(60_000, 8, model_params)
    assert [(w, r) for w, r, _ in pairs] == [(1, 8), (2, 4), (4, 2), (8, 1)]
    for weight_sets, repeats, units in pairs:
        assert model_params(units, weight_sets) <= 60_000 < model_params(units + 1, weight_sets)
    # At a tiny budget only the configurations with fewer weight sets fit.
    small = budget.feasible_pairs(model_params(1, 2), 8, model_params)
    assert [(w, r) for w, r, _ in small] == [(1, 8), (2, 4)]
