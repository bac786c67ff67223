"""The demo people: who they are, what they like, how much they watch and write, and the lists they keep.

Tastes are affinities per genre (about -1.5 to 1.5): they decide which films a person has seen and, with the
film's standing and some noise, the ratings they gave. The first eight usernames are the ones the demo has always
had.
"""

import random
from dataclasses import dataclass, field

from imports.demo.catalogue import DemoFilm


@dataclass(frozen=True)
class ListSpec:
    """A list a person keeps: the films they rated that match, best first (ranked) or oldest first."""

    name: str
    description: str
    genres: tuple[str, ...] = ()  # films with any of these genres (none: any film)
    before: int | None = None  # released before this year
    world: bool = False  # made outside the US and Britain
    max_standing: float | None = None  # not among the most acclaimed
    size: int = 10
    ranked: bool = False
    public: bool = True
    notes: tuple[str, ...] = ()  # notes on the first items, in order; "{title}" is the film's title

    def admits(self, film: DemoFilm) -> bool:
        return (
            (not self.genres or any(genre in film.genres for genre in self.genres))
            and (self.before is None or film.year < self.before)
            and (not self.world or film.world)
            and (self.max_standing is None or film.standing <= self.max_standing)
        )


@dataclass(frozen=True)
class Persona:
    username: str
    label: str  # their taste in a few words
    bio: str
    tastes: dict[str, float]
    films: int  # how many films of the catalogue they have seen
    classic: float = 0.0  # added for films released before 1970 (negative: old films are not for them)
    recent: float = 0.0  # added for films released from 2000 on
    world: float = 0.0  # added for films made outside the US and Britain
    focus: float = 1.0  # how strongly their taste decides what they watch
    fame: float = 1.0  # how strongly famous films draw them (0: they pick films whatever their standing)
    harshness: float = 0.0  # taken off every rating
    spread: float = 1.0  # below 1: every rating drifts towards three stars
    chattiness: float = 0.35  # share of their ratings that come with a written review
    sign_offs: tuple[str, ...] = ()  # what they like to end a review with
    time_zone: str = "UTC"
    lists: tuple[ListSpec, ...] = field(default_factory=tuple)
    archetype: str | None = None  # for a quiet member: the demo person whose taste they share
    preferred: tuple[str, ...] = ()  # the genres on their profile, when not their strongest tastes

    @property
    def preferred_genres(self) -> list[str]:
        """The genres on their profile: ``preferred`` when given, else the (up to) three they like best."""
        if self.preferred:
            return list(self.preferred)
        liked = sorted((-weight, genre) for genre, weight in self.tastes.items() if weight >= 0.5)
        return [genre for _, genre in liked[:3]]

    def affinity(self, film: DemoFilm) -> float:
        """How much the film is their kind of film: the best of its genres they like, minus the worst they
        dislike, plus their leanings on age and origin."""
        weights = [self.tastes.get(genre, 0.0) for genre in film.genres]
        taste = max([0.0, *weights]) + min([0.0, *weights])
        era = self.classic if film.year < 1970 else self.recent if film.year >= 2000 else 0.0
        return taste + era + (self.world if film.world else 0.0)


