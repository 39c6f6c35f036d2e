"""Which rows a list keeps (no model, no store)."""

import math

from assistant.list_rows import kept_rows, membership, nearest_row, row_signals


def test_each_row_is_measured_against_the_best_row_of_its_question():
    signals = row_signals([0.6, 0.4], [0.5, 0.7], [0.5, 1.0])
    assert [round(s.topic_gap, 3) for s in signals] == [0.0, 0.2]
    assert [round(s.alignment_gap, 3) for s in signals] == [0.2, 0.0]
    assert [s.relative_coverage for s in signals] == [0.5, 1.0]
    assert [s.place for s in signals] == [0.0, math.log(2)]
    assert row_signals([], [], []) == []


def test_rows_at_or_above_the_bar_are_kept_in_their_order():
    signals = row_signals([0.6, 0.1, 0.55], [0.5, 0.5, 0.5], [1.0, 0.0, 0.9])
    weights = (-5.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0)  # the topic gap and the relative coverage only
    assert [round(membership(s, weights), 2) for s in signals] == [1.0, -2.5, 0.65]
    assert kept_rows(signals, weights, bar=0.5) == [0, 2]


def test_no_row_is_kept_when_none_reaches_the_bar():
    signals = row_signals([0.2, 0.6], [0.5, 0.5], [0.0, 0.0])
    assert kept_rows(signals, (0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0), bar=5.0) == []
    assert nearest_row(signals, (0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0)) == 1  # shown as the nearest
    assert kept_rows([], (0.0,) * 7, bar=0.0) == []


def test_settings_with_the_wrong_number_of_list_weights_are_refused():
    import pytest

    from assistant.settings import AnswerSettings

    with pytest.raises(ValueError, match="list_weights: 7 weights expected, got 1"):
        AnswerSettings(list_weights=(1.0,))
