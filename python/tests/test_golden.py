"""Reference values from the papers (the same ones the Rust tests check), through Python.

Each test names its source; none takes its expected value from isoflop's own output.
"""

import math

import numpy as np
import pytest

import isoflop


def test_hoffmann2022_law_values_match_the_printed_constants():
    # Hoffmann et al. 2022 (arXiv:2203.15556), Eq. 10: E = 1.69, A = 406.4, B = 410.7,
    # alpha = 0.34, beta = 0.28. Evaluated independently with numpy.
    h = isoflop.ChinchillaHypothesis.hoffmann2022()
    n = np.array([[70e9], [280e9], [6.7e9]])
    d = np.array([1.4e12, 300e9, 1e12])
    expected = 1.69 + 406.4 / n ** 0.34 + 410.7 / d ** 0.28
    np.testing.assert_allclose(h.loss(n, d), expected, rtol=1e-13)
    # Strings in field notation are the same numbers.
    assert h.loss("70B", "1.4T") == h.loss(70e9, 1.4e12)
    # Eq. 4 with a = beta/(alpha+beta) = 0.45161: N_opt grows as C^0.4516.
    n1, _ = h.optimal(1e22)
    n2, _ = h.optimal(1e24)
    assert math.log(n2 / n1, 100) == pytest.approx(0.28 / 0.62, rel=1e-12)


def test_kaplan2020_hand_computation():
    # Kaplan et al. 2020 (arXiv:2001.08361), Eq. 1.5 with Table 2 constants, by hand:
    # ((6.4e13 / 1.5e9)^(0.076/0.103) + 1.8e13 / 2.3e10)^0.103 = 2.310064.
    h = isoflop.KaplanHypothesis.kaplan2020()
    expected = ((6.4e13 / 1.5e9) ** (0.076 / 0.103) + 1.8e13 / 2.3e10) ** 0.103
    assert h.loss(1.5e9, 2.3e10) == pytest.approx(expected, abs=1e-12)
    assert h.loss(1.5e9, 2.3e10) == pytest.approx(2.310064102326748, abs=1e-12)


def test_muennighoff2023_published_check_value():
    # Muennighoff et al. 2023, the check value of their code's README (huggingface/datablations):
    # L(N = 6.34e9, D = 242e9, U_D = 25e9) = 2.2256440889984477.
    h = isoflop.DataConstrainedHypothesis.muennighoff2023(25e9)
    assert h.loss(6.34e9, 242e9) == pytest.approx(2.2256440889984477, abs=1e-12)


# Hoffmann et al. 2022, Table 3 (Approach 1): params, FLOPs, tokens as printed.
TABLE3 = [("400M", "1.92e19", "8.0B"), ("1B", "1.21e20", "20.2B"), ("10B", "1.23e22", "205.1B"),
          ("520B", "3.43e25", "11.0T"), ("1T", "1.27e26", "21.2T"), ("10T", "1.30e28", "216.2T")]


@pytest.mark.parametrize("n,c,d", TABLE3)
def test_chinchilla_table3_rows_are_6nd(n, c, d):
    # These six rows agree with C = 6ND at the printed 3 significant figures.
    c6 = isoflop.training_flops(n, d)
    assert float(f"{float(c6):.2e}") == float(c)


def test_chinchilla_table3_67b_row_implies_1_43t_tokens():
    # The 67B row does not: 5.76e23 FLOPs / (6 x 67B) = 1.43T tokens, not the printed 1.5T.
    assert str(isoflop.tokens_for_flops("67B", "5.76e23")) == "1.43T"


def test_llama_table15_gpu_hours():
    # Touvron et al. 2023 (LLaMA), Table 15: 1,022,362 A100-80GB GPU-hours for the 65B;
    # Sec. 2.4: ~380 tokens/s/GPU on 2048 GPUs, 1.4T tokens in about 21 days.
    run = isoflop.published_run("LLaMA-65B")
    assert run.gpu_hours == 1_022_362
    assert run.tokens == 1.4e12
    cluster = isoflop.Cluster("A100-80GB", 2048, tokens_per_second=380)
    hours = cluster.gpu_hours(run.params, run.tokens)
    assert abs(hours / 1_022_362 - 1) < 0.002
    assert round(cluster.days(run.params, run.tokens)) == 21
    # Table 15 ratios: 65B / 7B = 12.4x GPU-hours.
    r7 = isoflop.published_run("LLaMA-7B")
    assert round(run.gpu_hours / r7.gpu_hours, 1) == 12.4


def test_besiroglu2024_refit_from_a_dataframe():
    # Besiroglu et al. 2024 (arXiv:2404.10102), Table 1: A = 482.01, B = 2085.43,
    # E = 1.8169, alpha = 0.3478, beta = 0.3659 (tolerances as the Rust test's, each well
    # under a quarter of the published standard error).
    df = isoflop.chinchilla_runs(as_frame=True)
    assert len(df) == 240
    fit = isoflop.fit_chinchilla(df)
    law = fit.law
    assert fit.converged and fit.status == "Converged"
    assert abs(law.a / 482.01 - 1) < 0.03
    assert abs(law.b / 2085.43 - 1) < 0.05
    assert abs(law.e - 1.8169) < 0.005
    assert abs(law.alpha - 0.3478) < 0.002
    assert abs(law.beta - 0.3659) < 0.002