PEOPLE: tuple[Persona, ...] = (
    Persona(
        username="ada",
        label="science fiction",
        bio="Sci-fi devotee. If it has spaceships, time loops or a rogue AI, I have probably seen it twice.",
        tastes={
            "Sci-Fi": 1.5,
            "Adventure": 0.3,
            "Mystery": 0.2,
            "Romance": -0.5,
            "Musical": -0.8,
            "Documentary": -0.5,
            "Western": -0.5,
            "Drama": -0.2,
        },
        films=75,
        recent=0.1,
        time_zone="Europe/London",
        lists=(
            ListSpec(
                name="Sci-fi essentials, ranked",
                description="Where I'd send anyone who says science fiction isn't for them. Best first.",
                genres=("Sci-Fi",),
                ranked=True,
                notes=(
                    "The big one. Watch it on the largest screen you can find.",
                    "Still the smartest film about what makes us human.",
                    "If this one clicks for you, the rest of the list will too.",
                ),
            ),
            ListSpec(
                name="Space, time and robots",
                description="A grab bag of favourites for when I want ideas with my popcorn.",
                genres=("Sci-Fi",),
                size=14,
            ),
        ),
    ),
    Persona(
        username="grace",
        label="classic Hollywood romance",
        bio="Classic Hollywood romantic. Give me Technicolor, a screwball script and a goodbye at a train station.",
        tastes={
            "Romance": 1.2,
            "Musical": 1.0,
            "Comedy": 0.4,
            "Drama": 0.2,
            "Horror": -1.3,
            "Sci-Fi": -0.4,
            "Action": -0.5,
            "War": -0.2,
            "Crime": -0.2,
        },
        films=75,
        classic=0.8,
        recent=-0.3,
        time_zone="America/New_York",
        sign_offs=("They really don't make them like this any more.",),
        lists=(
            ListSpec(
                name="Rainy Sunday comfort",
                description="Blanket, tea, one of these. Guaranteed to fix a grey afternoon.",
                genres=("Romance", "Musical", "Comedy"),
                size=12,
                notes=("Start here. It never fails.", "Best with someone to quote it with.", "Have tissues ready."),
            ),
            ListSpec(
                name="Golden age romance: my top 10",
                description="Love stories from before 1965, ranked after far too much deliberation.",
                genres=("Romance",),
                before=1965,
                ranked=True,
                notes=("The one I'd take to a desert island.",),
            ),
        ),
    ),
    Persona(
        username="linus",
        label="action",
        bio="Here for car chases, heists and one-liners. Practical stunts are my love language.",
        tastes={
            "Action": 1.4,
            "Adventure": 0.7,
            "Thriller": 0.5,
            "Sci-Fi": 0.3,
            "Crime": 0.2,
            "Documentary": -1.0,
            "Romance": -0.6,
            "Musical": -0.9,
            "Drama": -0.3,
        },
        films=70,
        classic=-0.5,
        recent=0.3,
        chattiness=0.25,
        time_zone="Europe/Helsinki",
    ),
    Persona(
        username="margaret",
        label="documentaries",
        bio="Documentaries first, true stories second, and I always stay for the end credits.",
        tastes={
            "Documentary": 2.0,
            "History": 0.8,
            "Music": 0.3,
            "Drama": 0.2,
            "Fantasy": -0.6,
            "Horror": -0.8,
            "Action": -0.4,
            "Sci-Fi": -0.3,
        },
        films=50,
        chattiness=0.5,
        time_zone="America/Chicago",
        lists=(
            ListSpec(
                name="Documentaries that changed my mind",
                description="Real stories that made me see something differently.",
                genres=("Documentary",),
                size=10,
                notes=(
                    "Watch it without reading anything about it first.",
                    "I think about this one every week.",
                    "Made me want to learn everything about its subject.",
                ),
            ),
        ),
    ),
    Persona(
        username="alan",
        label="crime and noir",
        bio="Noir, heists and detectives. The more rain on the windscreen, the better.",
        tastes={
            "Crime": 1.3,
            "Mystery": 0.8,
            "Thriller": 0.6,
            "Drama": 0.2,
            "Animation": -0.7,
            "Family": -0.9,
            "Musical": -0.8,
            "Fantasy": -0.4,
        },
        films=75,
        classic=0.2,
        time_zone="Europe/London",
        lists=(
            ListSpec(
                name="Noir and neo-noir, ranked",
                description="Shadows, double-crosses and bad decisions, from the forties to now.",
                genres=("Crime", "Mystery"),
                ranked=True,
                notes=(
                    "The blueprint. Everything else on this list owes it something.",
                    "The best ending of any crime film, and I won't hear otherwise.",
                ),
            ),
        ),
    ),
    Persona(
        username="barbara",
        label="animation and family films",
        bio="Parent of two, so it's mostly animation round here. Strong opinions about hand-drawn films.",
        tastes={
            "Animation": 1.5,
            "Family": 1.2,
            "Fantasy": 0.5,
            "Comedy": 0.3,
            "Horror": -1.4,
            "War": -0.7,
            "Crime": -0.6,
            "Thriller": -0.4,
        },
        films=60,
        time_zone="Europe/Berlin",
        sign_offs=("The kids approved.", "Watched with the whole family."),
        lists=(
            ListSpec(
                name="Family movie night",
                description="Tested on two children and one grandmother. Everyone stayed awake.",
                genres=("Family",),
                size=12,
                notes=(
                    "Our most requested film by a mile.",
                    "Good for ages six and up; a couple of scary bits.",
                    "The grown-ups enjoyed this one more than the kids.",
                ),
            ),
            ListSpec(
                name="Animation top 10",
                description="Hand-drawn, stop-motion and computer-animated, ranked.",
                genres=("Animation",),
                ranked=True,
            ),
        ),
    ),
    Persona(
        username="ken",
        label="horror",
        bio="Horror fan since a sleepover VHS went badly wrong. Slashers, creature features and slow-burn dread.",
        tastes={
            "Horror": 1.9,
            "Thriller": 0.5,
            "Mystery": 0.4,
            "Sci-Fi": 0.3,
            "Romance": -0.7,
            "Family": -0.8,
            "Musical": -1.0,
            "Documentary": -0.4,
            "Animation": -0.3,
        },
        films=70,
        time_zone="America/Los_Angeles",
        sign_offs=("Lights off next time.",),
        lists=(
            ListSpec(
                name="Horror for beginners",
                description="Scary, but never cruel. For friends who want to start somewhere.",
                genres=("Horror",),
                size=8,
                notes=(
                    "Start here: all atmosphere, hardly any gore.",
                    "The one that made me a horror fan.",
                    "Watch with the lights off, then again with them on.",
                ),
            ),
            ListSpec(
                name="The scariest films I know, ranked",
                description="Ranked by how long I left the landing light on afterwards.",
                genres=("Horror",),
                ranked=True,
            ),
            ListSpec(
                name="Guilty pleasures",
                description="Not the most acclaimed films around, but I'll defend every one of them.",
                max_standing=3.9,
                size=8,
                public=False,
            ),
        ),
    ),
    Persona(
        username="radia",
        label="world cinema and arthouse",
        bio="Subtitles are an invitation, not a barrier. Slow cinema, long takes and films from everywhere.",
        tastes={
            "Drama": 0.6,
            "Romance": 0.2,
            "History": 0.2,
            "Action": -0.6,
            "Family": -0.5,
            "Musical": -0.3,
            "Sci-Fi": -0.1,
        },
        films=90,
        preferred=("Drama", "History", "Romance"),
        classic=0.3,
        world=1.1,
        chattiness=0.45,
        time_zone="Europe/Paris",
        lists=(
            ListSpec(
                name="Around the world in 15 films",
                description="One passport, fifteen stamps. Oldest first.",
                world=True,
                size=15,
                notes=(
                    "Where my love of subtitles began.",
                    "Proof that a simple story can carry the whole world.",
                    "The most beautiful film on this list, maybe on any list.",
                ),
            ),
        ),
    ),
    Persona(
        username="hedy",
        label="comedy",
        bio="Life's short, so I watch comedies. Screwball, slapstick, deadpan: I'll take them all.",
        tastes={
            "Comedy": 1.4,
            "Romance": 0.3,
            "Family": 0.2,
            "Adventure": 0.1,
            "War": -0.7,
            "Horror": -0.5,
            "Documentary": -0.3,
            "History": -0.4,
        },
        films=65,
        time_zone="Australia/Sydney",
    ),
    Persona(
        username="dennis",
        label="everything, as a completist",
        bio="Completist. I log everything I watch and rate it honestly, which mostly means three stars.",
        tastes={},
        films=180,
        preferred=("Drama", "Comedy", "Thriller"),
        fame=0.2,
        spread=0.35,
        chattiness=0.2,
        sign_offs=("Another one for the log.", "Logged.", "Ticked off the list."),
    ),
    Persona(
        username="frances",
        label="westerns and war films",
        bio="Westerns and war films, preferably with a big sky and a bigger score.",
        tastes={
            "Western": 1.5,
            "War": 1.1,
            "History": 0.6,
            "Adventure": 0.4,
            "Drama": 0.1,
            "Animation": -0.6,
            "Musical": -0.4,
            "Horror": -0.5,
            "Romance": -0.2,
        },
        films=55,
        classic=0.3,
        time_zone="America/Denver",
    ),
    Persona(
        username="edsger",
        label="fantasy and epic adventure",
        bio="Swords, sorcery and epic quests. I measure films in runtime and fold-out maps.",
        tastes={
            "Fantasy": 1.4,
            "Adventure": 1.0,
            "Animation": 0.3,
            "Action": 0.3,
            "Documentary": -0.8,
            "Romance": -0.3,
            "Crime": -0.3,
        },
        films=60,
        time_zone="Europe/Amsterdam",
    ),
    Persona(
        username="katherine",
        label="mysteries and thrillers",
        bio="Whodunits, twists and unreliable narrators. I'm the one pausing the film to write down clues.",
        tastes={
            "Mystery": 1.4,
            "Thriller": 1.0,
            "Crime": 0.5,
            "Horror": 0.1,
            "Musical": -0.6,
            "Family": -0.6,
            "Animation": -0.4,
        },
        films=65,
        time_zone="America/New_York",
    ),
    Persona(
        username="tim",
        label="musicals and music films",
        bio="Musicals, concert films, biopics: anything with a killer soundtrack.",
        tastes={
            "Musical": 1.7,
            "Music": 1.7,
            "Documentary": 0.3,
            "Romance": 0.3,
            "Comedy": 0.2,
            "Horror": -0.9,
            "War": -0.5,
            "Western": -0.3,
        },
        films=50,
        time_zone="Europe/Dublin",
        lists=(
            ListSpec(
                name="Musicals for people who think they hate musicals",
                description="Trust me on these. Give each one twenty minutes.",
                genres=("Musical", "Music"),
                size=8,
                notes=("The gateway. Nobody resists the big number.", "Bring snacks; you'll want to stay."),
            ),
        ),
    ),
)

