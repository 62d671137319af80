"""RAG rules and the configuration file, on hand-made cases."""

from __future__ import annotations

import pytest

from dscp_metrics.config import Config, load_config
from dscp_metrics.errors import ConfigError, UnknownIndicatorError
from dscp_metrics.indicators import get_indicator
from dscp_metrics.methods.rag import benchmark_for, rag_status

RATE = get_indicator("rereferral_rate")  # polarity lower, England benchmark
GREEN_SHARE = get_indicator("osa_green_share")  # polarity higher
SHARE = get_indicator("da_referral_share")  # polarity none


def config(tmp_path, text="", bench=None) -> Config:
    path = tmp_path / "thinktank.toml"
    path.write_text(text, encoding="utf-8")
    if bench is not None:
        (tmp_path / "benchmarks.csv").write_text(bench, encoding="utf-8")
    return load_config(path)


BENCH = (
    "indicator_id,period,area,value,source\n"
    "rereferral_rate,2023-24,England,22.4,DfE\nrereferral_rate,2024-25,England,22.6,DfE\n"
)


@pytest.mark.parametrize(
    "lower, upper, expected",
    [(18.0, 21.0, "green"), (21.0, 23.0, "amber"), (23.5, 26.0, "red"), (22.6, 25.0, "amber")],
)
def test_benchmark_comparison_gives_rag(tmp_path, lower, upper, expected):
    cfg = config(tmp_path, bench=BENCH)
    rag = rag_status(RATE, (lower + upper) / 2, lower, upper, cfg, "2024-25-Q2")
    assert rag.status == expected
    assert "England 22.6% (2024-25)" in rag.basis


def test_benchmark_falls_back_to_the_latest_earlier_year(tmp_path):
    cfg = config(tmp_path, bench=BENCH)
    assert benchmark_for(cfg, "rereferral_rate", "2025-26-Q1").period == "2024-25"
    assert benchmark_for(cfg, "rereferral_rate", "2023-24-Q4").value == 22.4
    assert benchmark_for(cfg, "rereferral_rate", "2022-23") is None
    assert benchmark_for(cfg, "da_referral_share", "2024-25") is None


@pytest.mark.parametrize(
    "assurance, n_points, lower, upper, expected",
    [
        ("consistent_pass", 24, 10, 30, "green"),
        ("inconsistent", 24, 10, 30, "amber"),
        ("consistent_fail", 24, 10, 30, "red"),
        # too few points for assurance: the interval against the target decides
        ("consistent_pass", 6, 21, 24, "red"),
        (None, 0, 15, 19, "green"),
        (None, 0, 18, 21, "amber"),
    ],
)
def test_target_uses_assurance_then_interval(tmp_path, assurance, n_points, lower, upper, expected):
    cfg = config(tmp_path, "[targets]\nrereferral_rate = 20\n", bench=BENCH)
    rag = rag_status(RATE, (lower + upper) / 2, lower, upper, cfg, "2024-25-Q1", assurance=assurance, n_points=n_points)
    assert rag.status == expected
    assert "target 20%" in rag.basis


@pytest.mark.parametrize("value, expected", [(80.0, "green"), (79.9, "amber"), (70.0, "amber"), (69.9, "red")])
def test_osa_green_share_bands(tmp_path, value, expected):
    cfg = config(tmp_path)
    reading = rag_status(GREEN_SHARE, value, value - 5, value + 5, cfg, "2024-25", breakdown="section=training")
    assert reading.status == expected


def test_osa_bands_are_configurable(tmp_path):
    cfg = config(tmp_path, "[rag.osa_green_share]\ngreen_at_least = 90\namber_at_least = 85\n")
    assert rag_status(GREEN_SHARE, 88.0, 80, 95, cfg, "2024-25").status == "amber"


def test_polarity_none_suppressed_and_missing_are_not_rated(tmp_path):
    cfg = config(tmp_path, bench=BENCH)
    assert rag_status(SHARE, 24.0, 22, 26, cfg, "2024-25").status == "not_rated"
    assert rag_status(RATE, 30.0, 25, 35, cfg, "2024-25", suppressed=True).status == "not_rated"
    assert rag_status(RATE, float("nan"), float("nan"), float("nan"), cfg, "2024-25").status == "not_rated"
    assert rag_status(get_indicator("restraint_incidents"), 40, 30, 50, cfg, "2024-25").label == "Not rated"


def test_config_defaults_and_errors(tmp_path):
    assert Config().suppression_threshold == 5
    cfg = config(tmp_path, "[suppression]\nthreshold = 10\n")
    assert cfg.suppression_threshold == 10
    with pytest.raises(ConfigError, match="threshold"):
        config(tmp_path, "[suppression]\nthreshold = 0\n")
    with pytest.raises(ConfigError, match="must be a number"):
        config(tmp_path, "[targets]\nrereferral_rate = 'low'\n")
    with pytest.raises(UnknownIndicatorError, match="did you mean 'rereferral_rate'"):
        config(tmp_path, "[targets]\nrereferal_rate = 20\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        config(tmp_path, "[targets\n")


def test_the_shipped_configuration_loads():
    cfg = load_config()
    assert cfg.suppression_threshold == 5
    bench = cfg.benchmarks()
    assert set(bench.indicator_id) == {"rereferral_rate"} and (bench.area == "England").all()
