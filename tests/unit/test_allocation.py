"""抽選 as a pure function (issue 15.3): reproducible from (applications, rule, seed), within the units on
sale, and fair: over many seeds each applicant's chance matches the rule."""

from __future__ import annotations

import random

import pytest

from shoken.allocation import Rule, allocate

SEEDS = 4_000
# Each estimated chance is a mean of 4,000 draws; its standard error is at most sqrt(0.25/4000) ≈ 0.0079,
# so 0.04 is five standard errors: a fair rule fails this by chance about once in a million runs.
TOLERANCE = 0.04


def test_the_result_is_a_function_of_applications_rule_and_seed_only() -> None:
    applications = {f"h{i:03d}": 1 + i % 5 for i in range(200)}
    shuffled = dict(random.Random(7).sample(list(applications.items()), k=len(applications)))
    for rule in Rule:
        first = allocate(applications, 300, rule, "seed-1")
        assert allocate(shuffled, 300, rule, "seed-1") == first  # the input's order does not matter
        assert allocate(applications, 300, rule, "seed-1") == first  # rerunning changes nothing
        assert allocate(applications, 300, rule, "seed-2") != first  # another seed, another draw
        assert sum(first.values()) == 300 and all(0 <= first[a] <= applications[a] for a in applications)


def test_enough_units_serve_everyone_in_full() -> None:
    applications = {"a": 3, "b": 1, "c": 5}
    for rule in Rule:
        assert allocate(applications, 9, rule, "x") == applications
        assert allocate(applications, 100, rule, "x") == applications


def test_equal_share_first_gives_everyone_a_unit_before_anyone_a_second() -> None:
    applications = {f"h{i}": 5 for i in range(10)}
    won = allocate(applications, 23, Rule.EQUAL_THEN_LOT, "s")
    assert sorted(won.values()) == [2] * 7 + [3] * 3
    small = {"a": 1, "b": 4, "c": 4}
    assert allocate(small, 7, Rule.EQUAL_THEN_LOT, "s") == {"a": 1, "b": 3, "c": 3}


@pytest.mark.parametrize(
    ("rule", "applications", "units", "chance_of_full"),
    [
        (Rule.LOT, {f"h{i}": 1 for i in range(10)}, 3, 0.3),  # 3 winners among 10
        (Rule.EQUAL_THEN_LOT, {f"h{i}": 2 for i in range(10)}, 15, 0.5),  # all get 1; 5 seconds among 10
    ],
)
def test_every_applicant_has_the_rules_chance_over_many_seeds(
    rule: Rule, applications: dict[str, int], units: int, chance_of_full: float
) -> None:
    full = dict.fromkeys(applications, 0)
    for n in range(SEEDS):
        won = allocate(applications, units, rule, f"fairness-{n}")
        assert sum(won.values()) == units
        for applicant, got in won.items():
            assert got >= (1 if rule is Rule.EQUAL_THEN_LOT else 0)
            full[applicant] += got == applications[applicant]
    for applicant, count in full.items():
        assert abs(count / SEEDS - chance_of_full) < TOLERANCE, (applicant, count / SEEDS)


def test_bad_applications_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        allocate({"a": 0}, 1, Rule.LOT, "s")
