"""How much scale data to build, and the prefix that marks it."""

from dataclasses import asdict, dataclass

PREFIX = "scale-"


@dataclass(frozen=True)
class Scale:
    trainees: int = 20_000
    organizations: int = 230
    courses: int = 200
    lessons: int = 2_000
    sessions: int = 1_000
    progress: int = 1_000_000
    attendance: int = 1_000_000
    enrollments_per_trainee: int = 13
    trainers: int = 40
    # One session in this many is still to come (so it has no attendance yet).
    upcoming_every: int = 5

    def as_dict(self) -> dict:
        return asdict(self)


DEFAULT_SCALE = Scale()
SMALL_SCALE = Scale(
    trainees=500,
    organizations=23,
    courses=20,
    lessons=200,
    sessions=100,
    progress=25_000,
    attendance=24_000,
    trainers=4,
)
