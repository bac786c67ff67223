"""What the demo people write: reviews composed from phrase banks by rating and genre, comments, list notes."""

import random

from imports.demo.catalogue import DemoFilm

OPENERS = {
    "top": (
        "An absolute masterpiece.",
        "Extraordinary from start to finish.",
        "This is why I love films.",
        "Flawless from the first frame to the last.",
        "I don't think I'll ever tire of this one.",
        "One of my all-time favourites.",
    ),
    "high": (
        "Really, really good.",
        "Loved this more than I expected to.",
        "Confident, sharp filmmaking.",
        "I'll be recommending this to everyone.",
        "A great watch, with only a few slack moments.",
        "Well made and very easy to like.",
    ),
    "good": (
        "Good stuff.",
        "Enjoyed this a lot, flaws and all.",
        "Very watchable.",
        "Better than I expected.",
        "A good film that's just shy of great.",
    ),
    "mid": (
        "Solid, if not quite the classic people say it is.",
        "Good in places, flat in others.",
        "Enjoyable enough, but it didn't stay with me.",
        "I admired it more than I loved it.",
        "Perfectly decent; I just never fell for it.",
        "A mixed bag, with a few moments that really work.",
    ),
    "low": (
        "Not for me, I'm afraid.",
        "I kept checking how much was left.",
        "I can see what it's going for, but it never clicked.",
        "Couldn't connect with any of it.",
        "I really wanted to like this.",
        "This one tested my patience.",
    ),
}
PRAISE = {
    "Action": ("The action is clear, inventive and thrilling.", "Set piece after set piece, and every one lands."),
    "Adventure": (
        "Pure adventure, the kind that makes you feel ten years old.",
        "A proper journey, full of wonder and danger.",
    ),
    "Animation": ("Every frame is drawn with love.", "The animation is gorgeous and the heart is bigger still."),
    "Comedy": (
        "I laughed out loud more times than I can count.",
        "The jokes still land, which is rarer than it sounds.",
    ),
    "Crime": (
        "Tight plotting and terrific dialogue, with no wasted scenes.",
        "The kind of crime story where every scene tightens the knot.",
    ),
    "Documentary": (
        "A documentary that trusts its subject and its audience.",
        "I learned something and I was moved, which is the best combination.",
    ),
    "Drama": ("The performances are quietly devastating.", "It takes its time, and earns every minute."),
    "Family": ("Watched it with the kids and all of us were hooked.", "A family film that never talks down to anyone."),
    "Fantasy": ("A world I'd happily get lost in for days.", "Pure imagination, put together with real craft."),
    "History": ("It brings its period vividly to life.", "A piece of history I'm glad to know more about."),
    "Horror": (
        "Genuinely unsettling; I slept with the landing light on.",
        "The dread builds so patiently that every scare lands.",
    ),
    "Music": ("The music is the beating heart of the film.", "Turn it up loud: the sound is half the experience."),
    "Musical": ("The numbers are a joy and I've been humming them all week.", "Every song moves the story on."),
    "Mystery": ("It kept me guessing right until the end.", "Every clue is fair, and I still didn't see it coming."),
    "Romance": ("The chemistry between the leads carries everything.", "Tender, funny and a little heartbreaking."),
    "Sci-Fi": (
        "The ideas are big and the world-building is bigger still.",
        "Proper science fiction: it makes you think, not just gasp.",
    ),
    "Thriller": ("Nerve-shredding; I forgot to breathe in places.", "The tension barely lets up."),
    "War": ("Harrowing, and it never glamorises what it shows.", "It puts you right in the mud with them."),
    "Western": (
        "Wide skies, hard choices and a story with real moral weight.",
        "They really don't make westerns like this any more.",
    ),
}
# For a film in a genre the reviewer dislikes: (a person who likes them, the films themselves).
GENRE_NOUNS = {
    "Action": ("an action", "action films"),
    "Adventure": ("an adventure", "adventure films"),
    "Animation": ("an animation", "animated films"),
    "Comedy": ("a comedy", "comedies"),
    "Crime": ("a crime film", "crime films"),
    "Documentary": ("a documentary", "documentaries"),
    "Drama": ("a slow drama", "slow dramas"),
    "Family": ("a family film", "family films"),
    "Fantasy": ("a fantasy", "fantasy films"),
    "History": ("a history", "history films"),
    "Horror": ("a horror", "horror films"),
    "Music": ("a music film", "music films"),
    "Musical": ("a musical", "musicals"),
    "Mystery": ("a mystery", "mysteries"),
    "Romance": ("a romance", "romances"),
    "Sci-Fi": ("a sci-fi", "sci-fi films"),
    "Thriller": ("a thriller", "thrillers"),
    "War": ("a war film", "war films"),
    "Western": ("a western", "westerns"),
}
GRUMBLES = (
    "I'm not really {person} person, and this didn't change my mind.",
    "Maybe {plural} just aren't for me.",
    "I keep giving {plural} a chance. Maybe next time.",
)
CLOSERS = {
    "top": ("Essential viewing.", "Already planning a rewatch.", "Straight onto my favourites."),
    "high": ("Would happily watch again.", "Recommended.", "Well worth your time."),
    "good": ("Worth your time.", "Would watch again.", "Recommended, with small reservations."),
    "mid": ("Worth a look on a quiet evening.", "Fine, but I won't rush back.", "Glad I finally saw it."),
    "low": ("One and done.", "Glad I've seen it, gladder it's over.", "Not one I'll revisit."),
}
# Longer reviews add one or two of these.
DETAILS_WARM = (
    "{star} is terrific here, and {costar} matches them scene for scene.",
    "{director} knows exactly where to put the camera.",
    "First saw this years ago, and it holds up better than I remembered.",
    "The last twenty minutes are something else.",
    "The score deserves a mention of its own.",
    "Every scene earns its place.",
)
DETAILS_COOL = (
    "{star} does what they can with it.",
    "Even {director} can't make the middle stretch work.",
    "Maybe I'd feel differently on a second viewing, but I doubt it.",
    "Beautifully shot, I'll give it that.",
)