# Who blocked whom among them (the demo shows blocks too): the two never follow, like or comment on each other.
BLOCKS = (("grace", "ken"),)


# Quiet members: a few more people per taste, who rate what they watch and follow the demo person whose taste they
# share, but write nothing. With them the collaborative recommender has neighbours to learn from: a site of fourteen
# members would recommend its most watched films to everyone.
QUIET_HANDLES = {
    "ada": ("orbit_olga", "stardust_sam", "quasar_quinn"),
    "grace": ("matinee_mae", "swoon_sylvia", "velvet_vera"),
    "linus": ("turbo_theo", "stuntman_stu", "nitro_nell"),
    "margaret": ("factfinder_fay", "archive_abe", "truestory_tess"),
    "alan": ("gumshoe_gus", "fedora_flo", "alibi_al"),
    "barbara": ("cartoon_cam", "storytime_sue", "pixel_pip"),
    "ken": ("creepy_cora", "midnight_mo", "gore_gabe"),
    "radia": ("subtitle_sia", "festival_fen", "longtake_lou"),
    "hedy": ("giggle_gail", "punchline_pat", "deadpan_dot"),
    "frances": ("prairie_pete", "bugle_bea", "saddle_sol"),
    "edsger": ("dragon_dara", "quest_quill", "rune_rory"),
    "katherine": ("clue_clara", "twist_tobi", "sleuth_sid"),
    "tim": ("encore_ella", "backbeat_ben", "chorus_cleo"),
}
QUIET_BIOS = ("Mostly here to rate.", "I rate, I rarely write.", "Here for the recommendations.")


def quiet_members() -> tuple[Persona, ...]:
    """Each like the demo person they follow, their taste a little stronger or weaker, their choice of films
    decided more by that taste and less by fame."""
    members = []
    for archetype in PEOPLE:
        for handle in QUIET_HANDLES.get(archetype.username, ()):
            rng = random.Random(f"quiet:{handle}")
            members.append(
                Persona(
                    username=handle,
                    label=archetype.label,
                    bio=f"Into {archetype.label}. {rng.choice(QUIET_BIOS)}",
                    tastes={
                        genre: round(weight * rng.uniform(0.7, 1.2), 2) for genre, weight in archetype.tastes.items()
                    },
                    films=rng.randint(30, 55),
                    classic=archetype.classic,
                    recent=archetype.recent,
                    world=archetype.world,
                    focus=2.5,
                    fame=0.3,
                    chattiness=0.0,
                    time_zone=archetype.time_zone,
                    archetype=archetype.username,
                )
            )
    return tuple(members)


QUIET_MEMBERS = quiet_members()
