"""Settings of the worker processes the fault tests start: the test settings, with tasks
going to RQ on ``REDIS_URL`` as in production."""

from academy.settings.env import tasks_config
from academy.settings.test import *  # noqa: F403
from academy.settings.test import REDIS_URL

TASKS = tasks_config(REDIS_URL)