COMMENTS = {
    "agree": (
        "Completely agree, one of my favourites too.",
        "Yes! That ending still gets me every time.",
        "Spot on. I rewatched it recently and it's still brilliant.",
        "Couldn't have put it better myself.",
    ),
    "shrug": (
        "Pretty much where I landed too.",
        "Same here: good, not great.",
        "Yes, I wanted to love it more than I did.",
    ),
    "higher": (
        "Interesting take, but I liked this a lot more than you did.",
        "I have to disagree, this one really worked for me.",
        "Give it another go some time; it grew on me on a rewatch.",
    ),
    "lower": (
        "Really? I found it a bit of a slog.",
        "I'm glad it worked for you; it left me cold.",
        "Fair enough, but I just couldn't get into it.",
    ),
    "unseen": (
        "Adding this to my watchlist.",
        "You've sold me, I'll watch it this weekend.",
        "Never seen it. Is it worth tracking down?",
        "This has been on my list for ages, thanks for the nudge.",
    ),
}
REPLIES = {
    "agree": ("Glad I'm not the only one!", "Right? It gets better every time."),
    "shrug": ("Glad it's not just me.", "Maybe it needs a second viewing."),
    "higher": ("Ha, fair enough, we can't agree on everything.", "Maybe I'll give it another chance one day."),
    "lower": ("Honestly, I went back and forth on the rating.", "Fair! It's not for everyone."),
    "unseen": ("Let me know what you think when you've seen it.", "Worth it, I promise."),
}
# A comment on a list, and the owner's possible answers.
LIST_COMMENTS = (
    ("Great list. {title} is an inspired pick.", ("Thanks! {title} deserves more love.",)),
    ("Saving this for the weekend.", ("Let me know how you get on!", "Enjoy!")),
    ("Love seeing {title} in here.", ("It had to be there!",)),
    ("I'd swap one of these for {other}, but what a list.", ("Ha, that one nearly made it.",)),
    ("Watched {title} because of this list. Thank you!", ("So glad! What did you think?",)),
    ("So many here I haven't seen. Time to get busy.", ("Let me know how you get on!",)),
)


def band(rating: float) -> str:
    if rating >= 4.5:
        return "top"
    if rating >= 4.0:
        return "high"
    if rating >= 3.5:
        return "good"
    return "mid" if rating >= 2.5 else "low"


def review_text(
    rng: random.Random,
    film: DemoFilm,
    rating: float,
    genres: tuple[str, str | None],
    *,
    long: bool,
    sign_off: str | None,
) -> str:
    """A review of ``film`` at ``rating``: an opener, a word on its genre (``genres``: the one of its genres the
    reviewer likes best, and the one they dislike if any: a grumble when they did not enjoy it), for a long review a
    detail or two, and a closer."""
    level = band(rating)
    liked, disliked = genres
    sentences = [rng.choice(OPENERS[level])]
    if disliked is not None and level in ("mid", "low"):
        person, plural = GENRE_NOUNS[disliked]
        sentences.append(rng.choice(GRUMBLES).format(person=person, plural=plural))
    elif level in ("top", "high", "good"):
        sentences.append(rng.choice(PRAISE[liked]))
    if long:
        details = [_fill(detail, film) for detail in _details(film, warm=level in ("top", "high", "good"))]
        sentences.extend(rng.sample(details, k=2))
    sentences.append(sign_off or rng.choice(CLOSERS[level]))
    return " ".join(sentences)


def _details(film: DemoFilm, *, warm: bool) -> list[str]:
    """The details that fit the film: no acting praise for a documentary, no "years ago" for a recent film."""
    acted = "Documentary" not in film.genres and len(film.cast) >= 2
    return [
        detail
        for detail in (DETAILS_WARM if warm else DETAILS_COOL)
        if (acted or "{star}" not in detail) and (film.year < 2015 or "years ago" not in detail)
    ]


def _fill(template: str, film: DemoFilm) -> str:
    return template.format(
        star=film.cast[0], costar=film.cast[1] if len(film.cast) > 1 else film.cast[0], director=film.directors[0]
    )


def comment_tone(own_rating: float | None, their_rating: float) -> str:
    """How a commenter's own rating of the film relates to the reviewer's."""
    if own_rating is None:
        return "unseen"
    if own_rating - their_rating >= 1.5:
        return "higher"
    if their_rating - own_rating >= 1.5:
        return "lower"
    return "agree" if their_rating >= 3.5 else "shrug"


def comment_text(rng: random.Random, tone: str) -> str:
    return rng.choice(COMMENTS[tone])


def reply_text(rng: random.Random, tone: str) -> str:
    return rng.choice(REPLIES[tone])


def list_comment_text(rng: random.Random, title: str, other: str) -> tuple[str, str]:
    """A comment on a list that holds ``title`` (``other``: a favourite of the commenter's that it lacks), and a
    reply from the owner that fits it."""
    comment, replies = rng.choice(LIST_COMMENTS)
    return comment.format(title=title, other=other), rng.choice(replies).format(title=title)
