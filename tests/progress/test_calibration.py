import numpy as np
import pytest

from strides.progress import calibrate


def synthetic_episodes(count, *, beta0, beta1, sigma, seed):
    rng = np.random.default_rng(seed)
    episodes = []
    for _ in range(count):
        intake = float(rng.integers(8, 27))
        sessions = np.arange(1, rng.integers(4, 13) + 1)
        scores = intake + (beta0 + beta1 * intake) * np.log(sessions)
        scores[1:] += rng.normal(0, sigma, len(sessions) - 1)
        episodes.append(list(zip(sessions.tolist(), scores.tolist(), strict=True)))
    return episodes


def test_recovers_known_parameters_from_synthetic_episodes():
    episodes = synthetic_episodes(400, beta0=0.5, beta1=-0.25, sigma=2.5, seed=7)
    params = calibrate(episodes)
    assert params.beta0 == pytest.approx(0.5, abs=0.3)
    assert params.beta1 == pytest.approx(-0.25, abs=0.02)
    assert params.sigma == pytest.approx(2.5, rel=0.05)
    assert params.z == 1.645
    post_intake = sum(len(episode) - 1 for episode in episodes)
    assert (
        params.source == f"calibrated on 400 finished episodes ({post_intake} post-intake scores)"
    )


def test_recovers_an_exact_curve_exactly():
    episodes = synthetic_episodes(60, beta0=1.0, beta1=-0.3, sigma=0.0, seed=1)
    params = calibrate(episodes)
    assert params.beta0 == pytest.approx(1.0)
    assert params.beta1 == pytest.approx(-0.3)
    assert params.sigma == pytest.approx(0, abs=1e-9)


def test_refuses_under_50_episodes_and_says_how_many_it_has():
    episodes = synthetic_episodes(49, beta0=0, beta1=-0.2, sigma=2, seed=3)
    with pytest.raises(ValueError, match=r"at least 50 finished episodes .* only 49 of the 49"):
        calibrate(episodes)


def test_episodes_with_a_single_score_do_not_count():
    episodes = synthetic_episodes(50, beta0=0, beta1=-0.2, sigma=2, seed=3)
    episodes[0] = episodes[0][:1]
    with pytest.raises(ValueError, match="only 49 of the 50"):
        calibrate(episodes)


def test_min_episodes_can_be_set_but_not_below_3():
    episodes = synthetic_episodes(10, beta0=0, beta1=-0.2, sigma=2, seed=3)
    assert calibrate(episodes, min_episodes=10).source.startswith("calibrated on 10")
    with pytest.raises(ValueError, match="at least 3"):
        calibrate(episodes, min_episodes=2)


def test_a_bad_episode_is_named():
    episodes = synthetic_episodes(50, beta0=0, beta1=-0.2, sigma=2, seed=3)
    episodes[4] = [(1, 18.0), (1, 17.0)]
    with pytest.raises(ValueError, match="episode 4: session 1 appears twice"):
        calibrate(episodes)


def test_identical_intakes_cannot_be_related_to_slope():
    episodes = [[(1, 18.0), (2, 16.0), (3, 15.0)] for _ in range(50)]
    with pytest.raises(ValueError, match="same intake score"):
        calibrate(episodes)
