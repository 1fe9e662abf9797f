"""The client's report says what each result means in everyday words."""

CATEGORY_WORDS = {
    "recovered": (
        "Your scores moved from the range where people often look for help into the "
        "range most people are in, and the change is bigger than everyday ups and downs."
    ),
    "improved": "Your scores improved by more than everyday ups and downs.",
    "unchanged": "Your scores are about where they started. Change often takes time.",
    "deteriorated": (
        "Your scores are higher than when you started. This is worth talking about "
        "together in your next session."
    ),
    "harmed": (
        "Your scores have moved into a range that needs attention. Please talk this "
        "through with your therapist."
    ),
}

STATUS_WORDS = {
    "on_track": "You are where people usually are at this stage.",
    "not_on_track": (
        "Progress is slower than usual at this stage; your therapist will look at this with you."
    ),
    "too_early": "It is too early to tell how things are going.",
    "recovered": "Your scores are in the range most people are in.",
}


def category_words(category: str | None) -> str:
    return CATEGORY_WORDS.get(category or "", "There are not enough scores yet to say more.")


def status_words(status: str | None) -> str:
    return STATUS_WORDS.get(status or "", "")
